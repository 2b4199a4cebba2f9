"""Time loading the demo city at a scale into a fresh database, print the figures, drop it.

    python -m bench.load_demo [--scale 15] [--database-url URL] [--keep]

URL is a PostgreSQL server (its database part names the scratch database, default
dutygraph_bench, which is created and dropped) or an SQLite file URL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core import migrate
from core.config import from_env
from core.db import create_engine, is_sqlite
from core.demo import DEFAULT_SEED, DemoSummary, load_demo
from core.plugins import create_manager

DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
DEFAULT_DATABASE = "dutygraph_bench"


def _target(url_text: str) -> URL:
    url = make_url(url_text)
    if is_sqlite(url_text) or url.database:
        return url
    return url.set(database=DEFAULT_DATABASE)


async def _recreate(url: URL, *, drop_only: bool = False) -> None:
    """Drop (and unless drop_only, create) the scratch database or SQLite file."""
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            await asyncio.to_thread(Path(f"{url.database}{suffix}").unlink, missing_ok=True)
        return
    admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            if not drop_only:
                await conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        await admin.dispose()


class _Phases:
    """Wall-clock seconds per loader phase, from the progress callback."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.mark = self.start
        self.seconds: dict[str, float] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if done == 0:
            self.mark = now
        if done >= total:
            self.seconds[phase] = now - self.mark
            self.mark = now


def _print(summary: DemoSummary, phases: _Phases, seconds: float, url: URL, scale: int) -> None:
    rows = sum(v for k, v in asdict(summary).items() if k in _ROW_FIELDS)
    print(f"demo load: scale {scale} into {url.get_backend_name()} ({url.database})")
    print(f"  total          {seconds:8.2f} s")
    print(
        f"  organisations  {summary.organizations:8d}  ({summary.organizations / seconds:,.0f}/s)"
    )
    print(f"  rows inserted  {rows:8d}  ({rows / seconds:,.0f}/s)")
    for phase, took in phases.seconds.items():
        print(f"  {phase:<22} {took:7.2f} s")
    for name, value in asdict(summary).items():
        print(f"  {name:<22} {value:8d}")


_ROW_FIELDS = {
    "organizations",
    "closure_rows",
    "persons",
    "assignments",
    "leading_groups",
    "leading_group_members",
    "accounts",
}


async def run(*, url: URL, scale: int, seed: int, keep: bool) -> DemoSummary:
    """Create and migrate the database, load the demo, print the figures, drop the database."""
    await _recreate(url)
    pm = create_manager(from_env())
    engine = create_engine(url.render_as_string(hide_password=False))
    try:
        await migrate.upgrade(engine, pm)  # the schema comes from migrations only
        phases = _Phases()
        started = time.perf_counter()
        summary = await load_demo(engine=engine, pm=pm, scale=scale, seed=seed, progress=phases)
        _print(summary, phases, time.perf_counter() - started, url, scale)
    finally:
        await engine.dispose()
        if not keep:
            await _recreate(url, drop_only=True)
    return summary


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.load_demo", description=__doc__)
    parser.add_argument("--scale", type=int, default=15)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DUTYGRAPH_BENCH_DATABASE_URL", DEFAULT_SERVER),
        help=f"PostgreSQL server or SQLite URL (default {DEFAULT_SERVER}/{DEFAULT_DATABASE})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    asyncio.run(
        run(url=_target(args.database_url), scale=args.scale, seed=args.seed, keep=args.keep)
    )


if __name__ == "__main__":
    main()
