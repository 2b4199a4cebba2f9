"""Compiled reads of the calendar (see `core.graphql.sqljson`): `viewer.tasks` and the
fields of a task, answering exactly what `core.calendar.schema` / `types` answer."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from core.calendar.schema import MAX_RANGE_DAYS
from core.graphql.sqljson import (
    Bindings,
    Build,
    Fallback,
    FieldSpec,
    Getter,
    Selected,
    column,
    global_id,
    register,
)
from core.graphql.sqlpage import Page, connection
from core.orgs.compiled import organization_by_id, row_of

SCHEMA = "core.calendar.schema"
TYPES = "core.calendar.types"
STATUSES = frozenset({"OPEN", "DONE", "CANCELLED", "OVERDUE"})
"""The statuses the compiled filter knows; any other value runs the resolver."""


def _status(get: Getter) -> Getter:
    def status(bindings: Bindings) -> str | None:
        value: Any = get(bindings)
        if isinstance(value, enum.Enum):
            value = value.value
        if value is not None and value not in STATUSES:
            raise Fallback(f"status {value!r}")
        return value  # type: ignore[no-any-return]

    return status


def _range(start_of: Getter, end_of: Getter) -> Getter:
    """The resolver's BAD_RANGE check: refused ranges run the resolver (which reports it)."""

    def check(bindings: Bindings) -> bool:
        start, end = start_of(bindings), end_of(bindings)
        if not isinstance(start, dt.date) or not isinstance(end, dt.date):
            raise Fallback("dates")
        if end < start or (end - start).days > MAX_RANGE_DAYS:
            raise Fallback("range")
        return True

    return check


def _tasks(build: Build, _alias: str, selected: Selected) -> str:
    """`views.my_tasks`: the organisation tasks of the organisations where the person holds
    a post today, and the tasks of those posts; due in the range and opened (unless
    `includeUnopened`); OVERDUE is OPEN and due before today; by due date, then id."""
    start_of, end_of = selected.arg("from"), selected.arg("to")
    build.param(_range(start_of, end_of), "boolean")  # checked, not used by the text
    start, end = build.param(start_of, "date"), build.param(end_of, "date")
    status = build.param(_status(selected.arg("status")), "text")
    person = build.param(lambda b: b.principal.person_id, "int")
    today = build.param(lambda b: b.today, "date")
    unopened = build.param(selected.arg("includeUnopened"), "boolean")

    def mine(task: str) -> str:
        held = build.alias("h")
        posts = (
            f"SELECT {held}.organization_id, {held}.position_id FROM assignment {held} "
            f"WHERE {held}.person_id = {person} AND {held}.since <= {today} "
            f"AND ({held}.until IS NULL OR {held}.until > {today}) LIMIT 100"
        )
        window = (
            f"{task}.due_on >= {start} AND {task}.due_on <= {end} "
            f"AND ({unopened} OR {task}.opens_on IS NULL OR {task}.opens_on <= {today}) "
            f"AND ({status} IS NULL OR {task}.status = {status} OR ({status} = 'OVERDUE' "
            f"AND {task}.status = 'OPEN' AND {task}.due_on < {today}))"
        )
        return (
            f"SELECT {task}.* FROM task {task} WHERE {task}.position_id IS NULL AND "
            f"{task}.organization_id IN (SELECT organization_id FROM ({posts}) {held}p) "
            f"AND {window} UNION ALL SELECT {task}.* FROM task {task} WHERE "
            f"({task}.organization_id, {task}.position_id) IN (SELECT organization_id, "
            f"position_id FROM ({posts}) {held}q) AND {window}"
        )

    found = build.alias("mt")
    rows = (
        f"SELECT {found}.*, row_number() OVER (ORDER BY {found}.due_on, {found}.id) AS rn "
        f"FROM ({mine(build.alias('t'))}) {found}"
    )
    count = f"SELECT count(*) FROM ({mine(build.alias('t'))}) {build.alias('mc')}"
    return connection(build, selected, Page(rows=rows, count=count))


def _overdue(build: Build, alias: str, _selected: Selected) -> str:
    today = build.param(lambda b: b.today, "date")
    return f"({alias}.status = 'OPEN' AND {alias}.due_on < {today})"


def _duty(build: Build, alias: str, selected: Selected) -> str:
    return row_of(
        build, selected, "duty", f"{{a}}.id = {alias}.duty_id", scoped=False, parent=alias
    )


def _position(build: Build, alias: str, selected: Selected) -> str:
    return row_of(
        build, selected, "position", f"{{a}}.id = {alias}.position_id", scoped=False, parent=alias
    )


register(
    "Viewer",
    {
        "tasks": FieldSpec(
            _tasks,
            f"{SCHEMA}.ViewerTaskFields.tasks",
            frozenset({"from", "to", "status", "first", "after", "includeUnopened"}),
        )
    },
)
register(
    "Task",
    {
        "id": FieldSpec(lambda _b, a, _s: global_id("Task", f"{a}.id"), f"{TYPES}.TaskType.id"),
        "title": column("title"),
        "dueOn": column("due_on"),
        "period": column("period"),
        "opensOn": column("opens_on"),
        "overdue": FieldSpec(_overdue, f"{TYPES}.TaskType.overdue"),
        "version": column("version"),
        "late": column("late"),
        "cancelReason": column("cancel_reason"),
        "status": FieldSpec(lambda _b, a, _s: f"{a}.status", f"{TYPES}.TaskType.status"),
        "organization": FieldSpec(
            lambda b, a, s: organization_by_id(b, f"{a}.organization_id", s),
            f"{TYPES}.TaskType.organization",
        ),
        "position": FieldSpec(_position, f"{TYPES}.TaskType.position"),
        "duty": FieldSpec(_duty, f"{TYPES}.TaskType.duty"),
    },
)
register(
    "TaskDuty",
    {
        "code": column("code"),
        "title": column("title"),
        "source": column("source"),
        "frequency": column("frequency"),
    },
)
