"""Liaison links (M3): a leader linked to 2–3 companies and one key subsidiary of each.

A duty whose calendar rule owner is LIAISON gives, per link, one task per occurrence that
falls while the link is in force: on the linked organisation, `position_id` NULL, the title
prefixed with the leader's name, slot "organization:duty:L<person>:period"
(`instantiate` does it for the generator; `liaison_targets` lists the links).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.auth.principal import Principal
from core.calendar.models import Liaison, Task
from core.calendar.notify import current
from core.db import utcnow
from core.orgs.models import Organization, Person
from core.orgs.scope import visible

GROUP = "GROUP"
KEY_SUBSIDIARY = "KEY_SUBSIDIARY"
KINDS = (GROUP, KEY_SUBSIDIARY)
MAX_LIAISONS = 100
"""`viewer.liaisons` answers at most this many links."""


class LiaisonRow(NamedTuple):
    id: int
    person_id: int
    organization_id: int
    kind: str
    since: dt.date
    until: dt.date | None


LIAISON_COLUMNS = tuple(getattr(Liaison, name) for name in LiaisonRow._fields)


async def liaison_targets(
    *, session: AsyncSession, start: dt.date, end: dt.date
) -> list[tuple[int, int]]:
    """(person id, organisation id) of every link in force at some day of [start, end]."""
    rows = await session.execute(
        select(Liaison.person_id, Liaison.organization_id)
        .where(Liaison.since <= end, or_(Liaison.until.is_(None), Liaison.until > start))
        .distinct()
        .order_by(Liaison.person_id, Liaison.organization_id)
    )
    return [(person_id, org_id) for person_id, org_id in rows]


async def leader_names(*, session: AsyncSession, person_ids: Iterable[int]) -> dict[int, str]:
    """Person id → name, for the "<leader>：<duty title>" of liaison tasks."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))
    return {person_id: name for person_id, name in rows}


def slot_of(*, duty_id: int, organization_id: int, person_id: int, period: str) -> str:
    """The idempotency key of a liaison task: one per duty, company, leader and period."""
    return f"{organization_id}:{duty_id}:L{person_id}:{period}"


def slot_marker(person_id: int) -> str:
    """A LIKE pattern matching the slots of one leader's liaison tasks."""
    return f"%:L{person_id}:%"


async def instantiate(
    *,
    session: AsyncSession,
    rule_id: int,
    duty_id: int,
    title: str,
    occurrences: Sequence[tuple[str, dt.date]],
    lead_days: int = 0,
) -> int:
    """Insert the liaison tasks of a rule's (period, due date) occurrences; how many were new."""
    if not occurrences:
        return 0
    days = [day for _, day in occurrences]
    links = (
        await session.execute(
            select(Liaison.person_id, Liaison.organization_id, Liaison.since, Liaison.until).where(
                Liaison.since <= max(days), or_(Liaison.until.is_(None), Liaison.until > min(days))
            )
        )
    ).all()
    names = await leader_names(session=session, person_ids=(link[0] for link in links))
    now = utcnow()
    rows = [
        {
            "slot": slot_of(duty_id=duty_id, organization_id=org, person_id=person, period=period),
            "duty_id": duty_id,
            "rule_id": rule_id,
            "organization_id": org,
            "position_id": None,
            "title": f"{names.get(person, '')}：{title}"[:300],
            "period": period,
            "due_on": day,
            "opens_on": day - dt.timedelta(days=lead_days),
            "status": "OPEN",
            "version": 1,
            "late": False,
            "created_at": now,
        }
        for person, org, since, until in links
        for period, day in occurrences
        if since <= day and (until is None or day < until)
    ]
    if not rows:
        return 0
    bind = session.bind
    module = postgresql if bind is not None and bind.dialect.name == "postgresql" else sqlite
    stmt = module.insert(Task).on_conflict_do_nothing(index_elements=["slot"])
    inserted = 0
    for start in range(0, len(rows), 1000):
        result = await session.execute(stmt.returning(Task.id), rows[start : start + 1000])
        inserted += len(result.all())
    return inserted


async def for_viewer(
    *, conn: AsyncConnection, principal: Principal, today: dt.date, limit: int = MAX_LIAISONS
) -> list[LiaisonRow]:
    """The viewer's links in force today (organisations within their scope), groups first."""
    if principal.person_id is None:
        return []
    rows = await conn.execute(
        select(*LIAISON_COLUMNS)
        .join(Organization, Organization.id == Liaison.organization_id)
        .where(
            and_(Liaison.person_id == principal.person_id, current(Liaison, today)),
            visible(principal),
        )
        .order_by(Liaison.kind, Organization.code, Liaison.id)
        .limit(limit)
    )
    return [LiaisonRow._make(row) for row in rows]


def plan_links(
    *,
    leaders: Sequence[int],
    groups: Sequence[tuple[int, int | None]],
    since: dt.date,
    per_leader: tuple[int, int] = (2, 3),
) -> list[dict[str, object]]:
    """Liaison rows linking leaders to groups (and each group's key subsidiary).

    `groups` are (group id, key subsidiary id or None), in order. Each leader gets between
    `per_leader` groups, in turn; leaders beyond what the groups allow get none, and groups
    beyond what the leaders can take stay unlinked.
    """
    low, high = per_leader
    count = min(len(leaders), len(groups) // low)
    if count == 0:
        return []
    taken = groups[: count * high]
    base, extra = divmod(len(taken), count)
    rows: list[dict[str, object]] = []
    start = 0
    for i, person_id in enumerate(leaders[:count]):
        size = base + (1 if i < extra else 0)
        for group_id, key_id in taken[start : start + size]:
            rows.append(_link(person_id, group_id, GROUP, since))
            if key_id is not None:
                rows.append(_link(person_id, key_id, KEY_SUBSIDIARY, since))
        start += size
    return rows


def _link(person_id: int, org_id: int, kind: str, since: dt.date) -> dict[str, object]:
    return {
        "person_id": person_id,
        "organization_id": org_id,
        "kind": kind,
        "since": since,
        "until": None,
    }
