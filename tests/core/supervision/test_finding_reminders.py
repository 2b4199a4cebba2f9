"""Overdue rectifications join the organisation's reminders: `viewer.reminders` and
`dutygraph remind` (once per finding, to the organisation's secretary, folded on a flood)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.calendar.models import OutboxMessage
from core.calendar.remind_job import remind
from core.db import create_engine, session_factory
from core.supervision.models import Finding, FindingReminder
from gateway.app import Runtime
from tests.conftest import GQL
from tests.core.calendar.test_reminders import (
    a_duty,
    account_id,
    add_task,
    clear_calendar,
    days,
    org_id,
)
from tests.core.calendar.test_reminders_job import run, url_of

DRAW = """
mutation { drawSpotCheck(input: {title: "街道抽查", withinCode: "330106", categoryCode: "STREET",
  sampleSize: 1, seed: "3", excludeCheckedWithinMonths: 0}) {
  spotCheck { id organizations { code } } errors { code } } }
"""
RECORD = """
mutation($input: RecordFindingInput!) { recordFinding(input: $input) {
  finding { id version } errors { code } } }
"""
ADVANCE = """
mutation($input: AdvanceFindingInput!) { advanceFinding(input: $input) {
  finding { id status version } errors { field code } } }
"""
REMINDERS = """
{ viewer { reminders { kind source dueOn task { title } finding { id status overdue } } } }
"""
FINDING_REMINDERS = "{ viewer { findingReminders { kind finding { id } } } }"
OUTBOX = """{ outbox(first: 20) { totalCount
  edges { node { kind subject body task { id } organization { code } } } } }"""


async def a_finding(gql: GQL, description: str = "党建阵地台账不全") -> tuple[str, str, int]:
    """A finding recorded on a drawn street through GraphQL: (street code, id, version)."""
    drawn = (await gql(DRAW, user="xihu"))["data"]["drawSpotCheck"]["spotCheck"]
    street = drawn["organizations"][0]["code"]
    recorded = await gql(
        RECORD,
        {
            "input": {
                "spotCheckId": drawn["id"],
                "organizationCode": street,
                "severity": "HIGH",
                "description": description,
                "rectifyBy": days(5).isoformat(),
            }
        },
        user="xihu",
    )
    found = recorded["data"]["recordFinding"]
    assert found["errors"] == [], found
    return street, found["finding"]["id"], found["finding"]["version"]


async def make_overdue(engine: AsyncEngine, late_days: int) -> None:
    """Time passes: every open finding's rectify-by date is `late_days` ago."""
    async with engine.begin() as conn:
        await conn.execute(update(Finding).values(rectify_by=days(-late_days)))


async def outbox_of(gql: GQL, user: str) -> list[dict[str, Any]]:
    body = await gql(OUTBOX, user=user)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["outbox"]["edges"]]


