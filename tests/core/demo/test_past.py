"""The demo's past: seeded odds and dice, tasks inserted in their state, records, evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.calendar import cli_ops
from core.calendar.models import Attachment, Task, TaskRecord
from core.calendar.uploads import UploadSettings
from core.db import create_engine
from core.demo import data, evidence
from core.demo.city import standings
from core.demo.past import PastShape, district_odds, organisation_odds
from core.migrate import upgrade
from core.plugins import create_manager
from tests.conftest import Databases, seed_minimal, settings_for
from tests.core.calendar.library import add_duty

DEMO_DATE = dt.date(2026, 9, 30)
NOW = dt.datetime(2026, 9, 30, 4, 0, tzinfo=dt.UTC)  # noon in Hangzhou
ZONE = ZoneInfo("Asia/Shanghai")


def test_odds_differ_between_districts_and_are_seeded() -> None:
    odds = {d.code: district_odds(7, d.code) for d in data.DISTRICTS}
    assert odds == {d.code: district_odds(7, d.code) for d in data.DISTRICTS}
    on_time = [o.on_time for o in odds.values()]
    assert max(on_time) - min(on_time) > 0.08  # a story: some districts lag behind
    assert all(0.75 <= o.on_time <= 0.95 and 0.03 <= o.late <= 0.13 for o in odds.values())
    assert district_odds(8, "330106") != district_odds(7, "330106")


def test_towns_and_villages_vary_around_their_district() -> None:
    orgs = [(1, "330100", None, 0), (2, "330106", 1, 1), (3, "330106001", 2, 2)]
    orgs += [(10 + i, f"330106001{i:03d}", 3, 3) for i in range(20)]
    odds = organisation_odds(7, orgs)
    district, town = odds[2], odds[3]
    assert district == district_odds(7, "330106") and town != district
    assert abs(town.on_time - district.on_time) <= 0.06
    villages = [odds[10 + i] for i in range(20)]
    assert all(abs(v.on_time - town.on_time) <= 0.05 for v in villages)
    assert len({round(v.on_time, 6) for v in villages}) == 20
    assert all(v.on_time + v.late <= 0.995 for v in villages)


async def past_city(engine: AsyncEngine, uploads: Path) -> tuple[int, int]:
    """The minimal city with weekly district and monthly street duties, generated with a past."""
    await seed_minimal(engine)
    await add_duty(engine, "T-WEEKLY", frequency="WEEKLY", category="DISTRICT", title="周例会")
    await add_duty(engine, "T-MONTHLY", frequency="MONTHLY", category="STREET", title="主题党日")
    shape = PastShape(seed=7, now=NOW, timezone="Asia/Shanghai")
    await cli_ops.generate_year(engine=engine, year=2026, today=DEMO_DATE, shape=shape)
    files = await evidence.store_files(UploadSettings(uploads, 10**6))
    async with engine.begin() as conn:
        return await evidence.write_records(conn, files)


async def task_states(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(
                Task.slot, Task.due_on, Task.status, Task.late, Task.completed_at, Task.title
            ).order_by(Task.slot)
        )
        return [tuple(row) for row in rows]


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def test_tasks_have_a_past_up_to_the_demo_date(
    engine: AsyncEngine, databases: Databases, tmp_path: Path
) -> None:
    records, attachments = await past_city(engine, tmp_path / "uploads")
    states = await task_states(engine)
    past = [s for s in states if s[1] < DEMO_DATE]
    assert len({s[0] for s in states}) == len(states) > 2 * 52 + 2 * 12 - 3
    assert all(s[2] == "OPEN" and s[4] is None for s in states if s[1] >= DEMO_DATE)
    on_time = [s for s in past if s[2] == "DONE" and not s[3]]
    late = [s for s in past if s[2] == "DONE" and s[3]]
    missed = [s for s in past if s[2] == "OPEN"]
    assert on_time and late and missed
    assert len(on_time) > len(late) + len(missed)  # most work is done on time
    for _, due, _, _, done_at, _ in on_time:
        assert _utc(done_at).astimezone(ZONE).date() <= due
    for _, due, _, _, done_at, _ in late:
        assert due < _utc(done_at).astimezone(ZONE).date() and _utc(done_at) <= NOW

    # one COMPLETE record per completed task, in zh-CN, naming the task; evidence on some
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    TaskRecord.kind, TaskRecord.note, TaskRecord.at, Task.title, Task.completed_at
                ).join(Task, Task.id == TaskRecord.task_id)
            )
        ).all()
        files = (await conn.execute(select(Attachment.sha256, Attachment.storage_key))).all()
        per_district = await standings(conn, DEMO_DATE)
    assert records == len(rows) == len(on_time) + len(late)
    assert all(
        kind == "COMPLETE" and title in note and at == done for kind, note, at, title, done in rows
    )
    assert attachments == len(files) and 0 < attachments < records
    for sha, key in files:
        stored = (tmp_path / "uploads" / key).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == sha
    assert sum(d.on_time + d.late + d.missed for d in per_district) == len(past)
    assert sum(d.open for d in per_district) == len(states) - len(past)
    assert {d.code for d in per_district} == {"330106", "330102"}
    assert sum(d.on_time for d in per_district) + sum(d.late for d in per_district) == records

    # the same seed on another database: the same past
    other = create_engine(await databases.new())
    try:
        await upgrade(other, create_manager(settings_for(other.url.render_as_string(False))))
        await past_city(other, tmp_path / "uploads")
        assert await task_states(other) == states
    finally:
        await other.dispose()
