"""Changing a duty's calendar rule, and regenerating only its future, open tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.calendar import generate, recurrence
from core.calendar.models import CalendarRule, Task
from core.calendar.recurrence import RRuleError
from core.duties.models import Duty
from core.graphql.errors import ErrorCode, ServiceError

RULE_CHANGED = "日历规则变更，该期次不再需要 (calendar rule changed)"
MAX_LEAD_DAYS = 366


@dataclass(frozen=True)
class Regeneration:
    """How a rule change touched the duty's future open tasks."""

    added: int = 0
    redated: int = 0
    cancelled: int = 0
    reopened: int = 0


async def find_duty(session: AsyncSession, code: str) -> Duty | None:
    """A live duty by code."""
    return (
        await session.execute(select(Duty).where(Duty.code == code, Duty.retired_at.is_(None)))
    ).scalar_one_or_none()


async def _duty(session: AsyncSession, code: str) -> Duty:
    duty = await find_duty(session, code)
    if duty is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"职责不存在: {code}", "dutyCode")
    return duty


async def rule_of(session: AsyncSession, duty: Duty, today: dt.date) -> CalendarRule:
    """The duty's stored rule, or an unsaved one from its rrule/frequency (version 0)."""
    rule = (
        await session.execute(select(CalendarRule).where(CalendarRule.duty_id == duty.id))
    ).scalar_one_or_none()
    if rule is not None:
        return rule
    text = recurrence.rule_for(rrule=duty.rrule, frequency=duty.frequency)
    return CalendarRule(
        duty_id=duty.id,
        rrule=text or "",
        lead_days=duty.lead_days,
        owner=generate.POSITION if duty.manual_id is not None else generate.ORGANIZATION,
        starts_on=dt.date(today.year, 1, 1),
        active=text is not None,
        version=0,
    )


async def update_rule(
    *,
    session: AsyncSession,
    principal: Principal,
    duty_code: str,
    rrule: str,
    lead_days: int,
    expected_version: int,
    today: dt.date,
) -> tuple[CalendarRule, Regeneration]:
    """Change a duty's recurrence and lead time; future open tasks follow. City `orgs.manage`."""
    if not (principal.everything and principal.can(Permission.ORGS_MANAGE)):
        raise ServiceError(ErrorCode.FORBIDDEN, "需要市级 orgs.manage 权限才能修改日历规则")
    duty = await _duty(session, duty_code)
    rule = await rule_of(session, duty, today)
    if rule.version != expected_version:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"日历规则已被修改（当前版本 {rule.version}，你提交的是 {expected_version}）",
            "expectedVersion",
        )
    try:
        recurrence.check(rrule)
    except RRuleError as exc:
        raise ServiceError(ErrorCode.INVALID, f"重复规则无效：{exc}", "rrule") from exc
    if not 0 <= lead_days <= MAX_LEAD_DAYS:
        raise ServiceError(ErrorCode.INVALID, f"提前天数应在 0 到 {MAX_LEAD_DAYS} 之间", "leadDays")
    before = {"rrule": rule.rrule, "leadDays": rule.lead_days}
    rule.rrule, rule.lead_days, rule.active = rrule.strip(), lead_days, True
    rule.version += 1
    if rule.id is None:
        session.add(rule)
    await session.flush()
    result = await regenerate(session=session, rule=rule, today=today)
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="calendar_rule.update",
        entity_type="CalendarRule",
        entity_id=str(rule.id),
        changes={
            "duty": duty.code,
            "rrule": [before["rrule"], rule.rrule],
            "leadDays": [before["leadDays"], lead_days],
            "tasks": result.__dict__,
        },
    )
    return rule, result


async def _years(session: AsyncSession, duty_id: int, today: dt.date) -> range:
    """The years the duty has tasks in, from this one on."""
    last = await session.scalar(select(func.max(Task.due_on)).where(Task.duty_id == duty_id))
    end = max(today.year, last.year if last is not None else today.year)
    return range(today.year, end + 1)


async def regenerate(*, session: AsyncSession, rule: CalendarRule, today: dt.date) -> Regeneration:
    """Re-date, cancel, reopen or add the duty's tasks due after today that are not done.

    Re-dating covers the opening day too: a changed lead time moves `opens_on`.
    """
    found = await generate.targets(session=session, duty_ids=[rule.duty_id])
    if not found:
        return Regeneration()
    target = found[0][1]
    wanted: dict[str, dt.date] = {}
    for year in await _years(session, rule.duty_id, today):
        wanted.update((period, due) for period, due in await generate.dated(session, target, year))
    future = {period: due for period, due in wanted.items() if due > today}
    mine = (Task.duty_id == rule.duty_id) & (Task.due_on > today)
    open_future = mine & (Task.status == "OPEN")
    cancelled = await _execute(
        session,
        update(Task)
        .where(open_future, Task.period.not_in(list(future)) if future else open_future)
        .values(status="CANCELLED", cancel_reason=RULE_CHANGED, version=Task.version + 1),
    )
    redated = reopened = 0
    lead = dt.timedelta(days=target.lead_days)
    for period, due in future.items():
        moved = or_(Task.due_on != due, Task.opens_on.is_distinct_from(due - lead))
        redated += await _execute(
            session,
            update(Task)
            .where(open_future, Task.period == period, moved)
            .values(due_on=due, opens_on=due - lead, version=Task.version + 1),
        )
        reopened += await _execute(
            session,
            update(Task)
            .where(
                Task.duty_id == rule.duty_id,
                Task.period == period,
                Task.status == "CANCELLED",
                Task.cancel_reason == RULE_CHANGED,
            )
            .values(
                status="OPEN",
                cancel_reason=None,
                due_on=due,
                opens_on=due - lead,
                version=Task.version + 1,
            ),
        )
    added = await generate.instantiate_any(
        session=session, target=target, occurrences=sorted(future.items()), today=today
    )
    return Regeneration(added=added, redated=redated, cancelled=cancelled, reopened=reopened)


async def _execute(session: AsyncSession, stmt: object) -> int:
    options = {"synchronize_session": False}  # bulk: no ORM objects of these rows are loaded
    result = await session.execute(stmt, execution_options=options)  # type: ignore[call-overload]
    return max(int(getattr(result, "rowcount", 0) or 0), 0)
