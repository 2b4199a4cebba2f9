"""GraphQL types of meetings and their attendance."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import Parent

from core.audit.scopes import register_entity
from core.auth.principal import Principal
from core.graphql import ids
from core.graphql.context import Info
from core.orgs import loaders as org_loaders
from core.orgs.types import OrganizationT
from core.supervision.access import inside_scope
from core.supervision.models import Meeting, MeetingAttendance


@strawberry.type(name="MeetingAttendance", description="Whether an expected organisation came.")
class AttendanceType:
    present: bool
    note: str

    @strawberry.field(description="Null when outside your scope.")
    async def organization(
        self, root: Parent[MeetingAttendance], info: Info
    ) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)


@strawberry.type(name="Meeting", description="A meeting with minutes and attendance.")
class MeetingType:
    kind: str = strawberry.field(
        description="LEADING_GROUP, JOINT_CONFERENCE or SECRETARY_TELECONFERENCE."
    )
    title: str
    held_on: dt.date
    minutes: str

    @strawberry.field
    def id(self, root: Parent[Meeting]) -> strawberry.ID:
        return strawberry.ID(ids.encode("Meeting", root.id))

    @strawberry.field(description="The host organisation.")
    async def organization(self, root: Parent[Meeting], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(description="Every expected organisation, by code order of id.")
    async def attendance(self, root: Parent[Meeting], info: Info) -> list[AttendanceType]:
        async with info.context.sessions() as session:
            found = await session.scalars(
                select(MeetingAttendance)
                .where(MeetingAttendance.meeting_id == root.id)
                .order_by(MeetingAttendance.organization_id)
            )
            return list(found)  # type: ignore[arg-type]

    @strawberry.field(description="Present ÷ expected.")
    async def attendance_rate(self, root: Parent[Meeting], info: Info) -> float:
        async with info.context.sessions() as session:
            rows = list(
                await session.scalars(
                    select(MeetingAttendance.present).where(MeetingAttendance.meeting_id == root.id)
                )
            )
        return round(sum(rows) / len(rows), 4) if rows else 0.0


async def _meeting_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    if not key.isdigit():
        return False
    found = await conn.execute(
        select(Meeting.id).where(
            Meeting.id == int(key), inside_scope(principal, Meeting.organization_id)
        )
    )
    return found.first() is not None


register_entity("Meeting", _meeting_visible)
