"""A demo city with a calendar: test duties for towns/streets and their secretaries, generated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.auth.models import Account
from core.calendar.generate import generate
from core.calendar.models import Task
from core.db import session_factory
from core.orgs.models import Organization, OrgCategory
from tests.conftest import city_today
from tests.core.calendar.library import add_duty


@dataclass(frozen=True)
class Town:
    id: int
    code: str
    parent_code: str
    user: str


async def with_calendar(engine: AsyncEngine, today: dt.date | None = None) -> None:
    """Add monthly town/street duties and a yearly secretary duty; generate this year."""
    today = today or city_today()
    duty_ids = [
        await add_duty(
            engine,
            f"T-FIXED-DAY-{category}",
            frequency="MONTHLY",
            category=category,
            title="主题党日",
        )
        for category in ("TOWN", "STREET")
    ]
    post = await add_duty(
        engine,
        "T-TOWN-SEC-REPORT",
        frequency="YEARLY",
        position="TOWN_SECRETARY",
        title="书记抓基层党建述职",
    )
    async with session_factory(engine).begin() as session:  # only these: the library is large
        await generate(session=session, year=today.year, today=today, duty_ids=[*duty_ids, post])


async def towns(engine: AsyncEngine, district: str) -> list[Town]:
    """The towns of a district that have a secretary account, by code."""
    parent = select(Organization.id).where(Organization.code == district).scalar_subquery()
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Organization.id, Organization.code)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .join(Account, Account.username == "sec-" + Organization.code)
            .where(Organization.parent_id == parent, OrgCategory.code == "TOWN")
            .order_by(Organization.code)
        )
        return [Town(r.id, r.code, district, f"sec-{r.code}") for r in rows]


async def task_ids(engine: AsyncEngine, org_id: int, period: str) -> list[int]:
    """Ids of an organisation's tasks of a period (organisation tasks first)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Task.id)
            .where(Task.organization_id == org_id, Task.period == period)
            .order_by(Task.position_id.is_not(None), Task.id)
        )
        return [row[0] for row in rows]
