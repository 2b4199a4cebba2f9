"""Time the spot checks: a stratified draw, its verification, a bulletin's rendering.

    python -m bench.spot_checks [--population 50000] [--sample 500] [--database-url URL]

Without a database: the draw algorithm over a synthetic population (13 strata of uneven
size), `verify`'s redraw from the snapshot, and the HTML and .xlsx of a bulletin with
`--sample` findings. With `--database-url` (a migrated database holding a demo city, e.g.
`dutygraph demo --scale 15`): `drawSpotCheck`'s service over the whole city, `verify`, and
publishing a bulletin with a finding per drawn organisation — in a transaction that is
rolled back, so the database stays as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from core.supervision import draw
from core.supervision.exports import bulletin_html, bulletin_xlsx
from core.supervision.models import Bulletin

T = TypeVar("T")


def _timed(label: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    print(f"{label}: {1000 * (time.perf_counter() - start):.0f} ms")
    return result


def _synthetic(size: int) -> list[draw.Member]:
    rng = random.Random(15)
    weights = [rng.randint(1, 9) for _ in range(13)]
    strata = [f"3301{i:02d}" for i in range(13)]
    picks = rng.choices(strata, weights=weights, k=size)
    return [draw.Member(f"{s}{n:09d}", s) for n, s in enumerate(picks)]


def _bulletin(sample: list[draw.Member]) -> Bulletin:
    findings = [
        {
            "finding_id": i,
            "organization_id": i,
            "organization_code": m.code,
            "organization_name": f"测试社区{i}",
            "severity": ("LOW", "MEDIUM", "HIGH")[i % 3],
            "status": "RECTIFYING",
            "description": "“三会一课”记录不完整，支部委员会会议缺少 3 个月的记录",
            "rectify_by": "2026-12-31",
        }
        for i, m in enumerate(sample)
    ]
    body: dict[str, Any] = {
        "title": "基准抽查",
        "within": {"id": 1, "code": "330100", "name": "杭州市"},
        "drawn_on": "2026-12-01",
        "seed": "1",
        "algorithm": draw.ALGORITHM,
        "population": 50000,
        "population_hash": "0" * 64,
        "sample_size": len(sample),
        "organizations": [{"id": i, "code": m.code, "name": m.code} for i, m in enumerate(sample)],
        "findings": findings,
    }
    return Bulletin(
        id=1,
        title="关于基准抽查情况的通报",
        body=body,
        digest="0" * 64,
        published_at=dt.datetime.now(dt.UTC),
    )


def offline(size: int, sample_size: int) -> None:
    """The pure parts: draw, snapshot and hash, verify, render."""
    people = _synthetic(size)
    text = _timed("snapshot + SHA-256", lambda: draw.snapshot(people))
    _timed("population hash", lambda: draw.digest(text))
    sample = _timed(f"draw {sample_size} of {size}", lambda: draw.draw(people, sample_size, 7))
    _timed(
        "verify (parse snapshot + redraw)",
        lambda: draw.draw(draw.parse_snapshot(text), sample_size, 7),
    )
    bulletin = _bulletin(sample)
    page = _timed(f"bulletin HTML, {sample_size} findings", lambda: bulletin_html(bulletin))
    book = _timed(f"bulletin xlsx, {sample_size} findings", lambda: bulletin_xlsx(bulletin))
    print(f"html {len(page) // 1024} KiB, xlsx {len(book) // 1024} KiB")


async def online(url: str, sample_size: int) -> None:
    """The services against a demo city, rolled back."""
    from sqlalchemy import select

    from core.auth.service import load_principal
    from core.db import create_engine, session_factory
    from core.supervision import bulletins, spotchecks
    from core.supervision.findings import FindingRequest, record_finding

    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            principal = await load_principal(conn=await session.connection(), username="admin")
            assert principal is not None
            request = spotchecks.DrawRequest("基准抽查", "330100", None, sample_size, "7", 0)
            start = time.perf_counter()
            check = await spotchecks.draw_spot_check(
                session=session, principal=principal, request=request, default_exclude_months=0
            )
            print(
                f"drawSpotCheck {sample_size} of {check.population}: "
                f"{1000 * (time.perf_counter() - start):.0f} ms"
            )
            start = time.perf_counter()
            found = await spotchecks.verify(session=session, spot_check_id=check.id)
            assert found is not None and found.ok
            print(f"spotcheck verify: {1000 * (time.perf_counter() - start):.0f} ms")
            from core.orgs.models import Organization
            from core.supervision.models import SpotCheckOrg

            codes = list(
                await session.scalars(
                    select(Organization.code)
                    .join(SpotCheckOrg, SpotCheckOrg.organization_id == Organization.id)
                    .where(SpotCheckOrg.spot_check_id == check.id)
                )
            )
            today = dt.date.today()
            for code in codes:
                await record_finding(
                    session=session,
                    principal=principal,
                    request=FindingRequest(check.id, code, "MEDIUM", "基准问题", today),
                    today=today,
                )
            start = time.perf_counter()
            bulletin = await bulletins.publish(
                session=session,
                principal=principal,
                spot_check_id=check.id,
                timezone="Asia/Shanghai",
            )
            bulletin_html(bulletin)
            print(
                f"publish + render a bulletin with {len(codes)} findings: "
                f"{1000 * (time.perf_counter() - start):.0f} ms"
            )
            await session.rollback()
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--population", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    offline(args.population, args.sample)
    if args.database_url:
        asyncio.run(online(args.database_url, args.sample))


if __name__ == "__main__":
    main()
