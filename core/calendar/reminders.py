"""Reminders: which stage a task is at today, the viewer's reminders, and the remind job.

Stages, from the due date and today's date in the city's time zone: DUE_IN_30_DAYS (due in
8–30 days), DUE_IN_7_DAYS (2–7), DUE_IN_1_DAY (today or tomorrow), OVERDUE (before today);
ESCALATED once a task is overdue more than `escalate_after_days`. Only OPEN tasks remind.

The job inserts `reminder` rows with INSERT … SELECT … ON CONFLICT (task_id, stage) DO
NOTHING RETURNING: the unique key decides which run emits a reminder, so any number of
replicas may run it at once and each reminder is emitted (and delivered) exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    DateTime,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.audit import service as audit
from core.auth.principal import Principal
from core.calendar.liaison import slot_marker
from core.calendar.models import CalendarRule, Liaison, Reminder, Task
from core.calendar.notify import ESCALATED, LIAISON_OWNER, Message, Notifier, current, messages_for
from core.calendar.rows import TASK_COLUMNS, TaskRow
from core.db import utcnow
from core.orgs.models import Assignment

OPEN = "OPEN"
DUE_IN_30_DAYS = "DUE_IN_30_DAYS"
DUE_IN_7_DAYS = "DUE_IN_7_DAYS"
DUE_IN_1_DAY = "DUE_IN_1_DAY"
OVERDUE = "OVERDUE"
KINDS = (OVERDUE, DUE_IN_1_DAY, DUE_IN_7_DAYS, DUE_IN_30_DAYS)
HORIZON_DAYS = 30
MAX_REMINDERS = 100
"""`viewer.reminders` answers at most this many, the most urgent first."""
BATCH = 500


class ReminderRow(NamedTuple):
    kind: str
    task: TaskRow


def stage_of(due_on: dt.date, today: dt.date) -> str | None:
    """The reminder stage of an OPEN task due on a date, or None when not yet in view."""
    days = (due_on - today).days
    if days < 0:
        return OVERDUE
    if days <= 1:
        return DUE_IN_1_DAY
    if days <= 7:
        return DUE_IN_7_DAYS
    if days <= HORIZON_DAYS:
        return DUE_IN_30_DAYS
    return None


def stage_sql(today: dt.date) -> ColumnElement[str]:
    """`stage_of` in SQL, for tasks due at most HORIZON_DAYS ahead."""
    return case(
        (Task.due_on < today, OVERDUE),
        (Task.due_on <= today + dt.timedelta(days=1), DUE_IN_1_DAY),
        (Task.due_on <= today + dt.timedelta(days=7), DUE_IN_7_DAYS),
        else_=DUE_IN_30_DAYS,
    )


def viewer_tasks(person_id: int, today: dt.date) -> ColumnElement[bool]:
    """A condition on `task`: the tasks of a person on a date.

    Tasks of the organisations where the person holds a post (the organisation's own tasks
    and those of the posts they hold) and liaison tasks of the organisations linked to them.
    """
    mine = and_(Assignment.person_id == person_id, current(Assignment, today))
    held_post = exists(
        select(Assignment.id).where(
            mine,
            Assignment.organization_id == Task.organization_id,
            Assignment.position_id == Task.position_id,
        )
    )
    linked = select(Liaison.organization_id).where(
        Liaison.person_id == person_id, current(Liaison, today)
    )
    liaison_rules = select(CalendarRule.id).where(CalendarRule.owner == LIAISON_OWNER)
    return or_(
        and_(
            Task.organization_id.in_(select(Assignment.organization_id).where(mine)),
            or_(Task.position_id.is_(None), held_post),
        ),
        and_(
            Task.organization_id.in_(linked),
            Task.rule_id.in_(liaison_rules),
            Task.slot.like(slot_marker(person_id)),
        ),
    )


async def for_viewer(
    *, conn: AsyncConnection, principal: Principal, today: dt.date, limit: int = MAX_REMINDERS
) -> list[ReminderRow]:
    """The viewer's reminders today: OPEN tasks overdue or due within 30 days, most urgent
    first (earliest due date), at most `limit`.

    Scoped by `viewer_tasks`: a post held or a liaison link is itself the grant (as in
    `core.calendar.access.task_visible`, an organisation one serves is visible to one).
    """
    if principal.person_id is None:
        return []
    rows = await conn.execute(
        select(*TASK_COLUMNS)
        .where(
            Task.status == OPEN,
            Task.due_on <= today + dt.timedelta(days=HORIZON_DAYS),
            or_(Task.opens_on.is_(None), Task.opens_on <= today),
            viewer_tasks(principal.person_id, today),
        )
        .order_by(Task.due_on, Task.id)
        .limit(limit)
    )
    out: list[ReminderRow] = []
    for row in rows:
        task = TaskRow._make(row)
        kind = stage_of(task.due_on, today)
        if kind is not None:
            out.append(ReminderRow(kind, task))
    return out


# --------------------------------------------------------------------------- the job


def _insert(session: AsyncSession) -> Any:
    bind = session.bind
    return pg_insert if bind is not None and bind.dialect.name == "postgresql" else sqlite_insert


@dataclass(frozen=True)
class Pass:
    """One kind of reminder the job emits: which stage, for which OPEN tasks."""

    stage: ColumnElement[str]
    due: ColumnElement[bool]
    name: str = ""


def passes(today: dt.date, escalate_after_days: int) -> tuple[Pass, Pass, Pass]:
    """The upcoming stages (opened tasks due within 30 days), OVERDUE (until escalation
    age) and ESCALATED: each task gets the stage it is at today, never the ones it missed."""
    escalate_from = today - dt.timedelta(days=escalate_after_days)
    return (
        Pass(
            stage_sql(today),
            and_(
                Task.due_on >= today,
                Task.due_on <= today + dt.timedelta(days=HORIZON_DAYS),
                or_(Task.opens_on.is_(None), Task.opens_on <= today),
            ),
            "提醒：即将到期",
        ),
        Pass(
            literal(OVERDUE), and_(Task.due_on < today, Task.due_on >= escalate_from), "提醒：逾期"
        ),
        Pass(literal(ESCALATED), Task.due_on < escalate_from, "提醒：逾期督办"),
    )


async def candidates(session: AsyncSession, kind: Pass, after: int, limit: int) -> list[int]:
    """Ids of the next OPEN tasks (by id, after a cursor) still missing this reminder."""
    rows = await session.execute(
        select(Task.id)
        .where(Task.id > after, Task.status == OPEN, kind.due, ~_already(kind))
        .order_by(Task.id)
        .limit(limit)
    )
    return list(rows.scalars())


def _already(kind: Pass) -> ColumnElement[bool]:
    return exists(
        select(Reminder.id).where(Reminder.task_id == Task.id, Reminder.stage == kind.stage)
    )


async def pending(session: AsyncSession, kind: Pass) -> int:
    """How many OPEN tasks still miss this pass's reminder (for progress)."""
    found = await session.scalar(
        select(func.count()).select_from(Task).where(Task.status == OPEN, kind.due, ~_already(kind))
    )
    return int(found or 0)


