"""Instantiating calendar rules as tasks: set-based INSERT … SELECT, idempotent by `slot`.

A rule's occurrences are crossed with the organisations of the duty's category
(organisation duties) or with the organisations where its position is held today (manual
duties: one task per organisation and position, not per person), by the statements of
`core.calendar.blocks`: a whole year block by block of organisations, one rule alone (a
changed rule) in one block. `ON CONFLICT (slot) DO NOTHING` makes a second run add
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar import recurrence, workdays
from core.calendar.models import CalendarRule, Task
from core.calendar.recurrence import Occurrence, RRuleError
from core.duties.models import Duty, DutyDescription, DutyManual

ORGANIZATION = "ORGANIZATION"
POSITION = "POSITION"
LIAISON = "LIAISON"
SLOT_COLUMNS = (
    "slot",
    "duty_id",
    "rule_id",
    "organization_id",
    "position_id",
    "title",
    "period",
    "due_on",
    "opens_on",
    "status",
    "version",
    "late",
    "created_at",
)


@dataclass(frozen=True)
class RuleTarget:
    """A rule with what its tasks go to: a category's organisations or a position's holders."""

    rule_id: int
    duty_id: int
    title: str
    rrule: str
    starts_on: dt.date
    owner: str
    category_id: int | None
    position_id: int | None
    lead_days: int = 0  # a task opens (is listed, first reminded) this many days before due


@dataclass
class GenerateSummary:
    """What a generation run did."""

    year: int
    holidays_known: bool = True  # False: no exception stored for the year (weekends only)
    rules: int = 0
    tasks_created: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # duty code -> why


async def ensure_rules(*, session: AsyncSession, today: dt.date) -> dict[str, str]:
    """Give every live duty without a calendar rule one (its rrule or its frequency's).

    Returns the duties that cannot have one (no rule, unknown frequency, bad rule) and why.
    """
    rows = await session.execute(
        select(Duty.id, Duty.code, Duty.rrule, Duty.frequency, Duty.lead_days, Duty.manual_id)
        .outerjoin(CalendarRule, CalendarRule.duty_id == Duty.id)
        .where(CalendarRule.id.is_(None), Duty.retired_at.is_(None))
    )
    skipped: dict[str, str] = {}
    for duty in rows:
        text = recurrence.rule_for(rrule=duty.rrule, frequency=duty.frequency)
        if text is None:
            skipped[duty.code] = f"频次 {duty.frequency} 没有日历规则 (no recurrence)"
            continue
        try:
            recurrence.check(text)
        except RRuleError as exc:
            skipped[duty.code] = str(exc)
            continue
        session.add(
            CalendarRule(
                duty_id=duty.id,
                rrule=text,
                lead_days=duty.lead_days,
                owner=POSITION if duty.manual_id is not None else ORGANIZATION,
                starts_on=dt.date(today.year, 1, 1),
                active=True,
                version=1,
            )
        )
    await session.flush()
    return skipped


def _targets_query() -> Select[int, int, str, str, dt.date, str, int, int, int, str]:
    return (
        select(
            CalendarRule.id,
            Duty.id,
            Duty.title,
            CalendarRule.rrule,
            CalendarRule.starts_on,
            CalendarRule.owner,
            DutyDescription.category_id,
            DutyManual.position_id,
            CalendarRule.lead_days,
            Duty.code,
        )
        .join(Duty, Duty.id == CalendarRule.duty_id)
        .outerjoin(
            DutyDescription,
            and_(DutyDescription.id == Duty.description_id, DutyDescription.retired_at.is_(None)),
        )
        .outerjoin(
            DutyManual, and_(DutyManual.id == Duty.manual_id, DutyManual.retired_at.is_(None))
        )
        .where(CalendarRule.active.is_(True), Duty.retired_at.is_(None))
        .order_by(Duty.id)
    )


async def targets(
    *, session: AsyncSession, duty_ids: list[int] | None = None
) -> list[tuple[str, RuleTarget]]:
    """The active rules of live duties with their owners, as (duty code, target)."""
    stmt = _targets_query()
    if duty_ids is not None:
        stmt = stmt.where(Duty.id.in_(duty_ids))
    return [
        (code, RuleTarget(rule, duty, title, rrule, starts, owner, category, position, lead))
        for rule, duty, title, rrule, starts, owner, category, position, lead, code in (
            await session.execute(stmt)
        )
    ]


async def dated(
    session: AsyncSession,
    target: RuleTarget,
    year: int,
    calendar: workdays.WorkCalendar | None = None,
) -> list[tuple[str, dt.date]]:
    """The rule's occurrences in a year as (period, due date on the previous working day)."""
    occurrences: list[Occurrence] = recurrence.expand(
        target.rrule, starts_on=target.starts_on, year=year
    )
    if not occurrences:
        return []
    if calendar is None:
        calendar = await year_calendar(session, year)
    return [(occ.period, calendar.on_or_before(occ.day)) for occ in occurrences]


async def year_calendar(session: AsyncSession, year: int) -> workdays.WorkCalendar:
    """The working days a year's due dates may move to (from November of the year before)."""
    return await workdays.load(session, dt.date(year - 1, 11, 1), dt.date(year, 12, 31))


def _owner_missing(target: RuleTarget) -> bool:
    if target.owner == POSITION:
        return target.position_id is None
    return target.category_id is None


def insert_for(dialect: str) -> Any:
    """An INSERT into task in the dialect (for ON CONFLICT)."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(Task)


async def instantiate(
    *,
    session: AsyncSession,
    target: RuleTarget,
    occurrences: list[tuple[str, dt.date]],
    today: dt.date,
) -> int:
    """Insert the tasks of one rule's occurrences for every owner; returns how many were new.

    The same statement as a year's generation, with every organisation in one block.
    """
    from core.calendar import blocks

    if not occurrences or _owner_missing(target):
        return 0
    conn = await session.connection()
    return await blocks.run(
        conn,
        rows=blocks.occurrence_rows([(target, occurrences)]),
        ranges=await blocks.whole(conn),
        today=today,
    )


async def generate(
    *, session: AsyncSession, year: int, today: dt.date, duty_ids: list[int] | None = None
) -> GenerateSummary:
    """Instantiate one year of tasks for every active rule (or the given duties)."""
    summary = GenerateSummary(year=year)
    summary.skipped = await ensure_rules(session=session, today=today)
    found = await targets(session=session, duty_ids=duty_ids)
    await generate_targets(session=session, found=found, year=year, today=today, summary=summary)
    return summary


async def plan(
    *,
    session: AsyncSession,
    found: list[tuple[str, RuleTarget]],
    year: int,
    summary: GenerateSummary,
) -> list[tuple[RuleTarget, list[tuple[str, dt.date]]]]:
    """Date every rule's occurrences in the year; instantiate the liaison rules right away.

    Returns the organisation and post rules with their occurrences, for `core.calendar.blocks`.
    """
    from core.calendar import liaison

    calendar = await year_calendar(session, year)
    by_owner: list[tuple[RuleTarget, list[tuple[str, dt.date]]]] = []
    for code, target in found:
        try:
            occurrences = await dated(session, target, year, calendar)
        except RRuleError as exc:
            summary.skipped[code] = str(exc)
            continue
        summary.rules += 1
        if target.owner == LIAISON:
            summary.tasks_created += await liaison.instantiate(
                session=session,
                rule_id=target.rule_id,
                duty_id=target.duty_id,
                title=target.title,
                occurrences=occurrences,
                lead_days=target.lead_days,
            )
        elif occurrences and not _owner_missing(target):
            by_owner.append((target, occurrences))
    return by_owner


async def generate_targets(
    *,
    session: AsyncSession,
    found: list[tuple[str, RuleTarget]],
    year: int,
    today: dt.date,
    summary: GenerateSummary,
) -> None:
    """Instantiate one year of the given rules in the session's transaction."""
    from core.calendar import blocks

    by_owner = await plan(session=session, found=found, year=year, summary=summary)
    if by_owner:
        conn = await session.connection()
        summary.tasks_created += await blocks.run(
            conn,
            rows=blocks.occurrence_rows(by_owner),
            ranges=await blocks.blocks(conn),
            today=today,
        )


async def instantiate_any(
    *,
    session: AsyncSession,
    target: RuleTarget,
    occurrences: list[tuple[str, dt.date]],
    today: dt.date,
) -> int:
    """Instantiate a rule of any owner: organisations, posts, or liaison links."""
    if target.owner == LIAISON:
        from core.calendar import liaison  # the liaison module builds its own rows

        return await liaison.instantiate(
            session=session,
            rule_id=target.rule_id,
            duty_id=target.duty_id,
            title=target.title,
            occurrences=occurrences,
            lead_days=target.lead_days,
        )
    return await instantiate(session=session, target=target, occurrences=occurrences, today=today)
