"""The demo's DJBB sheets of organisations that report only the indicators a plugin joined
to the form (the sectors' schools, hospitals, companies…): 2025 in full and 2026 up to the
third quarter, dated and approved like the core demo's sheets, every rule evaluated.

The plugin gives each organisation's level of each of its indicators: a stock's value
(LAST), a flow's quarterly rate (SUM), 1 or 0 for yes/no. Quarters vary narrowly around it
(a rare count is none, or one or none a quarter, each common), so a category's peers flag nothing
unless the plugin's levels are themselves far apart.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.reports import catalog
from core.reports.catalog import FormDef, IndicatorDef
from core.reports.demo import AS_OF, FORM, YEARS, Plan, Reporter, periods_of, write_plan
from core.reports.periods import PROGRESS, RESULT, TARGET

Levels = Mapping[str, float]


def clamp(indicator: IndicatorDef, raw: float) -> float:
    """A value rounded as its type is (counts whole) and kept within its bounds."""
    value = float(round(raw)) if indicator.value_type == "COUNT" else float(round(raw, 1))
    high = indicator.max_value
    if indicator.value_type == "PERCENTAGE":
        high = 100.0 if high is None else min(high, 100.0)
    value = max(indicator.min_value or 0.0, value)
    return value if high is None else min(high, value)


def _quarter(rng: random.Random, indicator: IndicatorDef, level: float) -> float:
    if indicator.value_type == "YES_NO":
        return 1.0 if level >= 0.5 else 0.0
    if indicator.aggregation == "SUM" and indicator.value_type == "COUNT" and level < 2:
        # a rare count: none below half a quarter, else one or none, both common, so that
        # no single one stands out among its peers
        chance = 0.0 if level < 0.5 else min(0.65, max(0.35, level / 2))
        return clamp(indicator, float(rng.random() < chance))
    if indicator.aggregation == "SUM":
        return clamp(indicator, level * rng.uniform(0.85, 1.15))
    if indicator.value_type == "COUNT":
        return clamp(indicator, level if level < 200 else level * rng.uniform(0.98, 1.02))
    return clamp(indicator, level + rng.uniform(-1.0, 1.0) * min(1.0, 0.05 * level))


def _result(
    rng: random.Random, indicator: IndicatorDef, level: float, quarters: list[dict[str, float]]
) -> float:
    seen = [q[indicator.code] for q in quarters if indicator.code in q]
    if not seen:
        return _quarter(rng, indicator, level)
    return clamp(indicator, sum(seen)) if indicator.aggregation == "SUM" else seen[-1]


def _target(
    rng: random.Random, indicator: IndicatorDef, level: float, result: dict[str, float] | None
) -> float:
    if indicator.aggregation != "SUM":
        return _quarter(rng, indicator, level)
    if result is not None and indicator.code in result:
        return clamp(indicator, result[indicator.code] * rng.uniform(0.88, 1.0))
    return clamp(indicator, 4 * level * rng.uniform(0.9, 1.0))


def _org_year(
    rng: random.Random, form: FormDef, org: Reporter, levels: Levels, year: int, plan: Plan
) -> None:
    def applicable(phase: str) -> list[IndicatorDef]:
        return [i for i in form.applicable(org.category, phase) if i.code in levels]

    quarters: list[dict[str, float]] = []
    for phase, period in periods_of(year):
        if phase == PROGRESS:
            values = {i.code: _quarter(rng, i, levels[i.code]) for i in applicable(PROGRESS)}
            quarters.append(values)
            if values:
                plan.values[(org.id, PROGRESS, period.code)] = values
    result: dict[str, float] | None = None
    if year < AS_OF.year:
        result = {i.code: _result(rng, i, levels[i.code], quarters) for i in applicable(RESULT)}
        if result:
            plan.values[(org.id, RESULT, str(year))] = result
    target = {i.code: _target(rng, i, levels[i.code], result) for i in applicable(TARGET)}
    if target:
        plan.values[(org.id, TARGET, str(year))] = target


def _district(code: str) -> str:
    """The six digits the sheet dates are spread by (a credit code: its type and region)."""
    return code[:6] if code[:6].isdigit() else "330100"


async def load_joined_sheets(
    *,
    session: AsyncSession,
    seed: int,
    key: str,
    organizations: Sequence[tuple[int, str, str]],
    levels: Mapping[int, Levels],
) -> dict[str, int]:
    """Sheets of DJBB for the (id, code, category) organisations from their levels; audited
    as `report.demo_load` with `key` (the plugin)."""
    form = await catalog.form_def(session, code=FORM)
    if form is None:
        return {"sheets": 0, "violations": 0}
    reporters = [
        Reporter(org_id, code, category, _district(code))
        for org_id, code, category in organizations
        if category in form.reporters and org_id in levels
    ]
    plan = Plan()
    for org in reporters:
        rng = random.Random(f"{seed}/reports/{key}/{org.code}")
        for year in YEARS:
            _org_year(rng, form, org, levels[org.id], year, plan)
    sheets, violations = await write_plan(session, form, plan, reporters, seed)
    summary = {"sheets": sheets, "violations": violations}
    await audit.append(
        session=session,
        actor_id=None,
        actor_username=None,
        action="report.demo_load",
        entity_type="ReportForm",
        entity_id=FORM,
        changes={"plugin": key, **summary},
    )
    return summary
