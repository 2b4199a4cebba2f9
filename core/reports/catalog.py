"""A form as the services use it: its indicators (with their categories and phases), the
organisations that report it, its phases' deadlines, and its compiled rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.plugin_admin.visibility import core_or_enabled
from core.reports import periods, rules
from core.reports.models import (
    ReportForm,
    ReportFormIndicator,
    ReportIndicator,
    ReportLibrary,
    ReportRule,
)
from core.reports.periods import Period, PeriodError


@dataclass(frozen=True)
class IndicatorDef:
    """An indicator on a form."""

    id: int
    code: str
    name: str
    name_en: str
    unit: str
    value_type: str
    aggregation: str
    group_code: str
    group_name: str
    categories: frozenset[str]
    phases: frozenset[str]
    min_value: float | None
    max_value: float | None
    bounds: dict[str, list[float]]
    description: str
    section: str
    sort_order: int
    version: int

    @property
    def numeric(self) -> bool:
        """Outliers are looked for in numbers, counts and percentages, not yes/no."""
        return self.value_type != "YES_NO"


@dataclass(frozen=True)
class FormDef:
    """A report form with its indicators in order."""

    id: int
    code: str
    title: str
    title_en: str
    period_type: str
    within_code: str | None
    declared_reporters: frozenset[str]
    phases: dict[str, dict[str, int]]
    min_group: int
    history_periods: int
    indicators: tuple[IndicatorDef, ...]
    library_id: int
    joined_categories: frozenset[str]

    @property
    def reporters(self) -> frozenset[str]:
        """Categories that must report: the form's own, and those of joined indicators."""
        return self.declared_reporters | self.joined_categories

    def indicator(self, code: str) -> IndicatorDef | None:
        return next((i for i in self.indicators if i.code == code), None)

    def applicable(self, category: str, phase: str) -> list[IndicatorDef]:
        """The indicators an organisation of a category fills in a phase."""
        return [i for i in self.indicators if category in i.categories and phase in i.phases]

    def period(self, text: str, phase: str) -> Period:
        """The period of a phase (PeriodError when malformed or the phase is not on the form)."""
        if phase not in self.phases:
            raise PeriodError(f"表单 {self.code} 没有阶段 {phase} (phase not on this form)")
        return periods.parse(text, periods.kind_of_phase(phase, self.period_type))

    def deadline(self, period: Period, phase: str) -> dt.date:
        return periods.deadline(period, phase, self.phases[phase]["due_days"])

    def on_time_until(self, period: Period, phase: str) -> dt.date:
        """The last day a first submission counts as on time (deadline + grace)."""
        return self.deadline(period, phase) + dt.timedelta(days=self.phases[phase]["grace_days"])

    def closes_on(self, period: Period, phase: str) -> dt.date:
        """The last day the phase takes values for the period."""
        return self.deadline(period, phase) + dt.timedelta(days=self.phases[phase]["close_days"])


Conn = AsyncConnection | AsyncSession


FORM_COLUMNS = (
    ReportForm.id,
    ReportForm.code,
    ReportForm.title,
    ReportForm.title_en,
    ReportForm.period_type,
    ReportForm.within_code,
    ReportForm.reporter_categories,
    ReportForm.phases,
    ReportForm.min_group,
    ReportForm.history_periods,
    ReportForm.library_id,
)
INDICATOR_COLUMNS = (
    ReportIndicator.id,
    ReportIndicator.code,
    ReportIndicator.name,
    ReportIndicator.name_en,
    ReportIndicator.unit,
    ReportIndicator.value_type,
    ReportIndicator.aggregation,
    ReportIndicator.group_code,
    ReportIndicator.group_name,
    ReportIndicator.categories,
    ReportIndicator.phases,
    ReportIndicator.min_value,
    ReportIndicator.max_value,
    ReportIndicator.bounds,
    ReportIndicator.description,
    ReportIndicator.version,
)


def shown_indicator() -> ColumnElement[bool]:
    """An indicator of the core or of an enabled plugin: a disabled plugin's indicators
    leave its forms (and their values leave the answers) until it is enabled again; every
    value is kept."""
    libraries = select(ReportLibrary.id).where(core_or_enabled(ReportLibrary.plugin))
    return ReportIndicator.library_id.in_(libraries)


