"""The demo city's report DJBB: 2025 in full and 2026 up to the third quarter, with the
source's story in 2026Q1 → 2026Q2 (core.reports.demo_story). Deterministic for a seed;
sheets are written in bulk, then every rule is evaluated over them (the same code a
submission runs)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.db import Base, reset_sequences
from core.orgs.models import Organization, OrgCategory
from core.reports import catalog, demo_story, demo_values, loading, validation
from core.reports.catalog import FormDef
from core.reports.models import ReportSheet, ReportViolation
from core.reports.periods import PROGRESS, RESULT, TARGET, Period

FORM = "DJBB"
YEARS = (2025, 2026)
AS_OF = dt.date(2026, 11, 30)
"""The demo's date: 2026's fourth quarter is not due yet."""
LAPSE = 0.004
"""Share of organisations that stop reporting in a year (from a random quarter on)."""
STORY = ("2026Q1", "2026Q2")


@dataclass(frozen=True)
class Reporter:
    id: int
    code: str
    category: str
    district: str


@dataclass
class Plan:
    """Sheets to insert: (org, phase, period) → values."""

    values: dict[tuple[int, str, str], dict[str, float]] = field(default_factory=dict)
    story: dict[str, int] = field(default_factory=dict)


async def _reporters(session: AsyncSession, form: FormDef) -> list[Reporter]:
    rows = await session.execute(
        select(Organization.id, Organization.code, OrgCategory.code, Organization.depth)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(OrgCategory.code.in_(sorted(form.reporters)))
        .order_by(Organization.code)
    )
    return [Reporter(r[0], r[1], r[2], r[1][:6]) for r in rows]


def _codes(form: FormDef, category: str, phase: str) -> set[str]:
    return {i.code for i in form.applicable(category, phase)}


def periods_of(year: int) -> Iterator[tuple[str, Period]]:
    """The demo's (phase, period) pairs of a year, up to the demo's date."""
    yield TARGET, Period(year, 1, "YEARLY")
    last = 4 if year < AS_OF.year else (AS_OF.month - 1) // 3
    for index in range(1, last + 1):
        yield PROGRESS, Period(year, index, "QUARTERLY")
    if year < AS_OF.year:
        yield RESULT, Period(year, 1, "YEARLY")


def _org_year(
    rng: random.Random,
    form: FormDef,
    org: Reporter,
    profile: demo_values.OrgProfile,
    year: int,
    plan: Plan,
) -> None:
    progress = _codes(form, org.category, PROGRESS)
    lapse_from = rng.randint(1, 4) if rng.random() < LAPSE else 99
    quarters = []
    small = demo_values.annual(rng, profile, progress)
    for phase, period in periods_of(year):
        if phase == PROGRESS:
            values = demo_values.quarter(rng, profile, progress, small, period.index)
            quarters.append(values)
            if period.index < lapse_from:
                plan.values[(org.id, PROGRESS, period.code)] = values
    result = None
    if year < AS_OF.year:
        sums = {i.code for i in form.indicators if i.aggregation == "SUM"}
        result = demo_values.year_result(quarters, sums)
        result = {k: v for k, v in result.items() if k in _codes(form, org.category, RESULT)}
        if lapse_from == 99:
            plan.values[(org.id, RESULT, str(year))] = result
    target = demo_values.targets(rng, profile, result, _codes(form, org.category, TARGET))
    if target:
        plan.values[(org.id, TARGET, str(year))] = target


def build(form: FormDef, reporters: list[Reporter], seed: int) -> Plan:
    """Every demo sheet's values, the story planted."""
    plan = Plan()
    for org in reporters:
        rng = random.Random(f"{seed}/reports/{org.code}")
        profile = demo_values.profile(rng, org.category, {i.code for i in form.indicators})
        for year in YEARS:
            _org_year(rng, form, org, profile, year, plan)
    _story(form, reporters, plan, seed)
    return plan


