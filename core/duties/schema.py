"""GraphQL types of the responsibility lists and the fields they add to core types."""

from __future__ import annotations

import enum

import strawberry
from strawberry import Parent

from core.auth.schema import ViewerRoot
from core.duties import coordinates, loaders
from core.duties.library import MAX_DUTIES
from core.duties.rows import DescriptionRow, DutyRow, ManualRow
from core.graphql import ids
from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info
from core.graphql.node import Node, register_node
from core.orgs import loaders as org_loaders
from core.orgs.rows import CategoryRow, PositionRow
from core.orgs.types import OrganizationT, PositionT


@strawberry.enum(
    description="How often a duty recurs (the calendar follows `rrule`): ON_DEMAND whenever "
    "the occasion arises, TERM once per term of office, CONTINUOUS a standing duty."
)
class DutyFrequency(enum.StrEnum):
    YEARLY = "YEARLY"
    HALF_YEARLY = "HALF_YEARLY"
    QUARTERLY = "QUARTERLY"
    MONTHLY = "MONTHLY"
    WEEKLY = "WEEKLY"
    DAILY = "DAILY"
    ONCE = "ONCE"
    ON_DEMAND = "ON_DEMAND"
    TERM = "TERM"
    CONTINUOUS = "CONTINUOUS"


@strawberry.type(name="Duty", description="One duty of a responsibility list (责任清单).")
class DutyType(Node):
    code: str = strawberry.field(description="Stable business key, e.g. `TOWN-03`.")
    title: str
    detail: str = strawberry.field(description="What to do, how, and what counts as done.")
    source: str = strawberry.field(
        description="The regulation and article the duty rests on, e.g. 《…条例》第十九条."
    )
    frequency: DutyFrequency
    rrule: str | None = strawberry.field(
        description="iCalendar RRULE (subset) the work calendar instantiates; null if none."
    )
    lead_days: int = strawberry.field(description="Days before the due date a task opens.")

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, DutyRow)

    @strawberry.field  # type: ignore[misc]
    def id(self, root: Parent[DutyRow]) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(ids.encode("Duty", root.id))

    @strawberry.field(
        description="The organisation that owns it, when listed for a post (`viewer.duties`); "
        "null in a category's description, a position's manual, or outside your scope."
    )
    async def organization(self, root: Parent[DutyRow], info: Info) -> OrganizationT | None:
        if root.organization_id is None:
            return None
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(
        description="The position whose holder does it; null for an organisation's duty."
    )
    async def position(self, root: Parent[DutyRow], info: Info) -> PositionT | None:
        if root.position_id is None:
            return None
        return await info.context.loader(org_loaders.PositionByIdLoader).load(root.position_id)


@strawberry.type(
    name="DutyDescription",
    description="The duty description (主要职责描述书) of an organisation category.",
)
class DescriptionType:
    title: str

    @strawberry.field(description=f"The duties in order (at most {MAX_DUTIES}; not paged).")
    async def duties(self, root: Parent[DescriptionRow], info: Info) -> list[DutyType]:
        loader = info.context.loader(loaders.DutiesByDescriptionIdLoader)
        return await loader.load(root.id)  # type: ignore[return-value]


@strawberry.type(name="DutyManual", description="The duty manual (党建履职说明书) of a position.")
class ManualType:
    title: str

    @strawberry.field(description=f"The duties in order (at most {MAX_DUTIES}; not paged).")
    async def duties(self, root: Parent[ManualRow], info: Info) -> list[DutyType]:
        loader = info.context.loader(loaders.DutiesByManualIdLoader)
        return await loader.load(root.id)  # type: ignore[return-value]


@strawberry.type
class CategoryDutyFields:
    @strawberry.field(description="What an organisation of this category is responsible for.")
    async def duty_description(
        self, root: Parent[CategoryRow], info: Info
    ) -> DescriptionType | None:
        loader = info.context.loader(loaders.DescriptionByCategoryIdLoader)
        return await loader.load(root.id)  # type: ignore[return-value]


@strawberry.type
class PositionDutyFields:
    @strawberry.field(description="What the holder of this position must do.")
    async def manual(self, root: Parent[PositionRow], info: Info) -> ManualType | None:
        loader = info.context.loader(loaders.ManualByPositionIdLoader)
        return await loader.load(root.id)  # type: ignore[return-value]


@strawberry.type
class ViewerDutyFields:
    @strawberry.field(
        description="Your responsibility coordinates: for each post you hold today, its "
        "organisation's category duties (`position` null) and the post's manual duties; "
        "`first` 1–100."
    )
    async def duties(
        self, root: Parent[ViewerRoot], info: Info, first: int = 50, after: str | None = None
    ) -> Connection[DutyType]:
        offset, limit = parse_after(after), check_first(first)
        principal = root.principal
        if principal.person_id is None:
            return page([], offset=offset, first=limit, total=0)
        async with info.context.engine.connect() as conn:
            rows = await coordinates.person_duties(
                conn=conn,
                principal=principal,
                person_id=principal.person_id,
                today=info.context.today(),
            )
        return page(rows[offset : offset + limit + 1], offset=offset, first=limit, total=len(rows))  # type: ignore[arg-type]


register_node(DutyRow, "Duty", loaders.DutyByIdLoader)
