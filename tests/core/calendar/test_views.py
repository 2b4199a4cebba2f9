"""viewer.tasks (filters, paging) and taskProgress (done, overdue, on-time rate)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from core.calendar.models import Task
from gateway.app import Runtime
from tests.conftest import GQL, city_today
from tests.core.calendar.demo_tasks import towns, with_calendar

MY_TASKS = """
query($from: Date!, $to: Date!, $status: TaskStatus, $first: Int, $after: String,
      $all: Boolean = true) {
  viewer { tasks(from: $from, to: $to, status: $status, first: $first, after: $after,
                 includeUnopened: $all) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { dueOn status period organization { code } position { code } duty { code } } } } }
}"""
PROGRESS = """
query($code: String!, $from: Date!, $to: Date!) {
  taskProgress(withinCode: $code, from: $from, to: $to) { total done doneLate open overdue onTimeRate }
}"""


async def test_my_tasks_and_progress(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    today = city_today()
    await with_calendar(runtime.engine, today)
    town = (await towns(runtime.engine, "330106"))[0]
    year = {"from": f"{today.year}-01-01", "to": f"{today.year}-12-31"}
    mine = (await gql(MY_TASKS, {**year, "first": 5}, user=town.user))["data"]["viewer"]["tasks"]
    assert mine["totalCount"] == 13  # 12 monthly town tasks + the secretary's yearly report
    assert mine["pageInfo"]["hasNextPage"] is True
    nodes = [e["node"] for e in mine["edges"]]
    assert [n["dueOn"] for n in nodes] == sorted(n["dueOn"] for n in nodes)
    assert {n["organization"]["code"] for n in nodes} == {town.code}
    rest = (
        await gql(
            MY_TASKS, {**year, "first": 100, "after": mine["pageInfo"]["endCursor"]}, user=town.user
        )
    )["data"]["viewer"]["tasks"]
    assert len(rest["edges"]) == 8 and rest["pageInfo"]["hasNextPage"] is False
    posts = [e["node"] for e in rest["edges"] if e["node"]["position"]]
    assert [p["duty"]["code"] for p in posts] == ["T-TOWN-SEC-REPORT"]
    december = {"from": f"{today.year}-12-01", "to": f"{today.year}-12-31"}
    dec = (await gql(MY_TASKS, december, user=town.user))["data"]["viewer"]["tasks"]
    assert dec["totalCount"] == 2
    done = (await gql(MY_TASKS, {**year, "status": "DONE"}, user=town.user))["data"]["viewer"][
        "tasks"
    ]
    assert done["totalCount"] == 0
    assert (await gql(MY_TASKS, year, user="admin"))["data"]["viewer"]["tasks"]["totalCount"] == 0

    # the district's tasks already done (the demo's campaign tasks) before the town's
    already = (await gql(PROGRESS, {"code": "330106", **year}, user="xihu"))["data"][
        "taskProgress"
    ]["done"]
    # progress of the town: mark two past tasks done (one late), one future done early
    async with runtime.engine.begin() as conn:
        past = (
            await conn.execute(
                update(Task)
                .where(
                    Task.organization_id == town.id,
                    Task.period.in_([f"{today.year}-01", f"{today.year}-02"]),
                )
                .values(status="DONE", late=Task.period == f"{today.year}-02")
            )
        ).rowcount
        await conn.execute(
            update(Task)
            .where(Task.organization_id == town.id, Task.period == f"{today.year}-12")
            .values(status="CANCELLED")
        )
    assert past == 2
    progress = (await gql(PROGRESS, {"code": town.code, **year}, user=town.user))["data"][
        "taskProgress"
    ]
    due_so_far = (
        sum(1 for m in range(1, 13) if dt.date(today.year, m, 1) < today.replace(day=1)) or 0
    )
    assert progress["total"] == 12  # 13 less the cancelled December task
    assert progress["done"] == 2 and progress["doneLate"] == 1
    overdue = progress["overdue"]
    assert progress["open"] == 10 and overdue >= due_so_far - 2
    assert progress["onTimeRate"] == round(1 / (2 + overdue), 4)
    district = (await gql(PROGRESS, {"code": "330106", **year}, user="xihu"))["data"][
        "taskProgress"
    ]
    assert district["total"] > progress["total"] and district["done"] == already + 2
    hidden = (await gql(PROGRESS, {"code": "330102", **year}, user="xihu"))["data"]["taskProgress"]
    assert hidden is None
    bad = await gql(
        PROGRESS, {"code": "330106", "from": "2026-12-31", "to": "2026-01-01"}, user="xihu"
    )
    assert bad["errors"][0]["extensions"]["code"] == "BAD_RANGE"
