"""Task state changes: OPEN → DONE (with a full-process record) or OPEN → CANCELLED."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.principal import Principal
from core.calendar import access
from core.calendar.models import Attachment, Task, TaskRecord
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError

OPEN, DONE, CANCELLED = "OPEN", "DONE", "CANCELLED"
MAX_NOTE = 4000
MAX_ATTACHMENTS = 20
NOT_FOUND = "任务不存在或不可见 (task not found)"


async def _task(session: AsyncSession, principal: Principal, task_id: int, today: dt.date) -> Task:
    task = (
        await session.execute(
            select(Task)
            .where(Task.id == task_id, access.task_visible(principal, today))
            .with_for_update()
        )
    ).scalar_one_or_none()
    if task is None:
        raise ServiceError(ErrorCode.NOT_FOUND, NOT_FOUND, "id")
    return task


def _check_version(task: Task, expected_version: int) -> None:
    if task.version != expected_version:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"任务已被他人修改（当前版本 {task.version}，你提交的是 {expected_version}），"
            "请刷新后重试",
            "expectedVersion",
        )


def _check_open(task: Task) -> None:
    if task.status != OPEN:
        state = "已完成" if task.status == DONE else "已取消"
        raise ServiceError(ErrorCode.INVALID, f"任务{state}，不能再更改 (task is {task.status})")


def _clean(text: str, field: str, what: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ServiceError(ErrorCode.REQUIRED, f"请填写{what}", field)
    if len(cleaned) > MAX_NOTE:
        raise ServiceError(ErrorCode.INVALID, f"{what}不能超过 {MAX_NOTE} 个字符", field)
    return cleaned


async def _attachments(
    session: AsyncSession, principal: Principal, attachment_ids: list[int]
) -> list[Attachment]:
    if len(attachment_ids) > MAX_ATTACHMENTS:
        raise ServiceError(ErrorCode.INVALID, f"附件最多 {MAX_ATTACHMENTS} 个", "attachmentIds")
    wanted = set(attachment_ids)
    found = list(
        (
            await session.execute(
                select(Attachment).where(
                    Attachment.id.in_(wanted),
                    Attachment.uploaded_by == principal.account_id,
                    Attachment.record_id.is_(None),
                )
            )
        ).scalars()
    )
    if len(found) != len(wanted):
        raise ServiceError(
            ErrorCode.NOT_FOUND,
            "附件不存在、不是你上传的或已被使用 (attachment not found)",
            "attachmentIds",
        )
    return found


async def _audit(
    session: AsyncSession, principal: Principal, action: str, task: Task, changes: dict[str, Any]
) -> None:
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action=action,
        entity_type="Task",
        entity_id=str(task.id),
        changes=changes,
    )


async def complete(
    *,
    session: AsyncSession,
    principal: Principal,
    task_id: int,
    expected_version: int,
    note: str,
    attachment_ids: list[int],
    timezone: str,
) -> Task:
    """Mark an open task done with a note and evidence; late when after its due date."""
    now = utcnow()
    today = now.astimezone(ZoneInfo(timezone)).date()
    task = await _task(session, principal, task_id, today)
    if not await access.may_complete(session, principal, task, today):
        raise ServiceError(ErrorCode.FORBIDDEN, "只有该组织（岗位）的在任人员或管理者可以完成任务")
    _check_version(task, expected_version)
    _check_open(task)
    cleaned = _clean(note, "note", "完成情况说明")
    files = await _attachments(session, principal, attachment_ids)
    record = TaskRecord(
        task_id=task.id, kind="COMPLETE", note=cleaned, author_id=principal.account_id, at=now
    )
    session.add(record)
    await session.flush()
    for file in files:
        file.record_id = record.id
    task.status, task.completed_at, task.completed_by = DONE, now, principal.account_id
    task.late = today > task.due_on
    task.version += 1
    await session.flush()
    await _audit(
        session,
        principal,
        "task.complete",
        task,
        {
            "status": [OPEN, DONE],
            "late": task.late,
            "note": cleaned,
            "attachments": sorted(f.sha256 for f in files),
        },
    )
    return task


async def cancel(
    *,
    session: AsyncSession,
    principal: Principal,
    task_id: int,
    expected_version: int,
    reason: str,
    timezone: str,
) -> Task:
    """Cancel an open task with a reason. Needs `orgs.manage` over its organisation."""
    now = utcnow()
    today = now.astimezone(ZoneInfo(timezone)).date()
    task = await _task(session, principal, task_id, today)
    if not await access.may_manage(session, principal, task):
        raise ServiceError(ErrorCode.FORBIDDEN, "没有权限 orgs.manage：只有管理者可以取消任务")
    _check_version(task, expected_version)
    _check_open(task)
    cleaned = _clean(reason, "reason", "取消原因")
    session.add(
        TaskRecord(
            task_id=task.id, kind="CANCEL", note=cleaned, author_id=principal.account_id, at=now
        )
    )
    task.status, task.cancel_reason = CANCELLED, cleaned
    task.version += 1
    await session.flush()
    await _audit(
        session, principal, "task.cancel", task, {"status": [OPEN, CANCELLED], "reason": cleaned}
    )
    return task


async def bump(session: AsyncSession, task_ids: list[int]) -> None:
    """Raise the version of tasks changed in bulk (rule changes)."""
    if task_ids:
        await session.execute(
            update(Task).where(Task.id.in_(task_ids)).values(version=Task.version + 1)
        )
