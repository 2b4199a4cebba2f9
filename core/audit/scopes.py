"""Who may read the trail of which entity: one visibility check per audited entity type.

An event's `entity_type` is the GraphQL type name and its `entity_id` the key of the
entity's global id, so `auditTrail(entityId:)` finds the events of the object it names.
Domains register a check for each type they audit; a type without one shows no trail.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.graphql.ids import key_int
from core.orgs.models import Assignment, Organization
from core.orgs.scope import manageable

EntityCheck = Callable[[AsyncConnection, Principal, str], Awaitable[bool]]

_CHECKS: dict[str, EntityCheck] = {}


def register_entity(entity_type: str, check: EntityCheck) -> None:
    """Declare how to tell whether a principal may see an entity of this type."""
    _CHECKS[entity_type] = check


async def entity_visible(
    *, conn: AsyncConnection, principal: Principal, entity_type: str, key: str
) -> bool:
    """True when the entity exists and the principal may see it."""
    check = _CHECKS.get(entity_type)
    return check is not None and await check(conn, principal, key)


def _readable(principal: Principal) -> ColumnElement[bool]:
    """Organisations where a grant carrying `audit.read` reaches."""
    return manageable(principal, Permission.AUDIT_READ)


async def organization_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    """An organisation in the principal's scope."""
    number = key_int(key)
    if number is None:
        return False
    found = await conn.execute(
        select(Organization.id).where(Organization.id == number, _readable(principal))
    )
    return found.first() is not None


async def assignment_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    """An assignment in an organisation of the principal's scope."""
    number = key_int(key)
    if number is None:
        return False
    found = await conn.execute(
        select(Assignment.id)
        .join(Organization, Organization.id == Assignment.organization_id)
        .where(Assignment.id == number, _readable(principal))
    )
    return found.first() is not None


register_entity("Organization", organization_visible)
register_entity("Assignment", assignment_visible)
