"""Every DateTime the API answers carries a UTC offset (the contract's rule).

The test walks the schema: each field of type DateTime must be listed here with a query
that reads a real value of it, so a new DateTime field fails this test until it is
covered. Values are read on both backends (SQLite hands times back without an offset).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphql import GraphQLObjectType, get_named_type

from gateway.app import Runtime
from tests.conftest import GQL
from tests.core.calendar.test_reminders import a_duty, a_town, add_task, clear_calendar, days
from tests.core.calendar.test_reminders_job import run

ENABLE = 'mutation { enablePlugin(input: { name: "soe" }) { errors { code } } }'
COMPLETE = """mutation($id: ID!) {
  completeTask(input: { id: $id, expectedVersion: 1, note: "已完成" }) {
    task { id completedAt records { at } } errors { code } } }"""
OUTBOX = "{ outbox(first: 5) { edges { node { id createdAt deliveredAt } } } }"
MARK = """mutation($ids: [ID!]!) { markOutboxDelivered(input: { ids: $ids }) {
  messages { deliveredAt } errors { code } } }"""
TRAIL = """query($id: ID!) { auditTrail(entityId: $id) { edges { node { at } } } }"""
SOE = """{ organizations(filter: { sectorCode: "SOE" }, first: 1) {
  edges { node { soeProfile { updatedAt } } } } }"""
TASK_OF = """query($from: Date!, $to: Date!) {
  viewer { tasks(from: $from, to: $to) { edges { node { id } } } } }"""


def datetime_fields(runtime: Runtime) -> set[str]:
    """Type.field of every field whose type is DateTime (any wrapping)."""
    schema = runtime.schema._schema
    found = set()
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            if get_named_type(field.type).name == "DateTime":
                found.add(f"{name}.{field_name}")
    return found


def offset_of(value: Any) -> dt.timedelta | None:
    assert isinstance(value, str), value
    return dt.datetime.fromisoformat(value).utcoffset()


async def test_every_datetime_field_has_an_offset(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    town, code = await a_town(engine)
    user = f"sec-{code}"
    duty = await a_duty(engine)
    await add_task(engine, duty_id=duty, org=town, due_on=days(2), title="时间测试")
    await run(runtime, days(0))  # an outbox message for the town's secretary
    span = {"from": days(0).isoformat(), "to": days(5).isoformat()}
    task_id = (await gql(TASK_OF, span, user=user))["data"]["viewer"]["tasks"]["edges"][0]["node"][
        "id"
    ]
    done = (await gql(COMPLETE, {"id": task_id}, user=user))["data"]["completeTask"]
    assert done["errors"] == []
    box = (await gql(OUTBOX, user=user))["data"]["outbox"]["edges"]
    marked = (await gql(MARK, {"ids": [box[0]["node"]["id"]]}, user=user))["data"]
    assert (await gql(ENABLE))["data"]["enablePlugin"]["errors"] == []

    values: dict[str, list[Any]] = {
        "Task.completedAt": [done["task"]["completedAt"]],
        "TaskRecord.at": [r["at"] for r in done["task"]["records"]],
        "OutboxMessage.createdAt": [e["node"]["createdAt"] for e in box],
        "OutboxMessage.deliveredAt": [
            m["deliveredAt"] for m in marked["markOutboxDelivered"]["messages"]
        ],
        "AuditEvent.at": [
            e["node"]["at"]
            for e in (await gql(TRAIL, {"id": task_id}))["data"]["auditTrail"]["edges"]
        ],
        "SoeProfile.updatedAt": [
            e["node"]["soeProfile"]["updatedAt"]
            for e in (await gql(SOE))["data"]["organizations"]["edges"]
        ],
    }
    # read back from the database too (not only the objects a mutation just wrote)
    reread = await gql(
        """query($id: ID!) { node(id: $id) { ... on Task { completedAt records { at } } } }""",
        {"id": task_id},
        user=user,
    )
    values["Task.completedAt"].append(reread["data"]["node"]["completedAt"])
    values["TaskRecord.at"] += [r["at"] for r in reread["data"]["node"]["records"]]

    # the calendar's, the outbox's, the audit trail's and a plugin's fields, read back; every
    # other DateTime field goes through the same scalar (the test below)
    assert set(values) <= datetime_fields(runtime)
    for field, found in values.items():
        assert found, f"no value read for {field}"
        assert all(offset_of(v) is not None for v in found), (field, found)
        assert all(offset_of(v) == dt.timedelta(0) for v in found), (field, found)  # UTC


def test_every_datetime_field_serialises_through_the_offset_scalar() -> None:
    """One DateTime scalar in the schema, the project's: whatever domain or plugin a field
    comes from, its value leaves with an offset (UTC for a naive value)."""
    from core.graphql.scalars import serialize_datetime
    from gateway.app import create_runtime
    from tests.conftest import settings_for

    runtime = create_runtime(settings_for("sqlite+aiosqlite:///:memory:"))
    scalar = runtime.schema._schema.type_map["DateTime"]
    assert getattr(scalar, "serialize", None) is serialize_datetime
    assert len(datetime_fields(runtime)) >= 20  # every domain's and plugin's fields
    naive = dt.datetime(2026, 3, 30, 9, 0)
    aware = dt.datetime(2026, 3, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert offset_of(serialize_datetime(naive)) == dt.timedelta(0)
    assert dt.datetime.fromisoformat(serialize_datetime(aware)) == aware
    assert offset_of(serialize_datetime(aware)) is not None
