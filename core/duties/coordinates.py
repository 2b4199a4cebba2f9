"""Responsibility coordinates: the duties of a person's current posts and organisations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.principal import Principal
from core.duties.models import Duty, DutyDescription, DutyManual
from core.duties.rows import DUTY_COLUMNS, DutyRow, duty_row
from core.orgs.models import Assignment, Organization, Position
from core.orgs.scope import visible

MAX_POSTS = 100


async def _posts(
    conn: AsyncConnection, principal: Principal, person_id: int, today: dt.date
) -> list[tuple[int, int, int]]:
    """(organisation id, category id, position id) of the person's current posts."""
    stmt = (
        select(Assignment.organization_id, Organization.category_id, Assignment.position_id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .join(Position, Position.id == Assignment.position_id)
        .where(
            Assignment.person_id == person_id,
            Assignment.since <= today,
            Assignment.until.is_(None) | (Assignment.until > today),
            visible(principal),
        )
        .order_by(Organization.code, Position.sort_order, Position.code)
        .limit(MAX_POSTS)
    )
    return [(row[0], row[1], row[2]) for row in await conn.execute(stmt)]


async def _by_owner(
    conn: AsyncConnection, kind: str, owner_ids: set[int]
) -> dict[int, list[tuple[object, ...]]]:
    owner = DutyDescription.category_id if kind == "category" else DutyManual.position_id
    parent = DutyDescription if kind == "category" else DutyManual
    link = Duty.description_id if kind == "category" else Duty.manual_id
    stmt = (
        select(owner, *DUTY_COLUMNS)
        .join(parent, parent.id == link)
        .where(owner.in_(owner_ids), parent.retired_at.is_(None), Duty.retired_at.is_(None))
        .order_by(owner, Duty.sort_order, Duty.code)
    )
    grouped: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    for row in await conn.execute(stmt):
        grouped[row[0]].append(tuple(row)[1:])
    return grouped


async def person_duties(
    *, conn: AsyncConnection, principal: Principal, person_id: int, today: dt.date
) -> list[DutyRow]:
    """For each current post: the organisation's category duties (once per organisation),
    then the post's manual duties; organisations in code order."""
    posts = await _posts(conn, principal, person_id, today)
    if not posts:
        return []
    by_category = await _by_owner(conn, "category", {category for _o, category, _p in posts})
    by_position = await _by_owner(conn, "position", {position for _o, _c, position in posts})
    out: list[DutyRow] = []
    seen_orgs: set[int] = set()
    for org_id, category_id, _position in posts:
        if org_id in seen_orgs:
            continue
        seen_orgs.add(org_id)
        out += [duty_row(values, org_id, None) for values in by_category.get(category_id, [])]
        for other_org, _category, position_id in posts:
            if other_org == org_id:
                out += [
                    duty_row(values, org_id, position_id)
                    for values in by_position.get(position_id, [])
                ]
    return out
