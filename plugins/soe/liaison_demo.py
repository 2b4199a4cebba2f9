"""The SOE demo's liaison links (M3): SASAC's and the city's leaders, each linked to 2–3
groups and the key subsidiary of each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar.liaison import plan_links
from core.calendar.models import Liaison
from core.orgs.models import Assignment, Position

# SASAC's leadership first, then the city's leaders
LIAISON_POSTS = (
    "DEPT_PARTY_GROUP_SECRETARY", "DEPT_COMMITTEE_SECRETARY", "DEPT_FULLTIME_DEPUTY",
    "DEPT_DISCIPLINE_SECRETARY", "DEPT_PARTY_OFFICE_DIRECTOR",
    "CITY_DEPUTY_SECRETARY", "CITY_ORG_DIRECTOR",
)  # fmt: skip
LIAISON_LEADERS = 8


async def leaders(session: AsyncSession, sasac_id: int, city_id: int) -> list[int]:
    """People in SASAC's leading posts, then the city's, in post order (current terms)."""
    rows = await session.execute(
        select(Assignment.person_id)
        .join(Position, Position.id == Assignment.position_id)
        .where(
            Assignment.organization_id.in_((sasac_id, city_id)),
            Assignment.until.is_(None),
            Position.code.in_(LIAISON_POSTS),
        )
        .order_by(
            (Assignment.organization_id != sasac_id), Position.sort_order, Assignment.person_id
        )
    )
    return list(dict.fromkeys(rows.scalars()))[:LIAISON_LEADERS]


def key_subsidiaries(
    groups: list[dict[str, Any]], subsidiaries: list[dict[str, Any]], profiles: list[dict[str, Any]]
) -> list[tuple[int, int | None]]:
    """Each group with its key subsidiary: the one with the most employees."""
    employees = {p["organization_id"]: p["employees"] for p in profiles}
    best: dict[int, int] = {}
    for sub in subsidiaries:
        group, sub_id = sub["parent_id"], sub["id"]
        if group not in best or employees[sub_id] > employees[best[group]]:
            best[group] = sub_id
    return [(g["id"], best.get(g["id"])) for g in groups]


async def link_leaders(
    session: AsyncSession,
    *,
    sasac_id: int,
    city_id: int,
    groups: list[tuple[int, int | None]],
    since: dt.date,
) -> None:
    """Insert the liaison links of the demo's leaders."""
    links = plan_links(
        leaders=await leaders(session, sasac_id, city_id), groups=groups, since=since
    )
    if links:
        await session.execute(insert(Liaison), links)
