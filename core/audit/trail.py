"""Reading the audit trail of one entity, scoped to what the principal may see."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.audit.models import AuditEvent
from core.audit.scopes import entity_visible
from core.audit.service import as_utc
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.graphql import ids


class ActorRow(NamedTuple):
    username: str


class AuditRow(NamedTuple):
    seq: int
    at: dt.datetime
    actor: ActorRow | None
    action: str
    entity_type: str
    entity_id: str  # the global id of the entity
    changes: dict[str, Any]
    prev_hash: str
    hash: str


COLUMNS = (
    AuditEvent.seq,
    AuditEvent.at,
    AuditEvent.actor_username,
    AuditEvent.action,
    AuditEvent.entity_type,
    AuditEvent.entity_id,
    AuditEvent.changes,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def _record(row: Any) -> AuditRow:
    return AuditRow(
        seq=row.seq,
        at=as_utc(row.at),
        actor=None if row.actor_username is None else ActorRow(row.actor_username),
        action=row.action,
        entity_type=row.entity_type,
        entity_id=ids.encode(row.entity_type, row.entity_id),
        changes=orjson.loads(row.changes),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


async def trail(
    *, conn: AsyncConnection, principal: Principal, entity_id: str, offset: int, limit: int
) -> tuple[list[AuditRow], int]:
    """Up to limit+1 events of a visible entity in seq order, and their total; ([], 0) if none.

    Missing, foreign and malformed ids and principals without `audit.read` all get ([], 0).
    """
    parsed = ids.decode(entity_id)
    if parsed is None or not principal.can(Permission.AUDIT_READ):
        return [], 0
    entity_type, key = parsed
    if not await entity_visible(conn=conn, principal=principal, entity_type=entity_type, key=key):
        return [], 0
    where = (AuditEvent.entity_type == entity_type, AuditEvent.entity_id == key)
    total = (
        await conn.execute(select(func.count()).select_from(AuditEvent).where(*where))
    ).scalar()
    rows = await conn.execute(
        select(*COLUMNS).where(*where).order_by(AuditEvent.seq).offset(offset).limit(limit + 1)
    )
    return [_record(row) for row in rows], int(total or 0)
