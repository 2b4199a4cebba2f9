"""Evaluating a form's rules over sheets and storing what they break.

A sheet's context holds its own values (`members_total`), the year's TARGET values
(`target.members_total`), the year so far (`ytd.…`: PROGRESS sheets added up for SUM
indicators, the latest for LAST ones), the previous period of the same phase
(`previous.…`) and `period.quarter / index / elapsed`. Rules run when a sheet is written,
and for the sheets that read it (later periods of its year, the next period).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.orgs.models import Organization, OrgCategory
from core.reports import catalog, periods
from core.reports.catalog import FormDef
from core.reports.models import (
    ReportFormIndicator,
    ReportIndicator,
    ReportRule,
    ReportSheet,
    ReportViolation,
)
from core.reports.periods import Period
from core.reports.rules import Evaluator, Rule, Violation

CHUNK = 900  # ids per IN (…): below SQLite's 999 bound parameters


@dataclass(frozen=True)
class SheetRef:
    """A sheet to validate."""

    id: int
    organization_id: int
    category: str
    period: str
    phase: str


Key = tuple[int, str, str]  # organisation, phase, period


@dataclass(frozen=True)
class Needs:
    """Which namespaced values any rule reads (only those are put into contexts)."""

    target: frozenset[str]
    ytd: frozenset[str]
    previous: frozenset[str]

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> Needs:
        names = {n for rule in rules for n in (*rule.left_names, *rule.right_names)}

        def under(prefix: str) -> frozenset[str]:
            return frozenset(n.partition(".")[2] for n in names if n.startswith(prefix + "."))

        return cls(under("target"), under("ytd"), under("previous"))


def _context(
    sums: frozenset[str],
    sheet: SheetRef,
    period: Period,
    so_far: list[str],
    needs: Needs,
    data: dict[Key, dict[str, float]],
) -> dict[str, Any]:
    org, phase = sheet.organization_id, sheet.phase
    own = data.get((org, phase, sheet.period), {})
    context: dict[str, Any] = dict(own)
    if needs.target:
        target = data.get((org, periods.TARGET, str(period.year)), {})
        context.update({f"target.{k}": target[k] for k in needs.target if k in target})
    if needs.ytd and phase == periods.PROGRESS:
        for code in needs.ytd:
            parts = [data.get((org, phase, p), {}).get(code) for p in so_far]
            present = [v for v in parts if v is not None]
            if present:
                context[f"ytd.{code}"] = sum(present) if code in sums else present[-1]
    elif needs.ytd:
        context.update({f"ytd.{k}": own[k] for k in needs.ytd if k in own})
    if needs.previous:
        previous = data.get((org, phase, period.previous().code), {})
        context.update({f"previous.{k}": previous[k] for k in needs.previous if k in previous})
    context["period.quarter"] = float(period.quarter)
    context["period.index"] = float(period.index)
    context["period.elapsed"] = period.elapsed
    return context


class Plan:
    """Which rules apply to an organisation category in a phase (computed once per pair)."""

    def __init__(self, form: FormDef, rules: Sequence[Rule]) -> None:
        self.form = form
        self.rules = rules
        self._cache: dict[tuple[str, str], list[Rule]] = {}

    def rules_for(self, category: str, phase: str) -> list[Rule]:
        key = (category, phase)
        if key not in self._cache:
            on_form = {i.code for i in self.form.indicators if category in i.categories}
            in_phase = catalog.codes_of(self.form.applicable(category, phase))
            self._cache[key] = [
                r
                for r in self.rules
                if phase in r.phases and r.uses <= on_form and r.plain <= in_phase
            ]
        return self._cache[key]


async def _sheets(session: AsyncSession, form: FormDef, where: Any) -> list[SheetRef]:
    rows = await session.execute(
        select(
            ReportSheet.id,
            ReportSheet.organization_id,
            OrgCategory.code,
            ReportSheet.period,
            ReportSheet.phase,
        )
        .join(Organization, Organization.id == ReportSheet.organization_id)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(ReportSheet.form_id == form.id, where)
    )
    return [SheetRef(*row) for row in rows]


async def _data(
    session: AsyncSession, form: FormDef, sheets: list[SheetRef]
) -> dict[Key, dict[str, float]]:
    """The values every context may read: the sheets' organisations, their years and the
    year before."""
    if not sheets:
        return {}
    years = [form.period(s.period, s.phase).year for s in sheets]
    low, high = str(min(years) - 1), str(max(years) + 1)
    orgs = sorted({s.organization_id for s in sheets})
    out: dict[Key, dict[str, float]] = {}
    for start in range(0, len(orgs), CHUNK):
        rows = await session.execute(
            select(
                ReportSheet.organization_id, ReportSheet.phase, ReportSheet.period, ReportSheet.data
            ).where(
                ReportSheet.form_id == form.id,
                ReportSheet.organization_id.in_(orgs[start : start + CHUNK]),
                ReportSheet.period >= low,
                ReportSheet.period < high,
            )
        )
        out.update({(org, phase, period): values for org, phase, period, values in rows})
    return out


def evaluate(
    form: FormDef,
    rules: Sequence[Rule],
    sheets: Iterable[SheetRef],
    data: dict[Key, dict[str, float]],
    evaluator: Evaluator | None = None,
) -> dict[int, list[Violation]]:
    """The violations of each sheet (pure: no database)."""
    plan = Plan(form, rules)
    needs = Needs.of(rules)
    engine = evaluator or Evaluator()
    parsed: dict[tuple[str, str], tuple[Period, list[str]]] = {}
    sums = frozenset(i.code for i in form.indicators if i.aggregation == "SUM")
    out: dict[int, list[Violation]] = {}
    for sheet in sheets:
        found_period = parsed.get((sheet.period, sheet.phase))
        if found_period is None:
            period = form.period(sheet.period, sheet.phase)
            found_period = parsed[(sheet.period, sheet.phase)] = (
                period,
                [p.code for p in period.year_so_far()],
            )
        period, so_far = found_period
        context = _context(sums, sheet, period, so_far, needs, data)
        found = []
        for rule in plan.rules_for(sheet.category, sheet.phase):
            violation = engine.check(rule, context)
            if violation is not None:
                found.append(violation)
        out[sheet.id] = found
    return out


def violation_rows(found: dict[int, list[Violation]]) -> list[dict[str, Any]]:
    """Rows of `report_violation` for the violations of each sheet."""
    return [
        {
            "sheet_id": sheet_id,
            "rule_code": v.rule_code,
            "indicator_code": v.indicator_code,
            "importance": v.importance,
            "value": v.value,
            "expected_low": v.expected_low,
            "expected_high": v.expected_high,
        }
        for sheet_id, violations in found.items()
        for v in violations
    ]


async def validate(session: AsyncSession, form: FormDef, where: Any, *, fresh: bool = False) -> int:
    """Re-evaluate the rules of the form's sheets matching `where` and store the violations
    (replacing theirs). Returns the number of sheets evaluated."""
    sheets = await _sheets(session, form, where)
    if not sheets:
        return 0
    rules = await catalog.form_rules(session, form)
    found = evaluate(form, rules, sheets, await _data(session, form, sheets))
    ids = [s.id for s in sheets]
    if not fresh:
        for start in range(0, len(ids), CHUNK):
            await session.execute(
                delete(ReportViolation).where(
                    ReportViolation.sheet_id.in_(ids[start : start + CHUNK])
                )
            )
    rows = violation_rows(found)
    if rows:
        table = ReportViolation.__table__
        assert isinstance(table, Table)
        await session.execute(insert(table), rows)
    return len(sheets)


def touched(organizations: Any, period: Period, phase: str) -> Any:
    """The sheets a change to a sheet may affect (`organizations`: a condition on
    `report_sheet.organization_id`): after a TARGET, the whole year; after a PROGRESS
    sheet, its later periods of the year (year to date) and the next period (previous);
    after a RESULT, the next year's RESULT too."""
    year = period.year
    if phase == periods.TARGET:
        return (
            organizations & (ReportSheet.period >= str(year)) & (ReportSheet.period < str(year + 1))
        )
    following = period.next().code if period.next().year > year else f"{year + 1}"
    if phase == periods.PROGRESS:
        upto = max(following, period.next().code)
        return (
            organizations
            & (ReportSheet.phase == phase)
            & (ReportSheet.period >= period.code)
            & (ReportSheet.period <= upto)
        )
    return (
        organizations
        & (ReportSheet.phase == phase)
        & (ReportSheet.period >= str(year))
        & (ReportSheet.period <= str(year + 1))
    )


