"""Who may see and act on a task: scope holders, post holders, managers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.calendar.models import Task
from core.orgs.models import Assignment, Organization
from core.orgs.scope import manageable, visible


def current(today: dt.date) -> ColumnElement[bool]:
    """A condition on `assignment`: held on that day."""
    return (Assignment.since <= today) & (Assignment.until.is_(None) | (Assignment.until > today))


def held(principal: Principal, today: dt.date) -> Select[int, int]:
    """(organisation, position) pairs the principal's person holds today."""
    return select(Assignment.organization_id, Assignment.position_id).where(
        Assignment.person_id == (principal.person_id or -1), current(today)
    )


def task_visible(principal: Principal, today: dt.date) -> ColumnElement[bool]:
    """A condition on `task`: in the principal's scope, or of an organisation where they serve."""
    if principal.everything:
        return true()
    parts = [Task.organization_id.in_(select(Organization.id).where(visible(principal)))]
    if principal.person_id is not None:
        parts.append(
            Task.organization_id.in_(
                held(principal, today).with_only_columns(Assignment.organization_id)
            )
        )
    return or_(*parts)


async def may_complete(
    session: AsyncSession, principal: Principal, task: Task, today: dt.date
) -> bool:
    """Holders of a post in the task's organisation (of its position, if set) or managers."""
    if principal.person_id is not None:
        stmt = held(principal, today).where(Assignment.organization_id == task.organization_id)
        if task.position_id is not None:
            stmt = stmt.where(Assignment.position_id == task.position_id)
        if (await session.execute(stmt.limit(1))).first() is not None:
            return True
    return await may_manage(session, principal, task)


async def may_manage(session: AsyncSession, principal: Principal, task: Task) -> bool:
    """`orgs.manage` over the task's organisation (through a grant that carries it)."""
    stmt = select(Organization.id).where(
        Organization.id == task.organization_id, manageable(principal, Permission.ORGS_MANAGE)
    )
    return (await session.execute(stmt)).first() is not None
