"""GraphQL types of the organisation domain. Leaf fields are plain record attributes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import Parent

from core.graphql import ids
from core.graphql.connection import Connection, check_first, page, parse_after, selects
from core.graphql.context import Info
from core.graphql.node import Node, register_node
from core.orgs import loaders
from core.orgs.rows import (
    AssignmentRow,
    CategoryRow,
    FrameworkRow,
    OrgRow,
    PositionRow,
    SectorRow,
)

if TYPE_CHECKING:  # resolvers return records; strawberry sees the composed types
    CategoryT = CategoryRow
    OrganizationT = OrgRow
    PositionT = PositionRow
else:
    # composed after plugins load (gateway.schema.build_schema); names resolve lazily
    OrganizationT = Annotated["Organization", strawberry.lazy("core.graphql.composed")]  # noqa: F821
    CategoryT = Annotated["OrgCategory", strawberry.lazy("core.graphql.composed")]  # noqa: F821
    PositionT = Annotated["Position", strawberry.lazy("core.graphql.composed")]  # noqa: F821


@strawberry.type(name="Sector", description="A sector with its lead department and its plugin.")
class SectorType:
    code: str
    name: str
    name_en: str
    plugin: str | None = strawberry.field(description="The plugin that brings this sector's data.")

    @strawberry.field(
        description="The department that leads this sector (null outside your scope)."
    )
    async def lead_department(self, root: Parent[SectorRow], info: Info) -> OrganizationT | None:
        if root.lead_department_id is None:
            return None
        return await info.context.loader(loaders.OrgByIdLoader).load(root.lead_department_id)

    @strawberry.field(
        description=(
            "Every department that leads this sector (牵头部门), the principal one first; "
            "those outside your scope are left out."
        )
    )
    async def lead_departments(self, root: Parent[SectorRow], info: Info) -> list[OrganizationT]:
        loader = info.context.loader(loaders.LeadDepartmentsBySectorIdLoader)
        return await loader.load(root.id)  # type: ignore[return-value]


@strawberry.type(description="A category of organisation (town, community, …).")
class CategoryFields:
    code: str
    name: str
    name_en: str
    plugin: str | None

    @strawberry.field
    async def sector(self, root: Parent[CategoryRow], info: Info) -> SectorType | None:
        if root.sector_id is None:
            return None
        return await info.context.loader(loaders.SectorByIdLoader).load(root.sector_id)  # type: ignore[return-value]


@strawberry.type(description="A post type of a category, e.g. 乡镇党委书记.")
class PositionFields:
    code: str
    name: str
    name_en: str
    principal: bool = strawberry.field(description="A principal post of its staffing framework.")

    @strawberry.field
    async def category(self, root: Parent[PositionRow], info: Info) -> CategoryT:
        found = await info.context.loader(loaders.CategoryByIdLoader).load(root.category_id)
        assert found is not None, "position without category"
        return found  # type: ignore[return-value]


@strawberry.type(name="Person", description="A person who may hold positions.")
class PersonType:
    code: str
    name: str


@strawberry.type(name="Assignment", description="A person holds a position in an organisation.")
class AssignmentType:
    since: dt.date
    until: dt.date | None
    version: int

    @strawberry.field
    def id(self, root: Parent[AssignmentRow]) -> strawberry.ID:
        return strawberry.ID(ids.encode("Assignment", root.id))

    @strawberry.field
    async def person(self, root: Parent[AssignmentRow], info: Info) -> PersonType | None:
        return await info.context.loader(loaders.PersonByIdLoader).load(root.person_id)  # type: ignore[return-value]

    @strawberry.field
    async def position(self, root: Parent[AssignmentRow], info: Info) -> PositionT | None:
        return await info.context.loader(loaders.PositionByIdLoader).load(root.position_id)

    @strawberry.field(description="Null when the organisation is outside your scope.")
    async def organization(self, root: Parent[AssignmentRow], info: Info) -> OrganizationT | None:
        return await info.context.loader(loaders.OrgByIdLoader).load(root.organization_id)


@strawberry.type(name="FrameworkRequirement", description="A required position and head count.")
class RequirementType:
    position: PositionT
    count: int


@strawberry.type(name="StaffingFramework", description="Which positions a category must fill.")
class FrameworkType:
    code: str
    name: str

    @strawberry.field
    async def requirements(self, root: Parent[FrameworkRow], info: Info) -> list[RequirementType]:
        reqs = await info.context.loader(loaders.RequirementsByFrameworkIdLoader).load(root.id)
        return [RequirementType(position=pos, count=count) for pos, count in reqs]  # type: ignore[arg-type]


@strawberry.type(description="An organisation of the tree (city → district → town → village).")
class OrganizationFields(Node):
    code: str = strawberry.field(
        description="Business code: administrative division code or credit code."
    )
    name: str
    depth: int = strawberry.field(description="0 for the city, 1 for districts, …")
    version: int = strawberry.field(description="Pass as `expectedVersion` when you change it.")

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, OrgRow)

    @strawberry.field  # type: ignore[misc]
    def id(self, root: Parent[OrgRow]) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(ids.encode("Organization", root.id))

    @strawberry.field
    async def category(self, root: Parent[OrgRow], info: Info) -> CategoryT:
        found = await info.context.loader(loaders.CategoryByIdLoader).load(root.category_id)
        assert found is not None, "organisation without category"
        return found  # type: ignore[return-value]

    @strawberry.field
    async def sector(self, root: Parent[OrgRow], info: Info) -> SectorType | None:
        if root.sector_id is None:
            return None
        return await info.context.loader(loaders.SectorByIdLoader).load(root.sector_id)  # type: ignore[return-value]

    @strawberry.field(description="Null at the root and at the edge of your scope.")
    async def parent(self, root: Parent[OrgRow], info: Info) -> OrganizationT | None:
        if root.parent_id is None:
            return None
        return await info.context.loader(loaders.OrgByIdLoader).load(root.parent_id)

    @strawberry.field(description="Ancestors within your scope, the top one first.")
    async def ancestors(self, root: Parent[OrgRow], info: Info) -> list[OrganizationT]:
        return await info.context.loader(loaders.AncestorsByOrgIdLoader).load(root.id)  # type: ignore[return-value]

    @strawberry.field(
        description="Direct children, by category (the catalogue's order) then code; "
        "`categoryCode` keeps one category; `first` is 1–100."
    )
    async def children(
        self,
        root: Parent[OrgRow],
        info: Info,
        first: int = 50,
        after: str | None = None,
        category_code: str | None = None,
    ) -> Connection[OrganizationT]:
        offset = parse_after(after)
        limit = check_first(first)
        rows = await info.context.loader(loaders.ChildrenPageLoader).load(
            (root.id, offset, limit + 1, category_code)
        )
        total = None
        if selects(info, "totalCount"):
            total = await info.context.loader(loaders.ChildCountLoader).load(
                (root.id, category_code)
            )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]

    @strawberry.field(description="Who holds which post here; `current` hides ended terms.")
    async def assignments(
        self,
        root: Parent[OrgRow],
        info: Info,
        current: bool = True,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[AssignmentType]:
        offset = parse_after(after)
        limit = check_first(first)
        key = (root.id, current, offset, limit + 1)
        rows = await info.context.loader(loaders.AssignmentsPageLoader).load(key)
        total = None
        if selects(info, "totalCount"):
            total = await info.context.loader(loaders.AssignmentCountLoader).load(
                (root.id, current)
            )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]


register_node(OrgRow, "Organization", loaders.OrgByIdLoader)
