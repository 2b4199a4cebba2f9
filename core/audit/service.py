"""Appending to the hash-chained audit trail, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.models import AuditEvent
from core.db import utcnow

GENESIS = "0" * 64
ADVISORY_LOCK_KEY = 7_301_946_118  # serialises audit writers on PostgreSQL: no forks


def canonical(payload: dict[str, Any]) -> bytes:
    """Canonical JSON: sorted keys, UTF-8, no insignificant whitespace."""
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    """SHA-256 of the previous hash followed by the canonical JSON of the event."""
    return hashlib.sha256(prev_hash.encode() + canonical(payload)).hexdigest()


def payload_of(
    *,
    seq: int,
    at: dt.datetime,
    actor_username: str | None,
    action: str,
    entity_type: str,
    entity_id: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """The hashed content of an event."""
    return {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(),
        "actor": actor_username,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "changes": changes,
    }


async def append(
    *,
    session: AsyncSession,
    actor_id: int | None,
    actor_username: str | None,
    action: str,
    entity_type: str,
    entity_id: str,
    changes: dict[str, Any],
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        )
    last = (
        await session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        )
    ).first()
    seq = 1 if last is None else last.seq + 1
    prev_hash = GENESIS if last is None else last.hash
    at = utcnow()
    payload = payload_of(
        seq=seq,
        at=at,
        actor_username=actor_username,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes,
    )
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_username=actor_username,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=orjson.dumps(changes, option=orjson.OPT_SORT_KEYS).decode(),
        prev_hash=prev_hash,
        hash=event_hash(prev_hash, payload),
    )
    session.add(event)
    await session.flush()
    return event
