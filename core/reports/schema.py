"""Queries and mutations of the indicator reports (contract: ../shared/contract/reports.graphql)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.graphql.connection import PageInfo, check_first, offset_cursor, parse_after
from core.graphql.context import Info, RequestContext
from core.graphql.errors import CodedError, ServiceError, UserError
from core.reports import access, approval, catalog, entry, flags
from core.reports.catalog import FormDef
from core.reports.flags import Flag
from core.reports.periods import Period, PeriodError
from core.reports.rows import FollowUpRow, SheetRow
from core.reports.types import (
    CompletenessType,
    FlagConnection,
    FlagEdge,
    FollowUpType,
    FormType,
    ImprovementType,
    OutlierBaseline,
    OutlierMethod,
    ReportPhase,
    SheetType,
)
from core.reports.values import ValuesRefused

T = TypeVar("T")
MAX_THRESHOLD = 1000.0


def _period(form: FormDef, text: str, phase: ReportPhase) -> Period:
    try:
        return form.period(text, phase.value)
    except PeriodError as exc:
        raise CodedError(str(exc), "BAD_PERIOD") from None


def _threshold(value: float | None) -> None:
    if value is not None and not 0 < value <= MAX_THRESHOLD:
        raise CodedError(f"threshold 应在 0 到 {MAX_THRESHOLD:g} 之间（不含 0）", "BAD_THRESHOLD")


def _connection(found: list[Flag], offset: int, limit: int) -> FlagConnection:
    visible = found[offset : offset + limit]
    edges = [FlagEdge(cursor=offset_cursor(offset + i), node=f) for i, f in enumerate(visible)]  # type: ignore[arg-type]
    return FlagConnection(
        total_count=len(found),
        indicators_affected=len({f.indicator for f in found}),
        page_info=PageInfo(
            has_next_page=offset + len(visible) < len(found),
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
    )


async def _slice(
    conn: AsyncConnection,
    info: Info,
    code: str,
    period: str,
    phase: ReportPhase,
    within_code: str | None,
    method: OutlierMethod | None,
    baseline: OutlierBaseline | None,
    threshold: float | None,
) -> list[Flag] | None:
    principal = info.context.require_principal()
    form = await catalog.form_def(conn, code=code)
    if form is None:
        return None
    parsed = _period(form, period, phase)
    scope = await flags.scope_of(conn, principal, within_code)
    if scope is None:
        return None
    analysis = flags.analysis_for(
        form, method.value if method else None, baseline.value if baseline else None, threshold
    )
    return await flags.slice_flags(
        conn, form=form, period=parsed, phase=phase.value, scope=scope, analysis=analysis
    )


@strawberry.type
class ReportQuery:
    @strawberry.field(description="Every active report form with its indicators (a short list).")
    async def report_forms(self, info: Info) -> list[FormType]:
        info.context.require_principal()
        async with info.context.engine.connect() as conn:
            return await catalog.active_forms(conn)  # type: ignore[return-value]

    @strawberry.field(description="One report form by code (null if there is none).")
    async def report_form(self, info: Info, code: str) -> FormType | None:
        info.context.require_principal()
        async with info.context.engine.connect() as conn:
            return await catalog.form_def(conn, code=code)  # type: ignore[return-value]

    @strawberry.field(
        description="Flagged values of a form's period and phase over your scope (within "
        "`withinCode` if given): broken validation rules and outliers (default Z_SCORE over "
        "PEERS, threshold 3.0). Null when the form or organisation is unknown or not yours."
    )
    async def report_flags(
        self,
        info: Info,
        report_code: str,
        period: str,
        phase: ReportPhase,
        within_code: str | None = None,
        method: OutlierMethod | None = None,
        baseline: OutlierBaseline | None = None,
        threshold: float | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> FlagConnection | None:
        offset, limit = parse_after(after), check_first(first)
        _threshold(threshold)
        async with info.context.engine.connect() as conn:
            found = await _slice(
                conn, info, report_code, period, phase, within_code, method, baseline, threshold
            )
        return None if found is None else _connection(found, offset, limit)

    @strawberry.field(
        description="How the flags changed from one period to another (same analysis): "
        "values resolved, still flagged and newly flagged."
    )
    async def flag_improvement(
        self,
        info: Info,
        report_code: str,
        from_period: str,
        to_period: str,
        phase: ReportPhase,
        within_code: str | None = None,
        method: OutlierMethod | None = None,
        baseline: OutlierBaseline | None = None,
        threshold: float | None = None,
    ) -> ImprovementType | None:
        _threshold(threshold)
        async with info.context.engine.connect() as conn:
            before = await _slice(
                conn,
                info,
                report_code,
                from_period,
                phase,
                within_code,
                method,
                baseline,
                threshold,
            )
            after = await _slice(
                conn, info, report_code, to_period, phase, within_code, method, baseline, threshold
            )
        if before is None or after is None:
            return None
        found = flags.improvement(before, after)
        return ImprovementType(
            flagged_before=found.flagged_before,
            resolved=found.resolved,
            still_flagged=found.still_flagged,
            newly_flagged=found.newly_flagged,
            flagged_after=found.flagged_after,
        )

    @strawberry.field(
        description="Sheets expected, submitted and on time in the visible part of a subtree "
        "(only organisations the form expects count, so `rate` never exceeds 1)."
    )
    async def report_completeness(
        self, info: Info, report_code: str, period: str, phase: ReportPhase, within_code: str
    ) -> CompletenessType | None:
        principal = info.context.require_principal()
        async with info.context.sessions() as session:
            form = await catalog.form_def(session, code=report_code)
            if form is None:
                return None
            parsed = _period(form, period, phase)
            conn = await session.connection()
            scope = await flags.scope_of(conn, principal, within_code)
            if scope is None:
                return None
            root = await access.form_root(session, form)
            found = await flags.completeness(
                conn,
                form=form,
                period=parsed,
                phase=phase.value,
                scope=scope,
                form_scope=access.within_form(form, root),
            )
        return CompletenessType(
            expected=found.expected,
            submitted=found.submitted,
            on_time=found.on_time,
            rate=found.rate,
        )

    @strawberry.field(
        description="An organisation's sheet of a form, period and phase (null if there is none "
        "or it is not yours)."
    )
    async def report_sheet(
        self, info: Info, report_code: str, period: str, phase: ReportPhase, organization_code: str
    ) -> SheetType | None:
        principal = info.context.require_principal()
        async with info.context.sessions() as session:
            form = await catalog.form_def(session, code=report_code)
            if form is None:
                return None
            parsed = _period(form, period, phase)
            org = await access.org_by_code(session, principal, organization_code)
            if org is None:
                return None
            target = entry.Target(form, parsed, phase.value, org[0], org[1], org[2], org[3])
            sheet = await entry.sheet_of(session, target)
        return None if sheet is None else SheetRow.of(sheet, form.code)  # type: ignore[return-value]


async def _transact(
    ctx: RequestContext, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run the work in one transaction; a refusal (every reason) leaves nothing written."""
    try:
        async with ctx.sessions.begin() as session:
            return await work(session), []
    except ValuesRefused as exc:
        return None, exc.errors
    except ServiceError as exc:
        return None, [exc.as_user_error()]


