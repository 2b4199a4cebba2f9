"""Putting people in posts and ending their terms: history is kept, never overwritten."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.dates import require_plausible
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Assignment, Organization, Person, Position
from core.orgs.scope import manageable, visible
from core.versioning import update_versioned


async def assign(
    *,
    session: AsyncSession,
    principal: Principal,
    person_code: str,
    position_code: str,
    organization_code: str,
    since: dt.date,
) -> Assignment:
    """Put a person in a position of a visible organisation from a date.

    The person must be one the caller manages: every post they currently hold lies in the
    caller's reach (someone serving elsewhere reads as not found, like a missing code).
    """
    if not principal.can(Permission.STAFFING_MANAGE):
        raise ServiceError(ErrorCode.FORBIDDEN, "没有权限 staffing.manage")
    require_plausible(since, "since")
    org = (
        await session.execute(
            select(Organization).where(Organization.code == organization_code, visible(principal))
        )
    ).scalar_one_or_none()
    if org is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "组织不存在或不可见", "organizationCode")
    await _require_reach(session, principal, org.id, "organizationCode")
    position = (
        await session.execute(select(Position).where(Position.code == position_code))
    ).scalar_one_or_none()
    if position is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"岗位不存在: {position_code}", "positionCode")
    if position.category_id != org.category_id:
        raise ServiceError(
            ErrorCode.INVALID, f"岗位 {position.name} 不属于该组织的类别", "positionCode"
        )
    person = (
        await session.execute(select(Person).where(Person.code == person_code))
    ).scalar_one_or_none()
    if person is None or await _serves_elsewhere(session, principal, person.id):
        raise ServiceError(ErrorCode.NOT_FOUND, f"人员不存在: {person_code}", "personCode")
    holding = (
        await session.execute(
            select(Assignment.id).where(
                Assignment.person_id == person.id,
                Assignment.position_id == position.id,
                Assignment.organization_id == org.id,
                Assignment.until.is_(None),
            )
        )
    ).first()
    if holding is not None:
        raise ServiceError(ErrorCode.DUPLICATE, f"{person.name} 已在该岗位任职", "personCode")
    assignment = Assignment(
        person_id=person.id,
        position_id=position.id,
        organization_id=org.id,
        since=since,
        until=None,
        version=1,
    )
    session.add(assignment)
    await session.flush()
    await _audit(
        session,
        principal,
        "assignment.create",
        assignment.id,
        {
            "person": [None, person.code],
            "position": [None, position.code],
            "organization": [None, org.code],
            "since": [None, since.isoformat()],
        },
    )
    return assignment


async def end(
    *,
    session: AsyncSession,
    principal: Principal,
    assignment_id: int,
    until: dt.date,
    expected_version: int,
) -> Assignment:
    """End a term on a date (the record stays); CONFLICT on a stale version."""
    if not principal.can(Permission.STAFFING_MANAGE):
        raise ServiceError(ErrorCode.FORBIDDEN, "没有权限 staffing.manage")
    assignment = (
        await session.execute(
            select(Assignment)
            .join(Organization, Organization.id == Assignment.organization_id)
            .where(Assignment.id == assignment_id, visible(principal))
        )
    ).scalar_one_or_none()
    if assignment is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "任职记录不存在或不可见", "id")
    await _require_reach(session, principal, assignment.organization_id, "id")
    if assignment.until is not None:
        raise ServiceError(ErrorCode.INVALID, "该任职已结束", "id")
    require_plausible(until, "until")
    if until < assignment.since:
        raise ServiceError(ErrorCode.INVALID, "结束日期不能早于开始日期", "until")
    await update_versioned(
        session=session,
        model=Assignment,
        id=assignment_id,
        expected_version=expected_version,
        values={"until": until},
    )
    await session.refresh(assignment)
    await _audit(
        session, principal, "assignment.end", assignment.id, {"until": [None, until.isoformat()]}
    )
    return assignment


async def _serves_elsewhere(session: AsyncSession, principal: Principal, person_id: int) -> bool:
    """True when the person holds a current post outside the caller's `staffing.manage` reach."""
    found = await session.execute(
        select(Assignment.id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(
            Assignment.person_id == person_id,
            Assignment.until.is_(None),
            not_(manageable(principal, Permission.STAFFING_MANAGE)),
        )
        .limit(1)
    )
    return found.first() is not None


async def _require_reach(
    session: AsyncSession, principal: Principal, org_id: int, field: str
) -> None:
    """FORBIDDEN unless `staffing.manage` reaches this (visible) organisation."""
    reached = await session.execute(
        select(Organization.id).where(
            Organization.id == org_id, manageable(principal, Permission.STAFFING_MANAGE)
        )
    )
    if reached.first() is None:
        raise ServiceError(ErrorCode.FORBIDDEN, "没有权限 staffing.manage（该组织）", field)


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: str,
    entity_id: int,
    changes: dict[str, list[str | None]],
) -> None:
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action=action,
        entity_type="Assignment",
        entity_id=str(entity_id),
        changes=dict(changes),
    )
