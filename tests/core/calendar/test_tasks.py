"""completeTask / cancelTask: holders and managers, late, conflicts, evidence, audit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.graphql import ids
from gateway.app import Runtime
from tests.conftest import GQL, city_today, client_for, make_gql, token_for
from tests.core.calendar.demo_tasks import task_ids, towns, with_calendar

COMPLETE = """
mutation($input: CompleteTaskInput!) {
  completeTask(input: $input) {
    task { id status version completedAt late
      records { kind note at author { username } attachments { filename size contentType sha256 } } }
    errors { field message code }
  }
}"""
CANCEL = """
mutation($input: CancelTaskInput!) {
  cancelTask(input: $input) {
    task { id status version cancelReason records { kind note } }
    errors { field message code }
  }
}"""
NODE = "query($id: ID!) { node(id: $id) { ... on Task { id title period dueOn status duty { code } organization { code } } } }"


def gid(task_id: int) -> str:
    return ids.encode("Task", task_id)


async def test_complete_task(
    fresh: tuple[Runtime, GQL], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime, gql = fresh
    today = city_today()
    await with_calendar(runtime.engine, today)
    town, other = (await towns(runtime.engine, "330106"))[:1] + (
        await towns(runtime.engine, "330110")
    )[:1]
    this_month = f"{today.year}-{today.month:02d}"
    [current] = await task_ids(runtime.engine, town.id, this_month)
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    [overdue] = await task_ids(runtime.engine, town.id, f"{last_month.year}-{last_month.month:02d}")

    node = (await gql(NODE, {"id": gid(current)}, user=town.user))["data"]["node"]
    assert node["duty"] == {"code": "T-FIXED-DAY-TOWN"} and node["organization"] == {
        "code": town.code
    }

    # not visible → the same answer as a task that does not exist
    hidden = {"input": {"id": gid(current), "expectedVersion": 1, "note": "x"}}
    missing = {"input": {"id": gid(10**9), "expectedVersion": 1, "note": "x"}}
    a = (await gql(COMPLETE, hidden, user=other.user))["data"]["completeTask"]
    b = (await gql(COMPLETE, missing, user=other.user))["data"]["completeTask"]
    assert a == b and a["errors"][0]["code"] == "NOT_FOUND"
    # visible to the district secretary, but not theirs to complete
    c = (await gql(COMPLETE, hidden, user="sec-330106"))["data"]["completeTask"]
    assert c["errors"][0]["code"] == "FORBIDDEN"
    blank = {"input": {"id": gid(current), "expectedVersion": 1, "note": "  "}}
    d = (await gql(COMPLETE, blank, user=town.user))["data"]["completeTask"]
    assert d["errors"][0]["field"] == "note" and d["errors"][0]["code"] == "REQUIRED"

    # evidence: upload, then reference
    monkeypatch.setenv("DUTYGRAPH_UPLOAD_DIR", str(tmp_path))
    async with client_for(runtime) as client:
        headers = {
            "Authorization": f"Bearer {token_for(runtime, town.user)}",
            "X-Filename": "%E7%AD%BE%E5%88%B0%E8%A1%A8.pdf",
            "Content-Type": "application/pdf",
        }
        uploaded = (
            await client.post("/uploads", content=b"%PDF-1.4 sign-in sheet", headers=headers)
        ).json()
        assert uploaded["filename"] == "签到表.pdf"
        gql_here = make_gql(client, runtime)
        done = {
            "input": {
                "id": gid(current),
                "expectedVersion": 1,
                "note": "已开展主题党日活动",
                "attachmentIds": [uploaded["id"]],
            }
        }
        body = (await gql_here(COMPLETE, done, user=town.user))["data"]["completeTask"]
        assert body["errors"] == []
        task = body["task"]
        assert task["status"] == "DONE" and task["version"] == 2 and task["late"] is False
        assert task["completedAt"] is not None
        [record] = task["records"]
        assert record["kind"] == "COMPLETE" and record["author"] == {"username": town.user}
        assert record["attachments"] == [
            {
                "filename": "签到表.pdf",
                "size": 22,
                "contentType": "application/pdf",
                "sha256": uploaded["sha256"],
            }
        ]
        # the same attachment cannot be used twice; a stale version is a conflict
        again = {
            "input": {
                "id": gid(overdue),
                "expectedVersion": 1,
                "note": "补记",
                "attachmentIds": [uploaded["id"]],
            }
        }
        e = (await gql_here(COMPLETE, again, user=town.user))["data"]["completeTask"]
        assert e["errors"][0]["field"] == "attachmentIds"
    stale = (await gql(COMPLETE, done, user=town.user))["data"]["completeTask"]
    assert stale["errors"][0]["code"] == "CONFLICT" and stale["task"] is None
    # late: last month's task completed today; a manager (xihu) may complete it too
    late = {"input": {"id": gid(overdue), "expectedVersion": 1, "note": "补开"}}
    body = (await gql(COMPLETE, late, user="xihu"))["data"]["completeTask"]
    assert body["errors"] == [] and body["task"]["late"] is True
    redo = {"input": {"id": gid(overdue), "expectedVersion": 2, "note": "再次"}}
    f = (await gql(COMPLETE, redo, user="xihu"))["data"]["completeTask"]
    assert f["errors"][0]["code"] == "INVALID"
    async with runtime.engine.connect() as conn:
        actions = (
            await conn.execute(
                select(AuditEvent.action, AuditEvent.entity_id).where(
                    AuditEvent.entity_type == "Task"
                )
            )
        ).all()
    assert sorted(actions) == sorted(
        [("task.complete", str(current)), ("task.complete", str(overdue))]
    )


async def test_cancel_task_needs_a_manager(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    today = city_today()
    await with_calendar(runtime.engine, today)
    town = (await towns(runtime.engine, "330106"))[0]
    [task_id] = await task_ids(runtime.engine, town.id, f"{today.year}-12")
    request = {"input": {"id": gid(task_id), "expectedVersion": 1, "reason": "与专项督查合并开展"}}
    denied = (await gql(CANCEL, request, user=town.user))["data"]["cancelTask"]
    assert denied["errors"][0]["code"] == "FORBIDDEN"
    no_reason = {"input": {**request["input"], "reason": ""}}
    assert (await gql(CANCEL, no_reason, user="xihu"))["data"]["cancelTask"]["errors"][0][
        "field"
    ] == "reason"
    body = (await gql(CANCEL, request, user="xihu"))["data"]["cancelTask"]
    assert body["errors"] == []
    assert (
        body["task"]["status"] == "CANCELLED"
        and body["task"]["cancelReason"] == "与专项督查合并开展"
    )
    assert body["task"]["records"] == [{"kind": "CANCEL", "note": "与专项督查合并开展"}]
    again = {"input": {**request["input"], "expectedVersion": 2}}
    assert (await gql(CANCEL, again, user="xihu"))["data"]["cancelTask"]["errors"][0][
        "code"
    ] == "INVALID"
