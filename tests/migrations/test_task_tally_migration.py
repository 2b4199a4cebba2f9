"""Migration 0006 on a database that already holds tasks: slots re-keyed, tally backfilled."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core import migrate
from core.calendar.generate import generate
from core.calendar.models import Task, TaskRecord, TaskTally
from core.db import create_engine, session_factory
from core.orgs.models import Organization
from core.plugins import create_manager
from tests.conftest import Databases, seed_minimal, settings_for
from tests.core.calendar.library import add_duty

OLD_TASK = (
    "INSERT INTO task (slot, duty_id, organization_id, title, period, due_on, status, version,"
    " late, created_at) VALUES (:slot, :duty, :org, '月度例会', :period, :due, :status, 1,"
    " :late, :at)"
)


async def test_0006_rekeys_slots_and_backfills_the_tally(databases: Databases) -> None:
    url = await databases.new()
    engine: AsyncEngine = create_engine(url)
    pm = create_manager(settings_for(url))
    try:
        await migrate.upgrade(engine, pm, target="0005")
        await seed_minimal(engine)
        duty = await add_duty(engine, "T-OLD", frequency="MONTHLY", category="STREET")
        async with engine.begin() as conn:
            orgs = dict((await conn.execute(select(Organization.code, Organization.id))).all())
            street = orgs["330106001"]
            for month, status, late in ((1, "DONE", True), (2, "DONE", False), (3, "OPEN", False)):
                await conn.execute(
                    text(OLD_TASK),
                    {
                        "slot": f"{duty}:{street}::2026-{month:02d}",
                        "duty": duty,
                        "org": street,
                        "period": f"2026-{month:02d}",
                        "due": dt.date(2026, month, 20),
                        "status": status,
                        "late": late,
                        "at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                    },
                )
        await migrate.upgrade(engine, pm)

        async with engine.connect() as conn:
            slots = sorted(await conn.scalars(select(Task.slot)))
            tally = sorted(
                (r.organization_id, r.due_on.month, r.status, bool(r.late), r.n)
                for r in await conn.execute(select(TaskTally))
            )
        assert slots == [f"{street}:{duty}::2026-{m:02d}" for m in (1, 2, 3)]
        city, district = orgs["330100"], orgs["330106"]
        assert tally == sorted(
            (root, month, status, late, 1)
            for root in (city, district)
            for month, status, late in ((1, "DONE", True), (2, "DONE", False), (3, "OPEN", False))
        )

        # the re-keyed tasks are recognised: generating 2026 adds only the other nine months
        today = dt.date(2026, 1, 1)
        async with session_factory(engine).begin() as session:
            summary = await generate(session=session, year=2026, today=today, duty_ids=[duty])
        assert summary.tasks_created == 2 * 12 - 3  # two streets; three months already there

        # references are checked again once the migration is over (SQLite turned them off)
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(
                    insert(TaskRecord).values(task_id=999_999, kind="NOTE", note="孤儿记录")
                )
    finally:
        await engine.dispose()
