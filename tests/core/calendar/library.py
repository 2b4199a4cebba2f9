"""Test duties inserted straight into the duty tables (until the demo library carries them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.duties.models import Duty, DutyDescription, DutyLibrary, DutyManual
from core.orgs.models import OrgCategory, Position

URN = "urn:dutygraph:test:calendar"


async def _library(conn: Any) -> int:
    found = await conn.scalar(select(DutyLibrary.id).where(DutyLibrary.urn == URN))
    if found is not None:
        return int(found)
    result = await conn.execute(
        insert(DutyLibrary).values(urn=URN, version="1", title="测试", content_hash="0" * 64)
    )
    return int(result.inserted_primary_key[0])


async def _description(conn: Any, library: int, category: str) -> int:
    category_id = await conn.scalar(select(OrgCategory.id).where(OrgCategory.code == category))
    found = await conn.scalar(
        select(DutyDescription.id).where(DutyDescription.category_id == category_id)
    )
    if found is not None:
        return int(found)
    result = await conn.execute(
        insert(DutyDescription).values(
            library_id=library, category_id=category_id, title=f"{category} 职责描述书"
        )
    )
    return int(result.inserted_primary_key[0])


async def _manual(conn: Any, library: int, position: str) -> int:
    position_id = await conn.scalar(select(Position.id).where(Position.code == position))
    found = await conn.scalar(select(DutyManual.id).where(DutyManual.position_id == position_id))
    if found is not None:
        return int(found)
    result = await conn.execute(
        insert(DutyManual).values(
            library_id=library, position_id=position_id, title=f"{position} 履职说明书"
        )
    )
    return int(result.inserted_primary_key[0])


async def add_duty(
    engine: AsyncEngine,
    code: str,
    *,
    frequency: str = "MONTHLY",
    rrule: str | None = None,
    category: str | None = None,
    position: str | None = None,
    title: str = "",
) -> int:
    """Insert one duty of a category's description or of a position's manual; its id."""
    async with engine.begin() as conn:
        library = await _library(conn)
        owner: dict[str, Any] = {"description_id": None, "manual_id": None}
        if category is not None:
            owner["description_id"] = await _description(conn, library, category)
        else:
            assert position is not None
            owner["manual_id"] = await _manual(conn, library, position)
        result = await conn.execute(
            insert(Duty).values(
                code=code,
                library_id=library,
                title=title or f"测试职责 {code}",
                detail="",
                source="《中国共产党支部工作条例（试行）》第十九条",
                frequency=frequency,
                rrule=rrule,
                lead_days=7,
                sort_order=0,
                version=1,
                **owner,
            )
        )
        return int(result.inserted_primary_key[0])
