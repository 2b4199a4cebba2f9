"""leadDays opens a task: listed in viewer.tasks and reminded from then; OVERDUE filter."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.calendar import cli_ops
from core.calendar.models import Reminder, Task
from gateway.app import Runtime, create_runtime
from tests.conftest import GQL, client_for, make_gql, settings_for
from tests.core.calendar.library import add_duty
from tests.core.calendar.test_generate import UPDATE_RULE
from tests.core.calendar.test_reminders import (
    REMINDERS,
    a_duty,
    add_task,
    clear_calendar,
    days,
    org_id,
)
from tests.core.calendar.test_reminders_job import run

TASKS = """query($status: TaskStatus, $all: Boolean! = false, $from: Date!, $to: Date!) {
  viewer { tasks(from: $from, to: $to, status: $status, includeUnopened: $all) {
    totalCount edges { node { title status overdue opensOn dueOn } } } }
}"""


async def test_a_task_shows_up_and_reminds_from_its_opening_day(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    xihu = await org_id(engine, "330106")
    shut = await add_task(engine, duty_id=duty, org=xihu, due_on=days(20), title="尚未开始")
    opened = await add_task(engine, duty_id=duty, org=xihu, due_on=days(6), title="已开始")
    async with engine.begin() as conn:  # lead 7 days: one opens in 13 days, one opened
        for task, due in ((shut, days(20)), (opened, days(6))):
            await conn.execute(
                update(Task).where(Task.id == task).values(opens_on=due - dt.timedelta(days=7))
            )
    span = {"from": days(-30).isoformat(), "to": days(60).isoformat()}
    mine = (await gql(TASKS, span, user="sec-330106"))["data"]["viewer"]["tasks"]
    assert [e["node"]["title"] for e in mine["edges"]] == ["已开始"]
    planning = (await gql(TASKS, {**span, "all": True}, user="sec-330106"))["data"]["viewer"]
    assert [e["node"]["opensOn"] for e in planning["tasks"]["edges"]] == [
        days(-1).isoformat(),
        days(13).isoformat(),
    ]
    reminded = (await gql(REMINDERS, user="sec-330106"))["data"]["viewer"]["reminders"]
    assert [r["task"]["title"] for r in reminded] == ["已开始"]
    # the job: the opened task gets its first reminder, the other one nothing yet
    assert (await run(runtime, days(0))).emitted == {"DUE_IN_7_DAYS": 1}
    assert (await run(runtime, days(13))).emitted == {"DUE_IN_7_DAYS": 1, "OVERDUE": 1}
    async with engine.connect() as conn:
        stages = sorted(
            (await conn.execute(select(Reminder.stage).where(Reminder.task_id == shut))).scalars()
        )
    assert stages == ["DUE_IN_7_DAYS"]  # never DUE_IN_30_DAYS: it was not open then


async def test_overdue_filter_and_field(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    xihu = await org_id(engine, "330106")
    await add_task(engine, duty_id=duty, org=xihu, due_on=days(-3), title="逾期")
    await add_task(engine, duty_id=duty, org=xihu, due_on=days(-5), title="已完成", status="DONE")
    await add_task(engine, duty_id=duty, org=xihu, due_on=days(0), title="今天到期")
    span = {"from": days(-30).isoformat(), "to": days(30).isoformat()}
    overdue = (await gql(TASKS, {**span, "status": "OVERDUE"}, user="sec-330106"))["data"]
    nodes = [e["node"] for e in overdue["viewer"]["tasks"]["edges"]]
    assert [(n["title"], n["status"], n["overdue"]) for n in nodes] == [("逾期", "OPEN", True)]
    everything = (await gql(TASKS, span, user="sec-330106"))["data"]["viewer"]["tasks"]
    flags = {e["node"]["title"]: e["node"]["overdue"] for e in everything["edges"]}
    assert flags == {"逾期": True, "已完成": False, "今天到期": False}
    still_open = (await gql(TASKS, {**span, "status": "OPEN"}, user="sec-330106"))["data"]
    assert still_open["viewer"]["tasks"]["totalCount"] == 2  # OPEN includes the overdue one


async def test_lead_days_of_a_rule_move_the_opening_of_future_open_tasks(
    minimal: AsyncEngine,
) -> None:
    await add_duty(minimal, "T-LEAD", frequency="MONTHLY", category="STREET")
    today = days(0)
    await cli_ops.generate_year(engine=minimal, year=today.year, today=today)
    async with minimal.connect() as conn:
        before = (await conn.execute(select(Task.id, Task.due_on, Task.opens_on))).all()
    assert before and all(opens == due - dt.timedelta(days=7) for _, due, opens in before)
    runtime = create_runtime(settings_for(minimal.url.render_as_string(False)), engine=minimal)
    async with client_for(runtime) as client:
        gql = make_gql(client, runtime)
        rule = {"dutyCode": "T-LEAD", "rrule": "FREQ=MONTHLY;BYMONTHDAY=-1", "leadDays": 20}
        body = await gql(UPDATE_RULE, {"input": {**rule, "expectedVersion": 1}})
    result = body["data"]["updateCalendarRule"]
    assert result["errors"] == [] and result["rule"]["leadDays"] == 20
    async with minimal.connect() as conn:
        after = {
            row[0]: row for row in (await conn.execute(select(Task.id, Task.due_on, Task.opens_on)))
        }
    for task_id, due, opens in before:
        expected = due - dt.timedelta(days=20) if due > today else opens
        assert after[task_id][2] == expected, (due, after[task_id])
    assert result["regeneration"]["redated"] == sum(1 for _, due, _ in before if due > today)
