"""Queries of process control (contract: ../shared/contract/supervision.graphql); the
mutations are in `core.supervision.mutations`, their inputs in `core.supervision.inputs`."""

from __future__ import annotations

import enum

import strawberry
from sqlalchemy import select

from core.graphql.connection import Connection
from core.graphql.context import Info
from core.graphql.paging import paged
from core.orgs.models import Organization, OrgClosure
from core.orgs.scope import visible
from core.supervision import (
    findings,
)
from core.supervision.access import inside_scope, root_visible, shown_procedure, shown_run
from core.supervision.campaign_types import CampaignType
from core.supervision.inputs import key_of
from core.supervision.inspection_types import InspectionType
from core.supervision.loaders import BulletinByIdLoader, FindingByIdLoader, SpotCheckByIdLoader
from core.supervision.meeting_types import MeetingType
from core.supervision.models import (
    Bulletin,
    Campaign,
    ChecklistRun,
    Finding,
    Inspection,
    Meeting,
    Procedure,
    SpotCheck,
)
from core.supervision.run_types import RunType
from core.supervision.types import (
    BulletinType,
    FindingStatus,
    FindingType,
    ProcedureType,
    SpotCheckType,
    finding_page,
    findings_where,
)


@strawberry.enum(description="An operating procedure or an inspection checklist.")
class ProcedureKind(enum.Enum):
    PROCEDURE = "PROCEDURE"
    CHECKLIST = "CHECKLIST"


