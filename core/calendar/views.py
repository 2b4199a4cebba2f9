"""Read views: "my tasks" and a subtree's task progress."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.principal import Principal
from core.calendar import tally
from core.calendar.access import current
from core.calendar.models import TALLY_DEPTH, Task
from core.calendar.rows import TASK_COLUMNS, TaskRow
from core.orgs.models import Assignment, Organization, OrgClosure
from core.orgs.scope import visible


async def _held(
    conn: AsyncConnection, principal: Principal, today: dt.date
) -> list[tuple[int, int]]:
    if principal.person_id is None:
        return []
    rows = await conn.execute(
        select(Assignment.organization_id, Assignment.position_id)
        .where(Assignment.person_id == principal.person_id, current(today))
        .limit(100)
    )
    return [(row[0], row[1]) for row in rows]


def _mine(held: list[tuple[int, int]]) -> ColumnElement[bool]:
    """Organisation tasks of the organisations served, and position tasks of the posts held."""
    if not held:
        return false()
    orgs = sorted({org for org, _ in held})
    posts = [
        and_(Task.organization_id == org, Task.position_id == position)
        for org, position in sorted(set(held))
    ]
    return or_(and_(Task.organization_id.in_(orgs), Task.position_id.is_(None)), *posts)


def opened(today: dt.date) -> ColumnElement[bool]:
    """A condition on `task`: it has opened by the date (its lead time has begun)."""
    return or_(Task.opens_on.is_(None), Task.opens_on <= today)


def status_is(status: str, today: dt.date) -> ColumnElement[bool]:
    """A condition on `task` for a status filter; OVERDUE is OPEN and due before today."""
    if status == "OVERDUE":
        return and_(Task.status == "OPEN", Task.due_on < today)
    return Task.status == status


async def my_tasks(
    *,
    conn: AsyncConnection,
    principal: Principal,
    today: dt.date,
    start: dt.date,
    end: dt.date,
    status: str | None,
    offset: int,
    limit: int,
    opened_only: bool = True,
) -> tuple[list[TaskRow], int]:
    """A page of the viewer's opened tasks due between two dates, by due date; and the total.

    A task is listed from its opening day (`opens_on`, its lead time) on, unless
    `opened_only` is false.
    """
    held = await _held(conn, principal, today)
    conditions = [_mine(held), Task.due_on >= start, Task.due_on <= end]
    if opened_only:
        conditions.append(opened(today))
    if status is not None:
        conditions.append(status_is(status, today))
    total = await conn.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0
    rows = await conn.execute(
        select(*TASK_COLUMNS)
        .where(*conditions)
        .order_by(Task.due_on, Task.id)
        .offset(offset)
        .limit(limit)
    )
    return [TaskRow._make(row) for row in rows], total


@dataclass(frozen=True)
class Progress:
    """Task counts of a subtree over a date range (cancelled tasks left out)."""

    total: int
    done: int
    done_late: int
    open: int
    overdue: int
    on_time_rate: float | None


async def progress(
    *,
    conn: AsyncConnection,
    principal: Principal,
    root_id: int,
    root_depth: int,
    today: dt.date,
    start: dt.date,
    end: dt.date,
) -> Progress:
    """Counts over the visible subtree of an organisation for tasks due in the range.

    The city and the districts (depth <= TALLY_DEPTH) read the maintained tally when the
    principal sees their whole subtree; smaller subtrees count their tasks.
    """
    if root_depth <= TALLY_DEPTH and await tally.covers(conn, principal, root_id):
        tallied: Counter[str] = Counter()
        for due_on, status, late, n in await conn.execute(tally.counts(root_id, start, end)):
            tallied[_kind(status=status, late=bool(late), overdue=due_on < today)] += n
        return _progress(tallied)
    subtree = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == root_id)
    if not principal.everything:
        subtree = subtree.join(Organization, Organization.id == OrgClosure.descendant_id).where(
            visible(principal)
        )
    overdue = Task.due_on < today
    stmt = (
        select(Task.status, Task.late, overdue, func.count())
        .where(
            Task.organization_id.in_(subtree),
            Task.due_on >= start,
            Task.due_on <= end,
            Task.status != "CANCELLED",
        )
        .group_by(Task.status, Task.late, overdue)
    )
    counted: Counter[str] = Counter()
    for status, late, past, n in await conn.execute(stmt):
        counted[_kind(status=status, late=bool(late), overdue=bool(past))] += n
    return _progress(counted)


def _kind(*, status: str, late: bool, overdue: bool) -> str:
    if status == "DONE":
        return "DONE_LATE" if late else "DONE"
    if status == "OPEN":
        return "OVERDUE" if overdue else "OPEN"
    return status


def _progress(counted: Counter[str]) -> Progress:
    done = counted["DONE"] + counted["DONE_LATE"]
    still_open = counted["OPEN"] + counted["OVERDUE"]
    due = done + counted["OVERDUE"]
    rate = None if due == 0 else round(counted["DONE"] / due, 4)
    return Progress(
        total=done + still_open,
        done=done,
        done_late=counted["DONE_LATE"],
        open=still_open,
        overdue=counted["OVERDUE"],
        on_time_rate=rate,
    )