@strawberry.input(description="One value: the indicator's code and the number (yes/no: 1 or 0).")
class ReportValueInput:
    indicator_code: str
    value: float


@strawberry.input
class SubmitReportValuesInput:
    report_code: str
    period: str = strawberry.field(
        description="`2026` for TARGET and RESULT, `2026Q2` for PROGRESS."
    )
    phase: ReportPhase
    organization_code: str
    values: list[ReportValueInput]
    expected_version: int | None = strawberry.field(
        default=None, description="The sheet's `version` you read (0: none yet); stale → CONFLICT."
    )


@strawberry.type
class SubmitReportValuesPayload:
    accepted: int = strawberry.field(description="How many values were taken (0 when refused).")
    sheet: SheetType | None
    errors: list[UserError]


@strawberry.input
class ReportSheetInput:
    report_code: str
    period: str
    phase: ReportPhase
    organization_code: str
    expected_version: int | None = None
    reason: str | None = strawberry.field(default=None, description="Required to un-approve.")


@strawberry.type
class ReportSheetPayload:
    sheet: SheetType | None
    errors: list[UserError]


@strawberry.input
class FlagFollowUpInput:
    report_code: str
    period: str
    phase: ReportPhase
    organization_code: str
    indicator_code: str
    comment: str = strawberry.field(
        description="Why it needs following up, or how it was resolved."
    )
    resolve: bool = strawberry.field(default=False, description="True: close the open mark.")


