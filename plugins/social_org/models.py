"""The social organisation plugin's table (its own alembic branch, label "social_org")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class SocialOrgProfile(Base):
    """A social organisation's registration facts and its evaluation (测评体系) scores."""

    __tablename__ = "social_org_profile"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id"), primary_key=True, autoincrement=False
    )
    registration_authority: Mapped[str] = mapped_column(String(60), default="")
    supervising_unit: Mapped[str] = mapped_column(String(100), default="")
    rating: Mapped[str] = mapped_column(String(10), default="未评估")
    employees: Mapped[int] = mapped_column(Integer, default=0)
    party_members: Mapped[int] = mapped_column(Integer, default=0)
    party_org_form: Mapped[str] = mapped_column(String(20), default="单独组建")
    charter_party_clause: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluation_score: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(80))
