"""Reading the organisation tree: lookups and filtered, scoped, paginated search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.principal import Principal
from core.orgs.models import Organization, OrgCategory, Position, Sector
from core.orgs.rows import (
    CATEGORY_COLUMNS,
    ORG_COLUMNS,
    POSITION_COLUMNS,
    SECTOR_COLUMNS,
    CategoryRow,
    OrgRow,
    PositionRow,
    SectorRow,
)
from core.orgs.scope import visible, within


@dataclass(frozen=True)
class OrgFilter:
    """Search criteria, AND-ed; `within_code` includes the organisation itself."""

    within_code: str | None = None
    category_code: str | None = None
    sector_code: str | None = None
    name_contains: str | None = None


async def get_by_code(*, conn: AsyncConnection, principal: Principal, code: str) -> OrgRow | None:
    """One visible organisation by code (None when missing or outside the scope)."""
    row = (
        await conn.execute(
            select(*ORG_COLUMNS).where(Organization.code == code, visible(principal))
        )
    ).first()
    return None if row is None else OrgRow._make(row)


async def get_by_id(*, conn: AsyncConnection, principal: Principal, org_id: int) -> OrgRow | None:
    """One visible organisation by id (None when missing or outside the scope)."""
    row = (
        await conn.execute(
            select(*ORG_COLUMNS).where(Organization.id == org_id, visible(principal))
        )
    ).first()
    return None if row is None else OrgRow._make(row)


async def _conditions(
    *, conn: AsyncConnection, principal: Principal, criteria: OrgFilter
) -> list[ColumnElement[bool]] | None:
    """SQL conditions for a filter; None when the filter can match nothing."""
    conditions: list[ColumnElement[bool]] = [visible(principal)]
    if criteria.within_code is not None:
        root = await get_by_code(conn=conn, principal=principal, code=criteria.within_code)
        if root is None:
            return None
        conditions.append(within(root.id))
    if criteria.category_code is not None:
        conditions.append(
            Organization.category_id
            == select(OrgCategory.id)
            .where(OrgCategory.code == criteria.category_code)
            .scalar_subquery()
        )
    if criteria.sector_code is not None:
        conditions.append(
            Organization.sector_id
            == select(Sector.id).where(Sector.code == criteria.sector_code).scalar_subquery()
        )
    if criteria.name_contains:
        conditions.append(Organization.name.contains(criteria.name_contains, autoescape=True))
    return conditions


async def search(
    *, conn: AsyncConnection, principal: Principal, criteria: OrgFilter, offset: int, limit: int
) -> tuple[list[OrgRow], int]:
    """A page of visible organisations matching the filter (ordered by code) and the total."""
    conditions = await _conditions(conn=conn, principal=principal, criteria=criteria)
    if conditions is None:
        return [], 0
    total = (
        await conn.execute(select(func.count()).select_from(Organization).where(*conditions))
    ).scalar_one()
    rows = (
        await conn.execute(
            select(*ORG_COLUMNS)
            .where(*conditions)
            .order_by(Organization.code)
            .offset(offset)
            .limit(limit + 1)
        )
    ).all()
    return [OrgRow._make(row) for row in rows], total


async def categories(*, conn: AsyncConnection) -> list[CategoryRow]:
    """Every organisation category, in catalogue order."""
    stmt = select(*CATEGORY_COLUMNS).order_by(OrgCategory.sort_order, OrgCategory.code)
    return [CategoryRow._make(row) for row in await conn.execute(stmt)]


async def sectors(*, conn: AsyncConnection) -> list[SectorRow]:
    """Every sector, by code."""
    stmt = select(*SECTOR_COLUMNS).order_by(Sector.code)
    return [SectorRow._make(row) for row in await conn.execute(stmt)]


async def position_by_code(*, conn: AsyncConnection, code: str) -> PositionRow | None:
    """One position of the catalogue."""
    row = (await conn.execute(select(*POSITION_COLUMNS).where(Position.code == code))).first()
    return None if row is None else PositionRow._make(row)
