"""Read views: "my tasks" and a subtree's task progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.principal import Principal
from core.calendar.access import current
from core.calendar.models import Task
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
) -> tuple[list[TaskRow], int]:
    """A page of the viewer's tasks due between two dates, by due date; and the total."""
    held = await _held(conn, principal, today)
    conditions = [_mine(held), Task.due_on >= start, Task.due_on <= end]
    if status is not None:
        conditions.append(Task.status == status)
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
    today: dt.date,
    start: dt.date,
    end: dt.date,
) -> Progress:
    """Counts over the visible subtree of an organisation for tasks due in the range."""
    subtree = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == root_id)
    if not principal.everything:
        subtree = subtree.join(Organization, Organization.id == OrgClosure.descendant_id).where(
            visible(principal)
        )
    done = Task.status == "DONE"
    stmt = select(
        func.count(),
        func.count().filter(done),
        func.count().filter(done & Task.late.is_(True)),
        func.count().filter(Task.status == "OPEN"),
        func.count().filter((Task.status == "OPEN") & (Task.due_on < today)),
        func.count().filter(done | (Task.due_on < today)),
    ).where(
        Task.organization_id.in_(subtree),
        Task.due_on >= start,
        Task.due_on <= end,
        Task.status != "CANCELLED",
    )
    total, n_done, late, n_open, overdue, due = (await conn.execute(stmt)).one()
    rate = None if due == 0 else round((n_done - late) / due, 4)
    return Progress(total, n_done, late, n_open, overdue, rate)
