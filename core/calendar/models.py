"""Tables of the work calendar: working days, rules, tasks, records, reminders, outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow
from core.graphql import ids

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER keys only
ids.wide_keys("Task", "TaskRecord", "Attachment", "Reminder", "OutboxMessage")


class CalendarDay(Base):
    """An exception to the weekday rule: a holiday on a weekday or a make-up working weekend."""

    __tablename__ = "calendar_day"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20), default="official")


class CalendarRule(Base):
    """The editable recurrence of a duty: RRULE subset, lead time, whom the tasks go to."""

    __tablename__ = "calendar_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duty.id"), unique=True)
    rrule: Mapped[str] = mapped_column(String(200))
    lead_days: Mapped[int] = mapped_column(Integer, default=7)
    owner: Mapped[str] = mapped_column(String(20))  # ORGANIZATION | POSITION | LIAISON
    starts_on: Mapped[dt.date] = mapped_column(Date)  # DTSTART: anchors INTERVAL and COUNT
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _bytewise(length: int) -> String:
    """A string compared byte by byte on PostgreSQL (cheap index upkeep at 10^7 rows)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Task(Base):
    """One instance of a duty for an organisation (or a position holder there) in a period.

    `slot` = "organization:duty:position:period" makes generation idempotent (organisation
    first: a generation block then writes one narrow band of its index). duty, rule,
    organisation and position are not checked by foreign keys: only the generator writes
    them, by joins over rows that are never deleted (migration 0006 gives the measurements).
    """

    __tablename__ = "task"
    __table_args__ = (
        # covers the per-organisation reads (my tasks, subtree progress) as index-only scans
        Index(
            "ix_task_organization_id_due_on_status_late",
            "organization_id",
            "due_on",
            "status",
            "late",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slot: Mapped[str] = mapped_column(_bytewise(120), unique=True)
    duty_id: Mapped[int] = mapped_column(Integer, index=True)
    rule_id: Mapped[int | None] = mapped_column(Integer)
    organization_id: Mapped[int] = mapped_column(Integer)
    position_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[dt.date] = mapped_column(Date)
    # due_on minus the rule's lead days: listed and reminded from then (NULL: from the start)
    opens_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(_bytewise(20), default="OPEN")
    version: Mapped[int] = mapped_column(Integer, default=1)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TaskTally(Base):
    """Task counts per (organisation of depth <= TALLY_DEPTH, due date, status, late).

    Kept by triggers on `task` (migration 0006) and by `core.calendar.tally` when
    organisations move; read by TaskProgress for districts and the city.
    """

    __tablename__ = "task_tally"

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    late: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


TALLY_DEPTH = 1  # the triggers of migration 0006 count for ancestors of depth 0 and 1


class TaskRecord(Base):
    """An entry of a task's full-process record: who did what, when, with what evidence."""

    __tablename__ = "task_record"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # COMPLETE | NOTE | CANCEL | REOPEN
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Attachment(Base):
    """Evidence uploaded through /uploads: a reference with content hash, size and type."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("task_record.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Reminder(Base):
    """A reminder emitted once per task and stage (DUE_IN_30_DAYS … OVERDUE, ESCALATED)."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("task_id", "stage"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    stage: Mapped[str] = mapped_column(String(30))
    emitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """A notification written by the built-in notifier, to be delivered or read."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_recipient_id_created_at", "recipient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(40), default="outbox")
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Liaison(Base):
    """A leader linked to a company (M3: an SOE leader and 2–3 groups plus a key subsidiary)."""

    __tablename__ = "liaison"
    __table_args__ = (UniqueConstraint("person_id", "organization_id", "since"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="GROUP")  # GROUP | KEY_SUBSIDIARY
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
