"""`dutygraph demo` in full: the city, its installed plugins enabled, this year's calendar
with a past up to the demo date, and the per-district story that past tells.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pluggy
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.audit import service as audit
from core.calendar import cli_ops
from core.calendar.generate import GenerateSummary
from core.calendar.models import TaskTally
from core.calendar.uploads import UploadSettings
from core.db import session_factory, utcnow
from core.demo import evidence
from core.demo.activity import load_activity
from core.demo.loader import DEFAULT_SEED, DemoSummary, load_demo
from core.demo.past import PastShape
from core.orgs import catalogue_data as cat
from core.orgs.models import Organization, OrgCategory
from core.plugin_admin.service import list_installed, operator, set_enabled

Progress = Callable[[str, int, int], None]
ACTOR = "demo"


@dataclass(frozen=True)
class Standing:
    """Task counts of a district up to the demo date (cancelled tasks left out)."""

    code: str
    name: str
    on_time: int
    late: int
    missed: int  # open and due before the demo date
    open: int  # open and not yet due

    @property
    def due(self) -> int:
        """Tasks due before the demo date."""
        return self.on_time + self.late + self.missed

    @property
    def on_time_rate(self) -> float | None:
        """Done on time ÷ due (as TaskProgress.onTimeRate)."""
        return None if self.due == 0 else self.on_time / self.due


@dataclass
class CitySummary:
    """What `dutygraph demo` did."""

    demo: DemoSummary
    plugins: list[str] = field(default_factory=list)
    activity: list[str] = field(default_factory=list)
    calendar: GenerateSummary | None = None
    records: int = 0
    attachments: int = 0
    districts: list[Standing] = field(default_factory=list)
    assessed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


async def enable_plugins(engine: AsyncEngine, pm: pluggy.PluginManager) -> list[str]:
    """Enable every installed plugin (as the city's operator); the names enabled."""
    async with session_factory(engine).begin() as session:
        views = await list_installed(conn=await session.connection(), pm=pm)
        names = [view.info.name for view in views if not view.enabled]
        for name in names:
            await set_enabled(
                session=session, pm=pm, principal=operator(ACTOR), name=name, enabled=True
            )
    return names


async def standings(conn: AsyncConnection, today: dt.date) -> list[Standing]:
    """Each district's tasks by state, from the task tally."""
    past = TaskTally.due_on < today
    stmt = (
        select(
            Organization.code,
            Organization.name,
            TaskTally.status,
            TaskTally.late,
            past,
            func.sum(TaskTally.n),
        )
        .join(Organization, Organization.id == TaskTally.organization_id)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(OrgCategory.code == cat.DISTRICT, TaskTally.status != "CANCELLED")
        .group_by(
            Organization.code,
            Organization.name,
            TaskTally.status,
            TaskTally.late,
            past,
        )
    )
    counts: dict[tuple[str, str], Counter[str]] = {}
    for code, name, status, late, was_due, n in await conn.execute(stmt):
        if status == "DONE":
            kind = "late" if late else "on_time"
        else:
            kind = "missed" if was_due else "open"
        counts.setdefault((code, name), Counter())[kind] += int(n or 0)
    return [
        Standing(code, name, c["on_time"], c["late"], c["missed"], c["open"])
        for (code, name), c in sorted(counts.items())
    ]


async def _record(engine: AsyncEngine, summary: CitySummary, uploads: UploadSettings) -> None:
    files = await evidence.store_files(uploads)
    async with engine.begin() as conn:
        summary.records, summary.attachments = await evidence.write_records(conn, files)
    async with session_factory(engine).begin() as session:
        await audit.append(
            session=session,
            actor_id=None,
            actor_username=ACTOR,
            action="demo.past",
            entity_type="Calendar",
            entity_id=str(summary.calendar.year if summary.calendar else ""),
            changes={"records": summary.records, "attachments": summary.attachments},
        )


async def load_city(
    *,
    engine: AsyncEngine,
    pm: pluggy.PluginManager,
    today: dt.date,
    timezone: str,
    uploads: UploadSettings,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    calendar: bool = True,
    progress: Progress | None = None,
) -> CitySummary:
    """Load the demo city, enable its plugins and load their activity, generate this year
    with a past up to `today`, compute the assessment."""
    clock = time.perf_counter()
    demo = await load_demo(engine=engine, pm=pm, scale=scale, seed=seed, progress=progress)
    summary = CitySummary(demo=demo)
    summary.plugins = await enable_plugins(engine, pm)
    summary.seconds["city"] = time.perf_counter() - clock
    clock = time.perf_counter()
    summary.activity = await load_activity(engine=engine, pm=pm, seed=seed, scale=scale)
    summary.seconds["activity"] = time.perf_counter() - clock
    if not calendar:  # the plugins' assessment items join the results computed without a past
        summary.assessed = await _assess(engine, today)
        return summary
    clock = time.perf_counter()
    now = min(utcnow(), dt.datetime.combine(today, dt.time(23, 59), dt.UTC))
    shape = PastShape(seed=seed, now=now, timezone=timezone)
    summary.calendar = await cli_ops.generate_year(
        engine=engine, year=today.year, today=today, shape=shape, progress=progress
    )
    summary.seconds["calendar"] = time.perf_counter() - clock
    clock = time.perf_counter()
    await _record(engine, summary, uploads)
    async with engine.connect() as conn:
        summary.districts = await standings(conn, today)
    summary.seconds["records"] = time.perf_counter() - clock
    clock = time.perf_counter()
    summary.assessed = await _assess(engine, today)
    summary.seconds["assessment"] = time.perf_counter() - clock
    return summary


async def _assess(engine: AsyncEngine, today: dt.date) -> int:
    """Compute the demo assessment again now that the plugins' items joined it (and, with a
    calendar, the year has its past: results differ for the tasks done, late or missed)."""
    from core.assessment.demo import recompute

    done = await recompute(engine=engine, today=today)
    return 0 if done is None else done.organizations
