"""The task tally behind TaskProgress for the city and the districts stays exact.

Every path that changes tasks or subtrees is exercised (generation, completion, lateness,
cancellation, deletion, rule changes, moving a town to another district, moving a district
under a district and back) and after each the tally must equal a count over the tasks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, event, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.calendar.models import TALLY_DEPTH, Task, TaskTally
from core.orgs.models import Organization, OrgClosure
from gateway.app import Runtime
from tests.conftest import GQL, city_today
from tests.core.calendar.demo_tasks import towns, with_calendar

PROGRESS = """
query($code: String!, $from: Date!, $to: Date!) {
  taskProgress(withinCode: $code, from: $from, to: $to) { total done doneLate open overdue onTimeRate }
}"""
ORG = "query($code: String!) { organization(code: $code) { id version } }"
MOVE = """
mutation($id: ID!, $v: Int!, $parent: ID!) {
  updateOrganization(input: {id: $id, expectedVersion: $v, parentId: $parent}) {
    organization { code depth parent { code } } errors { code message }
  }
}"""


async def tally_rows(engine: AsyncEngine) -> dict[tuple[Any, ...], int]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(
                TaskTally.organization_id,
                TaskTally.due_on,
                TaskTally.status,
                TaskTally.late,
                TaskTally.n,
            ).where(TaskTally.n != 0)
        )
        return {(r[0], r[1], r[2], bool(r[3])): r[4] for r in rows}


async def counted_rows(engine: AsyncEngine) -> dict[tuple[Any, ...], int]:
    """What the tally must hold, counted from the tasks and the tree as they are now."""
    root = Organization
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(OrgClosure.ancestor_id, Task.due_on, Task.status, Task.late, func.count())
            .join(OrgClosure, OrgClosure.descendant_id == Task.organization_id)
            .join(root, root.id == OrgClosure.ancestor_id)
            .where(root.depth <= TALLY_DEPTH)
            .group_by(OrgClosure.ancestor_id, Task.due_on, Task.status, Task.late)
        )
        return {(r[0], r[1], r[2], bool(r[3])): r[4] for r in rows}


async def assert_exact(engine: AsyncEngine) -> int:
    expected = await counted_rows(engine)
    assert await tally_rows(engine) == expected
    return sum(expected.values())


async def org_id(engine: AsyncEngine, code: str) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(select(Organization.id).where(Organization.code == code))
    assert found is not None
    return found


async def move(gql: GQL, code: str, parent_code: str) -> dict[str, Any]:
    org = (await gql(ORG, {"code": code}, user="admin"))["data"]["organization"]
    parent = (await gql(ORG, {"code": parent_code}, user="admin"))["data"]["organization"]
    body = await gql(MOVE, {"id": org["id"], "v": org["version"], "parent": parent["id"]})
    payload: dict[str, Any] = body["data"]["updateOrganization"]
    assert payload["errors"] == [], payload
    return payload["organization"]


async def test_tally_stays_exact_through_every_change(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    today = city_today()
    await with_calendar(engine, today)
    total = await assert_exact(engine)
    assert total > 0

    xihu_town = (await towns(engine, "330106"))[0]
    async with engine.begin() as conn:  # complete, complete late, cancel, delete
        await conn.execute(
            update(Task)
            .where(Task.organization_id == xihu_town.id, Task.period.like("%-01"))
            .values(status="DONE", late=True, version=Task.version + 1)
        )
        await conn.execute(
            update(Task)
            .where(Task.organization_id == xihu_town.id, Task.period.like("%-02"))
            .values(status="DONE", version=Task.version + 1)
        )
        await conn.execute(
            update(Task)
            .where(Task.organization_id == xihu_town.id, Task.period.like("%-03"))
            .values(status="CANCELLED", cancel_reason="测试")
        )
        await conn.execute(delete(Task).where(Task.period.like("%-12")))
        await conn.execute(update(Task).values(version=Task.version + 1))  # counts unchanged
    await assert_exact(engine)

    # a town moves from 西湖区 to 上城区: both districts' tallies follow, the city's does not change
    year = {"from": f"{today.year}-01-01", "to": f"{today.year}-12-31"}
    before = {
        code: (await gql(PROGRESS, {"code": code, **year}, user="admin"))["data"]["taskProgress"]
        for code in ("330106", "330102", "330100")
    }
    moved = await move(gql, xihu_town.code, "330102")
    assert moved["parent"]["code"] == "330102"
    await assert_exact(engine)
    after = {
        code: (await gql(PROGRESS, {"code": code, **year}, user="admin"))["data"]["taskProgress"]
        for code in ("330106", "330102", "330100")
    }
    assert after["330100"] == before["330100"]
    assert after["330106"]["done"] == before["330106"]["done"] - 2  # the town's two went
    assert after["330102"]["done"] == before["330102"]["done"] + 2
    assert after["330106"]["total"] + after["330102"]["total"] == (
        before["330106"]["total"] + before["330102"]["total"]
    )

    # a district under another district (depth 1 -> 2) is refused since the category rule
    # (a district sits under the city): nothing moves, the tally stays exact
    org = (await gql(ORG, {"code": "330102"}, user="admin"))["data"]["organization"]
    parent = (await gql(ORG, {"code": "330106"}, user="admin"))["data"]["organization"]
    refused = await gql(MOVE, {"id": org["id"], "v": org["version"], "parent": parent["id"]})
    assert refused["data"]["updateOrganization"]["errors"][0]["code"] == "INVALID"
    await assert_exact(engine)
    same = (await gql(PROGRESS, {"code": "330102", **year}, user="admin"))["data"]
    assert same["taskProgress"] == after["330102"]


async def test_district_progress_reads_the_tally_not_the_tasks(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    today = city_today()
    await with_calendar(runtime.engine, today)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    year = {"from": f"{today.year}-01-01", "to": f"{today.year}-12-31"}
    event.listen(runtime.engine.sync_engine, "before_cursor_execute", record)
    try:
        district = await gql(PROGRESS, {"code": "330106", **year}, user="xihu")
        statements_district = list(statements)
        statements.clear()
        town = (await towns(runtime.engine, "330106"))[0]
        town_progress = await gql(PROGRESS, {"code": town.code, **year}, user=town.user)
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", record)
    assert district["data"]["taskProgress"]["total"] > 0
    assert any("task_tally" in s for s in statements_district)
    assert not any("FROM task " in s or "FROM task\n" in s for s in statements_district)
    # a town is below the tally's depth: its tasks are counted
    assert town_progress["data"]["taskProgress"]["total"] == 12 + 1
    assert any("FROM task" in s for s in statements)

    # the same figures both ways: the district counted over its tasks equals the tally
    async with runtime.engine.connect() as conn:
        members = select(OrgClosure.descendant_id).where(
            OrgClosure.ancestor_id == await org_id(runtime.engine, "330106")
        )
        counted = await conn.scalar(
            select(func.count()).where(
                Task.organization_id.in_(members),
                Task.status != "CANCELLED",
                Task.due_on.between(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)),
            )
        )
    assert district["data"]["taskProgress"]["total"] == counted