async def test_an_overdue_rectification_joins_the_viewers_reminders(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    street, finding, _ = await a_finding(gql)
    user = f"sec-{street}"
    assert [
        r["source"] for r in (await gql(REMINDERS, user=user))["data"]["viewer"]["reminders"]
    ] == []
    await make_overdue(engine, 3)
    duty = await a_duty(engine)
    town = await org_id(engine, street)
    await add_task(engine, duty_id=duty, org=town, due_on=days(-1), title="召开组织生活会")
    await add_task(engine, duty_id=duty, org=town, due_on=days(-5), title="收缴党费")
    got = (await gql(REMINDERS, user=user))["data"]["viewer"]["reminders"]
    assert got == [  # the most urgent first, tasks and findings together
        {
            "kind": "OVERDUE",
            "source": "TASK",
            "dueOn": days(-5).isoformat(),
            "task": {"title": "收缴党费"},
            "finding": None,
        },
        {
            "kind": "OVERDUE",
            "source": "FINDING",
            "dueOn": days(-3).isoformat(),
            "task": None,
            "finding": {"id": finding, "status": "IDENTIFIED", "overdue": True},
        },
        {
            "kind": "OVERDUE",
            "source": "TASK",
            "dueOn": days(-1).isoformat(),
            "task": {"title": "召开组织生活会"},
            "finding": None,
        },
    ]
    # `viewer.findingReminders` keeps answering as before
    mine = (await gql(FINDING_REMINDERS, user=user))["data"]["viewer"]["findingReminders"]
    assert mine == [{"kind": "OVERDUE", "finding": {"id": finding}}]
    # another organisation's secretary and an account without a post see none of it
    other = (await gql(REMINDERS, user="sec-330102001"))["data"]["viewer"]["reminders"]
    assert all(r["finding"] is None for r in other)
    assert (await gql(REMINDERS))["data"]["viewer"]["reminders"] == []


async def test_a_rectified_finding_no_longer_reminds(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    await clear_calendar(runtime.engine)
    street, finding, version = await a_finding(gql)
    user = f"sec-{street}"
    await make_overdue(runtime.engine, 2)
    for status in ("RECTIFYING", "RECTIFIED"):
        moved = await gql(
            ADVANCE,
            {
                "input": {
                    "id": finding,
                    "status": status,
                    "note": "已整改",
                    "expectedVersion": version,
                }
            },
            user=user,
        )
        assert moved["data"]["advanceFinding"]["errors"] == [], moved
        version = moved["data"]["advanceFinding"]["finding"]["version"]
        still = (await gql(REMINDERS, user=user))["data"]["viewer"]["reminders"]
        assert [r["source"] for r in still] == (["FINDING"] if status == "RECTIFYING" else [])
    assert sum((await run(runtime, days(0))).emitted.values()) == 0
    assert await outbox_of(gql, user) == []


async def test_remind_tells_the_secretary_once(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    street, finding, _ = await a_finding(gql, "主题党日未按月开展，缺少活动签到表")
    user = f"sec-{street}"
    assert (await run(runtime, days(0))).emitted == {}  # not yet due: the job stays silent
    await make_overdue(engine, 4)
    first = await run(runtime, days(0))
    assert first.emitted == {"FINDING_OVERDUE": 1} and first.digests == []
    box = await outbox_of(gql, user)
    assert len(box) == 1
    message = box[0]
    assert message["kind"] == "OVERDUE" and message["task"] is None
    assert message["organization"] == {"code": street}
    assert "【整改逾期】" in message["subject"] and "已逾期4天" in message["subject"]
    assert "主题党日未按月开展" in message["subject"]
    assert "主题党日未按月开展，缺少活动签到表" in message["body"] and "逾期4天" in message["body"]
    # rerunning, today or later, emits nothing again: one reminder per finding and stage
    assert (await run(runtime, days(0))).emitted == {}
    assert (await run(runtime, days(3))).emitted == {}
    assert len(await outbox_of(gql, user)) == 1
    async with engine.connect() as conn:
        rows = (await conn.execute(select(FindingReminder.stage))).scalars().all()
    assert rows == ["OVERDUE"]
    assert await outbox_of(gql, "sec-330102001") == []  # nobody else hears of it
    got = (await gql(REMINDERS, user=user))["data"]["viewer"]["reminders"]
    assert [r["finding"]["id"] for r in got] == [finding]


async def test_a_flood_of_overdue_findings_is_one_digest(fresh: tuple[Runtime, GQL]) -> None:
    """A first run over many old findings: the secretary gets one digest, not one each."""
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    street, _, _ = await a_finding(gql)
    town = await org_id(engine, street)
    async with engine.begin() as conn:
        await conn.execute(
            insert(Finding),
            [
                {
                    "source": "SPOT_CHECK",
                    "organization_id": town,
                    "severity": "LOW",
                    "description": f"历史问题第{n}项",
                    "rectify_by": days(-30 - n),
                    "status": "RECTIFYING",
                    "version": 2,
                    "found_on": days(-60 - n),
                }
                for n in range(14)
            ],
        )
    summary = await run(runtime, days(0))
    assert summary.emitted == {"FINDING_OVERDUE": 14}
    secretary = await account_id(engine, f"sec-{street}")
    digests = [(d.recipient_id, d.own, d.rectifications, d.total) for d in summary.digests]
    assert digests == [(secretary, 0, 14, 14)]
    box = await outbox_of(gql, f"sec-{street}")
    assert [m["kind"] for m in box] == ["BACKLOG"]
    assert "共 14 项事项逾期未完成（整改逾期 14 项）" in box[0]["subject"]
    assert "历史问题第13项" in box[0]["body"]  # the oldest first
    async with engine.connect() as conn:
        count = await conn.scalar(select(func.count()).select_from(OutboxMessage))
    assert count == 1
    assert (await run(runtime, days(1))).emitted == {}


async def test_concurrent_runs_tell_the_secretary_once(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    await clear_calendar(runtime.engine)
    street, _, _ = await a_finding(gql)
    await make_overdue(runtime.engine, 1)
    replicas = [create_engine(url_of(runtime.engine)) for _ in range(4)]
    try:
        summaries = await asyncio.gather(
            *(
                remind(
                    sessions=session_factory(engine),
                    pm=runtime.pm,
                    today=days(0),
                    escalate_after_days=7,
                )
                for engine in replicas
            )
        )
    finally:
        for engine in replicas:
            await engine.dispose()
    assert sum(s.emitted["FINDING_OVERDUE"] for s in summaries) == 1
    assert [m["kind"] for m in await outbox_of(gql, f"sec-{street}")] == ["OVERDUE"]
