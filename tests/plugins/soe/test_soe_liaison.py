"""The SOE plugin's liaison duties (M3) give each leader-to-company link its tasks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from core.calendar import generate
from core.calendar.models import Liaison, Task
from core.db import session_factory
from core.duties.models import Duty
from gateway.app import Runtime
from tests.conftest import GQL

ENABLE = 'mutation { enablePlugin(input: { name: "soe" }) { errors { code message } } }'
CODES = ("SOE-LX-01", "SOE-LX-02")


async def test_liaison_duties_generate_a_task_per_link(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    assert (await gql(ENABLE, user="soe-lead"))["data"]["enablePlugin"]["errors"] == []
    rule = (await gql('{ calendarRule(dutyCode: "SOE-LX-02") { owner rrule active } }'))["data"]
    assert rule["calendarRule"] == {
        "owner": "LIAISON",
        "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
        "active": True,
    }
    async with session_factory(runtime.engine).begin() as session:
        duties = list((await session.scalars(select(Duty.id).where(Duty.code.in_(CODES)))).all())
        summary = await generate.generate(
            session=session, year=2026, today=dt.date(2026, 1, 5), duty_ids=duties
        )
    async with runtime.engine.connect() as conn:
        links = await conn.scalar(select(func.count()).select_from(Liaison))
        tasks = (
            await conn.execute(
                select(Task.organization_id, Task.title, Task.position_id).where(
                    Task.duty_id.in_(duties)
                )
            )
        ).all()
        linked = set((await conn.execute(select(Liaison.organization_id))).scalars())
    assert links == 40
    assert summary.tasks_created == len(tasks) == 40 * 5  # four visits and one review each
    assert {org for org, _title, _post in tasks} == linked
    assert all("：" in title and position is None for _org, title, position in tasks)
