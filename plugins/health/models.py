"""The health plugin's table (its own alembic branch, label "health")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class HealthProfile(Base):
    """The facts of a hospital or health centre, one row each (医疗卫生机构党建档案)."""

    __tablename__ = "health_profile"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id"), primary_key=True, autoincrement=False
    )
    grade: Mapped[str] = mapped_column(String(10), default="未定级")
    beds: Mapped[int] = mapped_column(Integer, default=0)
    staff: Mapped[int] = mapped_column(Integer, default=0)
    party_members: Mapped[int] = mapped_column(Integer, default=0)
    president_system: Mapped[bool] = mapped_column(Boolean, default=False)
    dual_leader_secretaries: Mapped[int] = mapped_column(Integer, default=0)
    branches: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(80))
