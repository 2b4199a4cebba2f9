"""Signed checkpoints of the chain's head, kept outside the database to detect truncation."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.audit.models import AuditEvent
from core.audit.service import GENESIS, canonical
from core.db import utcnow

ALGORITHM = "HMAC-SHA256"


class CheckpointError(ValueError):
    """A checkpoint line is malformed or its signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at a moment: its seq and hash (seq 0 = the empty chain)."""

    seq: int
    hash: str
    at: str

    def signed_content(self) -> bytes:
        """What the signature covers: canonical JSON of seq, hash and time."""
        return canonical({"seq": self.seq, "hash": self.hash, "at": self.at})


def signature(checkpoint: Checkpoint, key: bytes) -> str:
    """The hex HMAC-SHA256 of a checkpoint under the audit key."""
    return hmac.new(key, checkpoint.signed_content(), hashlib.sha256).hexdigest()


def to_line(checkpoint: Checkpoint, key: bytes) -> str:
    """One JSON line: seq, hash, at, alg and signature."""
    body = {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "at": checkpoint.at,
        "alg": ALGORITHM,
        "signature": signature(checkpoint, key),
    }
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()


def _field(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CheckpointError(f"checkpoint field {name!r} is missing or not a {kind.__name__}")
    return value


def from_line(line: str, key: bytes) -> Checkpoint:
    """Parse one checkpoint line and check its signature; CheckpointError otherwise."""
    try:
        body = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise CheckpointError("checkpoint is not valid JSON") from exc
    if not isinstance(body, dict):
        raise CheckpointError("checkpoint is not a JSON object")
    if body.get("alg") != ALGORITHM:
        raise CheckpointError(f"checkpoint algorithm must be {ALGORITHM}")
    checkpoint = Checkpoint(
        seq=_field(body, "seq", int), hash=_field(body, "hash", str), at=_field(body, "at", str)
    )
    if not hmac.compare_digest(signature(checkpoint, key), _field(body, "signature", str)):
        raise CheckpointError(
            f"checkpoint signature does not verify (seq {checkpoint.seq}): "
            "forged, altered, or signed with another DUTYGRAPH_AUDIT_KEY"
        )
    return checkpoint


def read_file(text: str, key: bytes) -> list[Checkpoint]:
    """Every checkpoint of a file (one JSON line each; blank lines ignored)."""
    found = [from_line(line, key) for line in text.splitlines() if line.strip()]
    if not found:
        raise CheckpointError("the checkpoint file holds no checkpoint")
    return found


async def head(*, conn: AsyncConnection) -> Checkpoint:
    """The current head of the chain, stamped with the current time (UTC)."""
    last = (
        await conn.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        )
    ).first()
    at = utcnow().isoformat()
    if last is None:
        return Checkpoint(seq=0, hash=GENESIS, at=at)
    return Checkpoint(seq=last.seq, hash=last.hash, at=at)
