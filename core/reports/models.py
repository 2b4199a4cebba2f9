"""Tables of the indicator reports (党建报表): libraries, indicators, forms, rules, sheets.

A sheet is one organisation's values for one form, period and phase (`data`: indicator
code → number; yes/no as 1/0), so that a district's upload writes a few thousand rows and
the outlier statistics read one row per organisation (PostgreSQL: `jsonb_each`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow

VALUES_JSON = JSON().with_variant(JSONB(), "postgresql")


class ReportLibrary(Base):
    """A loaded, versioned report library file (indicators or a form), by URN."""

    __tablename__ = "report_library"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    urn: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    plugin: Mapped[str | None] = mapped_column(String(60))
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    loaded_by: Mapped[str | None] = mapped_column(String(80))


class ReportIndicator(Base):
    """An indicator: what is counted, in which unit, for which organisation categories."""

    __tablename__ = "report_indicator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("report_library.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    value_type: Mapped[str] = mapped_column(String(20))
    aggregation: Mapped[str] = mapped_column(String(10))
    group_code: Mapped[str] = mapped_column(String(40), default="")
    group_name: Mapped[str] = mapped_column(String(100), default="")
    categories: Mapped[list[str]] = mapped_column(JSON)
    phases: Mapped[list[str]] = mapped_column(JSON)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    bounds: Mapped[dict[str, Any]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReportForm(Base):
    """A report form: its period type, who reports, and each phase's deadline."""

    __tablename__ = "report_form"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("report_library.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    period_type: Mapped[str] = mapped_column(String(20))
    within_code: Mapped[str | None] = mapped_column(String(40))
    reporter_categories: Mapped[list[str]] = mapped_column(JSON)
    phases: Mapped[dict[str, Any]] = mapped_column(JSON)
    min_group: Mapped[int] = mapped_column(Integer, default=5)
    history_periods: Mapped[int] = mapped_column(Integer, default=12)
    version: Mapped[int] = mapped_column(Integer, default=1)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReportFormIndicator(Base):
    """An indicator on a form (a form library lists its own; indicator libraries may join)."""

    __tablename__ = "report_form_indicator"
    __table_args__ = (UniqueConstraint("form_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("report_form.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("report_indicator.id"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("report_library.id"), index=True)
    section: Mapped[str] = mapped_column(String(100), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReportRule(Base):
    """A validation rule (left operator right, CEL) or a template applied to many indicators.

    `form_id` null: the rule applies to every form holding all of its indicators.
    """

    __tablename__ = "report_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("report_library.id"), index=True)
    form_id: Mapped[int | None] = mapped_column(ForeignKey("report_form.id"))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    left: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(String(20))
    right: Mapped[str] = mapped_column(Text, default="")
    importance: Mapped[str] = mapped_column(String(10))
    missing: Mapped[str] = mapped_column(String(30))
    phases: Mapped[list[str]] = mapped_column(JSON)
    indicator_code: Mapped[str | None] = mapped_column(String(60))
    selector: Mapped[dict[str, Any]] = mapped_column(JSON)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReportSheet(Base):
    """One organisation's values of a form for a period and phase (SUBMITTED or APPROVED)."""

    __tablename__ = "report_sheet"
    __table_args__ = (
        UniqueConstraint("form_id", "phase", "period", "organization_id"),
        Index("ix_report_sheet_organization_id_period", "organization_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("report_form.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    period: Mapped[str] = mapped_column(String(10))
    phase: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict[str, float]] = mapped_column(VALUES_JSON)
    status: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(Integer)
    on_time: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(Integer)


class ReportViolation(Base):
    """A rule a sheet breaks, as evaluated when the sheet (or what it depends on) changed."""

    __tablename__ = "report_violation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(
        ForeignKey("report_sheet.id", ondelete="CASCADE"), index=True
    )
    rule_code: Mapped[str] = mapped_column(String(140))
    indicator_code: Mapped[str] = mapped_column(String(60))
    importance: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float)
    expected_low: Mapped[float | None] = mapped_column(Float)
    expected_high: Mapped[float | None] = mapped_column(Float)


class ReportFollowUp(Base):
    """A flagged value marked for follow-up (who, when, why), later resolved."""

    __tablename__ = "report_followup"
    __table_args__ = (UniqueConstraint("sheet_id", "indicator_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("report_sheet.id"))
    indicator_code: Mapped[str] = mapped_column(String(60))
    comment: Mapped[str] = mapped_column(Text)
    marked_by: Mapped[int | None] = mapped_column(Integer)
    marked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[int | None] = mapped_column(Integer)
    resolution: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
