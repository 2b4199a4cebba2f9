"""The demo city's past: up to the demo date its tasks were done the way organisations do.

Every organisation gets odds (seeded): a district's own, shifted a little for each town
and again for each village, so districts and towns differ. Every task occurrence gets dice
(seeded by rule and period). Generation then inserts each task already in its state — no
update of a million rows afterwards (on SQLite every updated row would fire the tally
triggers): done on time (completed a few days before its due date), done late (some days
after, if that day has come), or still open (missed, overdue). Then one statement writes a
zh-CN record for every completed task and another attaches evidence to some of them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.models import Account, AccountGrant
from core.calendar.blocks import OCCURRENCE
from core.calendar.generate import SLOT_COLUMNS
from core.orgs.models import Organization

PROFILE = Table(
    "demo_profile",
    MetaData(),
    Column("organization_id", Integer, primary_key=True),
    Column("on_time", Integer),  # per mille: dice below this → done on time
    Column("done", Integer),  # per mille: dice below this (and above on_time) → done late
    Column("account_id", Integer),
    prefixes=["TEMPORARY"],
)
DICE = Table(
    "demo_dice",
    MetaData(),
    Column("rule_id", Integer),
    Column("period", String(20)),
    Column("roll", Integer),
    Column("done_a", DateTime(timezone=True)),  # on-time completion; NULL when not yet due
    Column("done_b", DateTime(timezone=True)),
    Column("late_a", DateTime(timezone=True)),  # late completion; NULL when still to come
    Column("late_b", DateTime(timezone=True)),
    prefixes=["TEMPORARY"],
)


@dataclass(frozen=True)
class Odds:
    """How an organisation does its work: shares of tasks done on time and done late."""

    on_time: float
    late: float

    def shifted(self, rng: random.Random, spread: float) -> Odds:
        """These odds moved a little (a town within its district, a village within its town)."""
        on_time = min(0.98, max(0.30, self.on_time + rng.uniform(-spread, spread)))
        late = min(0.995 - on_time, max(0.01, self.late + rng.uniform(-spread, spread) / 2))
        return Odds(on_time, late)


def district_odds(seed: int, code: str) -> Odds:
    """A district's (or city department's) own odds: 2–12 % missed, 3–13 % late, the rest
    (75–95 %) on time."""
    rng = random.Random(f"{seed}/past/{code}")
    missed, late = rng.uniform(0.02, 0.12), rng.uniform(0.03, 0.13)
    return Odds(1 - missed - late, late)


def organisation_odds(seed: int, orgs: list[tuple[int, str, int | None, int]]) -> dict[int, Odds]:
    """Odds of every organisation (id, code, parent id, depth): its top unit's, shifted per
    level below it (±6 points for a town, ±5 for a village)."""
    by_id = {org_id: (code, parent, depth) for org_id, code, parent, depth in orgs}
    found: dict[int, Odds] = {}

    def odds(org_id: int) -> Odds:
        if org_id in found:
            return found[org_id]
        code, parent, depth = by_id[org_id]
        if parent is None or depth <= 1 or parent not in by_id:
            result = district_odds(seed, code)
        else:
            spread = 0.06 if depth == 2 else 0.05
            result = odds(parent).shifted(random.Random(f"{seed}/past/{code}"), spread)
        found[org_id] = result
        return result

    for org_id, *_ in sorted(orgs, key=lambda org: org[3]):
        odds(org_id)
    return found


def _at(day: dt.date, hour: int, minute: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), zone).astimezone(dt.UTC)


def dice_for(
    seed: int, rule_id: int, period: str, due_on: dt.date, now: dt.datetime, zone: ZoneInfo
) -> dict[str, Any]:
    """The dice of one occurrence: a roll and two completion times each, on time and late."""
    rng = random.Random(f"{seed}/past/{rule_id}/{period}")
    row: dict[str, Any] = {"rule_id": rule_id, "period": period, "roll": rng.randrange(1000)}
    today = now.astimezone(zone).date()
    for variant in "ab":
        early = due_on - dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5, 7)))
        done = _at(early, rng.randint(9, 17), rng.randrange(60), zone)
        late_day = due_on + dt.timedelta(days=1 + min(60, int(rng.expovariate(1 / 9))))
        late = _at(late_day, rng.randint(9, 17), rng.randrange(60), zone)
        row[f"done_{variant}"] = done if due_on < today else None
        row[f"late_{variant}"] = late if due_on < today and late <= now else None
    return row


def _recreate(table: Table) -> Callable[[Connection], None]:
    def run(sync: Connection) -> None:
        table.drop(sync, checkfirst=True)
        table.create(sync)

    return run


class PastShape:
    """The generation shape (core.calendar.blocks.Shape) that gives tasks their past."""

    def __init__(self, *, seed: int, now: dt.datetime, timezone: str) -> None:
        self.seed = seed
        self.now = now
        self.zone = ZoneInfo(timezone)
        self.columns: tuple[str, ...] = (*SLOT_COLUMNS, "completed_at", "completed_by")

    async def prepare(self, conn: AsyncConnection) -> None:
        """Odds of every organisation and dice of every occurrence, as temporary tables."""
        for table in (PROFILE, DICE):
            await conn.run_sync(_recreate(table))
        found = await conn.execute(
            select(Organization.id, Organization.code, Organization.parent_id, Organization.depth)
        )
        orgs = [(r[0], r[1], r[2], r[3]) for r in found]
        accounts = dict(
            (
                await conn.execute(
                    select(AccountGrant.organization_id, Account.id)
                    .join(Account, Account.id == AccountGrant.account_id)
                    .where(AccountGrant.role == "SECRETARY", Account.active.is_(True))
                    .order_by(Account.id.desc())
                )
            ).all()
        )
        profile = [
            {
                "organization_id": org_id,
                "on_time": round(odds.on_time * 1000),
                "done": round((odds.on_time + odds.late) * 1000),
                "account_id": accounts.get(org_id),
            }
            for org_id, odds in organisation_odds(self.seed, orgs).items()
        ]
        occurrences = await conn.execute(
            select(OCCURRENCE.c.rule_id, OCCURRENCE.c.period, OCCURRENCE.c.due_on).distinct()
        )
        dice = [
            dice_for(self.seed, rule, period, due, self.now, self.zone)
            for rule, period, due in occurrences
        ]
        for table, rows in ((PROFILE, profile), (DICE, dice)):
            for start in range(0, len(rows), 2000):
                await conn.execute(table.insert(), rows[start : start + 2000])

    def __call__(self, block: Any) -> Any:
        """The block's tasks with status, late, completed_at and completed_by decided."""
        org = block.c.organization_id
        mix = (org * 7919 + DICE.c.roll) % 1000
        first = ((org + DICE.c.roll) % 2) == 0
        done_at = case((first, DICE.c.done_a), else_=DICE.c.done_b)
        late_at = case((first, DICE.c.late_a), else_=DICE.c.late_b)
        on_time = and_(done_at.is_not(None), mix < PROFILE.c.on_time)
        late = and_(late_at.is_not(None), mix >= PROFILE.c.on_time, mix < PROFILE.c.done)
        values: dict[str, Any] = {name: block.c[name] for name in SLOT_COLUMNS}
        values["status"] = case((or_(on_time, late), literal("DONE")), else_=literal("OPEN"))
        values["late"] = case((late, literal(True)), else_=literal(False))
        values["completed_at"] = case((on_time, done_at), (late, late_at), else_=null())
        values["completed_by"] = case(
            (or_(on_time, late), PROFILE.c.account_id), else_=cast(null(), Integer)
        )
        joined = block.outerjoin(
            DICE, and_(DICE.c.rule_id == block.c.rule_id, DICE.c.period == block.c.period)
        ).outerjoin(PROFILE, PROFILE.c.organization_id == org)
        return (
            select(*(value.label(name) for name, value in values.items()))
            .select_from(joined)
            .where(org.is_not(None))
            .order_by(org, block.c.due_on, block.c.duty_id)
        )
