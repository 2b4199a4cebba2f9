"""A first run over a year of history: today's stage only, one digest per person."""

from __future__ import annotations

from sqlalchemy import select

from core.calendar.backlog import DIGEST_AFTER
from core.calendar.models import OutboxMessage, Reminder
from gateway.app import Runtime
from tests.conftest import GQL
from tests.core.calendar.test_reminders import (
    a_duty,
    a_town,
    account_id,
    add_task,
    clear_calendar,
    days,
    org_id,
)
from tests.core.calendar.test_reminders_job import run

OUTBOX = (
    """{ outbox(first: 20) { totalCount edges { node { kind subject body task { title } } } } }"""
)


async def test_first_run_over_history_sends_one_digest_per_person(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    town, town_code = await a_town(engine)
    history = [
        await add_task(
            engine, duty_id=duty, org=town, due_on=days(-100 + 5 * i), title=f"旧任务{i}"
        )
        for i in range(DIGEST_AFTER + 5)  # 15 tasks overdue for weeks, never reminded
    ]
    fresh_one = await add_task(engine, duty_id=duty, org=town, due_on=days(-2), title="刚逾期")
    soon = await add_task(engine, duty_id=duty, org=town, due_on=days(3), title="本周到期")

    first = await run(runtime, days(0))
    # each task at the stage it is at today: the old ones escalated, no stale OVERDUE for them
    assert first.emitted == {"ESCALATED": 15, "OVERDUE": 1, "DUE_IN_7_DAYS": 1}
    async with engine.connect() as conn:
        stages = dict(
            (await conn.execute(select(Reminder.task_id, Reminder.stage))).all()  # one per task
        )
        box = (
            await conn.execute(
                select(OutboxMessage.recipient_id, OutboxMessage.kind, OutboxMessage.task_id)
            )
        ).all()
    assert {stages[t] for t in history} == {"ESCALATED"} and stages[fresh_one] == "OVERDUE"
    assert stages[soon] == "DUE_IN_7_DAYS"

    town_secretary = await account_id(engine, f"sec-{town_code}")
    district = await account_id(engine, "sec-330106")
    mine = sorted((kind, task) for recipient, kind, task in box if recipient == town_secretary)
    # 16 overdue tasks of their own: one digest; the upcoming one as it is
    assert mine == sorted([("BACKLOG", None), ("DUE_IN_7_DAYS", soon)])
    theirs = [(kind, task) for recipient, kind, task in box if recipient == district]
    assert theirs == [("BACKLOG", None)]  # 15 escalations of a town: one digest
    assert [(d.own, d.escalated) for d in first.digests] in ([(16, 0), (0, 15)], [(0, 15), (16, 0)])

    body = await gql(OUTBOX, user=f"sec-{town_code}")
    digest = next(
        e["node"] for e in body["data"]["outbox"]["edges"] if e["node"]["kind"] == "BACKLOG"
    )
    assert digest["task"] is None
    assert (
        "共 16 项事项逾期未完成" in digest["subject"] and "本人负责任务 16 项" in digest["subject"]
    )
    assert "旧任务0" in digest["body"] and "其余 6 项" in digest["body"]
    upper = await gql(OUTBOX, user="sec-330106")
    subject = upper["data"]["outbox"]["edges"][0]["node"]["subject"]
    assert "下级单位逾期超期任务 15 项" in subject

    # nothing is repeated: the same day again, and the next day (no new stage) emit nothing
    assert (await run(runtime, days(0))).emitted == {}
    assert (await run(runtime, days(1))).emitted == {}


async def test_a_few_overdue_tasks_are_told_one_by_one(fresh: tuple[Runtime, GQL]) -> None:
    runtime, _ = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    xihu = await org_id(engine, "330106")
    for i in range(3):
        await add_task(engine, duty_id=duty, org=xihu, due_on=days(-40 - i), title=f"逾期{i}")
    summary = await run(runtime, days(0))
    assert summary.emitted == {"ESCALATED": 3} and summary.digests == []
    async with engine.connect() as conn:
        kinds = sorted((await conn.execute(select(OutboxMessage.kind))).scalars())
    # the district's secretary hears of its own three (never warned) one by one; the city,
    # its parent, has no secretary account in the outbox
    assert kinds.count("OVERDUE") == 3 and "BACKLOG" not in kinds
