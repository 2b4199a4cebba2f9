"""Generating tasks: per organisation of a category, per held post; idempotent; rule changes."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.calendar import blocks
from core.calendar.generate import generate
from core.calendar.models import CalendarDay, CalendarRule, Task
from core.db import session_factory
from core.duties.models import Duty
from core.orgs.models import Assignment, Organization, OrgCategory, Person, Position
from gateway import cli
from gateway.app import create_runtime
from tests.conftest import city_today, client_for, make_gql, settings_for
from tests.core.calendar.library import add_duty

UPDATE_RULE = """
mutation($input: UpdateCalendarRuleInput!) {
  updateCalendarRule(input: $input) {
    rule { rrule leadDays version duty { code } }
    regeneration { added redated cancelled reopened }
    errors { field message code }
  }
}"""


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch, url: str) -> int:
    monkeypatch.setenv("DUTYGRAPH_DATABASE_URL", url)
    cli.get_settings.cache_clear()
    try:
        return cli.main(args)
    finally:
        cli.get_settings.cache_clear()


async def tasks(engine: AsyncEngine, **where: Any) -> list[Any]:
    stmt = select(Task.organization_id, Task.position_id, Task.period, Task.due_on, Task.status)
    for key, value in where.items():
        stmt = stmt.where(getattr(Task, key) == value)
    async with engine.connect() as conn:
        return list(await conn.execute(stmt.order_by(Task.organization_id, Task.due_on)))


async def holder(engine: AsyncEngine) -> None:
    """A street secretary post held in 330106001 (and an ended one in 330102001)."""
    async with engine.begin() as conn:
        street = await conn.scalar(select(OrgCategory.id).where(OrgCategory.code == "STREET"))
        orgs = dict((await conn.execute(select(Organization.code, Organization.id))).all())
        await conn.execute(
            insert(Position).values(
                id=950,
                code="T_STREET_SEC",
                name="街道书记",
                name_en="",
                category_id=street,
                principal=True,
                sort_order=1,
            )
        )
        await conn.execute(
            insert(Person), [{"id": 950 + i, "code": f"TP{i}", "name": f"人{i}"} for i in range(3)]
        )
        past = dt.date(2020, 1, 1)
        await conn.execute(
            insert(Assignment),
            [
                {
                    "person_id": 950,
                    "position_id": 950,
                    "organization_id": orgs["330106001"],
                    "since": past,
                    "until": None,
                    "version": 1,
                },
                {
                    "person_id": 951,
                    "position_id": 950,
                    "organization_id": orgs["330106001"],
                    "since": past,
                    "until": None,
                    "version": 1,
                },
                {
                    "person_id": 952,
                    "position_id": 950,
                    "organization_id": orgs["330102001"],
                    "since": past,
                    "until": dt.date(2021, 1, 1),
                    "version": 1,
                },
            ],
        )


async def test_generate_per_category_and_per_post_is_idempotent(
    minimal: AsyncEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await holder(minimal)
    await add_duty(minimal, "T-MONTHLY", frequency="MONTHLY", category="STREET")
    await add_duty(minimal, "T-QUARTER", frequency="QUARTERLY", category="DISTRICT")
    await add_duty(
        minimal,
        "T-YEAR",
        frequency="YEARLY",
        rrule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1",
        category="CITY",
    )
    await add_duty(minimal, "T-POST", frequency="YEARLY", position="T_STREET_SEC")
    await add_duty(minimal, "T-ADHOC", frequency="ON_DEMAND", category="STREET")
    url = minimal.url.render_as_string(hide_password=False)
    assert (
        await asyncio.to_thread(
            run_cli, ["calendar", "generate", "--year", "2026", "--verbose"], monkeypatch, url
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "2026 年行事历：新增 34 项任务，来自 4 条规则" in out and "未生成 T-ADHOC" in out
    # 2 streets × 12 + 2 districts × 4 + city × 1 + one held post (two holders, one task) × 1
    monthly = await tasks(minimal, period="2026-10")
    assert len(monthly) == 2
    # Oct 31 2026 is a Saturday → Friday Oct 30 (the official calendar was seeded on the way)
    assert {row.due_on for row in monthly} == {dt.date(2026, 10, 30)}
    new_year = await tasks(minimal, period="2026")
    assert {(r.position_id, r.due_on) for r in new_year} == {
        (None, dt.date(2025, 12, 31)),  # Jan 1 is a holiday: the previous working day
        (950, dt.date(2026, 12, 31)),
    }
    async with minimal.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(CalendarDay)) > 20
    assert (
        await asyncio.to_thread(
            run_cli, ["calendar", "generate", "--year", "2026"], monkeypatch, url
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "2026 年行事历：新增 0 项任务" in out
    # without --verbose, the duties without a rule are one line per reason, not one each
    assert "另有 1 项职责未生成任务：频次 ON_DEMAND 没有日历规则 (no recurrence) 1 项" in out
    async with minimal.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(Task)) == 34


async def test_generation_in_small_blocks_leaves_no_dangling_reference(
    minimal: AsyncEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Blocks of two organisations give the same tasks; every reference a task holds resolves
    (task has no foreign keys on them: the generator's joins are what guarantee it)."""
    monkeypatch.setattr(blocks, "BLOCK", 2)
    await holder(minimal)
    await add_duty(minimal, "T-MONTHLY", frequency="MONTHLY", category="STREET")
    await add_duty(minimal, "T-QUARTER", frequency="QUARTERLY", category="DISTRICT")
    await add_duty(minimal, "T-POST", frequency="YEARLY", position="T_STREET_SEC")
    url = minimal.url.render_as_string(hide_password=False)
    args = ["calendar", "generate", "--year", "2026"]
    assert await asyncio.to_thread(run_cli, args, monkeypatch, url) == 0
    assert "2026 年行事历：新增 33 项任务，来自 3 条规则" in capsys.readouterr().out
    async with minimal.connect() as conn:
        assert len(await blocks.blocks(conn)) == 3
        per_org = dict(
            (
                await conn.execute(
                    select(Organization.code, func.count(Task.id))
                    .join(Task, Task.organization_id == Organization.id)
                    .group_by(Organization.code)
                )
            ).all()
        )
        dangling = {
            name: await conn.scalar(
                select(func.count())
                .select_from(Task)
                .outerjoin(table, table.id == column)
                .where(column.is_not(None), table.id.is_(None))
            )
            for name, table, column in (
                ("duty", Duty, Task.duty_id),
                ("rule", CalendarRule, Task.rule_id),
                ("organization", Organization, Task.organization_id),
                ("position", Position, Task.position_id),
            )
        }
    assert per_org == {"330106001": 13, "330102001": 12, "330106": 4, "330102": 4}
    assert dangling == {"duty": 0, "rule": 0, "organization": 0, "position": 0}