async def form_def(
    conn: Conn, *, code: str | None = None, form_id: int | None = None
) -> FormDef | None:
    """An active form by code or id, with its active indicators in order."""
    stmt = select(*FORM_COLUMNS).where(ReportForm.retired_at.is_(None))
    stmt = (
        stmt.where(ReportForm.code == code)
        if code is not None
        else stmt.where(ReportForm.id == form_id)
    )
    form = (await conn.execute(stmt)).first()
    if form is None:
        return None
    rows = (
        await conn.execute(
            select(
                *INDICATOR_COLUMNS,
                ReportFormIndicator.section,
                ReportFormIndicator.sort_order,
                ReportFormIndicator.library_id.label("member_library"),
            )
            .join(ReportFormIndicator, ReportFormIndicator.indicator_id == ReportIndicator.id)
            .where(
                ReportFormIndicator.form_id == form.id,
                ReportFormIndicator.retired_at.is_(None),
                ReportIndicator.retired_at.is_(None),
                shown_indicator(),
            )
            .order_by(ReportFormIndicator.sort_order, ReportIndicator.code)
        )
    ).all()
    indicators = tuple(_indicator(row) for row in rows)
    joined = frozenset(
        c for row in rows if row.member_library != form.library_id for c in row.categories
    )
    return FormDef(
        id=form.id,
        code=form.code,
        title=form.title,
        title_en=form.title_en,
        period_type=form.period_type,
        within_code=form.within_code,
        declared_reporters=frozenset(form.reporter_categories),
        phases=dict(form.phases),
        min_group=form.min_group,
        history_periods=form.history_periods,
        indicators=indicators,
        library_id=form.library_id,
        joined_categories=joined,
    )


def _indicator(row: Any) -> IndicatorDef:
    return IndicatorDef(
        id=row.id,
        code=row.code,
        name=row.name,
        name_en=row.name_en,
        unit=row.unit,
        value_type=row.value_type,
        aggregation=row.aggregation,
        group_code=row.group_code,
        group_name=row.group_name,
        categories=frozenset(row.categories),
        phases=frozenset(row.phases),
        min_value=row.min_value,
        max_value=row.max_value,
        bounds=dict(row.bounds or {}),
        description=row.description,
        section=row.section,
        sort_order=row.sort_order,
        version=row.version,
    )


async def active_forms(conn: Conn) -> list[FormDef]:
    """Every active form, by code."""
    codes = (
        (
            await conn.execute(
                select(ReportForm.code)
                .where(ReportForm.retired_at.is_(None))
                .order_by(ReportForm.code)
            )
        )
        .scalars()
        .all()
    )
    found = [await form_def(conn, code=code) for code in codes]
    return [form for form in found if form is not None]


def _selected(selector: dict[str, Any], indicator: IndicatorDef) -> bool:
    if selector.get("codes") and indicator.code not in selector["codes"]:
        return False
    if selector.get("groups") and indicator.group_code not in selector["groups"]:
        return False
    if selector.get("value_types") and indicator.value_type not in selector["value_types"]:
        return False
    if selector.get("aggregation") and indicator.aggregation != selector["aggregation"]:
        return False
    return not (selector.get("targeted") and periods.TARGET not in indicator.phases)


async def form_rules(conn: Conn, form: FormDef) -> list[rules.Rule]:
    """The form's rules: its own and the global ones whose indicators it holds; templates
    applied to each indicator they select (indicators added later by plugins included)."""
    rows = (
        await conn.execute(
            select(
                ReportRule.code,
                ReportRule.name,
                ReportRule.kind,
                ReportRule.left,
                ReportRule.operator,
                ReportRule.right,
                ReportRule.importance,
                ReportRule.missing,
                ReportRule.phases,
                ReportRule.indicator_code,
                ReportRule.selector,
            )
            .where(
                ReportRule.retired_at.is_(None),
                (ReportRule.form_id == form.id) | ReportRule.form_id.is_(None),
            )
            .order_by(ReportRule.sort_order, ReportRule.code)
        )
    ).all()
    codes = {i.code for i in form.indicators}
    out: list[rules.Rule] = []
    for row in rows:
        if row.kind == "TEMPLATE":
            template = rules.template(
                code=row.code,
                name=row.name,
                left=row.left,
                operator=row.operator,
                right=row.right,
                importance=row.importance,
                missing=row.missing,
                phases=row.phases,
            )
            out += [
                rules.template_rule(template, i.code, i.phases)
                for i in form.indicators
                if _selected(row.selector, i)
            ]
            continue
        rule = rules.hand_rule(
            code=row.code,
            name=row.name,
            left=row.left,
            operator=row.operator,
            right=row.right,
            importance=row.importance,
            missing=row.missing,
            phases=row.phases,
            indicator=row.indicator_code,
            codes=codes | _read_codes(row),
        )
        if rule.uses <= codes:
            out.append(rule)
    return out


def _read_codes(row: Any) -> set[str]:
    """Every identifier-like word of a rule (so a global rule compiles on any form; whether
    the form holds its indicators is decided after)."""
    import re

    words = re.findall(r"[a-z][a-z0-9_]*", f"{row.left} {row.right}")
    return {w for w in words if w not in rules.PREFIXES and w != "period"}


def codes_of(indicators: Iterable[IndicatorDef]) -> set[str]:
    return {i.code for i in indicators}
