"""MyTasks, CompleteTask and TaskProgress of ../shared/contract/calendar.graphql, as written."""

from __future__ import annotations

from typing import Any

from graphql import parse, validate
from sqlalchemy import func, select

from core.calendar.models import Task
from core.duties.models import Duty
from gateway.app import Runtime
from tests.conftest import GQL, city_today, shared_dir
from tests.core.calendar.demo_tasks import towns, with_calendar

ALL_TASKS = """query($from: Date!, $to: Date!) {
  viewer { tasks(from: $from, to: $to, includeUnopened: true) { edges { node { id dueOn } } } }
}"""


def contract() -> str:
    return (shared_dir() / "contract" / "calendar.graphql").read_text(encoding="utf-8")


async def run(gql: GQL, name: str, variables: dict[str, Any], user: str) -> dict[str, Any]:
    body = await gql(contract(), variables, user=user, operation=name)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_calendar_documents_validate(demo_runtime: Runtime) -> None:
    assert validate(demo_runtime.schema._schema, parse(contract())) == []


async def test_my_tasks_complete_task_and_progress(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    today = city_today()
    await with_calendar(runtime.engine, today)
    town = (await towns(runtime.engine, "330106"))[0]
    year = {"from": f"{today.year}-01-01", "to": f"{today.year}-12-31"}
    tasks = (await run(gql, "MyTasks", {**year, "status": "OPEN"}, town.user))["viewer"]["tasks"]
    # of the 13 (12 monthly town tasks + the secretary's yearly report): those opened by today
    async with runtime.engine.connect() as conn:
        opened = (
            await conn.execute(
                select(Duty.code, func.count())
                .join(Task, Task.duty_id == Duty.id)
                .where(Task.organization_id == town.id, Task.opens_on <= today)
                .group_by(Duty.code)
            )
        ).all()
    assert 0 < sum(n for _, n in opened) <= 13
    assert tasks["totalCount"] == sum(n for _, n in opened)
    assert tasks["pageInfo"]["hasNextPage"] is False
    nodes = [edge["node"] for edge in tasks["edges"]]
    assert {n["organization"]["code"] for n in nodes} == {town.code}
    assert {n["duty"]["code"] for n in nodes} == {code for code, _ in opened}
    assert all(n["status"] == "OPEN" and n["version"] == 1 for n in nodes)
    # a task not yet due (done on time); it may not have opened yet: ask for those too
    planning = await gql(ALL_TASKS, year, user=town.user)
    target = next(
        edge["node"]
        for edge in planning["data"]["viewer"]["tasks"]["edges"]
        if edge["node"]["dueOn"] >= today.isoformat()
    )
    before = (await run(gql, "TaskProgress", {"code": "330106", **year}, "xihu"))["taskProgress"]
    variables = {"id": target["id"], "expectedVersion": 1, "note": "已按期完成，材料已归档"}
    done = (await run(gql, "CompleteTask", variables, town.user))["completeTask"]
    assert done["errors"] == []
    assert done["task"]["status"] == "DONE" and done["task"]["version"] == 2
    assert done["task"]["records"][0]["note"] == "已按期完成，材料已归档"
    assert done["task"]["records"][0]["author"] == {"username": town.user}
    stale = (await run(gql, "CompleteTask", variables, town.user))["completeTask"]
    assert stale["errors"][0]["code"] == "CONFLICT"
    progress = (await run(gql, "TaskProgress", {"code": "330106", **year}, "xihu"))["taskProgress"]
    # one more done than before (the demo's campaign tasks may be done already)
    assert progress["done"] == before["done"] + 1 and progress["total"] > 13
    assert progress["overdue"] > 0 and 0 < progress["onTimeRate"] < 1
