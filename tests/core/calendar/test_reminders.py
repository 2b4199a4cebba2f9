"""Reminder stages, `viewer.reminders` scoping, and the helpers other reminder tests share."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.auth.models import Account
from core.calendar import reminders
from core.calendar.models import Attachment, OutboxMessage, Reminder, Task, TaskRecord
from core.config import from_env
from core.duties.models import Duty, DutyLibrary
from core.orgs.models import Organization, OrgCategory, Position
from core.supervision.models import Finding, FindingReminder, FindingStep
from gateway.app import Runtime
from tests.conftest import GQL

REMINDERS = "{ viewer { reminders { kind task { id title dueOn status organization { code } } } } }"


def city_today() -> dt.date:
    """Today in the demo city's time zone (what `ctx.today()` answers)."""
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def days(n: int, today: dt.date | None = None) -> dt.date:
    return (today or city_today()) + dt.timedelta(days=n)


async def clear_calendar(engine: AsyncEngine) -> None:
    """Drop every task and every finding (and what hangs on them) so a test sees only its
    own reminders (the demo's overdue rectifications join reminders too)."""
    async with engine.begin() as conn:
        for model in (OutboxMessage, Reminder, Attachment, TaskRecord, Task):
            await conn.execute(delete(model))
        for model in (FindingReminder, FindingStep, Finding):
            await conn.execute(delete(model))


async def a_duty(engine: AsyncEngine) -> int:
    """A duty the test tasks instantiate."""
    async with engine.begin() as conn:
        library = await conn.scalar(
            insert(DutyLibrary)
            .values(urn=f"urn:test:{uuid.uuid4().hex}", version="1", content_hash="0" * 64)
            .returning(DutyLibrary.id)
        )
        duty = await conn.scalar(
            insert(Duty)
            .values(
                code=f"TEST-{uuid.uuid4().hex[:8]}",
                library_id=library,
                title="提醒测试职责",
                source="《中国共产党支部工作条例（试行）》第十条",
                frequency="YEARLY",
            )
            .returning(Duty.id)
        )
    assert duty is not None
    return int(duty)


async def org_id(engine: AsyncEngine, code: str) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(select(Organization.id).where(Organization.code == code))
    assert found is not None, code
    return int(found)