async def test_rule_change_regenerates_only_future_open_tasks(minimal: AsyncEngine) -> None:
    duty_id = await add_duty(minimal, "T-RULE", frequency="MONTHLY", category="STREET")
    today = city_today()
    async with session_factory(minimal).begin() as session:
        for year in (today.year, today.year + 1):
            await generate(session=session, year=year, today=today)
    before = await tasks(minimal)
    assert len(before) == 2 * 24
    # one future task already done: it must be left alone
    next_month = f"{today.year + 1}-01"
    async with minimal.begin() as conn:
        await conn.execute(
            update(Task)
            .where(Task.period == next_month, Task.organization_id == 4)
            .values(status="DONE")
        )
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    async with client_for(runtime) as client:
        gql = make_gql(client, runtime)
        quarterly = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
        variables = {
            "input": {
                "dutyCode": "T-RULE",
                "rrule": quarterly,
                "leadDays": 10,
                "expectedVersion": 1,
            }
        }
        denied = (await gql(UPDATE_RULE, variables, user="xihu"))["data"]["updateCalendarRule"]
        assert denied["errors"][0]["code"] == "FORBIDDEN"
        bad = {"input": {**variables["input"], "rrule": "FREQ=HOURLY"}}
        refused = (await gql(UPDATE_RULE, bad))["data"]["updateCalendarRule"]
        assert (
            refused["errors"][0]["field"] == "rrule"
            and "FREQ=HOURLY" in refused["errors"][0]["message"]
        )
        body = (await gql(UPDATE_RULE, variables))["data"]["updateCalendarRule"]
        assert (
            body["errors"] == [] and body["rule"]["version"] == 2 and body["rule"]["leadDays"] == 10
        )
        stale = (await gql(UPDATE_RULE, variables))["data"]["updateCalendarRule"]
        assert stale["errors"][0]["code"] == "CONFLICT"
    after = await tasks(minimal)
    past = [r for r in after if r.due_on <= today]
    assert sorted(past) == sorted(r for r in before if r.due_on <= today)  # untouched
    future = [r for r in after if r.due_on > today]
    assert {r.status for r in future if len(r.period) == 7 and r.period != next_month} == {
        "CANCELLED"
    }
    done = [r for r in after if r.period == next_month and r.organization_id == 4]
    assert [r.status for r in done] == ["DONE"]
    open_quarters = sorted({r.period for r in future if r.status == "OPEN"})
    assert open_quarters[-4:] == [f"{today.year + 1}Q{q}" for q in (1, 2, 3, 4)]
    regen = body["regeneration"]
    assert regen["added"] == 2 * len(open_quarters) and regen["redated"] == 0
    assert regen["cancelled"] == len([r for r in before if r.due_on > today]) - 1
    # back to monthly: the cancelled months reopen, the quarters are cancelled
    async with client_for(runtime) as client:
        gql = make_gql(client, runtime)
        monthly = {
            "input": {
                "dutyCode": "T-RULE",
                "rrule": "FREQ=MONTHLY;BYMONTHDAY=-1",
                "leadDays": 7,
                "expectedVersion": 2,
            }
        }
        body = (await gql(UPDATE_RULE, monthly))["data"]["updateCalendarRule"]
    assert body["errors"] == []
    assert body["regeneration"]["reopened"] == regen["cancelled"]
    assert body["regeneration"]["cancelled"] == regen["added"]
    assert duty_id > 0
