"""Per-request DataLoaders of the calendar (one SQL statement per batch)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from core.auth.models import Account
from core.calendar.access import task_visible
from core.calendar.models import Attachment, Task, TaskRecord
from core.calendar.rows import (
    ATTACHMENT_COLUMNS,
    AUTHOR_COLUMNS,
    DUTY_COLUMNS,
    RECORD_COLUMNS,
    TASK_COLUMNS,
    AttachmentRow,
    AuthorRow,
    DutyRefRow,
    RecordRow,
    TaskRow,
)
from core.duties.models import Duty
from core.graphql.loaders import ContextLoader

MAX_RECORDS = 100


class TaskByIdLoader(ContextLoader[int, TaskRow | None]):
    """Tasks by id, limited to what the principal may see."""

    async def fetch(self, keys: list[int]) -> Sequence[TaskRow | None]:
        principal = self.ctx.require_principal()
        rows = await self.ctx.rows(
            select(*TASK_COLUMNS).where(
                Task.id.in_(keys), task_visible(principal, self.ctx.today())
            )
        )
        found = {row.id: TaskRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class DutyByIdLoader(ContextLoader[int, DutyRefRow | None]):
    """Duties by id (the duty a task instantiates)."""

    async def fetch(self, keys: list[int]) -> Sequence[DutyRefRow | None]:
        rows = await self.ctx.rows(select(*DUTY_COLUMNS).where(Duty.id.in_(keys)))
        found = {row.id: DutyRefRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class RecordsByTaskIdLoader(ContextLoader[int, list[RecordRow]]):
    """The full-process record of each task, oldest first (at most 100 entries)."""

    async def fetch(self, keys: list[int]) -> Sequence[list[RecordRow]]:
        rows = await self.ctx.rows(
            select(*RECORD_COLUMNS)
            .where(TaskRecord.task_id.in_(keys))
            .order_by(TaskRecord.task_id, TaskRecord.at, TaskRecord.id)
        )
        grouped: dict[int, list[RecordRow]] = defaultdict(list)
        for row in rows:
            grouped[row.task_id].append(RecordRow._make(row))
        return [grouped.get(key, [])[:MAX_RECORDS] for key in keys]


class AttachmentsByRecordIdLoader(ContextLoader[int, list[AttachmentRow]]):
    """The attachments of each record entry."""

    async def fetch(self, keys: list[int]) -> Sequence[list[AttachmentRow]]:
        rows = await self.ctx.rows(
            select(*ATTACHMENT_COLUMNS)
            .where(Attachment.record_id.in_(keys))
            .order_by(Attachment.id)
        )
        grouped: dict[int, list[AttachmentRow]] = defaultdict(list)
        for row in rows:
            grouped[row.record_id].append(AttachmentRow._make(row))
        return [grouped.get(key, []) for key in keys]


class AuthorByAccountIdLoader(ContextLoader[int, AuthorRow | None]):
    """Accounts by id, as authors of record entries (username only)."""

    async def fetch(self, keys: list[int]) -> Sequence[AuthorRow | None]:
        rows = await self.ctx.rows(select(*AUTHOR_COLUMNS).where(Account.id.in_(keys)))
        found = {row.id: AuthorRow._make(row) for row in rows}
        return [found.get(key) for key in keys]
