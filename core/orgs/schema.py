"""Query and mutation fields of the organisation domain."""

from __future__ import annotations

import asyncio

import strawberry

from core.graphql import ids
from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info
from core.graphql.errors import CodedError, UserError, not_found
from core.graphql.mutations import transact
from core.graphql.node import Node, loader_for
from core.orgs import forcemap, loaders, service, tree
from core.orgs.forcemap_types import ForceMap, ForceMapRoot
from core.orgs.rows import (
    OrgRow,
    org_row,
)
from core.orgs.types import CategoryT, OrganizationT, PositionT, SectorType


@strawberry.input(
    description="Organisation search; every criterion is optional and they are AND-ed."
)
class OrganizationFilter:
    within_code: str | None = strawberry.field(
        default=None, description="The organisation with this code and its whole subtree."
    )
    category_code: str | None = None
    sector_code: str | None = None
    name_contains: str | None = None


async def _node(info: Info, global_id: str) -> Node | None:
    parsed = ids.decode(global_id)
    key = None if parsed is None else ids.type_key(*parsed)
    if parsed is None or key is None:
        return None
    factory = loader_for(parsed[0])
    if factory is None:
        return None
    found: Node | None = await info.context.loader(factory).load(key)
    return found


@strawberry.type
class OrgQuery:
    @strawberry.field(
        description="One organisation by `code` or global `id` (null if not visible)."
    )
    async def organization(
        self, info: Info, code: str | None = None, id: strawberry.ID | None = None
    ) -> OrganizationT | None:
        info.context.require_principal()
        if code is not None:
            return await info.context.loader(loaders.OrgByCodeLoader).load(code)
        if id is not None:
            key = ids.decode_int(id, "Organization")
            return (
                None if key is None else await info.context.loader(loaders.OrgByIdLoader).load(key)
            )
        return None

    @strawberry.field(
        description="Organisations you can see, filtered, ordered by code; `first` 1–100."
    )
    async def organizations(
        self,
        info: Info,
        filter: OrganizationFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[OrganizationT]:
        principal = info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        criteria = service.OrgFilter(
            within_code=filter.within_code if filter else None,
            category_code=filter.category_code if filter else None,
            sector_code=filter.sector_code if filter else None,
            name_contains=filter.name_contains if filter else None,
        )
        async with info.context.engine.connect() as conn:
            rows, total = await service.search(
                conn=conn, principal=principal, criteria=criteria, offset=offset, limit=limit
            )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]

    @strawberry.field(description="Any object by its global id (null if missing or not visible).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        info.context.require_principal()
        return await _node(info, id)

    @strawberry.field(description="Objects by global ids, in order (at most 100).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        info.context.require_principal()
        if len(ids) > 100:
            raise CodedError("nodes 一次最多 100 个 id", "BAD_PAGE_SIZE")
        return list(await asyncio.gather(*(_node(info, one) for one in ids)))  # one batch per type

    @strawberry.field(description="The force map of a subtree: required posts, filled, vacant.")
    async def force_map(self, info: Info, within_code: str) -> ForceMap | None:
        principal = info.context.require_principal()
        today = info.context.today()
        async with info.context.engine.connect() as conn:
            root = await service.get_by_code(conn=conn, principal=principal, code=within_code)
            if root is None:
                return None
            found = await forcemap.survey(
                conn=conn, principal=principal, root_id=root.id, today=today
            )
        return ForceMapRoot(  # type: ignore[return-value]
            principal=principal,
            root_id=root.id,
            today=today,
            totals=found.totals,
            understaffed=found.understaffed,
        )

    @strawberry.field(description="The organisation categories, ordered; `first` 1–100.")
    async def categories(
        self, info: Info, first: int = 100, after: str | None = None
    ) -> Connection[CategoryT]:
        info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        async with info.context.engine.connect() as conn:
            rows = await service.categories(conn=conn)
        return page(rows[offset : offset + limit + 1], offset=offset, first=limit, total=len(rows))

    @strawberry.field(description="The sectors and their lead departments; `first` 1–100.")
    async def sectors(
        self, info: Info, first: int = 100, after: str | None = None
    ) -> Connection[SectorType]:
        info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        async with info.context.engine.connect() as conn:
            rows = await service.sectors(conn=conn)
        return page(rows[offset : offset + limit + 1], offset=offset, first=limit, total=len(rows))  # type: ignore[arg-type]

    @strawberry.field(description="One position of the catalogue by code.")
    async def position(self, info: Info, code: str) -> PositionT | None:
        info.context.require_principal()
        async with info.context.engine.connect() as conn:
            return await service.position_by_code(conn=conn, code=code)  # type: ignore[return-value]


@strawberry.input
class UpdateOrganizationInput:
    id: strawberry.ID
    expected_version: int = strawberry.field(
        description="The `version` you read; stale → CONFLICT."
    )
    name: str | None = None
    category_code: str | None = None
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="Move the organisation (and its subtree) under this parent."
    )


@strawberry.input
class CreateOrganizationInput:
    code: str
    name: str
    category_code: str
    parent_code: str
    sector_code: str | None = None


@strawberry.type
class OrganizationPayload:
    organization: OrganizationT | None
    errors: list[UserError]


def _bad_id(field: str) -> list[UserError]:
    return not_found(field, "组织不存在或不可见 (organisation not found)")


@strawberry.type
class OrgMutation:
    @strawberry.mutation(
        description="Rename, recategorise or move an organisation. Needs `orgs.manage`."
    )
    async def update_organization(
        self, info: Info, input: UpdateOrganizationInput
    ) -> OrganizationPayload:
        principal = info.context.require_principal()
        org_id = ids.decode_int(input.id, "Organization")
        if org_id is None:
            return OrganizationPayload(organization=None, errors=_bad_id("id"))
        parent_id = None
        if input.parent_id is not None:
            parent_id = ids.decode_int(input.parent_id, "Organization")
            if parent_id is None:
                return OrganizationPayload(organization=None, errors=_bad_id("parentId"))
        org, errors = await transact(
            info.context,
            lambda session: tree.update_org(
                session=session,
                principal=principal,
                org_id=org_id,
                expected_version=input.expected_version,
                name=input.name,
                category_code=input.category_code,
                parent_id=parent_id,
            ),
        )
        return OrganizationPayload(organization=org_row(org) if org else None, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Add an organisation under a parent. Needs `orgs.manage`.")
    async def create_organization(
        self, info: Info, input: CreateOrganizationInput
    ) -> OrganizationPayload:
        principal = info.context.require_principal()
        parent: OrgRow | None = await info.context.loader(loaders.OrgByCodeLoader).load(
            input.parent_code
        )
        if parent is None:
            return OrganizationPayload(organization=None, errors=_bad_id("parentCode"))
        org, errors = await transact(
            info.context,
            lambda session: tree.create(
                session=session,
                principal=principal,
                code=input.code,
                name=input.name,
                category_code=input.category_code,
                parent_id=parent.id,
                sector_code=input.sector_code,
            ),
        )
        return OrganizationPayload(organization=org_row(org) if org else None, errors=errors)  # type: ignore[arg-type]
