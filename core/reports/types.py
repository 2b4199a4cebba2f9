"""GraphQL types of the indicator reports. Leaf fields are plain record attributes."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from strawberry import Parent

from core.graphql import ids
from core.graphql.connection import PageInfo
from core.graphql.context import Info
from core.orgs import loaders as org_loaders
from core.orgs.types import OrganizationT
from core.reports import loaders
from core.reports.catalog import FormDef
from core.reports.flags import Flag
from core.reports.rows import IndicatorRow, SheetRow


@strawberry.enum(description="TARGET (year start), PROGRESS (each period), RESULT (year end).")
class ReportPhase(enum.Enum):
    TARGET = "TARGET"
    PROGRESS = "PROGRESS"
    RESULT = "RESULT"


@strawberry.enum(description="How often the form's progress sheets come.")
class ReportPeriodType(enum.Enum):
    YEARLY = "YEARLY"
    QUARTERLY = "QUARTERLY"
    MONTHLY = "MONTHLY"


@strawberry.enum(description="NUMBER, PERCENTAGE (0–100), COUNT (whole numbers), YES_NO (1/0).")
class IndicatorValueType(enum.Enum):
    NUMBER = "NUMBER"
    PERCENTAGE = "PERCENTAGE"
    COUNT = "COUNT"
    YES_NO = "YES_NO"


@strawberry.enum(
    description="Z_SCORE |x−mean|/sd (default threshold 3.0); MOD_Z_SCORE 0.6745·|x−median|/MAD "
    "(3.5); MIN_MAX the indicator's stored bounds, else mean ± threshold·sd (2.0)."
)
class OutlierMethod(enum.Enum):
    Z_SCORE = "Z_SCORE"
    MOD_Z_SCORE = "MOD_Z_SCORE"
    MIN_MAX = "MIN_MAX"


@strawberry.enum(
    description="PEERS: same category, period and phase within the subtree (default); "
    "HISTORY: the organisation's own earlier periods of the phase."
)
class OutlierBaseline(enum.Enum):
    PEERS = "PEERS"
    HISTORY = "HISTORY"


@strawberry.enum(description="Why a value is flagged.")
class ReportFlagKind(enum.Enum):
    RULE_VIOLATION = "RULE_VIOLATION"
    OUTLIER = "OUTLIER"


@strawberry.enum(description="Where a sheet stands: SUBMITTED, then APPROVED by the parent.")
class ReportSheetStatus(enum.Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"


@strawberry.type(name="ReportIndicator", description="An indicator of a report form.")
class IndicatorType:
    code: str = strawberry.field(description="Stable code, a CEL identifier (rules use it).")
    name: str
    name_en: str
    unit: str = strawberry.field(description="Unit shown in sheet headers (人, 次, %, 万元…).")
    aggregation: str = strawberry.field(description="SUM (flows add up over the year) or LAST.")
    group_code: str
    group_name: str
    section: str = strawberry.field(description="The section of the form it sits in.")
    categories: list[str] = strawberry.field(description="Codes of the categories that report it.")
    min_value: float | None
    max_value: float | None
    description: str

    @strawberry.field
    def value_type(self, root: Parent[IndicatorRow]) -> IndicatorValueType:
        return IndicatorValueType(root.value_type)

    @strawberry.field(description="The phases it is filled in.")
    def phases(self, root: Parent[IndicatorRow]) -> list[ReportPhase]:
        return [ReportPhase(p) for p in root.phases]


@strawberry.type(name="ReportPhaseSettings", description="When a phase's sheets are due.")
class PhaseSettingsType:
    phase: ReportPhase
    period_type: ReportPeriodType
    due_days: int = strawberry.field(
        description="Days after the year's start (TARGET) or the period's end."
    )
    grace_days: int = strawberry.field(description="Days after the deadline still on time.")
    close_days: int = strawberry.field(description="Days after the deadline it takes values.")


@strawberry.type(
    name="ReportForm", description="A report form (报表): indicators, phases, reporters."
)
class FormType:
    code: str
    title: str
    title_en: str

    @strawberry.field(description="The period type of PROGRESS sheets (TARGET, RESULT: yearly).")
    def period_type(self, root: Parent[FormDef]) -> ReportPeriodType:
        return ReportPeriodType(root.period_type)

    @strawberry.field(description="Its indicators in order (at most a few hundred; not paged).")
    def indicators(self, root: Parent[FormDef]) -> list[IndicatorType]:
        return [IndicatorRow.of_def(i) for i in root.indicators]  # type: ignore[misc]

    @strawberry.field
    def phases(self, root: Parent[FormDef]) -> list[PhaseSettingsType]:
        return [
            PhaseSettingsType(
                phase=ReportPhase(phase),
                period_type=ReportPeriodType(root.period_type if phase == "PROGRESS" else "YEARLY"),
                due_days=s["due_days"],
                grace_days=s["grace_days"],
                close_days=s["close_days"],
            )
            for phase, s in sorted(
                root.phases.items(), key=lambda p: ("TARGET", "PROGRESS", "RESULT").index(p[0])
            )
        ]

    @strawberry.field(description="Codes of the organisation categories that must report it.")
    def reporter_categories(self, root: Parent[FormDef]) -> list[str]:
        return sorted(root.reporters)


@strawberry.type(
    name="ValidationRule",
    description="A validation rule (CEL), or a template applied to one indicator.",
)
class RuleType:
    code: str = strawberry.field(description="`R-…`, or `TEMPLATE:indicator` for a template.")
    name: str
    importance: str = strawberry.field(description="HIGH, MEDIUM or LOW.")
    operator: str = strawberry.field(
        description="==, !=, >, >=, <, <=, COMPULSORY_PAIR, EXCLUSIVE_PAIR."
    )
    left: str
    right: str
    template: str | None


@strawberry.type(name="ReportFollowUp", description="A flagged value marked for follow-up.")
class FollowUpType:
    comment: str
    marked_by: str | None = strawberry.field(description="The account that marked it.")
    marked_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str | None
    version: int


@strawberry.type(
    name="ReportFlag", description="A value that breaks a rule or deviates from its baseline."
)
class FlagType:
    value: float | None
    expected_low: float | None = strawberry.field(
        description="The lower end of the expected range."
    )
    expected_high: float | None
    score: float | None = strawberry.field(description="Outliers: how far out (z, modified z, …).")
    period: str

    @strawberry.field
    def kind(self, root: Parent[Flag]) -> ReportFlagKind:
        return ReportFlagKind(root.kind)

    @strawberry.field
    def phase(self, root: Parent[Flag]) -> ReportPhase:
        return ReportPhase(root.phase)

    @strawberry.field
    async def organization(self, root: Parent[Flag], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field
    async def indicator(self, root: Parent[Flag], info: Info) -> IndicatorType | None:
        return await info.context.loader(loaders.IndicatorByCodeLoader).load(root.indicator)  # type: ignore[return-value]

    @strawberry.field(description="The broken rule (null for an outlier).")
    async def rule(self, root: Parent[Flag], info: Info) -> RuleType | None:
        if root.rule_code is None:
            return None
        return await info.context.loader(loaders.RuleByCodeLoader).load(root.rule_code)  # type: ignore[return-value]

    @strawberry.field(description="The follow-up mark on this value, if any.")
    async def follow_up(self, root: Parent[Flag], info: Info) -> FollowUpType | None:
        loader = info.context.loader(loaders.FollowUpBySheetLoader)
        return await loader.load((root.sheet_id, root.indicator))  # type: ignore[return-value]


@strawberry.type(name="ReportFlagEdge")
class FlagEdge:
    cursor: str
    node: FlagType


@strawberry.type(
    name="ReportFlagConnection",
    description="A page of flags; `totalCount` and `indicatorsAffected` count all of them.",
)
class FlagConnection:
    total_count: int
    indicators_affected: int = strawberry.field(description="Distinct indicators with a flag.")
    page_info: PageInfo
    edges: list[FlagEdge]


@strawberry.type(
    name="FlagImprovement", description="Flagged values of one period against an earlier one."
)
class ImprovementType:
    flagged_before: int
    resolved: int = strawberry.field(description="Flagged before, not any more.")
    still_flagged: int
    newly_flagged: int
    flagged_after: int


@strawberry.type(name="ReportCompleteness", description="Sheets expected, submitted, on time.")
class CompletenessType:
    expected: int = strawberry.field(description="Organisations of the subtree the form expects.")
    submitted: int
    on_time: int = strawberry.field(description="First submitted by the deadline plus grace.")
    rate: float | None = strawberry.field(
        description="submitted ÷ expected (never above 1); null if none expected."
    )


@strawberry.type(name="ReportValue", description="One value of a sheet.")
class ValueType:
    indicator_code: str
    value: float


@strawberry.type(
    name="ReportSheet", description="One organisation's values of a form for a period and phase."
)
class SheetType:
    period: str
    version: int = strawberry.field(description="Pass as `expectedVersion` when you change it.")
    submitted_at: dt.datetime
    on_time: bool
    approved_at: dt.datetime | None

    @strawberry.field
    def id(self, root: Parent[SheetRow]) -> strawberry.ID:
        return strawberry.ID(ids.encode("ReportSheet", root.id))

    @strawberry.field
    def report_code(self, root: Parent[SheetRow]) -> str:
        return root.form_code

    @strawberry.field
    def phase(self, root: Parent[SheetRow]) -> ReportPhase:
        return ReportPhase(root.phase)

    @strawberry.field
    def status(self, root: Parent[SheetRow]) -> ReportSheetStatus:
        return ReportSheetStatus(root.status)

    @strawberry.field
    async def organization(self, root: Parent[SheetRow], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(
        description="The values, by indicator code (at most a few hundred; a disabled "
        "plugin's indicators are left out)."
    )
    async def values(self, root: Parent[SheetRow], info: Info) -> list[ValueType]:
        hidden = await info.context.loader(loaders.HiddenIndicatorCodesLoader).load("")
        return [
            ValueType(indicator_code=k, value=v)
            for k, v in sorted(root.data.items())
            if k not in hidden
        ]
