"""The force map: required posts vs people holding them, over a subtree (M1)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.principal import Principal
from core.orgs.models import Assignment, FrameworkRequirement, Organization, StaffingFramework
from core.orgs.scope import visible, within


@dataclass(frozen=True)
class ForceMapTotals:
    """Counts over a subtree: organisations, required posts, filled and vacant posts."""

    organizations: int
    positions: int
    filled: int
    vacant: int


@dataclass(frozen=True)
class Understaffed:
    """An organisation whose staffing framework is not fully staffed."""

    organization_id: int
    framework_id: int
    missing_position_ids: tuple[int, ...]


def _requirements(principal: Principal, root_id: int, today: dt.date) -> Select[tuple[int, ...]]:
    """One row per (organisation, required position): required and held head counts."""
    held = (
        select(
            Assignment.organization_id,
            Assignment.position_id,
            func.count().label("held"),
        )
        .where(
            Assignment.organization_id.in_(select(Organization.id).where(within(root_id))),
            Assignment.since <= today,
            or_(Assignment.until.is_(None), Assignment.until > today),
        )
        .group_by(Assignment.organization_id, Assignment.position_id)
        .subquery()
    )
    held_count = func.coalesce(held.c.held, 0)
    return (
        select(
            Organization.id.label("org_id"),
            Organization.code.label("org_code"),
            StaffingFramework.id.label("framework_id"),
            FrameworkRequirement.position_id,
            FrameworkRequirement.required_count.label("required"),
            case(
                (
                    held_count >= FrameworkRequirement.required_count,
                    FrameworkRequirement.required_count,
                ),
                else_=held_count,
            ).label("filled"),
        )
        .join(StaffingFramework, StaffingFramework.category_id == Organization.category_id)
        .join(FrameworkRequirement, FrameworkRequirement.framework_id == StaffingFramework.id)
        .outerjoin(
            held,
            and_(
                held.c.organization_id == Organization.id,
                held.c.position_id == FrameworkRequirement.position_id,
            ),
        )
        .where(within(root_id), visible(principal))
    )


@dataclass(frozen=True)
class Survey:
    """A subtree's totals and every understaffed organisation (by code), read in two
    statements: the requirement rows are computed once, then summed and grouped here."""

    totals: ForceMapTotals
    understaffed: list[Understaffed]


async def survey(
    *, conn: AsyncConnection, principal: Principal, root_id: int, today: dt.date
) -> Survey:
    """Totals and understaffed organisations of a subtree (see Survey)."""
    organizations = (
        await conn.execute(
            select(func.count())
            .select_from(Organization)
            .where(within(root_id), visible(principal))
        )
    ).scalar_one()
    req = _requirements(principal, root_id, today).subquery()
    rows = (
        await conn.execute(
            select(
                req.c.org_id,
                req.c.org_code,
                req.c.framework_id,
                req.c.position_id,
                req.c.required,
                req.c.filled,
            )
        )
    ).all()
    positions = sum(int(row.required) for row in rows)
    filled = sum(int(row.filled) for row in rows)
    short: dict[int, tuple[str, int, list[int]]] = {}
    for row in rows:
        if row.filled < row.required:
            code, framework, missing = short.get(row.org_id, (row.org_code, row.framework_id, []))
            missing.append(row.position_id)
            short[row.org_id] = (code, min(framework, row.framework_id), missing)
    items = [
        Understaffed(
            organization_id=org_id,
            framework_id=framework,
            missing_position_ids=tuple(sorted(missing)),
        )
        for org_id, (_code, framework, missing) in sorted(short.items(), key=lambda i: i[1][0])
    ]
    totals = ForceMapTotals(
        organizations=organizations, positions=positions, filled=filled, vacant=positions - filled
    )
    return Survey(totals=totals, understaffed=items)


async def totals(
    *, conn: AsyncConnection, principal: Principal, root_id: int, today: dt.date
) -> ForceMapTotals:
    """Organisations, required posts, filled and vacant posts of a subtree."""
    organizations = (
        await conn.execute(
            select(func.count())
            .select_from(Organization)
            .where(within(root_id), visible(principal))
        )
    ).scalar_one()
    req = _requirements(principal, root_id, today).subquery()
    row = (
        await conn.execute(
            select(
                func.coalesce(func.sum(req.c.required), 0), func.coalesce(func.sum(req.c.filled), 0)
            )
        )
    ).one()
    positions, filled = int(row[0]), int(row[1])
    return ForceMapTotals(
        organizations=organizations, positions=positions, filled=filled, vacant=positions - filled
    )


async def understaffed(
    *,
    conn: AsyncConnection,
    principal: Principal,
    root_id: int,
    today: dt.date,
    offset: int,
    limit: int,
) -> tuple[list[Understaffed], int]:
    """A page of understaffed organisations (by code) with their missing posts; the total."""
    req = _requirements(principal, root_id, today).subquery()
    short = req.c.filled < req.c.required
    orgs = (
        select(req.c.org_id, req.c.org_code, func.min(req.c.framework_id).label("framework_id"))
        .where(short)
        .group_by(req.c.org_id, req.c.org_code)
    ).subquery()
    total = (await conn.execute(select(func.count()).select_from(orgs))).scalar_one()
    page_rows = (
        await conn.execute(
            select(orgs.c.org_id, orgs.c.framework_id)
            .order_by(orgs.c.org_code)
            .offset(offset)
            .limit(limit + 1)
        )
    ).all()
    ids = [row.org_id for row in page_rows]
    missing: dict[int, list[int]] = defaultdict(list)
    if ids:
        for row in await conn.execute(
            select(req.c.org_id, req.c.position_id)
            .where(short, req.c.org_id.in_(ids))
            .order_by(req.c.position_id)
        ):
            missing[row.org_id].append(row.position_id)
    items = [
        Understaffed(
            organization_id=row.org_id,
            framework_id=row.framework_id,
            missing_position_ids=tuple(missing[row.org_id]),
        )
        for row in page_rows
    ]
    return items, total
