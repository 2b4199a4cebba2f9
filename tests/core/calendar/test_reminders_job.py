"""`dutygraph remind`: once per task and stage, concurrent runs, escalation, the outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit.models import AuditEvent
from core.calendar.models import OutboxMessage, Reminder
from core.calendar.reminders import RemindSummary, remind
from core.db import create_engine, session_factory
from core.orgs.models import Assignment
from gateway.app import Runtime
from gateway.cli import invoke
from tests.conftest import GQL, settings_for
from tests.core.calendar.test_reminders import (
    a_duty,
    a_town,
    account_id,
    add_task,
    clear_calendar,
    days,
    org_id,
    position_id,
)

OUTBOX = """query($unread: Boolean!, $after: String) {
  outbox(first: 2, after: $after, unreadOnly: $unread) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id kind subject body deliveredAt organization { code } task { title } } }
  }
}"""
MARK = """mutation($ids: [ID!]!) {
  markOutboxDelivered(input: { ids: $ids }) {
    messages { id deliveredAt }
    errors { field message code }
  }
}"""


def url_of(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def run(runtime: Runtime, today: dt.date, *, batch: int = 500) -> RemindSummary:
    return await remind(
        sessions=session_factory(runtime.engine),
        pm=runtime.pm,
        today=today,
        escalate_after_days=7,
        batch=batch,
    )


async def reminder_rows(engine: AsyncEngine) -> list[tuple[int, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Reminder.task_id, Reminder.stage).order_by(Reminder.task_id, Reminder.stage)
        )
        return [(task_id, stage) for task_id, stage in rows]


async def outbox_rows(engine: AsyncEngine) -> list[tuple[int | None, int | None, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(OutboxMessage.recipient_id, OutboxMessage.task_id, OutboxMessage.kind)
        )
        return sorted((r, t, k) for r, t, k in rows)


async def seed_stages(engine: AsyncEngine) -> dict[str, int]:
    await clear_calendar(engine)
    duty = await a_duty(engine)
    xihu = await org_id(engine, "330106")
    plan = {
        "overdue": -2,
        "tomorrow": 1,
        "week": 5,
        "month": 20,
        "later": 40,
    }
    tasks = {
        name: await add_task(engine, duty_id=duty, org=xihu, due_on=days(n), title=name)
        for name, n in plan.items()
    }
    tasks["done"] = await add_task(
        engine, duty_id=duty, org=xihu, due_on=days(1), title="done", status="DONE"
    )
    return tasks


async def test_remind_emits_once_per_task_and_stage_even_concurrently(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, _ = fresh
    tasks = await seed_stages(runtime.engine)
    url = url_of(runtime.engine)
    replicas = [create_engine(url) for _ in range(5)]
    try:
        summaries = await asyncio.gather(
            *(
                remind(
                    sessions=session_factory(engine),
                    pm=runtime.pm,
                    today=days(0),
                    escalate_after_days=7,
                    batch=1,
                )
                for engine in replicas
            )
        )
    finally:
        for engine in replicas:
            await engine.dispose()
    expected = sorted(
        [
            (tasks["overdue"], "OVERDUE"),
            (tasks["tomorrow"], "DUE_IN_1_DAY"),
            (tasks["week"], "DUE_IN_7_DAYS"),
            (tasks["month"], "DUE_IN_30_DAYS"),
        ]
    )
    assert await reminder_rows(runtime.engine) == expected
    assert sum(sum(s.emitted.values()) for s in summaries) == 4
    # one outbox message per reminder, to 西湖区's secretary
    secretary = await account_id(runtime.engine, "sec-330106")
    assert await outbox_rows(runtime.engine) == sorted(
        (secretary, task, stage) for task, stage in expected
    )

    # a second run the same day emits nothing; the next week moves two tasks on a stage
    assert sum((await run(runtime, days(0))).emitted.values()) == 0
    later = await run(runtime, days(5))
    assert later.emitted == {"OVERDUE": 1, "DUE_IN_1_DAY": 1}
    rows = await reminder_rows(runtime.engine)
    assert (tasks["tomorrow"], "OVERDUE") in rows
    assert (tasks["week"], "DUE_IN_1_DAY") in rows
    assert len(rows) == len(set(rows)) == 6
    async with runtime.engine.connect() as conn:
        audits = await conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "calendar.remind")
        )
    assert audits is not None and audits >= 2


async def test_escalation_reaches_the_parent_secretary_once(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    town, town_code = await a_town(engine)
    late = await add_task(engine, duty_id=duty, org=town, due_on=days(-8), title="逾期八天")
    await add_task(engine, duty_id=duty, org=town, due_on=days(-7), title="逾期七天")
    first = await run(runtime, days(0))
    # each task at the stage it is at today: the one overdue 8 days is escalated (its
    # owners hear of it with it), it does not get a stale OVERDUE reminder as well
    assert first.emitted == {"OVERDUE": 1, "ESCALATED": 1}
    assert (await run(runtime, days(0))).emitted == {}
    assert (await run(runtime, days(1))).emitted == {"ESCALATED": 1}  # the other one, a day on

    district = await account_id(engine, "sec-330106")
    town_secretary = await account_id(engine, f"sec-{town_code}")
    rows = await outbox_rows(engine)
    assert (district, late, "ESCALATED") in rows
    assert [r for r in rows if r[2] == "ESCALATED"].count((district, late, "ESCALATED")) == 1
    assert {r[0] for r in rows if r[2] == "OVERDUE"} == {town_secretary}
    assert all(r[0] == district for r in rows if r[2] == "ESCALATED")

    body = await gql(OUTBOX, {"unread": True}, user="sec-330106")
    box = body["data"]["outbox"]
    assert box["totalCount"] == 2
    node = box["edges"][0]["node"]
    assert node["kind"] == "ESCALATED" and node["organization"] == {"code": town_code}
    assert "逾期督办" in node["subject"] and node["deliveredAt"] is None


async def outbox_of(gql: GQL, user: str, unread: bool = False) -> dict[str, Any]:
    body = await gql(OUTBOX, {"unread": unread}, user=user)
    assert "errors" not in body, body
    box: dict[str, Any] = body["data"]["outbox"]
    return box


async def test_outbox_pages_own_messages_and_marks_them_delivered(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    await seed_stages(runtime.engine)
    town, town_code = await a_town(runtime.engine)
    duty = await a_duty(runtime.engine)
    await add_task(runtime.engine, duty_id=duty, org=town, due_on=days(3), title="街道任务")
    await run(runtime, days(0))

    box = await outbox_of(gql, "sec-330106")
    assert box["totalCount"] == 4 and box["pageInfo"]["hasNextPage"] is True
    nxt = await gql(
        OUTBOX, {"unread": False, "after": box["pageInfo"]["endCursor"]}, user="sec-330106"
    )
    assert len(nxt["data"]["outbox"]["edges"]) == 2
    titles = {e["node"]["task"]["title"] for e in box["edges"]}
    assert titles <= {"overdue", "tomorrow", "week", "month"}
    node = box["edges"][0]["node"]
    assert node["subject"].startswith("【") and "截止日期" in node["body"]

    # someone else's message refuses the whole call, nothing marked
    theirs = (await outbox_of(gql, f"sec-{town_code}"))["edges"][0]["node"]["id"]
    mine = node["id"]
    refused = (await gql(MARK, {"ids": [mine, theirs]}, user="sec-330106"))["data"]
    assert refused["markOutboxDelivered"]["messages"] == []
    assert [e["code"] for e in refused["markOutboxDelivered"]["errors"]] == ["NOT_FOUND"]
    bad = (await gql(MARK, {"ids": ["not-an-id"]}, user="sec-330106"))["data"]
    assert bad["markOutboxDelivered"]["errors"][0]["code"] == "NOT_FOUND"
    assert (await outbox_of(gql, "sec-330106", unread=True))["totalCount"] == 4

    done = (await gql(MARK, {"ids": [mine]}, user="sec-330106"))["data"]["markOutboxDelivered"]
    assert done["errors"] == [] and done["messages"][0]["deliveredAt"] is not None
    assert (await outbox_of(gql, "sec-330106", unread=True))["totalCount"] == 3
    assert (await outbox_of(gql, "sec-330106"))["totalCount"] == 4
    async with runtime.engine.connect() as conn:
        audited = await conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "outbox.mark_delivered")
        )
    assert audited == 1
    # marking again changes nothing and writes no new event
    again = (await gql(MARK, {"ids": [mine]}, user="sec-330106"))["data"]["markOutboxDelivered"]
    assert again["errors"] == []


async def test_remind_command_takes_a_date(fresh: tuple[Runtime, GQL], capsys: Any) -> None:
    runtime, _ = fresh
    await seed_stages(runtime.engine)
    argv = ["remind", "--today", days(0).isoformat()]
    settings = settings_for(url_of(runtime.engine))
    assert await asyncio.to_thread(invoke, argv, settings) == 0
    out = capsys.readouterr().out
    assert out.startswith(days(0).isoformat()) and "reminders emitted: 4" in out
    assert "本次提醒 4 项" in out
    assert await asyncio.to_thread(invoke, argv, settings) == 0
    assert "reminders emitted: 0 (nothing new)" in capsys.readouterr().out
    # without --today: today in the city's time zone
    assert await asyncio.to_thread(invoke, ["remind"], settings) == 0
    assert capsys.readouterr().out.startswith(days(0).isoformat())


async def test_position_tasks_go_to_the_holder_or_to_the_secretary_while_vacant(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, _ = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    xihu = await org_id(engine, "330106")
    director = await position_id(engine, "DISTRICT_ORG_DIRECTOR")
    held = await add_task(
        engine, duty_id=duty, org=xihu, position=director, due_on=days(3), title="部长任务"
    )
    await run(runtime, days(0))
    assert await outbox_rows(engine) == [(await account_id(engine, "xihu"), held, "DUE_IN_7_DAYS")]

    async with engine.begin() as conn:  # the post falls vacant
        await conn.execute(
            update(Assignment)
            .where(Assignment.organization_id == xihu, Assignment.position_id == director)
            .values(until=days(0))
        )
    vacant = await add_task(
        engine, duty_id=duty, org=xihu, position=director, due_on=days(4), title="空缺岗位任务"
    )
    await run(runtime, days(0))
    secretary = await account_id(engine, "sec-330106")
    assert (secretary, vacant, "DUE_IN_7_DAYS") in await outbox_rows(engine)
