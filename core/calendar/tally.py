"""The task tally: subtree task counts by due date for the city and the districts.

`task_tally` holds, for every organisation of depth <= TALLY_DEPTH, the number of tasks in
its subtree per (due date, status, late). Triggers on `task` keep it (migration 0006);
moving organisations changes subtrees without touching tasks, so `detach`/`attach` here
move the counts. TaskProgress reads it when the principal sees the whole subtree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, delete, exists, func, select, text, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.auth.principal import Principal
from core.calendar.models import TALLY_DEPTH, Task, TaskTally
from core.orgs.models import Organization, OrgClosure

KEY = ["organization_id", "due_on", "status", "late"]


async def covers(conn: AsyncConnection, principal: Principal, root_id: int) -> bool:
    """Whether the principal sees the whole subtree of the organisation (tally applies)."""
    if principal.everything:
        return True
    if not principal.org_roots:
        return False
    found = await conn.scalar(
        select(
            exists().where(
                OrgClosure.descendant_id == root_id,
                OrgClosure.ancestor_id.in_(principal.org_roots),
            )
        )
    )
    return bool(found)


def counts(root_id: int, start: dt.date, end: dt.date) -> Select[dt.date, str, bool, int]:
    """(due date, status, late, n) of the root's subtree in a date range, from the tally."""
    return (
        select(TaskTally.due_on, TaskTally.status, TaskTally.late, TaskTally.n)
        .where(
            TaskTally.organization_id == root_id,
            TaskTally.due_on >= start,
            TaskTally.due_on <= end,
            TaskTally.n != 0,
        )
        .order_by(TaskTally.due_on)
    )


def _upsert(session: AsyncSession, rows: Any) -> Any:
    bind = session.bind
    module = postgresql if bind is not None and bind.dialect.name == "postgresql" else sqlite
    stmt = module.insert(TaskTally).from_select([*KEY, "n"], rows)
    return stmt.on_conflict_do_update(index_elements=KEY, set_={"n": TaskTally.n + stmt.excluded.n})


def _subtree_counts(org_id: int) -> Any:
    """Task counts of an organisation's subtree per (due date, status, late)."""
    members = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == org_id)
    return (
        select(Task.due_on, Task.status, Task.late, func.count().label("n"))
        .where(Task.organization_id.in_(members))
        .group_by(Task.due_on, Task.status, Task.late)
        .subquery("moved")
    )


def _outer_roots(org_id: int) -> Any:
    """The organisation's proper ancestors that keep a tally."""
    return (
        select(OrgClosure.ancestor_id.label("root_id"))
        .join(Organization, Organization.id == OrgClosure.ancestor_id)
        .where(
            OrgClosure.descendant_id == org_id,
            OrgClosure.distance > 0,
            Organization.depth <= TALLY_DEPTH,
        )
        .subquery("roots")
    )


def _inner_roots(org_id: int) -> Any:
    """The organisation and its descendants that keep a tally (at their present depth)."""
    return (
        select(OrgClosure.descendant_id)
        .join(Organization, Organization.id == OrgClosure.descendant_id)
        .where(OrgClosure.ancestor_id == org_id, Organization.depth <= TALLY_DEPTH)
    )


async def _shift(session: AsyncSession, org_id: int, sign: int) -> None:
    moved, roots = _subtree_counts(org_id), _outer_roots(org_id)
    rows = (
        select(roots.c.root_id, moved.c.due_on, moved.c.status, moved.c.late, moved.c.n * sign)
        .select_from(roots)
        .join(moved, true())
        .where(true())  # SQLite: a WHERE before ON CONFLICT in INSERT … SELECT
        .order_by(roots.c.root_id, moved.c.due_on, moved.c.status, moved.c.late)
    )
    await session.execute(_upsert(session, rows))


async def detach(session: AsyncSession, org_id: int) -> None:
    """Before a move: take the subtree's tasks out of its ancestors' and its own tallies."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        # task triggers of concurrent transactions wait, so no count lands on a stale tree
        await session.execute(text("LOCK TABLE task_tally IN EXCLUSIVE MODE"))
    await _shift(session, org_id, -1)
    await session.execute(
        delete(TaskTally).where(TaskTally.organization_id.in_(_inner_roots(org_id)))
    )


async def attach(session: AsyncSession, org_id: int) -> None:
    """After a move: add the subtree's tasks to its new ancestors; rebuild its own tallies."""
    await _shift(session, org_id, 1)
    inner = _inner_roots(org_id).subquery("inner_roots")
    rows = (
        select(OrgClosure.ancestor_id, Task.due_on, Task.status, Task.late, func.count())
        .select_from(inner)
        .join(OrgClosure, OrgClosure.ancestor_id == inner.c.descendant_id)
        .join(Task, Task.organization_id == OrgClosure.descendant_id)
        .where(true())
        .group_by(OrgClosure.ancestor_id, Task.due_on, Task.status, Task.late)
    )
    await session.execute(_upsert(session, rows))