def _story(form: FormDef, reporters: list[Reporter], plan: Plan, seed: int) -> None:
    rng = random.Random(f"{seed}/reports/story")
    by_id = {r.id: r for r in reporters}

    def sheets(period: str) -> dict[int, demo_story.Sheet]:
        return {
            org_id: demo_story.Sheet(
                org_id, by_id[org_id].category, demo_values.CLASS_OF[by_id[org_id].category], values
            )
            for (org_id, phase, p), values in plan.values.items()
            if phase == PROGRESS and p == period
        }

    q1, q2 = sheets(STORY[0]), sheets(STORY[1])
    taken: set[tuple[int, str]] = set()
    q1_sheets = sorted(q1.values(), key=lambda s: s.org_id)
    done = demo_story.plant(rng, q1_sheets, demo_story.RULE_BREAKS + demo_story.OUTLIERS, taken)
    q2 = {k: v for k, v in q2.items()}
    still = demo_story.replant(rng, q2, done)
    demo_story.settle(done, q2, {(o, c) for o, c, _ in still})
    new = demo_story.plant(
        rng, sorted(q2.values(), key=lambda s: s.org_id), demo_story.NEW, set(taken)
    )
    plan.story = {"planted_q1": len(done), "still_q2": len(still), "new_q2": len(new)}


def _submitted_at(
    rng: random.Random, form: FormDef, phase: str, period: Period, district: str
) -> tuple[dt.datetime, bool]:
    late_share = 0.02 + (int(district[-2:]) % 5) * 0.02
    deadline = form.deadline(period, phase)
    if rng.random() < late_share:
        day = form.on_time_until(period, phase) + dt.timedelta(days=rng.randint(1, 20))
        on_time = False
    else:
        day = deadline - dt.timedelta(days=rng.randint(0, 12))
        on_time = True
    at = dt.datetime.combine(day, dt.time(1 + rng.randint(0, 9), rng.randint(0, 59)), dt.UTC)
    return at, on_time


UNAPPROVED_Q2 = ("330110", "330113", "330127")
"""Districts whose 2026Q2 sheets are still being approved (their whole subtree)."""


def _rows(
    form: FormDef, plan: Plan, reporters: list[Reporter], first_id: int, seed: int
) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}/reports/dates")
    by_id = {r.id: r for r in reporters}
    rows = []
    for offset, ((org_id, phase, code), values) in enumerate(sorted(plan.values.items())):
        org = by_id[org_id]
        period = form.period(code, phase)
        at, on_time = _submitted_at(rng, form, phase, period, org.district)
        approved = (
            period.year < 2026
            or code in ("2026", "2026Q1")
            or (code == "2026Q2" and org.district not in UNAPPROVED_Q2)
        )
        rows.append(
            {
                "id": first_id + offset,
                "form_id": form.id,
                "organization_id": org_id,
                "period": code,
                "phase": phase,
                "data": values,
                "status": "APPROVED" if approved else "SUBMITTED",
                "version": 2 if approved else 1,
                "submitted_at": at,
                "submitted_by": None,
                "on_time": on_time,
                "updated_at": at,
                "approved_at": at + dt.timedelta(days=5) if approved else None,
                "approved_by": None,
            }
        )
    return rows


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


async def write_plan(
    session: AsyncSession, form: FormDef, plan: Plan, reporters: list[Reporter], seed: int
) -> tuple[int, int]:
    """Insert the plan's sheets and their violations (every rule evaluated over them)."""
    first_id = (await session.scalar(select(func.max(ReportSheet.id))) or 0) + 1
    rows = _rows(form, plan, reporters, first_id, seed)
    for start in range(0, len(rows), 5000):
        await session.execute(insert(_table(ReportSheet)), rows[start : start + 5000])
    await reset_sequences(await session.connection())
    categories = {r.id: r.category for r in reporters}
    refs = [
        validation.SheetRef(
            row["id"],
            row["organization_id"],
            categories[row["organization_id"]],
            row["period"],
            row["phase"],
        )
        for row in rows
    ]
    found = validation.evaluate(form, await catalog.form_rules(session, form), refs, plan.values)
    violations = validation.violation_rows(found)
    for start in range(0, len(violations), 5000):
        await session.execute(insert(_table(ReportViolation)), violations[start : start + 5000])
    return len(rows), len(violations)


async def load_reports_demo(*, session: AsyncSession, seed: int) -> dict[str, int]:
    """Load the report libraries and the demo sheets of DJBB (rules evaluated)."""
    await loading.load_core_reports(session=session, actor=None)
    form = await catalog.form_def(session, code=FORM)
    assert form is not None, "the core report form DJBB is missing"
    reporters = await _reporters(session, form)
    plan = build(form, reporters, seed)
    sheets, violations = await write_plan(session, form, plan, reporters, seed)
    summary = {"sheets": sheets, "violations": violations, **plan.story}
    await audit.append(
        session=session,
        actor_id=None,
        actor_username=None,
        action="report.demo_load",
        entity_type="ReportForm",
        entity_id=FORM,
        changes=summary,
    )
    return summary
