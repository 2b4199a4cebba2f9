"""Compute the whole city's 2026 assessment at a scale and time one category's ranking page.

    python -m bench.assessment_compute [--scale 15] [--database-url URL] [--no-calendar] [--keep]
    python -m bench.assessment_compute --reuse --database-url URL

--reuse: time the compute and the ranking page on a database that already holds the demo city
(e.g. `make bench`'s dutygraph_bench_read, scale 15 with this year's tasks); nothing is loaded
or dropped.

Builds the demo city in a fresh database (through the migrations; the demo seeds DJKH-2026's
ratings, surveys, visits and economic scores and computes once), generates the year's
calendar (so that `tasks.*` has ~12.5 million tasks to read at scale 15), then times
`dutygraph assessment compute` for DJKH-2026 and the contract's `Ranking` page (first 50 of
COMMUNITY, as admin, over ASGI in-process) and prints the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import time
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.load_demo import DEFAULT_SERVER, _recreate, _target
from core import migrate
from core.assessment import cli_ops
from core.assessment.models import AssessmentResult
from core.auth import tokens
from core.calendar.cli_ops import generate_year
from core.calendar.models import Task
from core.config import from_env
from core.demo import load_demo
from gateway.app import create_app, create_runtime

RANKING = """
query Ranking($schemeCode: String!, $categoryCode: String!, $withinCode: String, $first: Int = 50) {
  assessmentRanking(
    schemeCode: $schemeCode, categoryCode: $categoryCode, withinCode: $withinCode, first: $first
  ) {
    totalCount
    edges { node { rank organization { code name } performanceScore satisfactionScore
      accountabilityScore economicScore grade } }
  }
}
"""


async def _ranking(runtime: object, n: int, within: str | None) -> list[float]:
    app = create_app(runtime)  # type: ignore[arg-type]
    token = tokens.mint(settings=runtime.settings, username="admin")  # type: ignore[attr-defined]
    variables = {"schemeCode": "DJKH-2026", "categoryCode": "COMMUNITY", "withinCode": within}
    timings = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(n + 5):
            started = time.perf_counter()
            response = await client.post(
                "/graphql",
                json={"query": RANKING, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and "errors" not in response.json(), response.text
    return timings[5:]


async def _load(runtime: Any, scale: int) -> None:
    await migrate.upgrade(runtime.engine, runtime.pm)
    started = time.perf_counter()
    summary = await load_demo(engine=runtime.engine, pm=runtime.pm, scale=scale)
    print(
        "demo load (incl. assessment seed + first compute): "
        f"{time.perf_counter() - started:.1f} s, {summary.organizations} organisations"
    )


async def run(
    *, url_text: str, scale: int, calendar: bool, keep: bool, n: int, reuse: bool = False
) -> None:
    url = _target(url_text)
    if not reuse:
        await _recreate(url)
    settings = from_env({"DUTYGRAPH_DATABASE_URL": url.render_as_string(hide_password=False)})
    runtime = create_runtime(settings)
    today = dt.date(2026, 12, 1)
    try:
        if not reuse:
            await _load(runtime, scale)
        if calendar and not reuse:
            started = time.perf_counter()
            generated = await generate_year(engine=runtime.engine, year=2026, today=today)
            print(
                f"calendar 2026: {generated.tasks_created} tasks "
                f"in {time.perf_counter() - started:.1f} s"
            )
        async with runtime.engine.connect() as conn:
            tasks = await conn.scalar(select(func.count()).select_from(Task))
        for attempt in (1, 2):
            started = time.perf_counter()
            done = await cli_ops.compute(
                engine=runtime.engine,
                scheme_code="DJKH-2026",
                as_of=today,
                today=today,
                timezone=settings.timezone,
            )
            print(
                f"compute DJKH-2026 (run {attempt}): {done.organizations} results, {tasks} tasks, "
                f"{time.perf_counter() - started:.1f} s, digest {done.digest[:16]}"
            )
        async with runtime.engine.connect() as conn:
            communities = await conn.scalar(select(func.count()).select_from(AssessmentResult))
        for within in (None, "330106"):
            timings = await _ranking(runtime, n, within)
            print(
                f"Ranking COMMUNITY first 50 (within {within or 'city'}; {communities} results): "
                f"median {statistics.median(timings):.1f} ms, "
                f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1]:.1f} ms over {n}"
            )
    finally:
        await runtime.engine.dispose()
        if not keep and not reuse:
            await _recreate(url, drop_only=True)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.assessment_compute", description=__doc__)
    parser.add_argument("--scale", type=int, default=15)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DUTYGRAPH_BENCH_DATABASE_URL", DEFAULT_SERVER + "/dutygraph_assess"
        ),
    )
    parser.add_argument("--no-calendar", dest="calendar", action="store_false")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is")
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args(argv)
    asyncio.run(
        run(
            url_text=args.database_url,
            scale=args.scale,
            calendar=args.calendar,
            keep=args.keep,
            n=args.n,
            reuse=args.reuse,
        )
    )


if __name__ == "__main__":
    main()
