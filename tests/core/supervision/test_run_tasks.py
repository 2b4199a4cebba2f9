"""A checklist run evidences a calendar task: linked on start, completed with the run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.duties.models import Duty
from core.graphql import ids
from core.supervision.models import ChecklistRun
from gateway.app import Runtime
from tests.conftest import GQL
from tests.core.calendar.test_reminders import a_duty, add_task, days, org_id

START = """
mutation($input: StartChecklistRunInput!) { startChecklistRun(input: $input) {
  run { id version task { id title status } } errors { field code message } } }
"""
ANSWER = """
mutation($input: AnswerChecklistStepInput!) { answerChecklistStep(input: $input) {
  run { version } errors { field code } } }
"""
COMPLETE = """
mutation($input: CompleteChecklistRunInput!) { completeChecklistRun(input: $input) {
  run { status task { id status late records { kind note } } } errors { field code } } }
"""
TASK = """
query($id: ID!) { node(id: $id) { ... on Task { status version records { kind note } } } }
"""
RUN = "query($id: ID!) { checklistRun(id: $id) { task { id } } }"
TOWN = "330106001"
SECRETARY = f"sec-{TOWN}"
RULES = "TOWN-STREET-RULES"  # serves the duty TOWN-03


async def duty_id(engine: AsyncEngine, code: str) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(select(Duty.id).where(Duty.code == code).order_by(Duty.id))
    assert found is not None, code
    return int(found)


async def runs_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(ChecklistRun)) or 0)


def task_gid(key: int) -> str:
    return ids.encode("Task", key)


async def start(gql: GQL, task: str | None, user: str = SECRETARY) -> dict[str, Any]:
    fields: dict[str, Any] = {"procedureCode": RULES, "organizationCode": TOWN}
    if task is not None:
        fields["taskId"] = task
    body = await gql(START, {"input": fields}, user=user)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["startChecklistRun"]
    return found


async def finish(gql: GQL, run: dict[str, Any]) -> dict[str, Any]:
    """Answer every step DONE, then complete the run."""
    version = run["version"]
    for number in range(1, 7):
        fields = {
            "runId": run["id"],
            "stepCode": f"S0{number}",
            "answer": "DONE",
            "expectedVersion": version,
        }
        done = (await gql(ANSWER, {"input": fields}, user=SECRETARY))["data"]["answerChecklistStep"]
        assert done["errors"] == [], done
        version = done["run"]["version"]
    body = await gql(
        COMPLETE, {"input": {"runId": run["id"], "expectedVersion": version}}, user=SECRETARY
    )
    assert "errors" not in body, body
    completed: dict[str, Any] = body["data"]["completeChecklistRun"]
    assert completed["errors"] == [], completed
    return completed


async def test_completing_a_run_completes_its_task(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    town = await org_id(engine, TOWN)
    task = await add_task(
        engine, duty_id=await duty_id(engine, "TOWN-03"), org=town, due_on=days(3), title="工作规则"
    )
    started = await start(gql, task_gid(task))
    assert started["errors"] == []
    run = started["run"]
    assert run["task"] == {"id": task_gid(task), "title": "工作规则", "status": "OPEN"}
    linked = await gql(RUN, {"id": run["id"]}, user=SECRETARY)
    assert linked["data"]["checklistRun"]["task"] == {"id": task_gid(task)}
    completed = await finish(gql, run)
    assert completed["run"]["status"] == "COMPLETED"
    got = completed["run"]["task"]
    assert (got["status"], got["late"]) == ("DONE", False)
    (record,) = got["records"]
    assert record["kind"] == "COMPLETE" and run["id"] in record["note"]
    assert record["note"].startswith("已完成检查清单")


async def test_a_task_already_done_gets_no_second_record(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    town = await org_id(engine, TOWN)
    duty = await duty_id(engine, "TOWN-03")
    task = await add_task(engine, duty_id=duty, org=town, due_on=days(-2), title="已办")
    run = (await start(gql, task_gid(task)))["run"]
    before = (await gql(TASK, {"id": task_gid(task)}, user=SECRETARY))["data"]["node"]
    done = await gql(
        """mutation($input: CompleteTaskInput!) { completeTask(input: $input) {
          errors { code } } }""",
        {"input": {"id": task_gid(task), "expectedVersion": before["version"], "note": "已完成"}},
        user=SECRETARY,
    )
    assert done["data"]["completeTask"]["errors"] == [], done
    completed = await finish(gql, run)
    got = completed["run"]["task"]
    assert got["status"] == "DONE" and got["late"] is True
    assert [(r["kind"], r["note"]) for r in got["records"]] == [("COMPLETE", "已完成")]


async def test_a_task_that_is_not_the_runs_is_refused(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    town = await org_id(engine, TOWN)
    duty = await duty_id(engine, "TOWN-03")
    community = await org_id(engine, "330106001001")  # seen by the town, not the town
    other_org = await add_task(engine, duty_id=duty, org=community, due_on=days(3), title="社区")
    other_duty = await add_task(
        engine, duty_id=await a_duty(engine), org=town, due_on=days(3), title="别的职责"
    )
    cancelled = await add_task(
        engine, duty_id=duty, org=town, due_on=days(3), title="已取消", status="CANCELLED"
    )
    elsewhere = await add_task(
        engine, duty_id=duty, org=await org_id(engine, "330102001"), due_on=days(3), title="外区"
    )
    before = await runs_count(engine)
    cases = [
        (task_gid(other_org), "INVALID"),
        (task_gid(other_duty), "INVALID"),
        (task_gid(cancelled), "INVALID"),
        (task_gid(elsewhere), "NOT_FOUND"),  # outside the caller's reach
        (task_gid(10**12), "NOT_FOUND"),
        ("not-an-id", "NOT_FOUND"),
        (ids.encode("Finding", 1), "NOT_FOUND"),
    ]
    for task, code in cases:
        refused = await start(gql, task)
        assert refused["run"] is None, task
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [("taskId", code)], task
    assert await runs_count(engine) == before  # nothing written
    plain = await start(gql, None)  # without a task, as before
    assert plain["errors"] == [] and plain["run"]["task"] is None
