"""Tables of the annual assessment (M5): schemes, items, results, satisfaction, visits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class AssessmentLibrary(Base):
    """A loaded, versioned assessment library file (a scheme or an extension of one)."""

    __tablename__ = "assessment_library"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    urn: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    plugin: Mapped[str | None] = mapped_column(String(60))
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    loaded_by: Mapped[str | None] = mapped_column(String(80))


class AssessmentScheme(Base):
    """An annual scheme (考核方案): its year, method, status and grade default.

    `status` is DRAFT until the results are published (PUBLISHED: locked, no new version
    of its files and no recomputation). `version` rises with every change (load, compute,
    publish) and is the `expectedVersion` of publishing.
    """

    __tablename__ = "assessment_scheme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    library_id: Mapped[int] = mapped_column(ForeignKey("assessment_library.id"), index=True)
    method: Mapped[str] = mapped_column(String(20), default="WEIGHTED")
    grade_default: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="DRAFT")
    version: Mapped[int] = mapped_column(Integer, default=1)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    computed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    digest: Mapped[str | None] = mapped_column(String(64))


class AssessmentTarget(Base):
    """An organisation category a scheme assesses (added by the scheme or an extension)."""

    __tablename__ = "assessment_target"

    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("org_category.id"), primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("assessment_library.id"))
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AssessmentSection(Base):
    """A weighted area of a scheme (weights of a scheme total 100); one may be satisfaction."""

    __tablename__ = "assessment_section"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"))
    code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(20))
    max_points: Mapped[float | None] = mapped_column(Float)
    satisfaction: Mapped[bool] = mapped_column(Boolean, default=False)
    departments: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AssessmentItem(Base):
    """One scored item: from records (a CEL expression) or ENTERED by assessors."""

    __tablename__ = "assessment_item"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("assessment_section.id"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("assessment_library.id"))
    code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    max_score: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(20))  # RECORDS | ENTERED
    expression: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str] = mapped_column(String(40))
    categories: Mapped[str] = mapped_column(String(400), default="")  # "" = every target
    basis: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AssessmentGrade(Base):
    """One row of the grade matrix: the first condition that holds gives the grade."""

    __tablename__ = "assessment_grade"
    __table_args__ = (UniqueConstraint("scheme_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"))
    position: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(40))
    condition: Mapped[str] = mapped_column(Text)


class AssessmentResult(Base):
    """An organisation's computed scores, grade and rank (narrow: rankings scan it).

    `rank` is within the category across the scheme (ties share a rank); the sections,
    items and explanation are in `assessment_result_detail`.
    """

    __tablename__ = "assessment_result"
    __table_args__ = (
        Index(
            "ix_assessment_result_scheme_id_category_id_rank", "scheme_id", "category_id", "rank"
        ),
    )

    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer)
    performance: Mapped[float | None] = mapped_column(Float)
    satisfaction: Mapped[float | None] = mapped_column(Float)
    accountability: Mapped[float | None] = mapped_column(Float)
    economic: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(40))
    rank: Mapped[int | None] = mapped_column(Integer)
    ranked: Mapped[int] = mapped_column(Integer, default=0)
    category_total: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentResultDetail(Base):
    """A result's sections and items (JSON text) and its zh-CN explanation."""

    __tablename__ = "assessment_result_detail"

    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sections: Mapped[str] = mapped_column(Text)
    items: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)


class ServiceRating(Base):
    """A public rating of an organisation's service: one per device per organisation per period."""

    __tablename__ = "service_rating"
    __table_args__ = (UniqueConstraint("organization_id", "period", "device_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    period: Mapped[str] = mapped_column(String(20))
    device_hash: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StaffSurvey(Base):
    """An assessor-run staff survey of an organisation for a year (满意/基本满意/不满意)."""

    __tablename__ = "staff_survey"
    __table_args__ = (UniqueConstraint("organization_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    year: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    basically: Mapped[int] = mapped_column(Integer)
    dissatisfied: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class EconomicScore(Base):
    """The economic-social score (经济社会发展实绩分, 0–100) imported for a scheme."""

    __tablename__ = "economic_score"

    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(255), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(80))


class AssessmentVisit(Base):
    """One combined visit (一次性综合考核) of an organisation for a scheme."""

    __tablename__ = "assessment_visit"
    __table_args__ = (UniqueConstraint("scheme_id", "organization_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    visited_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentEntry(Base):
    """An entered item score of a visit, attributed to the department that assessed it."""

    __tablename__ = "assessment_entry"
    __table_args__ = (UniqueConstraint("visit_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("assessment_visit.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("assessment_item.id"), index=True)
    department: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
