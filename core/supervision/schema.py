"""Queries and mutations of process control (contract: ../shared/contract/supervision.graphql)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from sqlalchemy import select

from core.graphql import ids
from core.graphql.connection import Connection
from core.graphql.context import Info
from core.graphql.errors import UserError
from core.graphql.mutations import transact
from core.graphql.paging import paged
from core.orgs.models import Organization, OrgClosure
from core.orgs.scope import visible
from core.supervision import (
    bulletins,
    campaigns,
    findings,
    inspection_bulletins,
    inspections,
    meetings,
    runs,
    spotchecks,
)
from core.supervision.access import inside_scope, root_visible
from core.supervision.campaign_types import CampaignType
from core.supervision.inspection_types import InspectionType, ItemResult, TeamType, VisitType
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
from core.supervision.run_types import RunType, StepAnswer
from core.supervision.types import (
    BulletinType,
    FindingStatus,
    FindingType,
    ProcedureType,
    Severity,
    SpotCheckType,
    finding_page,
    findings_where,
)


def _key(global_id: str | None, type_name: str) -> int | None:
    return None if global_id is None else ids.decode_int(global_id, type_name)


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
        key = _key(id, "ChecklistRun")
        if key is None:
            return None
        async with info.context.sessions() as session:
            found = await session.scalar(
                select(ChecklistRun).where(
                    ChecklistRun.id == key,
                    ChecklistRun.organization_id.in_(
                        select(Organization.id).where(visible(principal))
                    ),
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
                .where(Procedure.retired_at.is_(None))
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
                select(Procedure).where(Procedure.code == code, Procedure.retired_at.is_(None))
            )
        return found  # type: ignore[return-value]

    @strawberry.field(description="A spot check you can see (its root organisation is yours).")
    async def spot_check(self, info: Info, id: strawberry.ID) -> SpotCheckType | None:
        key = _key(id, "SpotCheck")
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
        key = _key(id, "Finding")
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
        key = _key(id, "Bulletin")
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


@strawberry.input
class DrawSpotCheckInput:
    title: str
    within_code: str = strawberry.field(description="The organisation whose subtree is drawn.")
    category_code: str | None = strawberry.field(
        default=None, description="Draw only organisations of this category."
    )
    sample_size: int = strawberry.field(description="1–1000, at most the population.")
    seed: str | None = strawberry.field(
        default=None,
        description="A decimal integer 0 … 2^63−1 (default: random). The same seed over the "
        "same population draws the same sample.",
    )
    exclude_checked_within_months: int | None = strawberry.field(
        default=None,
        description="Leave out organisations drawn in the last N months (0–60; default: the "
        "setting DUTYGRAPH_SPOT_CHECK_EXCLUDE_MONTHS).",
    )


@strawberry.type
class DrawSpotCheckPayload:
    spot_check: SpotCheckType | None
    errors: list[UserError]


@strawberry.input
class RecordFindingInput:
    spot_check_id: strawberry.ID
    organization_code: str = strawberry.field(description="One of the organisations drawn.")
    severity: Severity
    description: str
    rectify_by: dt.date = strawberry.field(description="The deadline (today or later).")


@strawberry.type
class FindingPayload:
    finding: FindingType | None
    errors: list[UserError]


@strawberry.input
class AdvanceFindingInput:
    id: strawberry.ID
    status: FindingStatus = strawberry.field(
        description="The next state: RECTIFYING and RECTIFIED by the organisation "
        "(`supervision.rectify`), VERIFIED and REOPENED by the inspector (`supervision.inspect`)."
    )
    note: str
    expected_version: int
    attachment_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Evidence uploaded through /uploads (at most 20)."
    )


@strawberry.input
class PublishBulletinInput:
    spot_check_id: strawberry.ID


@strawberry.input
class PublishInspectionBulletinInput:
    inspection_code: str


@strawberry.input
class CorrectBulletinInput:
    bulletin_id: strawberry.ID
    note: str = strawberry.field(description="What the correction changes, and why.")


@strawberry.type
class BulletinPayload:
    bulletin: BulletinType | None
    errors: list[UserError]


def _attachments(values: list[strawberry.ID] | None) -> tuple[int, ...]:
    keys = [ids.decode_int(v, "Attachment") for v in values or []]
    return tuple(-1 if key is None else key for key in keys)


@strawberry.input
class CreateInspectionInput:
    code: str = strawberry.field(description="Stable key, e.g. DC-2026-FIXED-DAY.")
    title: str
    checklist_code: str = strawberry.field(description="An inspection checklist's code.")
    within_code: str = strawberry.field(description="The organisation whose subtree it covers.")
    category_code: str | None = strawberry.field(
        default=None, description="Visit only organisations of this category."
    )
    period: str = strawberry.field(description="e.g. 2026-09 or 2026Q3.")
    starts_on: dt.date
    ends_on: dt.date


@strawberry.type
class InspectionPayload:
    inspection: InspectionType | None
    errors: list[UserError]


@strawberry.input
class AddInspectionTeamInput:
    inspection_code: str
    code: str
    name: str
    leader: str = ""
    members: list[str]
    organization_codes: list[str] = strawberry.field(
        description="Assigned organisations; each brings its whole subtree (three levels: "
        "assign a district's streets, their communities come with them)."
    )


@strawberry.type
class InspectionTeamPayload:
    team: TeamType | None
    errors: list[UserError]


@strawberry.input
class VisitItemInput:
    item_code: str
    result: ItemResult
    note: str = strawberry.field(default="", description="Required unless COMPLIANT or N/A.")


@strawberry.input
class RecordInspectionVisitInput:
    inspection_code: str
    organization_code: str
    visited_on: dt.date
    note: str = ""
    results: list[VisitItemInput]
    rectify_by: dt.date | None = strawberry.field(
        default=None, description="Deadline of the findings it raises (default: 30 days)."
    )
    expected_version: int = strawberry.field(description="0 for a new visit.")


@strawberry.type
class InspectionVisitPayload:
    visit: VisitType | None
    errors: list[UserError]


@strawberry.input
class StartChecklistRunInput:
    procedure_code: str
    organization_code: str
    due_on: dt.date | None = None
    task_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The calendar task this run evidences: a task you see, of the same "
        "organisation (and of a duty the procedure serves). Completing the run completes it.",
    )


@strawberry.input
class AnswerChecklistStepInput:
    run_id: strawberry.ID
    step_code: str
    answer: StepAnswer
    note: str = strawberry.field(default="", description="Required unless DONE.")
    attachment_ids: list[strawberry.ID] | None = None
    expected_version: int


@strawberry.input
class CompleteChecklistRunInput:
    run_id: strawberry.ID
    expected_version: int


@strawberry.type
class ChecklistRunPayload:
    run: RunType | None
    errors: list[UserError]


@strawberry.input
class CampaignItemInput:
    code: str
    title: str
    owner: str = strawberry.field(default="", description="Who answers for it (e.g. 组织部).")
    due_on: dt.date


@strawberry.input
class CreateCampaignInput:
    code: str
    title: str
    within_code: str
    starts_on: dt.date
    ends_on: dt.date
    items: list[CampaignItemInput]
    organization_codes: list[str] = strawberry.field(
        description="Organisations that carry the tasks (each gets one task per item)."
    )


@strawberry.type
class CampaignPayload:
    campaign: CampaignType | None
    errors: list[UserError]


@strawberry.input
class AttendanceInput:
    organization_code: str
    present: bool
    note: str = ""


@strawberry.input
class RecordMeetingInput:
    kind: str = strawberry.field(
        description="LEADING_GROUP, JOINT_CONFERENCE or SECRETARY_TELECONFERENCE."
    )
    title: str
    organization_code: str = strawberry.field(description="The host.")
    held_on: dt.date
    minutes: str = ""
    attendance: list[AttendanceInput] = strawberry.field(
        description="Every organisation expected (within the host's subtree)."
    )


@strawberry.type
class MeetingPayload:
    meeting: MeetingType | None
    errors: list[UserError]


@strawberry.type
class SupervisionMutation:
    @strawberry.mutation(
        description="Record a meeting with its minutes and the attendance of each expected "
        "organisation. Needs `supervision.manage` over the host."
    )
    async def record_meeting(self, info: Info, input: RecordMeetingInput) -> MeetingPayload:
        principal = info.context.require_principal()
        attendance = [
            meetings.Attendance(a.organization_code, a.present, a.note) for a in input.attendance
        ]
        found, errors = await transact(
            info.context,
            lambda session: meetings.record(
                session=session,
                principal=principal,
                kind=input.kind,
                title=input.title,
                host_code=input.organization_code,
                held_on=input.held_on,
                minutes=input.minutes,
                attendance=attendance,
            ),
        )
        return MeetingPayload(meeting=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Create a campaign: one calendar task per item and organisation (reminders, "
        "evidence and completion as for any task). Needs `supervision.manage` over the root."
    )
    async def create_campaign(self, info: Info, input: CreateCampaignInput) -> CampaignPayload:
        principal = info.context.require_principal()
        request = campaigns.CampaignRequest(
            code=input.code,
            title=input.title,
            within_code=input.within_code,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            items=[campaigns.ItemSpec(i.code, i.title, i.owner, i.due_on) for i in input.items],
            organization_codes=input.organization_codes,
        )
        found, errors = await transact(
            info.context,
            lambda session: campaigns.create(session=session, principal=principal, request=request),
        )
        return CampaignPayload(campaign=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Start working through a procedure for an organisation (a checklist run). "
        "Needs `supervision.rectify` over the organisation. `taskId` links the calendar task "
        "it evidences (NOT_FOUND when you do not see it, INVALID when of another "
        "organisation or duty, or cancelled)."
    )
    async def start_checklist_run(
        self, info: Info, input: StartChecklistRunInput
    ) -> ChecklistRunPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: runs.start(
                session=session,
                principal=principal,
                procedure_code=input.procedure_code,
                organization_code=input.organization_code,
                due_on=input.due_on,
                today=info.context.today(),
                task_id=_key(input.task_id, "Task"),
                with_task=input.task_id is not None,
            ),
        )
        return ChecklistRunPayload(run=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Answer one step of an open run (DONE, NOT_DONE, N/A).")
    async def answer_checklist_step(
        self, info: Info, input: AnswerChecklistStepInput
    ) -> ChecklistRunPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: runs.answer(
                session=session,
                principal=principal,
                run_id=_key(input.run_id, "ChecklistRun"),
                step_code=input.step_code,
                value=input.answer.value,
                note=input.note,
                attachment_ids=_attachments(input.attachment_ids),
                expected_version=input.expected_version,
            ),
        )
        return ChecklistRunPayload(run=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Complete a run whose every step is answered; the calendar task it "
        "evidences (if any, and still open) is completed with a record naming the run."
    )
    async def complete_checklist_run(
        self, info: Info, input: CompleteChecklistRunInput
    ) -> ChecklistRunPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: runs.complete(
                session=session,
                principal=principal,
                run_id=_key(input.run_id, "ChecklistRun"),
                expected_version=input.expected_version,
                today=info.context.today(),
            ),
        )
        return ChecklistRunPayload(run=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Open a special inspection of one checklist over a subtree. Needs "
        "`supervision.manage` over its root."
    )
    async def create_inspection(
        self, info: Info, input: CreateInspectionInput
    ) -> InspectionPayload:
        principal = info.context.require_principal()
        request = inspections.InspectionRequest(
            code=input.code,
            title=input.title,
            checklist_code=input.checklist_code,
            within_code=input.within_code,
            category_code=input.category_code,
            period=input.period,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
        )
        found, errors = await transact(
            info.context,
            lambda session: inspections.create(
                session=session, principal=principal, request=request
            ),
        )
        return InspectionPayload(inspection=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Form an inspection team (e.g. one of a district's six teams of retired "
        "cadres) and assign it organisations. Needs `supervision.manage`."
    )
    async def add_inspection_team(
        self, info: Info, input: AddInspectionTeamInput
    ) -> InspectionTeamPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: inspections.add_team(
                session=session,
                principal=principal,
                inspection_code=input.inspection_code,
                code=input.code,
                name=input.name,
                leader=input.leader,
                members=input.members,
                organization_codes=input.organization_codes,
            ),
        )
        return InspectionTeamPayload(team=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Record a visit: a result per checklist item. NON_COMPLIANT and PARTIAL "
        "items become findings (once per item). Needs `supervision.inspect` over the "
        "organisation; `expectedVersion` 0 for a new visit."
    )
    async def record_inspection_visit(
        self, info: Info, input: RecordInspectionVisitInput
    ) -> InspectionVisitPayload:
        principal = info.context.require_principal()
        items = [inspections.ItemResult(r.item_code, r.result.value, r.note) for r in input.results]
        found, errors = await transact(
            info.context,
            lambda session: inspections.record_visit(
                session=session,
                principal=principal,
                inspection_code=input.inspection_code,
                organization_code=input.organization_code,
                visited_on=input.visited_on,
                note=input.note,
                results=items,
                rectify_by=input.rectify_by,
                expected_version=input.expected_version,
            ),
        )
        return InspectionVisitPayload(visit=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Draw a random spot check: a sample of the organisations under `withinCode` "
        "(optionally one category), stratified by the root's children, without replacement, "
        "leaving out those drawn recently. Needs `supervision.manage` over the root."
    )
    async def draw_spot_check(self, info: Info, input: DrawSpotCheckInput) -> DrawSpotCheckPayload:
        principal = info.context.require_principal()
        request = spotchecks.DrawRequest(
            title=input.title,
            within_code=input.within_code,
            category_code=input.category_code,
            sample_size=input.sample_size,
            seed=input.seed,
            exclude_months=input.exclude_checked_within_months,
        )
        check, errors = await transact(
            info.context,
            lambda session: spotchecks.draw_spot_check(
                session=session,
                principal=principal,
                request=request,
                default_exclude_months=info.context.settings.spot_check_exclude_months,
            ),
        )
        return DrawSpotCheckPayload(spot_check=check, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Record a finding of a spot check on one of the organisations it drew. "
        "Needs `supervision.inspect` over the organisation."
    )
    async def record_finding(self, info: Info, input: RecordFindingInput) -> FindingPayload:
        principal = info.context.require_principal()
        request = findings.FindingRequest(
            spot_check_id=_key(input.spot_check_id, "SpotCheck"),
            organization_code=input.organization_code,
            severity=input.severity.value,
            description=input.description,
            rectify_by=input.rectify_by,
        )
        found, errors = await transact(
            info.context,
            lambda session: findings.record_finding(
                session=session, principal=principal, request=request, today=info.context.today()
            ),
        )
        return FindingPayload(finding=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Move a finding one step on: IDENTIFIED → RECTIFYING → RECTIFIED → VERIFIED, "
        "or REOPENED (then RECTIFYING again), with a note; a stale `expectedVersion` is a "
        "CONFLICT."
    )
    async def advance_finding(self, info: Info, input: AdvanceFindingInput) -> FindingPayload:
        principal = info.context.require_principal()
        request = findings.AdvanceRequest(
            finding_id=_key(input.id, "Finding"),
            status=input.status.value,
            note=input.note,
            expected_version=input.expected_version,
            attachment_ids=_attachments(input.attachment_ids),
        )
        found, errors = await transact(
            info.context,
            lambda session: findings.advance(
                session=session, principal=principal, request=request, today=info.context.today()
            ),
        )
        return FindingPayload(finding=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Publish a spot check's bulletin: the draw and the findings with their "
        "status, frozen. Visible to everyone inside the spot check's subtree. Needs "
        "`supervision.manage` over it; a second publication is refused (correct it instead)."
    )
    async def publish_bulletin(self, info: Info, input: PublishBulletinInput) -> BulletinPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: bulletins.publish(
                session=session,
                principal=principal,
                spot_check_id=_key(input.spot_check_id, "SpotCheck"),
                timezone=info.context.settings.timezone,
            ),
        )
        return BulletinPayload(bulletin=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Publish a special inspection's bulletin: the organisations visited and "
        "the findings with their status, frozen. Needs `supervision.manage` over its root."
    )
    async def publish_inspection_bulletin(
        self, info: Info, input: PublishInspectionBulletinInput
    ) -> BulletinPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: inspection_bulletins.publish(
                session=session, principal=principal, inspection_code=input.inspection_code
            ),
        )
        return BulletinPayload(bulletin=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Publish a correction of a bulletin: a new bulletin from the records as "
        "they are now, pointing at the one it corrects (which never changes)."
    )
    async def correct_bulletin(self, info: Info, input: CorrectBulletinInput) -> BulletinPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: bulletins.correct(
                session=session,
                principal=principal,
                bulletin_id=_key(input.bulletin_id, "Bulletin"),
                note=input.note,
                timezone=info.context.settings.timezone,
            ),
        )
        return BulletinPayload(bulletin=found, errors=errors)  # type: ignore[arg-type]
