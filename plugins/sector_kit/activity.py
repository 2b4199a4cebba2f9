"""A sector plugin's demo activity, once it is enabled: checklist runs of its operating
procedure and inspection checklist, and its organisations' DJBB sheets of the indicators it
joined to the form (`dutygraph_load_demo_activity`).

A plugin says where each indicator's level comes from (`Level`): its profile (a column or
a function of the row, so the report agrees with the profile) or a range per category (so
peers of a category stay within a narrow band and the outlier analysis flags none of them).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Base
from core.orgs.models import Organization, OrgCategory, Sector
from core.reports.demo_joined import load_joined_sheets
from core.specs import DemoContext
from core.supervision.demo_runs import seed_runs
from core.supervision.models import Procedure, ProcedureLibrary

ACTOR = "demo"
SHARES = {"PROCEDURE": 0.4, "CHECKLIST": 0.25}
"""Share of the organisations a procedure applies to that have a run of it in the demo."""
ANY = "*"


@dataclass(frozen=True)
class Level:
    """Where an organisation's level of one indicator comes from: `source` reads it from the
    profile row (times a factor drawn from `factor`), else `ranges` by category (or ANY)."""

    source: Callable[[Any], float] | None = None
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    factor: tuple[float, float] = (1.0, 1.0)

    def of(self, rng: random.Random, category: str, profile: Any) -> float | None:
        """The level, or None when the organisation has no profile or no range."""
        if self.source is not None:
            if profile is None:
                return None
            return float(self.source(profile)) * rng.uniform(*self.factor)
        span = self.ranges.get(category) or self.ranges.get(ANY)
        return None if span is None else rng.uniform(*span)


def column(name: str) -> Callable[[Any], float]:
    """A profile column as a level (booleans as 1 or 0)."""
    return lambda row: float(getattr(row, name))


async def _orgs(session: AsyncSession, sector_code: str) -> list[tuple[int, str, str, str]]:
    rows = await session.execute(
        select(Organization.id, Organization.code, Organization.name, OrgCategory.code)
        .join(Sector, Sector.id == Organization.sector_id)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(Sector.code == sector_code)
        .order_by(Organization.id)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def _profiles(session: AsyncSession, model: type[Base], ids: Sequence[int]) -> dict[int, Any]:
    key = getattr(model, "organization_id")  # noqa: B009 - a mapped column
    found: dict[int, Any] = {}
    for start in range(0, len(ids), 5000):
        rows = await session.scalars(select(model).where(key.in_(list(ids[start : start + 5000]))))
        found.update({getattr(row, "organization_id"): row for row in rows})  # noqa: B009
    return found


async def load_activity(
    context: DemoContext,
    *,
    plugin: str,
    sector_code: str,
    profile: type[Base],
    levels: Mapping[str, Level],
) -> dict[str, int]:
    """The plugin's checklist runs and DJBB sheets (deterministic from `context.rng`)."""
    session, rng = context.session, context.rng
    orgs = await _orgs(session, sector_code)
    codes = list(
        await session.scalars(
            select(Procedure.code)
            .join(ProcedureLibrary, ProcedureLibrary.id == Procedure.library_id)
            .where(ProcedureLibrary.plugin == plugin)
        )
    )
    runs = await seed_runs(
        session=session,
        rng=rng,
        procedure_codes=codes,
        organizations=[(org_id, name, category) for org_id, _code, name, category in orgs],
        shares=SHARES,
        actor=ACTOR,
    )
    rows = await _profiles(session, profile, [org[0] for org in orgs])
    by_org: dict[int, dict[str, float]] = {}
    for org_id, _code, _name, category in orgs:
        found = {code: level.of(rng, category, rows.get(org_id)) for code, level in levels.items()}
        by_org[org_id] = {code: value for code, value in found.items() if value is not None}
    sheets = await load_joined_sheets(
        session=session,
        seed=rng.randrange(1 << 30),
        key=plugin,
        organizations=[(org_id, code, category) for org_id, code, _name, category in orgs],
        levels=by_org,
    )
    return {"runs": runs, **sheets}
