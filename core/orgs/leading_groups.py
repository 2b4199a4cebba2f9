"""Leading groups (领导小组): chair, vice-chairs, office posts and member units (M1)."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import strawberry
from sqlalchemy import func, select
from strawberry import Parent

from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info
from core.graphql.loaders import ContextLoader
from core.orgs import loaders
from core.orgs.models import LeadingGroup, LeadingGroupMember, Organization
from core.orgs.scope import visible
from core.orgs.types import OrganizationT, PersonType


@strawberry.enum(description="A seat in a leading group.")
class LeadingGroupRole(enum.Enum):
    CHAIR = "CHAIR"
    VICE_CHAIR = "VICE_CHAIR"
    OFFICE_DIRECTOR = "OFFICE_DIRECTOR"
    OFFICE_DEPUTY = "OFFICE_DEPUTY"
    MEMBER_UNIT = "MEMBER_UNIT"


class GroupRow(NamedTuple):
    id: int
    code: str
    name: str
    organization_id: int
    office_id: int | None


class SeatRow(NamedTuple):
    id: int
    leading_group_id: int
    role: str
    organization_id: int | None
    person_id: int | None
    title: str


GROUP_COLUMNS = tuple(getattr(LeadingGroup, name) for name in GroupRow._fields)
SEAT_COLUMNS = tuple(getattr(LeadingGroupMember, name) for name in SeatRow._fields)


class SeatsByGroupIdLoader(ContextLoader[int, list[SeatRow]]):
    """Every seat of each leading group (a group has a few dozen at most)."""

    async def fetch(self, keys: list[int]) -> Sequence[list[SeatRow]]:
        stmt = (
            select(*SEAT_COLUMNS)
            .where(LeadingGroupMember.leading_group_id.in_(keys))
            .order_by(LeadingGroupMember.leading_group_id, LeadingGroupMember.id)
        )
        grouped: dict[int, list[SeatRow]] = defaultdict(list)
        for row in await self.ctx.rows(stmt):
            seat = SeatRow._make(row)
            grouped[seat.leading_group_id].append(seat)
        return [grouped.get(key, []) for key in keys]


@strawberry.type(name="LeadingGroupSeat", description="A person or member unit in a leading group.")
class SeatType:
    title: str

    @strawberry.field
    def role(self, root: Parent[SeatRow]) -> LeadingGroupRole:
        return LeadingGroupRole(root.role)

    @strawberry.field
    async def person(self, root: Parent[SeatRow], info: Info) -> PersonType | None:
        if root.person_id is None:
            return None
        return await info.context.loader(loaders.PersonByIdLoader).load(root.person_id)  # type: ignore[return-value]

    @strawberry.field(
        description="The member unit (null for a person's seat or outside your scope)."
    )
    async def organization(self, root: Parent[SeatRow], info: Info) -> OrganizationT | None:
        if root.organization_id is None:
            return None
        return await info.context.loader(loaders.OrgByIdLoader).load(root.organization_id)


@strawberry.type(
    name="LeadingGroup", description="A leading group for accountability (city or district)."
)
class GroupType:
    code: str
    name: str

    @strawberry.field(description="The organisation the group leads (the city or a district).")
    async def organization(self, root: Parent[GroupRow], info: Info) -> OrganizationT | None:
        return await info.context.loader(loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(description="The group's office (办公室).")
    async def office(self, root: Parent[GroupRow], info: Info) -> OrganizationT | None:
        if root.office_id is None:
            return None
        return await info.context.loader(loaders.OrgByIdLoader).load(root.office_id)

    @strawberry.field(description="Seats, optionally of one role (a group has a few dozen).")
    async def seats(
        self, root: Parent[GroupRow], info: Info, role: LeadingGroupRole | None = None
    ) -> list[SeatType]:
        seats = await info.context.loader(SeatsByGroupIdLoader).load(root.id)
        return [s for s in seats if role is None or s.role == role.value]  # type: ignore[misc]


@strawberry.type
class LeadingGroupQuery:
    @strawberry.field(description="Leading groups of organisations you can see; `first` 1–100.")
    async def leading_groups(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[GroupType]:
        principal = info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        scoped = (
            select(*GROUP_COLUMNS)
            .join(Organization, Organization.id == LeadingGroup.organization_id)
            .where(visible(principal))
        )
        total_stmt = select(func.count()).select_from(scoped.subquery())
        rows_stmt = scoped.order_by(LeadingGroup.code).offset(offset).limit(limit + 1)
        async with info.context.engine.connect() as conn:
            total = (await conn.execute(total_stmt)).scalar_one()
            rows = [GroupRow._make(row) for row in await conn.execute(rows_stmt)]
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]
