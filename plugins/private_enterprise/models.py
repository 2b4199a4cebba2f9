"""The non-public enterprise plugin's table (its own alembic branch)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class EnterpriseProfile(Base):
    """A non-public enterprise's facts and its progress through the workflow guide."""

    __tablename__ = "enterprise_profile"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id"), primary_key=True, autoincrement=False
    )
    industry: Mapped[str] = mapped_column(String(60), default="")
    employees: Mapped[int] = mapped_column(Integer, default=0)
    party_members: Mapped[int] = mapped_column(Integer, default=0)
    revenue_wan: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    party_org_form: Mapped[str] = mapped_column(String(20), default="单独组建")
    organization_covered: Mapped[bool] = mapped_column(Boolean, default=False)
    work_covered: Mapped[bool] = mapped_column(Boolean, default=False)
    workflow_steps_done: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(80))
