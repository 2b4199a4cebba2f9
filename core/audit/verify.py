"""Walking the chain in seq order (keyset batches, constant memory) to find the first break."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.audit.checkpoint import Checkpoint
from core.audit.models import AuditEvent
from core.audit.service import GENESIS, event_hash, payload_of
from core.audit.trail import COLUMNS

BATCH = 5000


@dataclass(frozen=True)
class Break:
    """The first place the chain is not what was written: the seq and why."""

    seq: int
    reason: str


@dataclass(frozen=True)
class Outcome:
    """The result of a walk: events checked, the head reached, the first break if any."""

    events: int
    head_seq: int
    head_hash: str
    broken: Break | None
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        """True when the whole chain (and every checkpoint) verified."""
        return self.broken is None


def recompute(row: Any) -> str | None:
    """The hash a stored event should have (None when its `changes` is not JSON)."""
    try:
        changes = orjson.loads(row.changes)
    except orjson.JSONDecodeError:
        return None
    payload = payload_of(
        seq=row.seq,
        at=row.at,
        actor_username=row.actor_username,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        changes=changes,
    )
    return event_hash(row.prev_hash, payload)


def check_event(row: Any, last_seq: int, last_hash: str) -> Break | None:
    """Why one event does not follow the previous one, or None."""
    if row.seq != last_seq + 1:
        return Break(
            last_seq + 1,
            f"gap in seq: seq {last_seq + 1} is missing (seq {last_seq} is followed by {row.seq})",
        )
    if row.prev_hash != last_hash:
        return Break(row.seq, f"prev_hash mismatch: prev_hash is not the hash of seq {last_seq}")
    recomputed = recompute(row)
    if recomputed is None:
        return Break(row.seq, "hash mismatch: the stored changes are not valid JSON")
    if recomputed != row.hash:
        return Break(row.seq, "hash mismatch: the stored event does not match its hash")
    return None


def _against(row: Any, checkpoints: dict[int, list[Checkpoint]]) -> Break | None:
    for checkpoint in checkpoints.get(row.seq, []):
        if checkpoint.hash != row.hash:
            return Break(
                row.seq,
                f"hash differs from the signed checkpoint of {checkpoint.at}: "
                "the chain was rewritten",
            )
    return None


async def walk(
    *,
    conn: AsyncConnection,
    checkpoints: Sequence[Checkpoint] = (),
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Verify the whole chain (and the checkpoints), stopping at the first break.

    `progress` is told the number of events verified after each batch.
    """
    by_seq: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
    last_seq, last_hash, events = 0, GENESIS, 0
    while True:
        rows = (
            await conn.execute(
                select(*COLUMNS)
                .where(AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq)
                .limit(batch)
            )
        ).all()
        for row in rows:
            broken = check_event(row, last_seq, last_hash) or _against(row, by_seq)
            if broken is not None:
                return Outcome(events, last_seq, last_hash, broken, len(checkpoints))
            last_seq, last_hash, events = row.seq, row.hash, events + 1
        if progress is not None:
            progress(events)
        if len(rows) < batch:
            break
    return Outcome(events, last_seq, last_hash, _truncated(last_seq, by_seq), len(checkpoints))


def _truncated(last_seq: int, checkpoints: dict[int, list[Checkpoint]]) -> Break | None:
    beyond = [seq for seq in checkpoints if seq > last_seq]
    if not beyond:
        return None
    return Break(
        last_seq + 1,
        f"truncated: the chain ends at seq {last_seq} but a signed checkpoint names "
        f"seq {max(beyond)}",
    )
