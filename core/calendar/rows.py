"""Read-side records of the calendar: typed tuples that loaders return and types read."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import ColumnElement

from core.auth.models import Account
from core.calendar.models import Attachment, CalendarRule, Task, TaskRecord
from core.duties.models import Duty


class TaskRow(NamedTuple):
    id: int
    duty_id: int
    organization_id: int
    position_id: int | None
    title: str
    period: str
    due_on: dt.date
    status: str
    version: int
    completed_at: dt.datetime | None
    late: bool
    cancel_reason: str | None
    opens_on: dt.date | None


class RecordRow(NamedTuple):
    id: int
    task_id: int
    kind: str
    note: str
    author_id: int | None
    at: dt.datetime


class AttachmentRow(NamedTuple):
    id: int
    record_id: int | None
    sha256: str
    size: int
    content_type: str
    filename: str


class DutyRefRow(NamedTuple):
    id: int
    code: str
    title: str
    source: str
    frequency: str


class AuthorRow(NamedTuple):
    id: int
    username: str


class RuleRow(NamedTuple):
    id: int
    duty_id: int
    rrule: str
    lead_days: int
    owner: str
    starts_on: dt.date
    active: bool
    version: int


def _cols(model: type, names: tuple[str, ...]) -> tuple[ColumnElement[object], ...]:
    return tuple(getattr(model, name) for name in names)


TASK_COLUMNS = _cols(Task, TaskRow._fields)
RECORD_COLUMNS = _cols(TaskRecord, RecordRow._fields)
ATTACHMENT_COLUMNS = _cols(Attachment, AttachmentRow._fields)
DUTY_COLUMNS = _cols(Duty, DutyRefRow._fields)
AUTHOR_COLUMNS = _cols(Account, AuthorRow._fields)
RULE_COLUMNS = _cols(CalendarRule, RuleRow._fields)


def task_row(task: Task) -> TaskRow:
    """The read-side record of an ORM task (after a write)."""
    return TaskRow(*(getattr(task, name) for name in TaskRow._fields))


def rule_row(rule: CalendarRule) -> RuleRow:
    """The read-side record of an ORM rule (after a write)."""
    return RuleRow(*(getattr(rule, name) for name in RuleRow._fields))
