"""Flags of a slice (a form, period and phase over the organisations in scope): the stored
rule violations and the outliers found now; improvement between two periods; completeness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.principal import Principal
from core.orgs.models import Organization, OrgCategory
from core.orgs.scope import visible, within
from core.orgs.service import get_by_code
from core.reports import detection
from core.reports.catalog import FormDef
from core.reports.models import ReportSheet, ReportViolation
from core.reports.outliers import DEFAULT_THRESHOLD, PEERS, Z_SCORE, Analysis, Outlier
from core.reports.periods import Period

RULE_VIOLATION, OUTLIER = "RULE_VIOLATION", "OUTLIER"
KIND_ORDER = {RULE_VIOLATION: 0, OUTLIER: 1}


@dataclass(frozen=True)
class Flag:
    """A flagged value: a broken rule or an outlier."""

    kind: str
    sheet_id: int
    organization_id: int
    organization_code: str
    indicator: str
    value: float | None
    expected_low: float | None
    expected_high: float | None
    score: float | None
    rule_code: str | None
    importance: str | None
    period: str
    phase: str


async def scope_of(
    conn: AsyncConnection, principal: Principal, within_code: str | None
) -> ColumnElement[bool] | None:
    """The organisations a slice covers: the principal's scope, within an organisation if
    given (None when that organisation is missing or outside the scope)."""
    if within_code is None:
        return visible(principal)
    root = await get_by_code(conn=conn, principal=principal, code=within_code)
    if root is None:
        return None
    return and_(visible(principal), within(root.id))


def analysis_for(
    form: FormDef, method: str | None, baseline: str | None, threshold: float | None
) -> Analysis:
    """The analysis asked for, with the form's settings and each method's default threshold."""
    chosen = method or Z_SCORE
    return Analysis(
        method=chosen,
        baseline=baseline or PEERS,
        threshold=DEFAULT_THRESHOLD[chosen] if threshold is None else threshold,
        min_group=form.min_group,
        history_periods=form.history_periods,
    )


async def _bounds(
    conn: AsyncConnection, form: FormDef, phase: str
) -> dict[tuple[int, str], tuple[float, float]]:
    wanted = {cat for i in form.indicators for cat in i.bounds}
    if not wanted:
        return {}
    ids = dict(
        (
            await conn.execute(
                select(OrgCategory.code, OrgCategory.id).where(OrgCategory.code.in_(wanted))
            )
        ).all()
    )
    return {
        (ids[cat], i.code): (float(lo), float(hi))
        for i in form.indicators
        if phase in i.phases
        for cat, (lo, hi) in i.bounds.items()
        if cat in ids
    }


async def _violations(
    conn: AsyncConnection, form: FormDef, period: Period, phase: str, scope: ColumnElement[bool]
) -> list[Flag]:
    rows = await conn.execute(
        select(
            ReportViolation.sheet_id,
            ReportSheet.organization_id,
            Organization.code,
            ReportViolation.indicator_code,
            ReportViolation.value,
            ReportViolation.expected_low,
            ReportViolation.expected_high,
            ReportViolation.rule_code,
            ReportViolation.importance,
        )
        .join(ReportSheet, ReportSheet.id == ReportViolation.sheet_id)
        .join(Organization, Organization.id == ReportSheet.organization_id)
        .where(
            ReportSheet.form_id == form.id,
            ReportSheet.period == period.code,
            ReportSheet.phase == phase,
            scope,
        )
    )
    return [
        Flag(
            RULE_VIOLATION,
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            None,
            r[7],
            r[8],
            period.code,
            phase,
        )
        for r in rows
    ]


async def _codes(conn: AsyncConnection, ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    listed = sorted(ids)
    for start in range(0, len(listed), 900):
        rows = await conn.execute(
            select(Organization.id, Organization.code).where(
                Organization.id.in_(listed[start : start + 900])
            )
        )
        found.update(dict(rows.all()))
    return found


async def slice_flags(
    conn: AsyncConnection,
    *,
    form: FormDef,
    period: Period,
    phase: str,
    scope: ColumnElement[bool],
    analysis: Analysis,
    use_sql: bool | None = None,
) -> list[Flag]:
    """Every flag of the slice, ordered by organisation code, indicator, kind, rule."""
    found = await _violations(conn, form, period, phase, scope)
    codes = [i.code for i in form.indicators if i.numeric and phase in i.phases]
    outliers: Sequence[Outlier] = await detection.detect(
        conn,
        use_sql=use_sql,
        form_id=form.id,
        period=period.code,
        phase=phase,
        scope=scope,
        codes=codes,
        analysis=analysis,
        bounds=await _bounds(conn, form, phase),
    )
    org_codes = await _codes(conn, {o.organization_id for o in outliers})
    found += [
        Flag(
            OUTLIER,
            o.sheet_id,
            o.organization_id,
            org_codes.get(o.organization_id, ""),
            o.indicator,
            o.value,
            _round(o.expected_low),
            _round(o.expected_high),
            _round(o.score),
            None,
            None,
            period.code,
            phase,
        )
        for o in outliers
    ]
    order = {i.code: i.sort_order for i in form.indicators}
    found.sort(
        key=lambda f: (
            f.organization_code,
            order.get(f.indicator, 0),
            f.indicator,
            KIND_ORDER[f.kind],
            f.rule_code or "",
        )
    )
    return found


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class Improvement:
    """Flagged values of one period against another."""

    flagged_before: int
    resolved: int
    still_flagged: int
    newly_flagged: int
    flagged_after: int


def improvement(before: Sequence[Flag], after: Sequence[Flag]) -> Improvement:
    """Compared by value (organisation and indicator): resolved, still flagged, new."""
    old = {(f.organization_id, f.indicator) for f in before}
    new = {(f.organization_id, f.indicator) for f in after}
    return Improvement(len(old), len(old - new), len(old & new), len(new - old), len(new))


@dataclass(frozen=True)
class Completeness:
    """Sheets expected, submitted and on time in a subtree; rate = submitted ÷ expected."""

    expected: int
    submitted: int
    on_time: int
    rate: float | None


async def completeness(
    conn: AsyncConnection,
    *,
    form: FormDef,
    period: Period,
    phase: str,
    scope: ColumnElement[bool],
    form_scope: ColumnElement[bool],
) -> Completeness:
    """Only organisations the form expects count, so the rate never exceeds 1."""
    categories = sorted(
        {c for i in form.indicators if phase in i.phases for c in i.categories} & form.reporters
    )
    expected_orgs = (
        select(Organization.id)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(OrgCategory.code.in_(categories), scope, form_scope)
    )
    expected = (
        await conn.execute(select(func.count()).select_from(expected_orgs.subquery()))
    ).scalar_one()
    submitted, on_time = (
        await conn.execute(
            select(
                func.count(), func.coalesce(func.sum(cast(ReportSheet.on_time, Integer)), 0)
            ).where(
                ReportSheet.form_id == form.id,
                ReportSheet.period == period.code,
                ReportSheet.phase == phase,
                ReportSheet.organization_id.in_(expected_orgs),
            )
        )
    ).one()
    rate = None if expected == 0 else round(submitted / expected, 4)
    return Completeness(expected, submitted, int(on_time), rate)
