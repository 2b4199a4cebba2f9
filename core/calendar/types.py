"""GraphQL types of the work calendar. Leaf fields are plain record attributes."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import Parent

from core.audit.scopes import register_entity
from core.auth.principal import Principal
from core.calendar import loaders
from core.calendar.access import task_visible
from core.calendar.models import Task
from core.calendar.rows import AttachmentRow, RecordRow, RuleRow, TaskRow
from core.clock import city_today
from core.graphql import ids
from core.graphql.context import Info
from core.graphql.node import Node, register_node
from core.orgs import loaders as org_loaders
from core.orgs.types import OrganizationT, PositionT


@strawberry.enum(
    description="Where a task stands: OPEN → DONE, or CANCELLED (with a reason). As a filter, "
    "OVERDUE selects the OPEN tasks due before today (a task's `status` is never OVERDUE: "
    "read its `overdue` field)."
)
class TaskStatus(enum.Enum):
    OPEN = "OPEN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"
    OVERDUE = strawberry.enum_value(
        "OVERDUE", description="Filter only: OPEN and due before today (the city's date)."
    )


@strawberry.type(name="TaskDuty", description="The duty a task instantiates.")
class TaskDutyType:
    code: str
    title: str
    source: str = strawberry.field(description="The regulation and clause the duty comes from.")
    frequency: str


@strawberry.type(name="TaskRecordAuthor", description="The account that wrote a record entry.")
class AuthorType:
    username: str


@strawberry.type(name="Attachment", description="Evidence uploaded through POST /uploads.")
class AttachmentType:
    filename: str
    size: int = strawberry.field(description="Bytes.")
    content_type: str
    sha256: str = strawberry.field(description="SHA-256 of the content, hex.")

    @strawberry.field
    def id(self, root: Parent[AttachmentRow]) -> strawberry.ID:
        return strawberry.ID(ids.encode("Attachment", root.id))


@strawberry.type(name="TaskRecord", description="One entry of a task's full-process record.")
class RecordType:
    kind: str = strawberry.field(description="COMPLETE or CANCEL.")
    note: str
    at: dt.datetime

    @strawberry.field(description="Null when the account no longer exists.")
    async def author(self, root: Parent[RecordRow], info: Info) -> AuthorType | None:
        if root.author_id is None:
            return None
        return await info.context.loader(loaders.AuthorByAccountIdLoader).load(root.author_id)  # type: ignore[return-value]

    @strawberry.field
    async def attachments(self, root: Parent[RecordRow], info: Info) -> list[AttachmentType]:
        return await info.context.loader(loaders.AttachmentsByRecordIdLoader).load(root.id)  # type: ignore[return-value]


@strawberry.type(name="Task", description="One instance of a duty for an organisation or a post.")
class TaskType(Node):
    title: str
    due_on: dt.date = strawberry.field(
        description="Due date in the city's time zone, moved to a working day."
    )
    period: str = strawberry.field(description="`2027`, `2027Q2`, `2027-05` or a date.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when you change it.")
    opens_on: dt.date | None = strawberry.field(
        description="The day the task opens (its due date minus the rule's `leadDays`): from "
        "then on it is listed in `viewer.tasks` and `viewer.reminders` and first reminded. "
        "Null: open from the start."
    )
    completed_at: dt.datetime | None
    late: bool = strawberry.field(description="Completed after its due date.")
    cancel_reason: str | None

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, TaskRow)

    @strawberry.field  # type: ignore[misc]
    def id(self, root: Parent[TaskRow]) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(ids.encode("Task", root.id))

    @strawberry.field
    def status(self, root: Parent[TaskRow]) -> TaskStatus:
        return TaskStatus(root.status)

    @strawberry.field(description="OPEN and due before today (dates in the city's time zone).")
    def overdue(self, root: Parent[TaskRow], info: Info) -> bool:
        return root.status == "OPEN" and root.due_on < info.context.today()

    @strawberry.field(description="Null when the organisation is outside your scope.")
    async def organization(self, root: Parent[TaskRow], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(description="The post the task is for; null for an organisation's task.")
    async def position(self, root: Parent[TaskRow], info: Info) -> PositionT | None:
        if root.position_id is None:
            return None
        return await info.context.loader(org_loaders.PositionByIdLoader).load(root.position_id)

    @strawberry.field
    async def duty(self, root: Parent[TaskRow], info: Info) -> TaskDutyType | None:
        return await info.context.loader(loaders.DutyByIdLoader).load(root.duty_id)  # type: ignore[return-value]

    @strawberry.field(description="The full-process record, oldest first (at most 100 entries).")
    async def records(self, root: Parent[TaskRow], info: Info) -> list[RecordType]:
        return await info.context.loader(loaders.RecordsByTaskIdLoader).load(root.id)  # type: ignore[return-value]


@strawberry.type(name="CalendarRule", description="How a duty recurs and how early to remind.")
class RuleType:
    rrule: str = strawberry.field(
        description="iCalendar RRULE subset, e.g. FREQ=MONTHLY;BYMONTHDAY=-1."
    )
    lead_days: int = strawberry.field(
        description="Days before its due date a task opens: it is listed in `viewer.tasks` and "
        "`viewer.reminders` and gets its first reminder from then (reminder stages start at "
        "most 30 days ahead)."
    )
    owner: str = strawberry.field(description="ORGANIZATION, POSITION or LIAISON.")
    starts_on: dt.date = strawberry.field(description="DTSTART: anchors INTERVAL and COUNT.")
    active: bool
    version: int = strawberry.field(description="0 until first saved; pass as `expectedVersion`.")

    @strawberry.field
    async def duty(self, root: Parent[RuleRow], info: Info) -> TaskDutyType | None:
        return await info.context.loader(loaders.DutyByIdLoader).load(root.duty_id)  # type: ignore[return-value]


@strawberry.type(description="Task counts of a subtree over a date range (cancelled left out).")
class TaskProgress:
    total: int
    done: int
    done_late: int
    open: int
    overdue: int = strawberry.field(description="Open and due before today.")
    on_time_rate: float | None = strawberry.field(
        description="Done on time ÷ (done + open past due): null when nothing is due yet."
    )


async def _task_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    number = ids.type_key("Task", key)
    if number is None:
        return False
    today = city_today()
    found = await conn.execute(
        select(Task.id).where(Task.id == number, task_visible(principal, today))
    )
    return found.first() is not None


register_node(TaskRow, "Task", loaders.TaskByIdLoader)
register_entity("Task", _task_visible)
