"""Appending to the hash-chained audit trail, in the caller's transaction.

The canonical form (documented in docs/audit.md so an auditor can re-verify independently):
``hash = SHA-256(prev_hash ‖ canonical JSON of the event)`` where ``prev_hash`` is the
previous event's 64-character lowercase hex hash as ASCII (64 zeros for the first event)
and the canonical JSON is the object ``{seq, at, actor, action, entity_type, entity_id,
changes}`` with sorted keys, UTF-8, no insignificant whitespace. Never change this form:
every stored hash depends on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import orjson
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.models import AuditEvent
from core.db import utcnow

GENESIS = "0" * 64
ADVISORY_LOCK_KEY = 7_301_946_118  # serialises audit writers on PostgreSQL: no forks
# SQLite: a write that matches no row still takes the database's write lock (RESERVED), so
# the head read below happens inside the lock even when the caller has not written yet.
SQLITE_WRITE_LOCK = "UPDATE audit_event SET seq = seq WHERE 0"


def canonical(payload: dict[str, Any]) -> bytes:
    """Canonical JSON: sorted keys, UTF-8, no insignificant whitespace."""
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    """SHA-256 of the previous hash followed by the canonical JSON of the event."""
    return hashlib.sha256(prev_hash.encode() + canonical(payload)).hexdigest()


def as_utc(at: dt.datetime) -> dt.datetime:
    """A stored time as aware UTC (SQLite hands back naive UTC values)."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


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
        "at": as_utc(at).isoformat(),
        "actor": actor_username,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "changes": changes,
    }


async def _lock_chain(session: AsyncSession) -> None:
    """Hold the chain's writer lock until the caller's transaction ends."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        await conn.execute(text(SQLITE_WRITE_LOCK))


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
    """Append one event to the chain inside the caller's transaction (call it last)."""
    await _lock_chain(session)
    last = (
        await session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        )
    ).first()
    seq = 1 if last is None else last.seq + 1
    prev_hash = GENESIS if last is None else last.hash
    at = utcnow()
    stored_changes = canonical(changes).decode()
    payload = payload_of(
        seq=seq,
        at=at,
        actor_username=actor_username,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=orjson.loads(stored_changes),  # exactly what a verifier reads back
    )
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_username=actor_username,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=stored_changes,
        prev_hash=prev_hash,
        hash=event_hash(prev_hash, payload),
    )
    session.add(event)
    await session.flush()
    return event


async def append_many(
    *,
    session: AsyncSession,
    actor_id: int | None,
    actor_username: str | None,
    events: list[tuple[str, str, str, dict[str, Any]]],
) -> int:
    """Append several events (action, entity type, entity id, changes) in one insert: the
    chain is read and locked once (a district's upload writes thousands)."""
    if not events:
        return 0
    await _lock_chain(session)
    last = (
        await session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        )
    ).first()
    seq = 0 if last is None else last.seq
    prev_hash = GENESIS if last is None else last.hash
    at = utcnow()
    rows = []
    for action, entity_type, entity_id, changes in events:
        seq += 1
        stored = canonical(changes).decode()
        payload = payload_of(
            seq=seq,
            at=at,
            actor_username=actor_username,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            changes=orjson.loads(stored),
        )
        digest = event_hash(prev_hash, payload)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor_id": actor_id,
                "actor_username": actor_username,
                "action": action,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "changes": stored,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    await session.execute(insert(AuditEvent), rows)
    return len(rows)
