"""What the demo's process-control modules share: the demo year, its accounts, its times."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from core.auth.principal import Principal
from core.auth.service import load_principal

YEAR = 2026


async def demo_principal(session: AsyncSession, username: str) -> Principal:
    """A demo account's principal (the demo's accounts exist before it runs)."""
    found = await load_principal(conn=await session.connection(), username=username)
    assert found is not None, f"demo account {username} missing"
    return found


def demo_at(day: dt.date) -> dt.datetime:
    """A moment of a demo day (10:00 in the city)."""
    return dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC)
