"""The contract's MyReminders (../shared/contract/calendar.graphql), run as written."""

from __future__ import annotations

from graphql import OperationDefinitionNode, parse, print_ast, validate

from gateway.app import Runtime
from tests.conftest import GQL, shared_dir
from tests.core.calendar.test_reminders import a_duty, add_task, clear_calendar, days, org_id


def my_reminders() -> str:
    """The MyReminders operation exactly as the contract writes it (alone, so that it runs
    whatever the rest of calendar.graphql needs)."""
    document = parse((shared_dir() / "contract" / "calendar.graphql").read_text("utf-8"))
    (operation,) = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name and d.name.value == "MyReminders"
    ]
    return print_ast(operation)


def test_my_reminders_validates(demo_runtime: Runtime) -> None:
    assert validate(demo_runtime.schema._schema, parse(my_reminders())) == []


async def test_my_reminders_for_a_district_secretary(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    xihu = await org_id(engine, "330106")
    for offset, title in ((-1, "召开组织生活会"), (1, "收缴党费"), (6, "主题党日"), (25, "党课")):
        await add_task(engine, duty_id=duty, org=xihu, due_on=days(offset), title=title)
    await add_task(engine, duty_id=duty, org=xihu, due_on=days(45), title="远期任务")
    body = await gql(my_reminders(), user="sec-330106", operation="MyReminders")
    assert "errors" not in body, body
    got = body["data"]["viewer"]["reminders"]
    assert [(r["kind"], r["task"]["title"]) for r in got] == [
        ("OVERDUE", "召开组织生活会"),
        ("DUE_IN_1_DAY", "收缴党费"),
        ("DUE_IN_7_DAYS", "主题党日"),
        ("DUE_IN_30_DAYS", "党课"),
    ]
    first = got[0]["task"]
    assert first["dueOn"] == days(-1).isoformat() and first["organization"] == {"code": "330106"}
    assert set(first) == {"id", "title", "dueOn", "organization"} and first["id"]
    other = await gql(my_reminders(), user="sec-330102", operation="MyReminders")
    assert other["data"]["viewer"]["reminders"] == []
