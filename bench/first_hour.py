"""The first hour of a new user, timed: `make run` on a fresh clone, the demo with its past,
its task states per district, and a first `dutygraph remind` over that history.

    python -m bench.first_hour [--clone] [--database-url URL] [--today YYYY-MM-DD]

--clone: `git clone` this repository into a temporary folder and time `make run` there
until /healthz answers (a fresh .venv and database; PORT 8765), then stop it. Without it:
load the demo into a scratch database (SQLite file by default) and run the remind job.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench.load_demo import DEFAULT_SERVER, _recreate, _target
from core import migrate
from core.calendar.models import OutboxMessage
from core.calendar.remind_job import remind
from core.calendar.uploads import UploadSettings
from core.config import from_env
from core.db import create_engine, session_factory
from core.demo.city import load_city
from core.plugins import create_manager

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765


def make_run() -> None:
    """Clone, `make run`, wait for /healthz; print the seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "dutygraph"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        started = time.perf_counter()
        server = subprocess.Popen(
            ["make", "run", f"PORT={PORT}"],
            cwd=clone,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None:
                    raise SystemExit("make run stopped before answering")
                time.sleep(0.5)
            seconds = time.perf_counter() - started
            print(f"make run on a fresh clone answered /healthz in {seconds:.1f} s")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(clone, ignore_errors=True)


async def demo(url: str, today: dt.date) -> None:
    """Load the demo with its past and run the first remind; print the figures."""
    target = _target(url)
    await _recreate(target)
    engine = create_engine(target.render_as_string(hide_password=False))
    settings = from_env()
    pm = create_manager(settings)
    try:
        await migrate.upgrade(engine, pm)
        with tempfile.TemporaryDirectory() as uploads:
            started = time.perf_counter()
            city = await load_city(
                engine=engine,
                pm=pm,
                today=today,
                timezone=settings.timezone,
                uploads=UploadSettings(Path(uploads), 10**7),
            )
            total = time.perf_counter() - started
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in city.seconds.items())
        tasks = city.calendar.tasks_created if city.calendar else 0
        print(f"demo load ({target.drivername}): {total:.1f} s ({phases}); {tasks:,} tasks")
        print(f"records {city.records:,}, attachments {city.attachments:,}")
        print(f"{'district':<16}{'on time':>9}{'late':>8}{'missed':>8}{'open':>9}{'rate':>8}")
        for d in city.districts:
            rate = f"{d.on_time_rate:.1%}" if d.on_time_rate is not None else "-"
            name = f"{d.name} {d.code}"
            counts = f"{d.on_time:>9,}{d.late:>8,}{d.missed:>8,}{d.open:>9,}"
            print(f"{name:<16}{counts}{rate:>8}")
        started = time.perf_counter()
        summary = await remind(
            sessions=session_factory(engine),
            pm=pm,
            today=today,
            escalate_after_days=settings.escalate_after_days,
        )
        seconds = time.perf_counter() - started
        async with engine.connect() as conn:
            per = Counter(
                dict(
                    (
                        await conn.execute(
                            select(OutboxMessage.recipient_id, func.count()).group_by(
                                OutboxMessage.recipient_id
                            )
                        )
                    ).all()
                )
            )
        folded = sum(d.total for d in summary.digests)
        print(f"remind first run: {seconds:.1f} s; {summary.line()}")
        print(
            f"  {len(summary.digests):,} digests stand for {folded:,} overdue messages; outbox "
            f"{sum(per.values()):,} messages, most for one account {max(per.values(), default=0)}"
        )
    finally:
        await engine.dispose()
        await _recreate(target, drop_only=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.first_hour", description=__doc__)
    parser.add_argument("--clone", action="store_true", help="time `make run` on a fresh clone")
    parser.add_argument(
        "--database-url",
        default=f"sqlite+aiosqlite:///{tempfile.gettempdir()}/dutygraph-first-hour.db",
        help=f"SQLite file or PostgreSQL server (e.g. {DEFAULT_SERVER})",
    )
    parser.add_argument("--today", default=None, help="the demo date (default: today)")
    args = parser.parse_args()
    if args.clone:
        make_run()
        return
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    asyncio.run(demo(args.database_url, today))


if __name__ == "__main__":
    main()
