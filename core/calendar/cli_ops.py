"""Operator jobs of the calendar (the `dutygraph calendar` commands), each one transaction."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.audit import service as audit
from core.calendar import blocks, generate, workdays
from core.db import session_factory

OPERATOR = "cli"
WORKERS = 2  # concurrent generation connections on PostgreSQL
PHASE = "行事历任务"


async def _audit(
    session: AsyncSession, action: str, entity_id: str, changes: dict[str, object]
) -> None:
    await audit.append(
        session=session,
        actor_id=None,
        actor_username=OPERATOR,
        action=action,
        entity_type="Calendar",
        entity_id=entity_id,
        changes=changes,
    )


async def generate_year(
    *,
    engine: AsyncEngine,
    year: int,
    today: dt.date,
    shape: blocks.Shape | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> generate.GenerateSummary:
    """Seed the year's official holidays if none are stored, then instantiate its tasks.

    The rules are dated (and liaison tasks made) in one transaction; then on PostgreSQL
    WORKERS connections share the organisation blocks, each block its own transaction (a
    failed run is simply run again: generation is idempotent). `shape` gives the new tasks
    a state (the demo's past); `progress` hears (phase, blocks done, blocks).
    """
    sessions = session_factory(engine)
    summary = generate.GenerateSummary(year=year)
    async with sessions.begin() as session:
        if not await workdays.has_year(session, year):
            await workdays.seed_official(session=session, year=year)
        summary.holidays_known = await workdays.has_year(session, year)
        summary.skipped = await generate.ensure_rules(session=session, today=today)
        found = await generate.targets(session=session)
        by_owner = await generate.plan(session=session, found=found, year=year, summary=summary)
        ranges = await blocks.blocks(session)
    rows = blocks.occurrence_rows(by_owner)
    workers = WORKERS if engine.dialect.name == "postgresql" else 1
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(PHASE, done, len(ranges))

    if progress is not None:
        progress(PHASE, 0, len(ranges))

    async def work(index: int) -> int:
        async with engine.connect() as conn:
            return await blocks.run(
                conn,
                rows=rows,
                ranges=ranges[index::workers],
                today=today,
                commit=True,
                shape=shape,
                progress=advance,
            )

    if rows:
        summary.tasks_created += sum(await asyncio.gather(*(work(i) for i in range(workers))))
    if progress is not None:
        progress(PHASE, len(ranges), len(ranges))
    async with sessions.begin() as session:
        await _audit(
            session,
            "calendar.generate",
            str(year),
            {"rules": summary.rules, "tasks": summary.tasks_created},
        )
    if engine.dialect.name == "postgresql" and summary.tasks_created:
        # fresh statistics for the planner after a bulk load (a sample: seconds); the
        # visibility map follows from autovacuum, which PostgreSQL 13+ runs on inserts too
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE task"))
    return summary


async def seed_holidays(*, engine: AsyncEngine, year: int) -> int | None:
    """Store the official exceptions of a year; None when the package has not got them."""
    async with session_factory(engine).begin() as session:
        count = await workdays.seed_official(session=session, year=year)
        if count is not None:
            await _audit(session, "calendar.holidays", str(year), {"official": count})
    return count


async def set_city_day(*, engine: AsyncEngine, day: dt.date, working: bool, note: str) -> None:
    """Store a city override for one day."""
    async with session_factory(engine).begin() as session:
        await workdays.set_day(session=session, day=day, working=working, note=note)
        await _audit(session, "calendar.day", day.isoformat(), {"working": working, "note": note})