@strawberry.type
class SupervisionQuery:
    @strawberry.field(description="Meetings hosted inside your scope or above it, newest first.")
    async def meetings(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[MeetingType]:
        principal = info.context.require_principal()
        where = inside_scope(principal, Meeting.organization_id)
        order = (Meeting.held_on.desc(), Meeting.id.desc())
        found = await paged(info, Meeting, where=[where], order=order, first=first, after=after)
        return found  # type: ignore[return-value]

    @strawberry.field(description="A campaign reaching into your scope.")
    async def campaign(self, info: Info, code: str) -> CampaignType | None:
        principal = info.context.require_principal()
        async with info.context.sessions() as session:
            found = await session.scalar(
                select(Campaign).where(
                    Campaign.code == code, inside_scope(principal, Campaign.root_id)
                )
            )
        return found  # type: ignore[return-value]

    @strawberry.field(description="A checklist run of an organisation you can see.")
    async def checklist_run(self, info: Info, id: strawberry.ID) -> RunType | None:
        principal = info.context.require_principal()
        key = key_of(id, "ChecklistRun")
        if key is None:
            return None
        async with info.context.sessions() as session:
            found = await session.scalar(
                select(ChecklistRun).where(
                    ChecklistRun.id == key,
                    ChecklistRun.organization_id.in_(
                        select(Organization.id).where(visible(principal))
                    ),
                    shown_run(ChecklistRun.procedure_id),
                )
            )
        return found  # type: ignore[return-value]

    @strawberry.field(description="A special inspection you can see (its root is yours).")
    async def inspection(self, info: Info, code: str) -> InspectionType | None:
        principal = info.context.require_principal()
        async with info.context.sessions() as session:
            found = await session.scalar(
                select(Inspection).where(
                    Inspection.code == code, root_visible(principal, Inspection.root_id)
                )
            )
        return found  # type: ignore[return-value]

    @strawberry.field(description="Special inspections you can see, newest first.")
    async def inspections(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[InspectionType]:
        principal = info.context.require_principal()
        where = root_visible(principal, Inspection.root_id)
        order = (Inspection.starts_on.desc(), Inspection.id.desc())
        found = await paged(info, Inspection, where=[where], order=order, first=first, after=after)
        return found  # type: ignore[return-value]

    @strawberry.field(
        description="Live operating procedures and inspection checklists (a short list), by "
        "library order; `categoryCode` keeps those for that category (or for any)."
    )
    async def procedures(
        self, info: Info, kind: ProcedureKind | None = None, category_code: str | None = None
    ) -> list[ProcedureType]:
        info.context.require_principal()
        async with info.context.sessions() as session:
            rows = await session.scalars(
                select(Procedure)
                .where(Procedure.retired_at.is_(None), shown_procedure())
                .order_by(Procedure.library_id, Procedure.sort_order, Procedure.code)
            )
            found = [
                p
                for p in rows
                if (kind is None or p.kind == kind.value)
                and (category_code is None or not p.categories or category_code in p.categories)
            ]
        return found  # type: ignore[return-value]

    @strawberry.field(description="A procedure or checklist by code (null if none or retired).")
    async def procedure(self, info: Info, code: str) -> ProcedureType | None:
        info.context.require_principal()
        async with info.context.sessions() as session:
            found = await session.scalar(
                select(Procedure).where(
                    Procedure.code == code, Procedure.retired_at.is_(None), shown_procedure()
                )
            )
        return found  # type: ignore[return-value]

    @strawberry.field(description="A spot check you can see (its root organisation is yours).")
    async def spot_check(self, info: Info, id: strawberry.ID) -> SpotCheckType | None:
        key = key_of(id, "SpotCheck")
        if key is None:
            return None
        return await info.context.loader(SpotCheckByIdLoader).load(key)  # type: ignore[return-value]

    @strawberry.field(
        description="Spot checks you can see, newest first; `withinCode` keeps those drawn "
        "within that organisation's subtree."
    )
    async def spot_checks(
        self, info: Info, within_code: str | None = None, first: int = 20, after: str | None = None
    ) -> Connection[SpotCheckType]:
        principal = info.context.require_principal()
        where = [root_visible(principal, SpotCheck.root_id)]
        if within_code is not None:
            where.append(
                SpotCheck.root_id.in_(
                    select(OrgClosure.descendant_id)
                    .join(Organization, Organization.id == OrgClosure.ancestor_id)
                    .where(Organization.code == within_code)
                )
            )
        order = (SpotCheck.drawn_at.desc(), SpotCheck.id.desc())
        found = await paged(info, SpotCheck, where=where, order=order, first=first, after=after)
        return found  # type: ignore[return-value]

    @strawberry.field(description="A finding of an organisation you can see.")
    async def finding(self, info: Info, id: strawberry.ID) -> FindingType | None:
        key = key_of(id, "Finding")
        if key is None:
            return None
        return await info.context.loader(FindingByIdLoader).load(key)  # type: ignore[return-value]

    @strawberry.field(
        description="Findings of the organisations you can see (within `withinCode`'s subtree "
        "if given), newest first; `status` keeps one state, `overdue: true` those not "
        "rectified past their deadline."
    )
    async def findings(
        self,
        info: Info,
        within_code: str | None = None,
        status: FindingStatus | None = None,
        overdue: bool | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[FindingType]:
        principal = info.context.require_principal()
        where = findings_where(principal)
        if within_code is not None:
            where.append(
                Finding.organization_id.in_(
                    select(OrgClosure.descendant_id)
                    .join(Organization, Organization.id == OrgClosure.ancestor_id)
                    .where(Organization.code == within_code)
                )
            )
        if status is not None:
            where.append(Finding.status == status.value)
        if overdue is not None:
            late = Finding.status.in_(findings.OPEN_STATUSES) & (
                Finding.rectify_by < info.context.today()
            )
            where.append(late if overdue else ~late)
        return await finding_page(info, where, first, after)

    @strawberry.field(description="A bulletin published inside your scope.")
    async def bulletin(self, info: Info, id: strawberry.ID) -> BulletinType | None:
        key = key_of(id, "Bulletin")
        if key is None:
            return None
        return await info.context.loader(BulletinByIdLoader).load(key)  # type: ignore[return-value]

    @strawberry.field(
        description="Bulletins published inside your scope (by you or above you), newest first."
    )
    async def bulletins(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[BulletinType]:
        principal = info.context.require_principal()
        where = inside_scope(principal, Bulletin.root_id)
        order = (Bulletin.published_at.desc(), Bulletin.id.desc())
        found = await paged(info, Bulletin, where=[where], order=order, first=first, after=after)
        return found  # type: ignore[return-value]
