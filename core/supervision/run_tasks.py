"""A checklist run linked to the calendar task it evidences.

A run may name a task (`taskId` on starting it): the task must be one the caller sees, of
the run's organisation, of a duty the procedure serves (when the procedure names duties),
and not cancelled. Completing the run completes the task with a record that names the run,
unless the task is already done (or was cancelled meanwhile).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.principal import Principal
from core.calendar.access import task_visible
from core.calendar.models import Task, TaskRecord
from core.calendar.service import CANCELLED, DONE, OPEN
from core.db import utcnow
from core.duties.models import Duty
from core.graphql import ids
from core.graphql.errors import ErrorCode, ServiceError
from core.supervision.models import ChecklistRun, Procedure

TASK_NOT_FOUND = "任务不存在或不可见 (task not found)"


async def checked_task(
    *,
    session: AsyncSession,
    principal: Principal,
    task_id: int | None,
    organization_id: int,
    procedure: Procedure,
    today: dt.date,
) -> Task:
    """The task a new run evidences, or a payload error on `taskId`."""
    task: Task | None = None
    if task_id is not None:
        task = await session.scalar(
            select(Task).where(Task.id == task_id, task_visible(principal, today))
        )
    if task is None:
        raise ServiceError(ErrorCode.NOT_FOUND, TASK_NOT_FOUND, "taskId")
    if task.organization_id != organization_id:
        raise ServiceError(
            ErrorCode.INVALID, "该任务不属于本次检查的单位 (task of another organisation)", "taskId"
        )
    if task.status == CANCELLED:
        raise ServiceError(ErrorCode.INVALID, "该任务已取消 (task cancelled)", "taskId")
    if procedure.duties:
        duty = await session.scalar(select(Duty.code).where(Duty.id == task.duty_id))
        if duty not in procedure.duties:
            raise ServiceError(
                ErrorCode.INVALID,
                f"该任务的职责 {duty} 不在{procedure.title}适用的职责"
                f"（{', '.join(procedure.duties)}）之内 (task of another duty)",
                "taskId",
            )
    return task


async def complete_task(
    *, session: AsyncSession, principal: Principal, run: ChecklistRun, today: dt.date
) -> None:
    """Complete the run's task with a record naming the run (nothing when it is not open)."""
    if run.task_id is None:
        return
    task = await session.scalar(select(Task).where(Task.id == run.task_id).with_for_update())
    if task is None or task.status != OPEN:
        return
    now = utcnow()
    note = f"已完成检查清单「{run.title}」（{ids.encode('ChecklistRun', run.id)}）"
    session.add(
        TaskRecord(
            task_id=task.id, kind="COMPLETE", note=note, author_id=principal.account_id, at=now
        )
    )
    task.status, task.completed_at, task.completed_by = DONE, now, principal.account_id
    task.late = today > task.due_on
    task.version += 1
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="task.complete",
        entity_type="Task",
        entity_id=str(task.id),
        changes={"status": [OPEN, DONE], "late": task.late, "note": note, "checklist_run": run.id},
    )
