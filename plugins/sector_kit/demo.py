"""Set-based helpers for the sector plugins' part of the demo city."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Base, utcnow
from core.orgs.models import Assignment, Organization, OrgCategory, Position, Sector

ACTOR = "demo"


class SectorOrg(NamedTuple):
    id: int
    name: str
    category: str
    parent_id: int | None


async def sector_orgs(session: AsyncSession, sector_code: str) -> list[SectorOrg]:
    """The organisations of a sector, by id."""
    rows = await session.execute(
        select(Organization.id, Organization.name, OrgCategory.code, Organization.parent_id)
        .join(Sector, Sector.id == Organization.sector_id)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(Sector.code == sector_code)
        .order_by(Organization.id)
    )
    return [SectorOrg(*row) for row in rows]


async def _ids(session: AsyncSession, model: Any, codes: Sequence[str]) -> dict[str, int]:
    rows = await session.execute(select(model.code, model.id).where(model.code.in_(codes)))
    return {code: id_ for code, id_ in rows}


async def reclassify(
    session: AsyncSession,
    orgs: Sequence[SectorOrg],
    *,
    choose: Callable[[SectorOrg], str],
    posts: Mapping[str, Mapping[str, str]],
) -> list[SectorOrg]:
    """Move organisations to the category `choose` picks, their current holders to the
    matching posts (`posts[new category][old position] = new position`); two statements
    per category and post, whatever the number of organisations."""
    moved = [org._replace(category=choose(org)) for org in orgs]
    changed = [
        (org, new) for org, new in zip(orgs, moved, strict=True) if org.category != new.category
    ]
    if not changed:
        return moved
    categories = await _ids(session, OrgCategory, sorted({new.category for _, new in changed}))
    table = Organization.__table__
    assert isinstance(table, Table)
    await session.execute(
        update(table).where(table.c.id == bindparam("oid")).values(category_id=bindparam("cid")),
        [{"oid": new.id, "cid": categories[new.category]} for _, new in changed],
    )
    codes = sorted({c for mapping in posts.values() for pair in mapping.items() for c in pair})
    position_ids = await _ids(session, Position, codes)
    for category, mapping in posts.items():
        members = [new.id for _, new in changed if new.category == category]
        for old, new_code in mapping.items():
            if members:
                await session.execute(
                    update(Assignment)
                    .where(
                        Assignment.organization_id.in_(members),
                        Assignment.position_id == position_ids[old],
                    )
                    .values(position_id=position_ids[new_code])
                )
    return moved


async def insert_rows(session: AsyncSession, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """One executemany insert (profiles carry version 1 and the demo as their author)."""
    if not rows:
        return
    now = utcnow()
    table = model.__table__
    assert isinstance(table, Table)
    stamped = [{"version": 1, "updated_at": now, "updated_by": ACTOR, **row} for row in rows]
    await session.execute(insert(table), stamped)
