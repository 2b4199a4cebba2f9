"""The education plugin's table (its own alembic branch, label "education")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class EduProfile(Base):
    """The school facts of an education organisation, one row each (学校党建档案)."""

    __tablename__ = "edu_profile"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id"), primary_key=True, autoincrement=False
    )
    students: Mapped[int] = mapped_column(Integer, default=0)
    staff: Mapped[int] = mapped_column(Integer, default=0)
    party_members: Mapped[int] = mapped_column(Integer, default=0)
    party_org_form: Mapped[str] = mapped_column(String(20), default="党支部")
    principal_system: Mapped[bool] = mapped_column(Boolean, default=False)
    secretary_principal_separate: Mapped[bool] = mapped_column(Boolean, default=False)
    ideology_teachers: Mapped[int] = mapped_column(Integer, default=0)
    branches_in_grade_groups: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(80))
