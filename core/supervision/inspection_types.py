"""GraphQL types of special inspections: teams, visits and their per-item results."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import Parent

from core.audit.scopes import register_entity
from core.auth.principal import Principal
from core.graphql import ids
from core.graphql.connection import Connection
from core.graphql.context import Info
from core.graphql.paging import paged
from core.orgs import loaders as org_loaders
from core.orgs.models import Organization, OrgClosure
from core.orgs.types import OrganizationT
from core.supervision.access import root_visible
from core.supervision.loaders import (
    AssignedOrgsByTeamIdLoader,
    ResultsByVisitIdLoader,
    TeamByIdLoader,
    TeamsByInspectionIdLoader,
)
from core.supervision.models import (
    Finding,
    Inspection,
    InspectionTeam,
    InspectionVisit,
    Procedure,
    ProcedureStep,
    VisitResult,
)
from core.supervision.types import ProcedureType


@strawberry.enum(description="The result of one checklist item at a visit.")
class ItemResult(enum.Enum):
    COMPLIANT = "COMPLIANT"
    PARTIAL = "PARTIAL"
    NON_COMPLIANT = "NON_COMPLIANT"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@strawberry.type(name="InspectionTeam", description="An inspection team (督查组).")
class TeamType:
    code: str
    name: str
    leader: str
    members: list[str]

    @strawberry.field(description="Assigned organisations (each with its whole subtree).")
    async def organizations(self, root: Parent[InspectionTeam], info: Info) -> list[OrganizationT]:
        return await info.context.loader(AssignedOrgsByTeamIdLoader).load(root.id)  # type: ignore[return-value]


@strawberry.type(name="VisitItemResult", description="One checklist item's result at a visit.")
class VisitItemType:
    item_code: str
    item_title: str
    result: ItemResult
    note: str


@strawberry.type(name="InspectionVisit", description="A team's visit to one organisation.")
class VisitType:
    visited_on: dt.date
    note: str
    version: int = strawberry.field(description="Pass as `expectedVersion` to re-record it.")

    @strawberry.field
    async def organization(self, root: Parent[InspectionVisit], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(description="The team whose assignment covers the organisation.")
    async def team(self, root: Parent[InspectionVisit], info: Info) -> TeamType | None:
        if root.team_id is None:
            return None
        return await info.context.loader(TeamByIdLoader).load(root.team_id)  # type: ignore[return-value]

    @strawberry.field(description="A result per checklist item, in the checklist's order.")
    async def results(self, root: Parent[InspectionVisit], info: Info) -> list[VisitItemType]:
        found: list[tuple[VisitResult, ProcedureStep]] = await info.context.loader(
            ResultsByVisitIdLoader
        ).load(root.id)
        return [
            VisitItemType(
                item_code=step.code,
                item_title=step.title,
                result=ItemResult(result.result),
                note=result.note,
            )
            for result, step in found
        ]


@strawberry.type(name="InspectionProgress", description="How far an inspection has got.")
class ProgressType:
    expected: int = strawberry.field(description="Organisations it covers.")
    visited: int
    findings: int


@strawberry.type(name="Inspection", description="A special inspection (专项督查).")
class InspectionType:
    code: str
    title: str
    period: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    version: int

    @strawberry.field
    def id(self, root: Parent[Inspection]) -> strawberry.ID:
        return strawberry.ID(ids.encode("Inspection", root.id))

    @strawberry.field(description="The checklist each visit answers.")
    async def checklist(self, root: Parent[Inspection], info: Info) -> ProcedureType:
        async with info.context.sessions() as session:
            found = await session.get(Procedure, root.procedure_id)
        return found  # type: ignore[return-value]

    @strawberry.field(description="The organisation whose subtree it covers.")
    async def within(self, root: Parent[Inspection], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.root_id)

    @strawberry.field
    async def teams(self, root: Parent[Inspection], info: Info) -> list[TeamType]:
        return await info.context.loader(TeamsByInspectionIdLoader).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Visits, most recent first; `first` is 1–100.")
    async def visits(
        self, root: Parent[Inspection], info: Info, first: int = 20, after: str | None = None
    ) -> Connection[VisitType]:
        where = [InspectionVisit.inspection_id == root.id]
        order = (InspectionVisit.visited_on.desc(), InspectionVisit.id.desc())
        found = await paged(
            info, InspectionVisit, where=where, order=order, first=first, after=after
        )
        return found  # type: ignore[return-value]

    @strawberry.field
    async def progress(self, root: Parent[Inspection], info: Info) -> ProgressType:
        async with info.context.sessions() as session:
            covered = select(func.count()).select_from(OrgClosure)
            covered = covered.join(Organization, Organization.id == OrgClosure.descendant_id)
            covered = covered.where(OrgClosure.ancestor_id == root.root_id, OrgClosure.distance > 0)
            if root.category_id is not None:
                covered = covered.where(Organization.category_id == root.category_id)
            expected = await session.scalar(covered)
            visited = await session.scalar(
                select(func.count())
                .select_from(InspectionVisit)
                .where(InspectionVisit.inspection_id == root.id)
            )
            findings = await session.scalar(
                select(func.count()).select_from(Finding).where(Finding.inspection_id == root.id)
            )
        return ProgressType(expected=expected or 0, visited=visited or 0, findings=findings or 0)


async def _inspection_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    if not key.isdigit():
        return False
    found = await conn.execute(
        select(Inspection.id).where(
            Inspection.id == int(key), root_visible(principal, Inspection.root_id)
        )
    )
    return found.first() is not None


register_entity("Inspection", _inspection_visible)