async def a_town(engine: AsyncEngine, district: str = "330106") -> tuple[int, str]:
    """The first town or street of a district: (id, code)."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(Organization.id, Organization.code)
                .join(OrgCategory, OrgCategory.id == Organization.category_id)
                .join(Account, Account.username == "sec-" + Organization.code)
                .where(
                    Organization.parent_id == await org_id(engine, district),
                    OrgCategory.code.in_(("TOWN", "STREET")),
                )
                .order_by(Organization.code)
                .limit(1)
            )
        ).first()
    assert row is not None
    return int(row[0]), str(row[1])


async def position_id(engine: AsyncEngine, code: str) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(select(Position.id).where(Position.code == code))
    assert found is not None, code
    return int(found)


async def account_id(engine: AsyncEngine, username: str) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(select(Account.id).where(Account.username == username))
    assert found is not None, username
    return int(found)


async def add_task(
    engine: AsyncEngine,
    *,
    duty_id: int,
    org: int,
    due_on: dt.date,
    title: str,
    status: str = "OPEN",
    position: int | None = None,
    rule_id: int | None = None,
    slot: str | None = None,
) -> int:
    """Insert one task directly (no generator)."""
    async with engine.begin() as conn:
        task = await conn.scalar(
            insert(Task)
            .values(
                slot=slot or f"test:{uuid.uuid4().hex}",
                duty_id=duty_id,
                rule_id=rule_id,
                organization_id=org,
                position_id=position,
                title=title,
                period=str(due_on.year),
                due_on=due_on,
                status=status,
            )
            .returning(Task.id)
        )
    assert task is not None
    return int(task)


async def reminders_of(gql: GQL, user: str) -> list[tuple[str, str]]:
    body = await gql(REMINDERS, user=user)
    assert "errors" not in body, body
    return [(r["kind"], r["task"]["title"]) for r in body["data"]["viewer"]["reminders"]]


# --------------------------------------------------------------------------- stages


@pytest.mark.parametrize(
    ("offset", "stage"),
    [
        (-400, "OVERDUE"),
        (-1, "OVERDUE"),
        (0, "DUE_IN_1_DAY"),
        (1, "DUE_IN_1_DAY"),
        (2, "DUE_IN_7_DAYS"),
        (7, "DUE_IN_7_DAYS"),
        (8, "DUE_IN_30_DAYS"),
        (30, "DUE_IN_30_DAYS"),
        (31, None),
    ],
)
def test_stage_boundaries(offset: int, stage: str | None) -> None:
    today = dt.date(2026, 12, 31)
    assert reminders.stage_of(today + dt.timedelta(days=offset), today) == stage


def test_escalation_setting_defaults_to_seven_days() -> None:
    assert from_env({}).escalate_after_days == 7
    assert from_env({"DUTYGRAPH_ESCALATE_AFTER_DAYS": "3"}).escalate_after_days == 3


# --------------------------------------------------------------------------- viewer.reminders


async def seed_xihu(engine: AsyncEngine) -> dict[str, Any]:
    """Tasks of 西湖区 (own, a post's, done, cancelled), of a town under it and of 上城区."""
    await clear_calendar(engine)
    duty = await a_duty(engine)
    xihu, shangcheng = await org_id(engine, "330106"), await org_id(engine, "330102")
    director = await position_id(engine, "DISTRICT_ORG_DIRECTOR")
    town, _ = await a_town(engine)
    plan: list[tuple[int, str, dict[str, Any]]] = [
        (-3, "逾期三天", {}),
        (0, "今天到期", {}),
        (1, "明天到期", {}),
        (2, "两天后到期", {}),
        (7, "七天后到期", {}),
        (8, "八天后到期", {}),
        (30, "三十天后到期", {}),
        (31, "三十一天后到期", {}),
        (2, "已完成", {"status": "DONE"}),
        (-5, "已取消", {"status": "CANCELLED"}),
        (3, "组织部长的任务", {"position": director}),
        (3, "下级街道的任务", {"org": town}),
        (3, "上城区的任务", {"org": shangcheng}),
    ]
    for offset, title, extra in plan:
        await add_task(
            engine,
            duty_id=duty,
            org=extra.pop("org", xihu),
            due_on=days(offset),
            title=title,
            **extra,
        )
    return {"duty": duty, "xihu": xihu, "town": town}


async def test_viewer_reminders_stages_scope_and_order(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    await seed_xihu(runtime.engine)
    assert await reminders_of(gql, "sec-330106") == [
        ("OVERDUE", "逾期三天"),
        ("DUE_IN_1_DAY", "今天到期"),
        ("DUE_IN_1_DAY", "明天到期"),
        ("DUE_IN_7_DAYS", "两天后到期"),
        ("DUE_IN_7_DAYS", "七天后到期"),
        ("DUE_IN_30_DAYS", "八天后到期"),
        ("DUE_IN_30_DAYS", "三十天后到期"),
    ]
    # the organisation director holds another post in 西湖区: its task, and the district's
    director = await reminders_of(gql, "xihu")
    assert ("DUE_IN_7_DAYS", "组织部长的任务") in director
    assert ("OVERDUE", "逾期三天") in director
    # 上城区's secretary sees only 上城区's task; the town's only its own
    assert await reminders_of(gql, "sec-330102") == [("DUE_IN_7_DAYS", "上城区的任务")]
    body = await gql(REMINDERS, user="sec-330106")
    first = body["data"]["viewer"]["reminders"][0]["task"]
    assert first["status"] == "OPEN" and first["organization"] == {"code": "330106"}
    assert first["dueOn"] == days(-3).isoformat()


async def test_viewer_reminders_are_bounded_most_urgent_first(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    xihu = await org_id(engine, "330106")
    rows = [
        {
            "slot": f"bulk:{i}",
            "duty_id": duty,
            "organization_id": xihu,
            "title": f"批量{i:03d}",
            "period": "2026",
            "due_on": days(20 - i // 4),
        }
        for i in range(130)
    ]
    async with engine.begin() as conn:
        await conn.execute(insert(Task), rows)
    got = await reminders_of(gql, "sec-330106")
    assert len(got) == reminders.MAX_REMINDERS
    due = [r for r in (await gql(REMINDERS, user="sec-330106"))["data"]["viewer"]["reminders"]]
    dates = [r["task"]["dueOn"] for r in due]
    assert dates == sorted(dates) and dates[0] == days(20 - 129 // 4).isoformat()


async def test_viewer_without_person_has_no_reminders(gql: GQL) -> None:
    body = await gql(REMINDERS, user="admin")
    assert body["data"]["viewer"]["reminders"] == []
