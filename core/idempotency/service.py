"""Claiming, completing, releasing and purging idempotency keys, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.idempotency.models import IdempotencyKey

KEYS = IdempotencyKey


class Outcome(enum.Enum):
    """What claiming a key found."""

    CLAIMED = "claimed"  # the key is ours: run the request, then complete or release it
    REPLAY = "replay"  # a finished request with the same body: answer its stored response
    IN_PROGRESS = "in_progress"  # a request with this key is still running
    MISMATCH = "mismatch"  # the key was used with a different request body


@dataclass(frozen=True)
class StoredResponse:
    """The response of the first request with a key."""

    status: int
    content_type: str | None
    body: bytes


@dataclass(frozen=True)
class Claim:
    """The outcome of a claim, with the stored response for a replay."""

    outcome: Outcome
    response: StoredResponse | None = None


def _insert_if_absent(conn: AsyncConnection, values: dict[str, Any]) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return (
        dialect.insert(KEYS)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["owner", "key"])
        .returning(KEYS.owner)
    )


def _this(owner: str, key: str) -> Any:
    return (KEYS.owner == owner) & (KEYS.key == key)


async def claim(
    *,
    conn: AsyncConnection,
    owner: str,
    key: str,
    request_hash: str,
    now: dt.datetime,
    ttl: dt.timedelta,
) -> Claim:
    """Claim a key for a request, or say why not (stored response, still running, reused)."""
    await conn.execute(delete(KEYS).where(_this(owner, key) & (KEYS.expires_at <= now)))
    values = {
        "owner": owner,
        "key": key,
        "request_hash": request_hash,
        "created_at": now,
        "expires_at": now + ttl,
    }
    if (await conn.execute(_insert_if_absent(conn, values))).first() is not None:
        return Claim(Outcome.CLAIMED)
    row = (
        await conn.execute(
            select(KEYS.request_hash, KEYS.status, KEYS.content_type, KEYS.body).where(
                _this(owner, key)
            )
        )
    ).first()
    if row is None:  # released by its failed first request a moment ago: let the client retry
        return Claim(Outcome.IN_PROGRESS)
    if row.request_hash != request_hash:
        return Claim(Outcome.MISMATCH)
    if row.status is None:
        return Claim(Outcome.IN_PROGRESS)
    return Claim(Outcome.REPLAY, StoredResponse(row.status, row.content_type, row.body or b""))


async def complete(
    *, conn: AsyncConnection, owner: str, key: str, response: StoredResponse
) -> None:
    """Store the response of a claimed key's request (later replays answer it)."""
    await conn.execute(
        update(KEYS)
        .where(_this(owner, key))
        .values(status=response.status, content_type=response.content_type, body=response.body)
    )


async def release(*, conn: AsyncConnection, owner: str, key: str) -> None:
    """Give up a claim whose request failed before answering, so the client may retry."""
    await conn.execute(delete(KEYS).where(_this(owner, key) & KEYS.status.is_(None)))


async def purge_expired(*, conn: AsyncConnection, now: dt.datetime) -> int:
    """Delete every expired key; the number deleted."""
    result = await conn.execute(delete(KEYS).where(KEYS.expires_at <= now))
    return int(result.rowcount or 0)
