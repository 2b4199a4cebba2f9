"""Queries of the indicator reports (contract: ../shared/contract/reports.graphql); the
mutations are in `core.reports.mutations`."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from core.graphql.connection import PageInfo, check_first, offset_cursor, parse_after
from core.graphql.context import Info
from core.graphql.errors import CodedError
from core.reports import access, catalog, entry, flags
from core.reports.catalog import FormDef
from core.reports.flags import Flag
from core.reports.periods import Period, PeriodError
from core.reports.rows import SheetRow
from core.reports.types import (
    CompletenessType,
    FlagConnection,
    FlagEdge,
    FormType,
    ImprovementType,
    OutlierBaseline,
    OutlierMethod,
    ReportPhase,
    SheetType,
)

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
