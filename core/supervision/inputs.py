"""Inputs and payloads of process control's mutations, and the decoding of their ids."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.graphql import ids
from core.graphql.errors import UserError
from core.supervision.campaign_types import CampaignType
from core.supervision.inspection_types import InspectionType, ItemResult, TeamType, VisitType
from core.supervision.meeting_types import MeetingType
from core.supervision.run_types import RunType, StepAnswer
from core.supervision.types import (
    BulletinType,
    FindingStatus,
    FindingType,
    Severity,
    SpotCheckType,
)


def key_of(global_id: str | None, type_name: str) -> int | None:
    """The row key of a global id of `type_name` (None: absent, malformed or another type)."""
    return None if global_id is None else ids.decode_int(global_id, type_name)


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


def attachment_keys(values: list[strawberry.ID] | None) -> tuple[int, ...]:
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