async def emit(session: AsyncSession, kind: Pass, task_ids: list[int]) -> list[tuple[int, str]]:
    """Insert the missing reminders; (task id, stage) of those this transaction inserted."""
    rows = select(Task.id, kind.stage, literal(utcnow(), DateTime(timezone=True))).where(
        Task.id.in_(task_ids), Task.status == OPEN, kind.due
    )
    stmt = (
        _insert(session)(Reminder)
        .from_select(["task_id", "stage", "emitted_at"], rows)
        .on_conflict_do_nothing(index_elements=["task_id", "stage"])
        .returning(Reminder.task_id, Reminder.stage)
    )
    return sorted((task_id, stage) for task_id, stage in await session.execute(stmt))


async def audit_run(session: AsyncSession, today: dt.date, changes: dict[str, Any]) -> None:
    """The audit event of what one transaction of the job emitted."""
    await audit.append(
        session=session,
        actor_id=None,
        actor_username=None,
        action="calendar.remind",
        entity_type="Reminder",
        entity_id=today.isoformat(),
        changes=changes,
    )


async def emit_batch(
    *,
    session: AsyncSession,
    kind: Pass,
    today: dt.date,
    notifiers: Sequence[Notifier],
    after: int = 0,
    limit: int = BATCH,
) -> tuple[list[tuple[int, str]], int | None]:
    """Emit one batch of reminders and deliver their messages.

    Returns the (task id, stage) pairs this call emitted (another replica may have taken
    the rest) and the cursor for the next batch, None when no task is left.
    """
    task_ids = await candidates(session, kind, after, limit)
    if not task_ids:
        return [], None
    emitted = await emit(session, kind, task_ids)
    if emitted:
        messages: list[Message] = await messages_for(session=session, emitted=emitted, today=today)
        for notifier in notifiers:
            await notifier.deliver(session=session, messages=messages)
        await audit_run(
            session,
            today,
            {
                "emitted": dict(sorted(Counter(stage for _, stage in emitted).items())),
                "messages": len(messages),
            },
        )
    return emitted, task_ids[-1]


def __getattr__(name: str) -> Any:
    """`remind`, `RemindSummary` and `notifiers_of` live in core.calendar.remind_job."""
    if name in ("remind", "RemindSummary", "notifiers_of"):
        from core.calendar import remind_job

        return getattr(remind_job, name)
    raise AttributeError(name)
