"""Finding outliers in a slice (form, period, phase, organisations in scope): in SQL on
PostgreSQL (`jsonb_each_text`, window functions, `percentile_cont`), the portable way in
Python elsewhere (core.reports.outliers). Both give the same flags; a test holds them to it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from core.orgs.models import Organization
from core.reports.models import ReportSheet
from core.reports.outliers import (
    EPS,
    HISTORY,
    MAD_FACTOR,
    MIN_MAX,
    MOD_Z_SCORE,
    Analysis,
    Bounds,
    Outlier,
    history,
    items_of,
    peers,
)


def _values(
    form_id: int,
    phase: str,
    scope: ColumnElement[bool],
    codes: Sequence[str],
    period: ColumnElement[bool],
) -> Select[Any]:
    each = func.jsonb_each_text(ReportSheet.data).table_valued("key", "value")
    return (
        select(
            ReportSheet.id.label("sheet_id"),
            ReportSheet.organization_id.label("organization_id"),
            Organization.category_id.label("category_id"),
            ReportSheet.period.label("period"),
            each.c.key.label("indicator"),
            cast(each.c.value, Float).label("x"),
        )
        .select_from(ReportSheet)
        .join(Organization, Organization.id == ReportSheet.organization_id)
        .join(each, true())
        .where(
            ReportSheet.form_id == form_id,
            ReportSheet.phase == phase,
            period,
            scope,
            each.c.key.in_(list(codes)),
        )
    )


async def detect_sql(
    conn: AsyncConnection,
    *,
    form_id: int,
    period: str,
    phase: str,
    scope: ColumnElement[bool],
    codes: Sequence[str],
    analysis: Analysis,
    bounds: Bounds,
) -> list[Outlier]:
    """The flagged values of a slice, computed by PostgreSQL."""
    if not codes:
        return []
    current = _values(form_id, phase, scope, codes, ReportSheet.period == period).cte("cur")
    if analysis.baseline == HISTORY:
        past = _values(form_id, phase, scope, codes, ReportSheet.period < period).subquery()
        ranked = select(
            past.c.organization_id.label("k1"),
            past.c.indicator.label("k2"),
            past.c.x,
            func.row_number()
            .over(
                partition_by=(past.c.organization_id, past.c.indicator),
                order_by=past.c.period.desc(),
            )
            .label("rn"),
        ).subquery()
        base = (
            select(ranked.c.k1, ranked.c.k2, ranked.c.x)
            .where(ranked.c.rn <= analysis.history_periods)
            .cte("base")
        )
        key = (current.c.organization_id, current.c.indicator)
    else:
        base = select(
            current.c.category_id.label("k1"), current.c.indicator.label("k2"), current.c.x
        ).cte("base")
        key = (current.c.category_id, current.c.indicator)
    t = literal(analysis.threshold, Float)
    tie = literal(analysis.threshold * (1 + EPS), Float)
    x = current.c.x
    if analysis.method == MOD_Z_SCORE:
        med = (
            select(
                base.c.k1,
                base.c.k2,
                func.percentile_cont(0.5).within_group(base.c.x).label("med"),
                func.count().label("n"),
            )
            .group_by(base.c.k1, base.c.k2)
            .cte("med")
        )
        mad = select(
            med.c.k1,
            med.c.k2,
            med.c.med,
            med.c.n,
            func.percentile_cont(0.5).within_group(func.abs(base.c.x - med.c.med)).label("mad"),
        )
        mad = mad.select_from(base.join(med, and_(base.c.k1 == med.c.k1, base.c.k2 == med.c.k2)))
        g = mad.group_by(med.c.k1, med.c.k2, med.c.med, med.c.n).cte("g")
        score = MAD_FACTOR * func.abs(x - g.c.med) / g.c.mad
        stmt = select(
            current.c.sheet_id,
            current.c.organization_id,
            current.c.indicator,
            x,
            (g.c.med - t * g.c.mad / MAD_FACTOR).label("low"),
            (g.c.med + t * g.c.mad / MAD_FACTOR).label("high"),
            score.label("score"),
        )
        stmt = stmt.select_from(current.join(g, and_(g.c.k1 == key[0], g.c.k2 == key[1]))).where(
            g.c.n >= analysis.min_group, g.c.mad > 0, score > tie
        )
    else:
        stmt = _spread(current, base, key, analysis, bounds)
    rows = (await conn.execute(stmt)).all()
    return [
        Outlier(r.sheet_id, r.organization_id, r.indicator, r.x, r.low, r.high, r.score)
        for r in rows
    ]


def _spread(current, base, key, analysis: Analysis, bounds: Bounds):  # type: ignore[no-untyped-def]
    """Z_SCORE and MIN_MAX: mean and population sd per baseline group (a hash aggregate:
    measured faster than the same statistics as window functions, which sort the slice),
    stored bounds first for MIN_MAX."""
    t = literal(analysis.threshold, Float)
    g = (
        select(
            base.c.k1,
            base.c.k2,
            func.avg(base.c.x).label("mean"),
            func.stddev_pop(base.c.x).label("sd"),
            func.count().label("n"),
        )
        .group_by(base.c.k1, base.c.k2)
        .cte("g")
    )
    x = current.c.x
    joined = current.outerjoin(g, and_(g.c.k1 == key[0], g.c.k2 == key[1]))
    deviates = and_(
        g.c.n >= analysis.min_group,
        g.c.sd > literal(0.0, Float),
        func.abs(x - g.c.mean) > literal(analysis.threshold * (1 + EPS), Float) * g.c.sd,
    )
    low, high = g.c.mean - t * g.c.sd, g.c.mean + t * g.c.sd
    score = func.abs(x - g.c.mean) / func.nullif(g.c.sd, literal(0.0, Float))
    if analysis.method == MIN_MAX and bounds:
        items = list(bounds.items())
        sb = (
            func.unnest(
                cast([c for (c, _i), _ in items], _int_array()),
                cast([i for (_c, i), _ in items], _text_array()),
                cast([lo for _, (lo, _hi) in items], _float_array()),
                cast([hi for _, (_lo, hi) in items], _float_array()),
            )
            .table_valued("cat", "ind", "lo", "hi")
            .render_derived()
        )
        joined = joined.outerjoin(
            sb, and_(sb.c.cat == current.c.category_id, sb.c.ind == current.c.indicator)
        )
        outside = (x < sb.c.lo) | (x > sb.c.hi)
        distance = case((x < sb.c.lo, sb.c.lo - x), else_=x - sb.c.hi)
        width = case((sb.c.hi > sb.c.lo, sb.c.hi - sb.c.lo), else_=literal(1.0, Float))
        return (
            select(
                current.c.sheet_id,
                current.c.organization_id,
                current.c.indicator,
                x,
                func.coalesce(sb.c.lo, low).label("low"),
                func.coalesce(sb.c.hi, high).label("high"),
                case((sb.c.lo.is_not(None), distance / width), else_=score).label("score"),
            )
            .select_from(joined)
            .where(((sb.c.lo.is_not(None)) & outside) | (sb.c.lo.is_(None) & deviates))
        )
    return (
        select(
            current.c.sheet_id,
            current.c.organization_id,
            current.c.indicator,
            x,
            low.label("low"),
            high.label("high"),
            score.label("score"),
        )
        .select_from(joined)
        .where(deviates)
    )


def _int_array() -> ARRAY[int]:
    return ARRAY(Integer)


def _text_array() -> ARRAY[str]:
    return ARRAY(Text)


def _float_array() -> ARRAY[float]:
    return ARRAY(Float)


async def detect_portable(
    conn: AsyncConnection,
    *,
    form_id: int,
    period: str,
    phase: str,
    scope: ColumnElement[bool],
    codes: Sequence[str],
    analysis: Analysis,
    bounds: Bounds,
) -> list[Outlier]:
    """The flagged values of a slice, computed in Python from the sheets (any database)."""
    wanted = set(codes)
    base = (
        select(
            ReportSheet.id, ReportSheet.organization_id, Organization.category_id, ReportSheet.data
        )
        .join(Organization, Organization.id == ReportSheet.organization_id)
        .where(ReportSheet.form_id == form_id, ReportSheet.phase == phase, scope)
    )
    rows = (await conn.execute(base.where(ReportSheet.period == period))).all()
    items = items_of(((r[0], r[1], r[2], r[3]) for r in rows), wanted)
    if analysis.baseline != HISTORY:
        return peers(items, analysis, bounds)
    past = (
        await conn.execute(
            select(ReportSheet.organization_id, ReportSheet.period, ReportSheet.data)
            .join(Organization, Organization.id == ReportSheet.organization_id)
            .where(
                ReportSheet.form_id == form_id,
                ReportSheet.phase == phase,
                scope,
                ReportSheet.period < period,
            )
            .order_by(ReportSheet.organization_id, ReportSheet.period.desc())
        )
    ).all()
    earlier: dict[tuple[int, str], list[float]] = defaultdict(list)
    for org_id, _period, data in past:
        for code, value in (data or {}).items():
            values = earlier[(org_id, code)]
            if code in wanted and len(values) < analysis.history_periods:
                values.append(float(value))
    return history(items, earlier, analysis, bounds)


async def detect(
    conn: AsyncConnection, *, use_sql: bool | None = None, **kwargs: object
) -> list[Outlier]:
    """SQL on PostgreSQL, the portable path elsewhere (or as `use_sql` says)."""
    sql = conn.dialect.name == "postgresql" if use_sql is None else use_sql
    return await (detect_sql if sql else detect_portable)(conn, **kwargs)  # type: ignore[arg-type]
