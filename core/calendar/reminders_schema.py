"""GraphQL of reminders, the outbox and liaison links: `viewer.reminders`, `viewer.liaisons`,
`outbox`, `markOutboxDelivered`."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import Parent

from core.auth.schema import ViewerRoot
from core.calendar import liaison, outbox, reminders, sources
from core.calendar.liaison import LiaisonRow
from core.calendar.loaders import TaskByIdLoader
from core.calendar.outbox import OutboxRow
from core.calendar.types import TaskType
from core.graphql import ids
from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info
from core.graphql.errors import UserError
from core.graphql.mutations import transact
from core.orgs import loaders as org_loaders
from core.orgs.types import OrganizationT, PersonType

if TYPE_CHECKING:
    FindingT = Any
else:  # a reminder source's type, resolved when the schema is built (no import here)
    FindingT = Annotated["FindingType", strawberry.lazy("core.supervision.types")]  # noqa: F821


@strawberry.enum(description="How soon a task is due: the stage of its reminder.")
class ReminderKind(enum.Enum):
    DUE_IN_30_DAYS = "DUE_IN_30_DAYS"
    DUE_IN_7_DAYS = "DUE_IN_7_DAYS"
    DUE_IN_1_DAY = "DUE_IN_1_DAY"
    OVERDUE = "OVERDUE"


@strawberry.enum(description="What a notification is about: a reminder stage or an escalation.")
class NotificationKind(enum.Enum):
    DUE_IN_30_DAYS = "DUE_IN_30_DAYS"
    DUE_IN_7_DAYS = "DUE_IN_7_DAYS"
    DUE_IN_1_DAY = "DUE_IN_1_DAY"
    OVERDUE = "OVERDUE"
    ESCALATED = "ESCALATED"
    BACKLOG = strawberry.enum_value(
        "BACKLOG",
        description="One digest of many overdue tasks (yours and escalated ones) in one run; "
        "`task` is null, the body names the oldest.",
    )


@strawberry.enum(description="A leader's link to a group company or to its key subsidiary.")
class LiaisonKind(enum.Enum):
    GROUP = "GROUP"
    KEY_SUBSIDIARY = "KEY_SUBSIDIARY"


@strawberry.enum(description="What a reminder is about.")
class ReminderSource(enum.Enum):
    TASK = strawberry.enum_value("TASK", description="A task of the work calendar: `task`.")
    FINDING = strawberry.enum_value(
        "FINDING", description="An overdue rectification your organisation owes: `finding`."
    )


@strawberry.type(
    description="Something that needs your attention today, and how soon it is due: a task, "
    "or an overdue rectification (a finding not yet rectified past its rectify-by date)."
)
class Reminder:
    kind: ReminderKind
    task: TaskType | None = strawberry.field(
        description="The task it reminds of; null when it is about something else (`source`)."
    )
    due_on: dt.date = strawberry.field(
        description="The task's due date, or the finding's rectify-by date."
    )
    source: ReminderSource = strawberry.field(
        default=ReminderSource.TASK, description="What it is about: a task or a finding."
    )
    finding: FindingT | None = strawberry.field(
        default=None, description="The overdue finding it reminds of (source FINDING)."
    )


@strawberry.type(name="Liaison", description="A leader linked to a company they guide (M3).")
class LiaisonType:
    since: dt.date
    until: dt.date | None

    @strawberry.field
    def id(self, root: Parent[LiaisonRow]) -> strawberry.ID:
        return strawberry.ID(ids.encode("Liaison", root.id))

    @strawberry.field
    def kind(self, root: Parent[LiaisonRow]) -> LiaisonKind:
        return LiaisonKind(root.kind)

    @strawberry.field(description="Null when the company is outside your scope.")
    async def organization(self, root: Parent[LiaisonRow], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(description="The linked leader.")
    async def person(self, root: Parent[LiaisonRow], info: Info) -> PersonType | None:
        loader = info.context.loader(org_loaders.PersonByIdLoader)
        return await loader.load(root.person_id)  # type: ignore[return-value]


@strawberry.type(
    name="OutboxMessage", description="A notification the built-in notifier wrote for you."
)
class OutboxMessageType:
    subject: str
    body: str
    channel: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None = strawberry.field(
        description="When you (or a delivery system) marked it delivered; null while unread."
    )

    @strawberry.field
    def id(self, root: Parent[OutboxRow]) -> strawberry.ID:
        return strawberry.ID(ids.encode("OutboxMessage", root.id))

    @strawberry.field
    def kind(self, root: Parent[OutboxRow]) -> NotificationKind:
        return NotificationKind(root.kind)

    @strawberry.field(description="The organisation the task belongs to.")
    async def organization(self, root: Parent[OutboxRow], info: Info) -> OrganizationT | None:
        if root.organization_id is None:
            return None
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(
        description="The task it reminds of (null outside your scope, for a digest and for "
        "an overdue rectification)."
    )
    async def task(self, root: Parent[OutboxRow], info: Info) -> TaskType | None:
        if root.task_id is None:
            return None
        return await info.context.loader(TaskByIdLoader).load(root.task_id)  # type: ignore[return-value]


def _of_task(row: reminders.ReminderRow) -> Reminder:
    task: TaskType = row.task  # type: ignore[assignment]
    return Reminder(kind=ReminderKind(row.kind), task=task, due_on=row.task.due_on)


def _sourced(item: sources.SourcedReminder) -> Reminder:
    return Reminder(
        kind=ReminderKind(item.kind),
        task=None,
        source=ReminderSource(item.source.upper()),
        due_on=item.due_on,
        finding=item.item if item.source == "finding" else None,
    )


@strawberry.type
class ReminderViewerFields:
    @strawberry.field(
        description=(
            "Your tasks that need attention today (dates in the city's time zone): OPEN tasks "
            "overdue or due within 30 days, of the organisations where you hold a post (their "
            "own tasks and those of your posts) and of the companies linked to you; and the "
            "overdue rectifications (findings) of the organisations where you hold a post. At "
            "most 100, the most urgent first (earliest due date)."
        )
    )
    async def reminders(self, root: Parent[ViewerRoot], info: Info) -> list[Reminder]:
        principal = root.principal
        today = info.context.today()
        async with info.context.engine.connect() as conn:
            rows = await reminders.for_viewer(conn=conn, principal=principal, today=today)
        found = [(r.task.due_on, 0, r.task.id, _of_task(r)) for r in rows]
        if principal.person_id is not None:
            async with info.context.sessions() as session:
                for order, source in enumerate(sources.installed(), start=1):
                    items = await source.for_viewer(
                        session=session,
                        person_id=principal.person_id,
                        today=today,
                        limit=reminders.MAX_REMINDERS,
                    )
                    found += [(i.due_on, order, i.item_id, _sourced(i)) for i in items]
        found.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in found[: reminders.MAX_REMINDERS]]

    @strawberry.field(
        description=(
            "The companies you are linked to as a leader (M3 liaison), links in force today, "
            "groups first; at most 100."
        )
    )
    async def liaisons(self, root: Parent[ViewerRoot], info: Info) -> list[LiaisonType]:
        async with info.context.engine.connect() as conn:
            rows = await liaison.for_viewer(
                conn=conn, principal=root.principal, today=info.context.today()
            )
        return rows  # type: ignore[return-value]


@strawberry.type
class OutboxQuery:
    @strawberry.field(
        description=(
            "Your own notifications (reminders, escalations), newest first; `unreadOnly` "
            "hides those marked delivered. `first` is 1–100."
        )
    )
    async def outbox(
        self, info: Info, first: int = 20, after: str | None = None, unread_only: bool = False
    ) -> Connection[OutboxMessageType]:
        principal = info.context.require_principal()
        offset = parse_after(after)
        limit = check_first(first)
        async with info.context.engine.connect() as conn:
            rows, total = await outbox.page_of(
                conn=conn,
                principal=principal,
                unread_only=unread_only,
                offset=offset,
                limit=limit + 1,
            )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]


@strawberry.input
class MarkOutboxDeliveredInput:
    ids: list[strawberry.ID] = strawberry.field(description="Your messages' ids (1–100).")


@strawberry.type
class MarkOutboxDeliveredPayload:
    messages: list[OutboxMessageType]
    errors: list[UserError]


@strawberry.type
class OutboxMutation:
    @strawberry.mutation(
        description=(
            "Mark your own notifications delivered (read). Any signed-in account, for its own "
            "messages only; an id that is not yours refuses the whole call (NOT_FOUND)."
        )
    )
    async def mark_outbox_delivered(
        self, info: Info, input: MarkOutboxDeliveredInput
    ) -> MarkOutboxDeliveredPayload:
        principal = info.context.require_principal()
        keys = [ids.decode_int(raw, "OutboxMessage") for raw in input.ids]
        done, errors = await transact(
            info.context,
            lambda session: outbox.mark_delivered(
                session=session, principal=principal, message_ids=keys
            ),
        )
        return MarkOutboxDeliveredPayload(messages=done or [], errors=errors)  # type: ignore[arg-type]
