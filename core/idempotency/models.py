"""The idempotency key table: one row per (owner, key), the primary key doubling as the lock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class IdempotencyKey(Base):
    """A mutation request's Idempotency-Key: in progress while `status` is null, then its response.

    `owner` is the principal ("account:<id>") or, for anonymous requests, the client
    ("ip:<address>"), so the same key of two owners never collides.
    """

    __tablename__ = "idempotency_key"

    owner: Mapped[str] = mapped_column(String(120), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(120))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
