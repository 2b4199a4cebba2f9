"""Tables of the organisation domain (M1)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
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


class Sector(Base):
    """A sector (SOE, education, …) with its lead department and its plugin."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    plugin: Mapped[str | None] = mapped_column(String(60))
    lead_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", use_alter=True, ondelete="SET NULL")
    )


class SectorLead(Base):
    """One of a sector's lead departments (牵头部门); a sector may have several.

    `Sector.lead_department_id` stays the principal one (listed first here too).
    """

    __tablename__ = "sector_lead"

    sector_id: Mapped[int] = mapped_column(
        ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class OrgCategory(Base):
    """A category of organisation (town, community, SOE group company, …)."""

    __tablename__ = "org_category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"))
    plugin: Mapped[str | None] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Organization(Base):
    """One node of the organisation tree."""

    __tablename__ = "organization"
    __table_args__ = (
        Index("ix_organization_parent_id_name", "parent_id", "code"),
        Index("ix_organization_category_id_code", "category_id", "code"),
        Index("ix_organization_sector_id_code", "sector_id", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int] = mapped_column(ForeignKey("org_category.id"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OrgClosure(Base):
    """Closure table: one row per (ancestor, descendant) pair, self included at distance 0.

    Subtree and ancestor queries are single index range scans on either key.
    """

    __tablename__ = "org_closure"
    __table_args__ = (Index("ix_org_closure_descendant_id_distance", "descendant_id", "distance"),)

    ancestor_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    descendant_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    distance: Mapped[int] = mapped_column(Integer)


class LeadingGroup(Base):
    """A leading group for organisational accountability (city or district level)."""

    __tablename__ = "leading_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))


class LeadingGroupMember(Base):
    """A seat in a leading group: chair, vice-chair, office post (a person) or member unit."""

    __tablename__ = "leading_group_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leading_group_id: Mapped[int] = mapped_column(ForeignKey("leading_group.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    title: Mapped[str] = mapped_column(String(200), default="")


class Position(Base):
    """A post type in the catalogue, belonging to an organisation category."""

    __tablename__ = "position"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("org_category.id"), index=True)
    principal: Mapped[bool] = mapped_column(Boolean, default=False)
    plugin: Mapped[str | None] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Person(Base):
    """A person who may hold positions."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Assignment(Base):
    """A person holds a position in an organisation from `since` until `until` (history kept)."""

    __tablename__ = "assignment"
    __table_args__ = (
        Index("ix_assignment_organization_id_position_id", "organization_id", "position_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    since: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class StaffingFramework(Base):
    """A staffing rule: which positions an organisation of a category must fill."""

    __tablename__ = "staffing_framework"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    category_id: Mapped[int] = mapped_column(ForeignKey("org_category.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")


class FrameworkRequirement(Base):
    """One required position (with a head count) of a staffing framework."""

    __tablename__ = "framework_requirement"
    __table_args__ = (UniqueConstraint("framework_id", "position_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("staffing_framework.id"))
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"))
    required_count: Mapped[int] = mapped_column(Integer, default=1)
    principal: Mapped[bool] = mapped_column(Boolean, default=True)
