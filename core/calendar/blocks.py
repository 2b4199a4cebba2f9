"""Generating a year for many organisations at once: all rules, one block of owners at a time.

The year's occurrences of every rule go into a temporary table; each statement then
inserts every task of one block of organisations, ordered by organisation and due date,
so it touches one narrow band of the organisation index and of the (organisation-first)
`slot` index. Per-duty statements over the whole city (this module's predecessor) swept both
once per duty: 12.5 M tasks at scale 15 took over 10 minutes that way, 144 s this way
(bench/calendar_generate.py). `ON CONFLICT (slot) DO NOTHING` keeps it idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    cast,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.calendar.generate import (
    ORGANIZATION,
    POSITION,
    SLOT_COLUMNS,
    RuleTarget,
    insert_for,
)
from core.db import utcnow
from core.orgs.models import Assignment, Organization

BLOCK = 2000  # organisations per statement

OCCURRENCE = Table(
    "generate_occurrence",
    MetaData(),  # not the application's metadata: a per-connection temporary table
    Column("rule_id", Integer),
    Column("duty_id", Integer),
    Column("owner", String(20)),
    Column("category_id", Integer),
    Column("position_id", Integer),
    Column("title", String(300)),
    Column("period", String(20)),
    Column("due_on", Date),
    Column("opens_on", Date),
    Column("tail", String(80)),  # slot = organisation id || tail
    prefixes=["TEMPORARY"],
)


def occurrence_rows(
    dated: Sequence[tuple[RuleTarget, Sequence[tuple[str, dt.date]]]],
) -> list[dict[str, Any]]:
    """The temporary table's rows: one per rule and occurrence, with the slot's parts."""
    rows = []
    for target, occurrences in dated:
        position_key = str(target.position_id) if target.owner == POSITION else ""
        for period, due_on in occurrences:
            rows.append(
                {
                    "rule_id": target.rule_id,
                    "duty_id": target.duty_id,
                    "owner": target.owner,
                    "category_id": target.category_id,
                    "position_id": target.position_id if target.owner == POSITION else None,
                    "title": target.title[:300],
                    "period": period,
                    "due_on": due_on,
                    "opens_on": due_on - dt.timedelta(days=target.lead_days),
                    "tail": f":{target.duty_id}:{position_key}:{period}",
                }
            )
    return rows


class Shape(Protocol):
    """Turns a block's new tasks (a subquery of SLOT_COLUMNS) into the rows to insert.

    The demo city uses one to give its tasks a past (`core.demo.past`); generation proper
    inserts the block's rows as they are (OPEN).
    """

    columns: tuple[str, ...]
    """The task columns the select returns, in order."""

    async def prepare(self, conn: AsyncConnection) -> None:
        """Create what the select reads (temporary tables) on the connection."""

    def __call__(self, block: Any) -> Any:
        """The select over the block's rows, ordered for index locality."""


async def run(
    conn: AsyncConnection,
    *,
    rows: list[dict[str, Any]],
    ranges: Sequence[tuple[int, int]],
    today: dt.date,
    commit: bool = False,
    shape: Shape | None = None,
    progress: Callable[[], None] | None = None,
) -> int:
    """Insert the occurrences' tasks for each organisation id range; how many were new.

    With `commit`, each block is its own transaction: the tally triggers of concurrent
    workers then wait for one block, not for a whole year (and a failed run has kept
    what it did; running it again adds the rest). `progress` is called after each block.
    """
    await conn.run_sync(lambda sync: OCCURRENCE.drop(sync, checkfirst=True))
    await conn.run_sync(lambda sync: OCCURRENCE.create(sync))
    for start in range(0, len(rows), 2000):
        await conn.execute(OCCURRENCE.insert(), rows[start : start + 2000])
    if shape is not None:
        await shape.prepare(conn)
    if commit:
        await conn.commit()
    created = 0
    for low, high in ranges:
        created += await instantiate_block(conn, low=low, high=high, today=today, shape=shape)
        if commit:
            await conn.commit()
        if progress is not None:
            progress()
    await conn.run_sync(lambda sync: OCCURRENCE.drop(sync, checkfirst=True))
    if commit:
        await conn.commit()
    return created


async def blocks(
    conn: AsyncConnection | AsyncSession, size: int | None = None
) -> list[tuple[int, int]]:
    """Organisation id ranges of `size` (default BLOCK) organisations each, in id order."""
    size = size or BLOCK
    ids = list(await conn.scalars(select(Organization.id).order_by(Organization.id)))
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


async def whole(conn: AsyncConnection) -> list[tuple[int, int]]:
    """One range holding every organisation (none when there is no organisation)."""
    low, high = (
        await conn.execute(select(func.min(Organization.id), func.max(Organization.id)))
    ).one()
    return [] if low is None else [(low, high)]


async def instantiate_block(
    conn: AsyncConnection, *, low: int, high: int, today: dt.date, shape: Shape | None = None
) -> int:
    """Insert every rule's tasks for the organisations with ids in [low, high]; new count."""
    occ = OCCURRENCE
    now = literal(utcnow())

    def columns(org_id: Any, position_id: Any) -> list[Any]:
        return [
            (cast(org_id, String) + occ.c.tail).label("slot"),
            occ.c.duty_id,
            occ.c.rule_id,
            org_id.label("organization_id"),
            position_id.label("position_id"),
            occ.c.title,
            occ.c.period,
            occ.c.due_on,
            occ.c.opens_on,
            literal("OPEN", String).label("status"),
            literal(1, Integer).label("version"),
            literal(False).label("late"),
            now.label("created_at"),
        ]

    by_category = (
        select(*columns(Organization.id, occ.c.position_id))
        .select_from(Organization)
        .join(occ, and_(occ.c.owner == ORGANIZATION, occ.c.category_id == Organization.category_id))
        .where(Organization.id.between(low, high))
    )
    held = (
        select(Assignment.organization_id, Assignment.position_id)
        .where(
            Assignment.organization_id.between(low, high),
            Assignment.since <= today,
            Assignment.until.is_(None) | (Assignment.until > today),
        )
        .distinct()
        .subquery("held")
    )
    by_post = (
        select(*columns(held.c.organization_id, held.c.position_id))
        .select_from(held)
        .join(occ, and_(occ.c.owner == POSITION, occ.c.position_id == held.c.position_id))
    )
    both = union_all(by_category, by_post).subquery("block")
    names: Sequence[str] = SLOT_COLUMNS
    if shape is None:
        rows = (
            select(*(both.c[name] for name in SLOT_COLUMNS))
            .where(both.c.organization_id.is_not(None))  # SQLite: a WHERE before ON CONFLICT
            .order_by(both.c.organization_id, both.c.due_on, both.c.duty_id)  # index locality
        )
    else:
        rows, names = shape(both), shape.columns
    if conn.dialect.name == "postgresql":  # the block's ~10^5 rows sort in memory, not on disk
        await conn.execute(text("SET LOCAL work_mem = '256MB'"))
    stmt = insert_for(conn.dialect.name).from_select(list(names), rows)
    result = await conn.execute(stmt.on_conflict_do_nothing(index_elements=["slot"]))
    return max(int(getattr(result, "rowcount", 0) or 0), 0)
