"""GraphQL types of the force map."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import strawberry
from strawberry import Parent

from core.auth.principal import Principal
from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info
from core.orgs import forcemap, loaders
from core.orgs.types import FrameworkType, OrganizationT, PositionT


@strawberry.type(description="An organisation whose staffing framework is not fully staffed.")
class UnderstaffedOrganization:
    @strawberry.field
    async def organization(
        self, root: Parent[forcemap.Understaffed], info: Info
    ) -> OrganizationT | None:
        return await info.context.loader(loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field
    async def framework(
        self, root: Parent[forcemap.Understaffed], info: Info
    ) -> FrameworkType | None:
        return await info.context.loader(loaders.FrameworkByIdLoader).load(root.framework_id)  # type: ignore[return-value]

    @strawberry.field(description="The required positions with fewer holders than required.")
    async def missing(self, root: Parent[forcemap.Understaffed], info: Info) -> list[PositionT]:
        found = await info.context.loader(loaders.PositionByIdLoader).load_many(
            list(root.missing_position_ids)
        )
        return [pos for pos in found if pos is not None]  # type: ignore[misc]


@dataclass(frozen=True)
class ForceMapRoot:
    """The subtree a force map covers, with its totals."""

    principal: Principal
    root_id: int
    today: dt.date
    totals: forcemap.ForceMapTotals
    understaffed: list[forcemap.Understaffed] | None = None
    """Every understaffed organisation, when already read with the totals (forcemap.survey)."""


@strawberry.type(description="Required posts vs holders over a subtree (the 力量图谱).")
class ForceMap:
    @strawberry.field(description="Organisations in the subtree (itself included).")
    def organizations(self, root: Parent[ForceMapRoot]) -> int:
        return root.totals.organizations

    @strawberry.field(description="Posts the staffing frameworks require.")
    def positions(self, root: Parent[ForceMapRoot]) -> int:
        return root.totals.positions

    @strawberry.field(description="Required posts with a holder today.")
    def filled(self, root: Parent[ForceMapRoot]) -> int:
        return root.totals.filled

    @strawberry.field(description="Required posts without a holder today.")
    def vacant(self, root: Parent[ForceMapRoot]) -> int:
        return root.totals.vacant

    @strawberry.field(description="Understaffed organisations, by code; `first` is 1–100.")
    async def understaffed(
        self, root: Parent[ForceMapRoot], info: Info, first: int = 50, after: str | None = None
    ) -> Connection[UnderstaffedOrganization]:
        offset = parse_after(after)
        limit = check_first(first)
        if root.understaffed is not None:
            found = root.understaffed
            window = found[offset : offset + limit + 1]
            return page(window, offset=offset, first=limit, total=len(found))  # type: ignore[arg-type]
        async with info.context.engine.connect() as conn:
            items, total = await forcemap.understaffed(
                conn=conn,
                principal=root.principal,
                root_id=root.root_id,
                today=root.today,
                offset=offset,
                limit=limit,
            )
        return page(items, offset=offset, first=limit, total=total)  # type: ignore[arg-type]