async def revalidate_library(
    *, session: AsyncSession, library_id: int, first_load: bool = False
) -> int:
    """After a library load: re-evaluate every sheet of the forms whose rules it may change.

    A library loaded for the first time with indicators and no rules (a sector plugin's
    indicators joining a form) can only change the sheets of organisations in those
    indicators' categories: only those are re-evaluated.
    """
    direct = select(ReportRule.form_id).where(ReportRule.library_id == library_id)
    members = select(ReportFormIndicator.form_id).where(
        ReportFormIndicator.library_id == library_id
    )
    global_rules = (
        await session.execute(
            select(ReportRule.id).where(
                ReportRule.library_id == library_id, ReportRule.form_id.is_(None)
            )
        )
    ).first()
    stmt = select(ReportSheet.form_id).distinct()
    if global_rules is None:
        stmt = stmt.where(ReportSheet.form_id.in_(direct) | ReportSheet.form_id.in_(members))
    narrow = await _joined_categories(session, library_id) if first_load else None
    total = 0
    for form_id in (await session.execute(stmt)).scalars().all():
        form = await catalog.form_def(session, form_id=form_id)
        if form is None:
            continue
        where = ReportSheet.form_id == form_id
        if narrow is not None:
            where = where & ReportSheet.organization_id.in_(
                select(Organization.id)
                .join(OrgCategory, OrgCategory.id == Organization.category_id)
                .where(OrgCategory.code.in_(sorted(narrow)))
            )
        total += await validate(session, form, where)
    return total


async def _joined_categories(session: AsyncSession, library_id: int) -> set[str] | None:
    """The categories of a rule-less library's joined indicators; None when it has rules or
    an indicator that applies to every category (then every sheet is re-evaluated)."""
    if (
        await session.execute(select(ReportRule.id).where(ReportRule.library_id == library_id))
    ).first():
        return None
    found: set[str] = set()
    rows = await session.execute(
        select(ReportIndicator.categories)
        .join(ReportFormIndicator, ReportFormIndicator.indicator_id == ReportIndicator.id)
        .where(ReportFormIndicator.library_id == library_id)
    )
    for (categories,) in rows:
        if not categories:
            return None
        found.update(categories)
    return found
