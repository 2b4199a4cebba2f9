"""Tables of the responsibility lists: libraries, descriptions, manuals, duties."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class DutyLibrary(Base):
    """A loaded, versioned library file (identified by URN); newer versions replace older."""

    __tablename__ = "duty_library"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    urn: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    plugin: Mapped[str | None] = mapped_column(String(60))
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    loaded_by: Mapped[str | None] = mapped_column(String(80))


class DutyDescription(Base):
    """The duty description (主要职责描述书) of an organisation category (retired: kept)."""

    __tablename__ = "duty_description"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("duty_library.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("org_category.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class DutyManual(Base):
    """The position duty manual (党建履职说明书) of a position (retired: kept)."""

    __tablename__ = "duty_manual"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("duty_library.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Duty(Base):
    """One duty: what must be done, by whom (a category or a position), how often, and why.

    Exactly one of `description_id` (an organisation's duty) and `manual_id` (a position
    holder's duty) is set. `frequency` is a code (YEARLY, QUARTERLY, MONTHLY, …) and
    `rrule` the recurrence the calendar instantiates (iCalendar RRULE subset, optional).
    A duty dropped from a newer library version is kept (tasks point at it) with
    `retired_at` set; `version` goes up whenever a newer library changes its content.
    """

    __tablename__ = "duty"
    __table_args__ = (
        UniqueConstraint("code"),
        Index("ix_duty_description_id_sort_order", "description_id", "sort_order"),
        Index("ix_duty_manual_id_sort_order", "manual_id", "sort_order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80))
    library_id: Mapped[int] = mapped_column(ForeignKey("duty_library.id"), index=True)
    description_id: Mapped[int | None] = mapped_column(ForeignKey("duty_description.id"))
    manual_id: Mapped[int | None] = mapped_column(ForeignKey("duty_manual.id"))
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300))
    frequency: Mapped[str] = mapped_column(String(20))
    rrule: Mapped[str | None] = mapped_column(String(200))
    lead_days: Mapped[int] = mapped_column(Integer, default=7)
    part: Mapped[str | None] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
