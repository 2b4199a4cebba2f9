"""Query and mutation fields of the assessment (M5)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy import select

from core.assessment import reads, satisfaction, service
from core.assessment.models import AssessmentScheme
from core.assessment.types import ResultType, SchemeType
from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info
from core.graphql.errors import CodedError, UserError
from core.graphql.mutations import transact

PUBLIC_BUCKET = "rateService"


@strawberry.type
class AssessmentQuery:
    @strawberry.field(description="An assessment scheme by code (e.g. DJKH-2026).")
    async def assessment_scheme(self, info: Info, code: str) -> SchemeType | None:
        info.context.require_principal()
        async with info.context.sessions() as session:
            found = await session.scalar(
                select(AssessmentScheme).where(AssessmentScheme.code == code)
            )
            return found  # type: ignore[return-value]

    @strawberry.field(
        description="A category's results by rank (competition ranking: ties share a rank), "
        "optionally within a subtree (`withinCode`: ranks are recounted there); `first` 1–100. "
        "Draft results need `assessment.read`; published ones are shown to whoever sees the "
        "organisation."
    )
    async def assessment_ranking(
        self,
        info: Info,
        scheme_code: str,
        category_code: str,
        within_code: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ResultType]:
        principal = info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        async with info.context.engine.connect() as conn:
            rows, total = await reads.ranking(
                conn=conn,
                principal=principal,
                scheme_code=scheme_code,
                category_code=category_code,
                within_code=within_code,
                offset=offset,
                limit=limit + 1,
            )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]

    @strawberry.field(description="An organisation's result (null when absent or not readable).")
    async def assessment_result(
        self, info: Info, scheme_code: str, organization_code: str
    ) -> ResultType | None:
        principal = info.context.require_principal()
        async with info.context.engine.connect() as conn:
            found = await reads.result(
                conn=conn, principal=principal, scheme_code=scheme_code, org_code=organization_code
            )
        return found  # type: ignore[return-value]


@strawberry.input(description="A public rating; no account needed.")
class RateServiceInput:
    organization_code: str
    score: int = strawberry.field(description="1 (very dissatisfied) to 5 (very satisfied).")
    device_token: str = strawberry.field(
        description="A random id (16–128 of A–Z a–z 0–9 - _) the client keeps: one rating per "
        "device per organisation per year."
    )
    comment: str | None = strawberry.field(
        default=None, description="Plain text, at most 500 characters; never rendered as HTML."
    )


@strawberry.type
class RateServicePayload:
    accepted: bool
    errors: list[UserError]


@strawberry.input
class StaffSurveyInput:
    organization_code: str
    year: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    note: str = ""
    expected_version: int = strawberry.field(default=0, description="0 for a new survey.")


@strawberry.type
class StaffSurveyPayload:
    score: float | None = strawberry.field(description="The staff satisfaction score 0–100.")
    version: int | None
    errors: list[UserError]


@strawberry.input(description="One entered item of the combined visit.")
class VisitEntryInput:
    item_code: str
    department_code: str = strawberry.field(
        description="DISCIPLINE, ORGANIZATION, PROPAGANDA, UNITED_FRONT or OFFICE: must assess "
        "the item's section."
    )
    score: float
    note: str = strawberry.field(description="Why points were deducted (shown in explanations).")
    evidence: str = strawberry.field(description="The evidence seen (documents, records).")


@strawberry.input
class AssessmentVisitInput:
    scheme_code: str
    organization_code: str
    visited_on: dt.date
    note: str = ""
    entries: list[VisitEntryInput]
    expected_version: int = strawberry.field(description="0 for a new visit.")


@strawberry.type
class AssessmentVisitPayload:
    version: int | None
    errors: list[UserError]


@strawberry.input
class ComputeAssessmentInput:
    scheme_code: str
    as_of: dt.date | None = strawberry.field(
        default=None, description="Default: today (or the last day of the scheme's year)."
    )


@strawberry.type
class ComputeAssessmentPayload:
    scheme: SchemeType | None
    organizations: int
    errors: list[UserError]


@strawberry.input
class PublishAssessmentInput:
    scheme_code: str
    expected_version: int


@strawberry.type
class PublishAssessmentPayload:
    scheme: SchemeType | None
    errors: list[UserError]


async def _throttled(info: Info) -> None:
    ctx = info.context
    if ctx.throttle is None:
        return
    wait = await ctx.throttle(f"{PUBLIC_BUCKET}:ip:{ctx.client_address or 'unknown'}")
    if wait is not None:
        if ctx.http_response is not None:
            ctx.http_response.status_code = 429
            ctx.http_response.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
        raise CodedError(
            f"评价过于频繁，请 {max(1, int(wait + 0.999))} 秒后重试 (rate limit exceeded)",
            "RATE_LIMITED",
        )


@strawberry.type
class AssessmentMutation:
    @strawberry.mutation(
        description="Rate an organisation's service (public: no account needed). Rate-limited "
        "per address; one rating per device token per organisation per year."
    )
    async def rate_service(self, info: Info, input: RateServiceInput) -> RateServicePayload:
        await _throttled(info)
        rating, errors = await transact(
            info.context,
            lambda session: satisfaction.rate(
                session=session,
                organization_code=input.organization_code,
                score=input.score,
                device_token=input.device_token,
                comment=input.comment,
                today=info.context.today(),
            ),
        )
        return RateServicePayload(accepted=rating is not None, errors=errors)

    @strawberry.mutation(
        description="Record an organisation's staff survey of a year (满意/基本满意/不满意). "
        "Needs `assessment.assess` over the organisation."
    )
    async def record_staff_survey(self, info: Info, input: StaffSurveyInput) -> StaffSurveyPayload:
        principal = info.context.require_principal()
        survey, errors = await transact(
            info.context,
            lambda session: satisfaction.record_staff_survey(
                session=session,
                principal=principal,
                organization_code=input.organization_code,
                year=input.year,
                satisfied=input.satisfied,
                basically=input.basically_satisfied,
                dissatisfied=input.dissatisfied,
                note=input.note,
                expected_version=input.expected_version,
            ),
        )
        if survey is None:
            return StaffSurveyPayload(score=None, version=None, errors=errors)
        score = satisfaction_score(survey.satisfied, survey.basically, survey.dissatisfied)
        return StaffSurveyPayload(score=score, version=survey.version, errors=[])

    @strawberry.mutation(
        description="Record the combined visit (一次性综合考核) of an organisation: each entered "
        "item with the department that assessed it. Needs `assessment.assess`."
    )
    async def record_assessment_visit(
        self, info: Info, input: AssessmentVisitInput
    ) -> AssessmentVisitPayload:
        principal = info.context.require_principal()
        entries = [
            service.EntryInput(e.item_code, e.department_code, e.score, e.note, e.evidence)
            for e in input.entries
        ]
        visit, errors = await transact(
            info.context,
            lambda session: service.record_visit(
                session=session,
                principal=principal,
                scheme_code=input.scheme_code,
                organization_code=input.organization_code,
                visited_on=input.visited_on,
                note=input.note,
                entries=entries,
                expected_version=input.expected_version,
            ),
        )
        return AssessmentVisitPayload(version=visit.version if visit else None, errors=errors)

    @strawberry.mutation(
        description="Compute (or recompute) a scheme's results; refused once published. "
        "Needs city-wide `assessment.manage`."
    )
    async def compute_assessment(
        self, info: Info, input: ComputeAssessmentInput
    ) -> ComputeAssessmentPayload:
        principal = info.context.require_principal()

        async def work(session: object) -> tuple[object, int]:
            summary = await service.compute(
                session=session,  # type: ignore[arg-type]
                principal=principal,
                scheme_code=input.scheme_code,
                as_of=input.as_of,
                today=info.context.today(),
                timezone=info.context.settings.timezone,
            )
            scheme = await session.scalar(  # type: ignore[attr-defined]
                select(AssessmentScheme).where(AssessmentScheme.code == summary.scheme)
            )
            return scheme, summary.organizations

        done, errors = await transact(info.context, work)  # type: ignore[arg-type]
        if done is None:
            return ComputeAssessmentPayload(scheme=None, organizations=0, errors=errors)
        return ComputeAssessmentPayload(scheme=done[0], organizations=done[1], errors=[])  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Publish a scheme's results; the scheme is locked from then on. Needs "
        "city-wide `assessment.manage`."
    )
    async def publish_assessment(
        self, info: Info, input: PublishAssessmentInput
    ) -> PublishAssessmentPayload:
        principal = info.context.require_principal()
        scheme, errors = await transact(
            info.context,
            lambda session: service.publish(
                session=session,
                principal=principal,
                scheme_code=input.scheme_code,
                expected_version=input.expected_version,
            ),
        )
        return PublishAssessmentPayload(scheme=scheme, errors=errors)  # type: ignore[arg-type]


def satisfaction_score(satisfied: int, basically: int, dissatisfied: int) -> float | None:
    """The staff score of survey counts (see core.assessment.survey_inputs)."""
    from core.assessment.survey_inputs import staff_score

    return staff_score(satisfied, basically, dissatisfied)
