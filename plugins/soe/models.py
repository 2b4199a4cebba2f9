"""Tables of the SOE plugin (its own alembic branch, label "soe")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class SoeProfile(Base):
    """The enterprise facts of an SOE organisation (group or subsidiary), one row each."""

    __tablename__ = "soe_profile"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id"), primary_key=True, autoincrement=False
    )
    unified_credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    registered_capital_wan: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    state_share_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    industry: Mapped[str] = mapped_column(String(100))
    supervisor: Mapped[str] = mapped_column(String(20))
    employees: Mapped[int] = mapped_column(Integer, default=0)
    party_members: Mapped[int] = mapped_column(Integer, default=0)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    charter_party_building: Mapped[bool] = mapped_column(Boolean, default=False)
    """党建工作要求写入公司章程 (党建进章程)."""
    committee_members: Mapped[int] = mapped_column(Integer, default=0)
    """Members of the party committee (党委班子成员)."""
    cross_appointed: Mapped[int] = mapped_column(Integer, default=0)
    """Of them, on the board, supervisory board or management (双向进入、交叉任职)."""
    secretary_is_chairman: Mapped[bool] = mapped_column(Boolean, default=False)
    """The party secretary chairs the board (党委书记、董事长“一肩挑”)."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