@strawberry.type
class FlagFollowUpPayload:
    follow_up: FollowUpType | None
    errors: list[UserError]


@strawberry.type
class ReportMutation:
    @strawberry.mutation(
        description="Submit values of one organisation's sheet (all or none: every bad value is "
        "named). Needs `reports.submit` over the organisation, which the form must expect."
    )
    async def submit_report_values(
        self, info: Info, input: SubmitReportValuesInput
    ) -> SubmitReportValuesPayload:
        principal = info.context.require_principal()
        result, errors = await _transact(
            info.context,
            lambda session: entry.submit(
                session=session,
                principal=principal,
                form_code=input.report_code,
                period=input.period,
                phase=input.phase.value,
                org_code=input.organization_code,
                values=[(v.indicator_code, v.value) for v in input.values],
                expected_version=input.expected_version,
                today=info.context.today(),
            ),
        )
        if result is None:
            return SubmitReportValuesPayload(accepted=0, sheet=None, errors=errors)
        sheet, accepted = result
        row = SheetRow.of(sheet, input.report_code)
        return SubmitReportValuesPayload(accepted=accepted, sheet=row, errors=[])  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Approve a child organisation's sheet (its own children's first). Needs "
        "`reports.approve` over the organisation's parent. Approved data is locked."
    )
    async def approve_report(self, info: Info, input: ReportSheetInput) -> ReportSheetPayload:
        principal = info.context.require_principal()
        sheet, errors = await _transact(
            info.context,
            lambda session: approval.approve(
                session=session,
                principal=principal,
                form_code=input.report_code,
                period=input.period,
                phase=input.phase.value,
                org_code=input.organization_code,
                expected_version=input.expected_version,
            ),
        )
        row = None if sheet is None else SheetRow.of(sheet, input.report_code)
        return ReportSheetPayload(sheet=row, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Return an approved sheet for correction, with a reason (refused while the "
        "parent's sheet is approved). Needs `reports.approve` over the parent."
    )
    async def unapprove_report(self, info: Info, input: ReportSheetInput) -> ReportSheetPayload:
        principal = info.context.require_principal()
        sheet, errors = await _transact(
            info.context,
            lambda session: approval.unapprove(
                session=session,
                principal=principal,
                form_code=input.report_code,
                period=input.period,
                phase=input.phase.value,
                org_code=input.organization_code,
                reason=input.reason or "",
                expected_version=input.expected_version,
            ),
        )
        row = None if sheet is None else SheetRow.of(sheet, input.report_code)
        return ReportSheetPayload(sheet=row, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Mark a flagged value for follow-up with a comment, or resolve the mark "
        "(`resolve: true`). Needs `reports.approve` over the organisation."
    )
    async def mark_flag_follow_up(
        self, info: Info, input: FlagFollowUpInput
    ) -> FlagFollowUpPayload:
        principal = info.context.require_principal()
        mark, errors = await _transact(
            info.context, lambda session: _mark(session, principal, input, info)
        )
        return FlagFollowUpPayload(follow_up=mark, errors=errors)  # type: ignore[arg-type]


async def _mark(
    session: AsyncSession, principal: object, input: FlagFollowUpInput, info: Info
) -> FollowUpRow:
    mark = await approval.follow_up(
        session=session,
        principal=principal,  # type: ignore[arg-type]
        form_code=input.report_code,
        period=input.period,
        phase=input.phase.value,
        org_code=input.organization_code,
        indicator=input.indicator_code,
        comment=input.comment,
        resolve_it=input.resolve,
        today=info.context.today(),
    )
    return FollowUpRow.of(mark, getattr(principal, "username", None))
