"""Time the reports at scale: the demo city with its DJBB sheets, PEERS outliers for the
city and for one district (SQL on PostgreSQL), and a district office's upload.

    python -m bench.report_outliers [--scale 15] [--database-url URL] [--keep] [--reuse]

URL is a PostgreSQL server (its database part names the scratch database, default
dutygraph_bench_reports, which is dropped and re-created unless --reuse). The upload runs
in a transaction that is rolled back, so the data stays as the demo made it.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import io
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import python_calamine
import xlsxwriter
from sqlalchemy import select, text, true
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.load_demo import DEFAULT_SERVER, _recreate
from core import migrate
from core.auth.service import load_principal
from core.clock import city_today
from core.config import from_env
from core.db import create_engine, session_factory
from core.demo import load_demo
from core.orgs.models import Organization, OrgCategory
from core.orgs.scope import within
from core.plugins import create_manager
from core.reports import catalog, excel, exports, flags
from core.reports.upload import apply_upload

DEFAULT_DATABASE = "dutygraph_bench_reports"
VALUES_SQL = {
    "postgresql": "SELECT sum((SELECT count(*) FROM jsonb_object_keys(data))) FROM report_sheet",
    "sqlite": "SELECT count(*) FROM report_sheet, json_each(report_sheet.data)",
}
YES_NO = ("venue_standard", "secretary_pay_ok", "org_life_meeting")


async def _median(runs: int, work: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def _filled(template: bytes, seed: int, applies: dict[str, set[str]]) -> bytes:
    """The template with every cell filled that its organisation's category reports."""
    rng = random.Random(seed)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(template))
    rows = book.get_sheet_by_name(excel.DATA_SHEET).to_python()
    out = io.BytesIO()
    writer = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    sheet = writer.add_worksheet(excel.DATA_SHEET)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if r >= 2 and c >= len(excel.FIXED_COLUMNS):
                code = str(rows[1][c])
                if code not in applies.get(str(row[2]), set()):
                    continue
                value = excel.YES if code in YES_NO else rng.randint(3, 9)
            if value not in ("", None):
                sheet.write(r, c, value)
    writer.close()
    return out.getvalue()


async def _flags(engine: AsyncEngine, district_code: str) -> None:
    async with engine.connect() as conn:
        sheets = (await conn.execute(text("SELECT count(*) FROM report_sheet"))).scalar_one()
        values = (await conn.execute(text(VALUES_SQL[engine.dialect.name]))).scalar_one()
        orgs = (await conn.execute(text("SELECT count(*) FROM organization"))).scalar_one()
        print(f"organisations {orgs:,}, sheets {sheets:,}, report values {values:,}")
        form = await catalog.form_def(conn, code="DJBB")
        assert form is not None
        district = (
            await conn.execute(select(Organization.id).where(Organization.code == district_code))
        ).scalar_one()
        period = form.period("2026Q1", "PROGRESS")
        for label, scope, runs in (
            ("city", true(), 3),
            (f"district {district_code}", within(district), 5),
        ):
            for method in ("Z_SCORE", "MOD_Z_SCORE"):
                work = functools.partial(
                    flags.slice_flags,
                    conn,
                    form=form,
                    period=period,
                    phase="PROGRESS",
                    scope=scope,
                    analysis=flags.analysis_for(form, method, None, None),
                )
                seconds, found = await _median(runs, work)
                print(
                    f"reportFlags 2026Q1 PEERS {method:<11} {label:<16} "
                    f"{seconds * 1000:8.0f} ms  ({len(found)} flags, median of {runs})"
                )


async def _upload(engine: AsyncEngine, district: str) -> None:
    """A district office's sheet for every organisation it reports for (rolled back)."""
    username = "xihu" if district == "330106" else f"sec-{district}"
    async with engine.connect() as conn:
        principal = await load_principal(conn=conn, username=username)
    assert principal is not None
    today = city_today()
    period = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    async with session_factory(engine)() as session:
        body = await exports.template(
            session=session,
            principal=principal,
            form_code="DJBB",
            period=period,
            phase="PROGRESS",
            within_code=district,
        )
        await session.rollback()
    async with engine.connect() as conn:
        form = await catalog.form_def(conn, code="DJBB")
        names = dict((await conn.execute(select(OrgCategory.name, OrgCategory.code))).all())
    assert form is not None
    applies = {
        name: {i.code for i in form.applicable(code, "PROGRESS")} for name, code in names.items()
    }
    filled = _filled(body, 7, applies)
    async with session_factory(engine)() as session:
        started = time.perf_counter()
        result = await apply_upload(
            session=session,
            principal=principal,
            form_code="DJBB",
            period=period,
            phase="PROGRESS",
            data=filled,
            filename="bench.xlsx",
            today=today,
        )
        await session.flush()
        seconds = time.perf_counter() - started
        await session.rollback()
    print(
        f"upload of {district}'s sheet: {result.rows:,} rows, {result.values:,} values "
        f"in {seconds:.1f} s ({len(filled) / 1e6:.1f} MB)"
    )


def _url(raw: str) -> URL:
    url = make_url(raw)
    if url.get_backend_name() != "sqlite" and not url.database:
        url = url.set(database=DEFAULT_DATABASE)
    return url


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=15)
    parser.add_argument(
        "--database-url", default=os.environ.get("DUTYGRAPH_BENCH_DATABASE_URL", DEFAULT_SERVER)
    )
    parser.add_argument("--district", default="330106")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is")
    args = parser.parse_args()
    url = _url(args.database_url)
    database_url = url.render_as_string(hide_password=False)
    pm = create_manager(from_env({**os.environ, "DUTYGRAPH_DATABASE_URL": database_url}))
    if not args.reuse:
        await _recreate(url)
    engine = create_engine(database_url)
    try:
        if not args.reuse:
            await migrate.upgrade(engine, pm)
            started = time.perf_counter()
            await load_demo(engine=engine, pm=pm, scale=args.scale)
            print(f"demo city with DJBB, scale {args.scale}: {time.perf_counter() - started:.1f} s")
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:  # committed: statistics are transactional
                await conn.execute(text("ANALYZE"))
        await _flags(engine, args.district)
        await _upload(engine, args.district)
    finally:
        await engine.dispose()
        if not args.keep and not args.reuse:
            await _recreate(url, drop_only=True)


if __name__ == "__main__":
    asyncio.run(main())
