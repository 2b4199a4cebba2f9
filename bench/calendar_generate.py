"""Time generating a year of tasks for the demo city at a scale, in a fresh database.

    python -m bench.calendar_generate [--scale 15] [--year 2027] [--database-url URL] [--keep]

Builds the demo city (with its duty library) in a scratch database migrated by
`core.migrate.upgrade`, then runs the `dutygraph calendar generate` job twice (the second
run must add nothing) and prints seconds and tasks per second. The database is dropped
afterwards unless --keep (bench.task_queries can then run against it).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import time

from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bench.load_demo import DEFAULT_SERVER, _recreate, _target
from core import migrate
from core.calendar.cli_ops import generate_year
from core.calendar.models import Task
from core.config import from_env
from core.db import create_engine
from core.demo import DEFAULT_SEED, load_demo
from core.plugins import create_manager


async def run(*, url: URL, scale: int, year: int, keep: bool) -> float:
    """Build, migrate, load, generate (twice); print the figures; the first run's seconds."""
    await _recreate(url)
    pm = create_manager(from_env())
    engine = create_engine(url.render_as_string(hide_password=False))
    try:
        await migrate.upgrade(engine, pm)
        started = time.perf_counter()
        summary = await load_demo(engine=engine, pm=pm, scale=scale, seed=DEFAULT_SEED)
        print(
            f"demo city: scale {scale}, {summary.organizations} organisations "
            f"({time.perf_counter() - started:.1f} s)"
        )
        today = dt.date(year, 1, 1) - dt.timedelta(days=1)
        started = time.perf_counter()
        first = await generate_year(engine=engine, year=year, today=today)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = await generate_year(engine=engine, year=year, today=today)
        again = time.perf_counter() - started
        async with engine.connect() as conn:
            stored = await conn.scalar(select(func.count()).select_from(Task)) or 0
        print(f"calendar generate --year {year} into {url.get_backend_name()} ({url.database})")
        print(f"  rules          {first.rules:10d}   (skipped {len(first.skipped)})")
        print(f"  tasks created  {first.tasks_created:10d}   (stored {stored})")
        print(f"  seconds        {seconds:10.1f}   (incl. ANALYZE on PostgreSQL)")
        print(f"  tasks/s        {first.tasks_created / seconds:10,.0f}")
        print(f"  second run     {second.tasks_created:10d} new in {again:.1f} s (idempotent)")
    finally:
        await engine.dispose()
        if not keep:
            await _recreate(url, drop_only=True)
    return seconds


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.calendar_generate", description=__doc__)
    parser.add_argument("--scale", type=int, default=15)
    parser.add_argument("--year", type=int, default=dt.date.today().year + 1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DUTYGRAPH_BENCH_DATABASE_URL", DEFAULT_SERVER),
        help=f"PostgreSQL server or SQLite URL (default {DEFAULT_SERVER}/dutygraph_bench)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    url = _target(args.database_url)
    asyncio.run(run(url=url, scale=args.scale, year=args.year, keep=args.keep))


if __name__ == "__main__":
    main()
