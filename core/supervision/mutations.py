"""Mutations of process control (contract: ../shared/contract/supervision.graphql): meetings,
campaigns, checklist runs, inspections, spot checks, findings and bulletins, each in one
transaction."""

from __future__ import annotations

import strawberry

from core.graphql.context import Info
from core.graphql.mutations import transact
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
from core.supervision.inputs import (
    AddInspectionTeamInput,
    AdvanceFindingInput,
    AnswerChecklistStepInput,
    BulletinPayload,
    CampaignPayload,
    ChecklistRunPayload,
    CompleteChecklistRunInput,
    CorrectBulletinInput,
    CreateCampaignInput,
    CreateInspectionInput,
    DrawSpotCheckInput,
    DrawSpotCheckPayload,
    FindingPayload,
    InspectionPayload,
    InspectionTeamPayload,
    InspectionVisitPayload,
    MeetingPayload,
    PublishBulletinInput,
    PublishInspectionBulletinInput,
    RecordFindingInput,
    RecordInspectionVisitInput,
    RecordMeetingInput,
    StartChecklistRunInput,
    attachment_keys,
    key_of,
)


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
                task_id=key_of(input.task_id, "Task"),
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
                run_id=key_of(input.run_id, "ChecklistRun"),
                step_code=input.step_code,
                value=input.answer.value,
                note=input.note,
                attachment_ids=attachment_keys(input.attachment_ids),
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
                run_id=key_of(input.run_id, "ChecklistRun"),
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
            spot_check_id=key_of(input.spot_check_id, "SpotCheck"),
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
            finding_id=key_of(input.id, "Finding"),
            status=input.status.value,
            note=input.note,
            expected_version=input.expected_version,
            attachment_ids=attachment_keys(input.attachment_ids),
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
                spot_check_id=key_of(input.spot_check_id, "SpotCheck"),
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
                bulletin_id=key_of(input.bulletin_id, "Bulletin"),
                note=input.note,
                timezone=info.context.settings.timezone,
            ),
        )
        return BulletinPayload(bulletin=found, errors=errors)  # type: ignore[arg-type]
