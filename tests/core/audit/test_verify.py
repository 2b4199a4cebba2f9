"""`dutygraph audit verify | checkpoint`: tampering is found at the exact first bad seq."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit import checkpoint as checkpoints
from core.audit.models import AuditEvent
from core.audit.verify import recompute, walk
from core.config import Settings
from tests.core.audit.helpers import append_events, cli, swap_seq, tamper

Capture = pytest.CaptureFixture[str]
EVENTS = 8


@pytest.fixture
async def chain(engine: AsyncEngine) -> AsyncEngine:
    await append_events(engine, EVENTS)
    return engine


async def test_an_intact_chain_verifies(chain: AsyncEngine, capsys: Capture) -> None:
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert code == 0
    assert out.startswith(f"audit chain OK: {EVENTS} events, head seq {EVENTS}")


async def test_an_empty_chain_verifies_and_checkpoints(
    engine: AsyncEngine, capsys: Capture, tmp_path: Path
) -> None:
    code, out, _ = await cli(engine, capsys, "audit", "checkpoint")
    assert code == 0 and orjson.loads(out)["seq"] == 0
    (tmp_path / "cp").write_text(out)
    code, out, _ = await cli(
        engine, capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp")
    )
    assert (code, out.split(",")[0]) == (0, "audit chain OK: 0 events")


async def test_an_edited_event_is_found(chain: AsyncEngine, capsys: Capture) -> None:
    await tamper(
        chain, """UPDATE audit_event SET changes = '{"name":["名称3","伪造"]}' WHERE seq = 4"""
    )
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert code == 1
    assert out.startswith("audit chain BROKEN at seq 4: hash mismatch")
    assert "(3 events verified before it)" in out


async def test_an_edited_actor_is_found(chain: AsyncEngine, capsys: Capture) -> None:
    await tamper(chain, "UPDATE audit_event SET actor_username = 'xihu' WHERE seq = 6")
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert (code, out.split(":")[0]) == (1, "audit chain BROKEN at seq 6")


async def test_a_deleted_middle_event_is_found(chain: AsyncEngine, capsys: Capture) -> None:
    await tamper(chain, "DELETE FROM audit_event WHERE seq = 5")
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert code == 1
    assert out.startswith("audit chain BROKEN at seq 5: gap in seq: seq 5 is missing")


async def test_a_deleted_first_event_is_found(chain: AsyncEngine, capsys: Capture) -> None:
    await tamper(chain, "DELETE FROM audit_event WHERE seq = 1")
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert (code, out.split(":")[0]) == (1, "audit chain BROKEN at seq 1")


async def test_reordered_events_are_found(chain: AsyncEngine, capsys: Capture) -> None:
    await tamper(chain, *swap_seq(3, 6))
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert code == 1
    assert out.startswith("audit chain BROKEN at seq 3: prev_hash mismatch")


async def test_adjacent_reordered_events_are_found(chain: AsyncEngine, capsys: Capture) -> None:
    await tamper(chain, *swap_seq(7, 8))
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert (code, out.split(":")[0]) == (1, "audit chain BROKEN at seq 7")


async def test_truncation_is_found_with_a_checkpoint(
    chain: AsyncEngine, capsys: Capture, tmp_path: Path
) -> None:
    code, line, _ = await cli(chain, capsys, "audit", "checkpoint")
    assert code == 0
    saved = orjson.loads(line)
    assert saved["seq"] == EVENTS and saved["alg"] == "HMAC-SHA256" and len(saved["hash"]) == 64
    (tmp_path / "checkpoints.jsonl").write_text(line)
    await tamper(chain, "DELETE FROM audit_event WHERE seq >= 6")
    # without the checkpoint a cut tail is indistinguishable from a shorter history
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert (code, out.split(",")[0]) == (0, "audit chain OK: 5 events")
    code, out, _ = await cli(
        chain, capsys, "audit", "verify", "--checkpoint", str(tmp_path / "checkpoints.jsonl")
    )
    assert code == 1
    assert out.startswith(
        "audit chain BROKEN at seq 6: truncated: the chain ends at seq 5 "
        f"but a signed checkpoint names seq {EVENTS}"
    )


async def test_a_rewritten_and_rehashed_chain_is_found_with_a_checkpoint(
    chain: AsyncEngine, capsys: Capture, tmp_path: Path
) -> None:
    _, line, _ = await cli(chain, capsys, "audit", "checkpoint")
    (tmp_path / "cp").write_text(line)
    await _rewrite_and_rehash(chain, from_seq=3)
    code, out, _ = await cli(chain, capsys, "audit", "verify")
    assert code == 0, "a consistent forgery passes the chain check alone"
    code, out, _ = await cli(chain, capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp"))
    assert code == 1
    assert out.startswith(f"audit chain BROKEN at seq {EVENTS}: hash differs from the signed")


async def _rewrite_and_rehash(engine: AsyncEngine, *, from_seq: int) -> None:
    """Forge event `from_seq` and recompute every later hash, as an insider would."""
    await tamper(
        engine,
        f"""UPDATE audit_event SET changes = '{{"name":["x","伪造"]}}' WHERE seq = {from_seq}""",
    )
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(AuditEvent.__table__).where(AuditEvent.seq >= from_seq).order_by("seq")
            )
        ).all()
        prev = (
            await conn.execute(select(AuditEvent.hash).where(AuditEvent.seq == from_seq - 1))
        ).scalar_one()
    statements = []
    for row in rows:
        forged = recompute(_Row(row, prev))
        statements.append(
            f"UPDATE audit_event SET prev_hash = '{prev}', hash = '{forged}' WHERE seq = {row.seq}"
        )
        prev = str(forged)
    await tamper(engine, *statements)


class _Row:
    """A stored row seen with another prev_hash."""

    def __init__(self, row: object, prev_hash: str) -> None:
        self._row = row
        self.prev_hash = prev_hash

    def __getattr__(self, name: str) -> object:
        return getattr(self._row, name)


async def test_several_checkpoints_in_one_file_are_all_checked(
    chain: AsyncEngine, capsys: Capture, tmp_path: Path
) -> None:
    _, first, _ = await cli(chain, capsys, "audit", "checkpoint")
    await append_events(chain, 2)
    _, second, _ = await cli(chain, capsys, "audit", "checkpoint")
    (tmp_path / "cp").write_text(first + "\n" + second)
    code, out, _ = await cli(chain, capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp"))
    assert code == 0 and "2 signed checkpoint(s) match" in out
    await tamper(chain, f"DELETE FROM audit_event WHERE seq > {EVENTS}")
    code, out, _ = await cli(chain, capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp"))
    assert code == 1 and out.startswith(f"audit chain BROKEN at seq {EVENTS + 1}: truncated")


async def test_a_forged_checkpoint_is_refused(
    chain: AsyncEngine, capsys: Capture, tmp_path: Path
) -> None:
    _, line, _ = await cli(chain, capsys, "audit", "checkpoint")
    body = orjson.loads(line)
    body["seq"] = 3  # an attacker moving the checkpoint below the cut
    (tmp_path / "cp").write_text(orjson.dumps(body).decode())
    code, _, err = await cli(chain, capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp"))
    assert code == 1 and "signature does not verify" in err
    # a checkpoint signed with another key is refused the same way
    (tmp_path / "cp").write_text(line)
    code, _, err = await cli(
        chain, capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp"), audit_key="other"
    )
    assert code == 1 and "signature does not verify" in err


async def test_production_needs_an_audit_key(chain: AsyncEngine, capsys: Capture) -> None:
    code, _, err = await cli(chain, capsys, "audit", "checkpoint", env="production")
    assert code == 1 and "DUTYGRAPH_AUDIT_KEY" in err
    code, out, _ = await cli(
        chain, capsys, "audit", "checkpoint", env="production", audit_key="k" * 32
    )
    assert code == 0
    key = Settings(audit_key="k" * 32).audit_signing_key()
    assert checkpoints.from_line(out, key).seq == EVENTS


async def test_the_walk_streams_in_batches_and_breaks_at_a_boundary(chain: AsyncEngine) -> None:
    await tamper(chain, "DELETE FROM audit_event WHERE seq = 5")
    async with chain.connect() as conn:
        intact = await walk(conn=conn, batch=2)
        assert intact.broken is not None and intact.broken.seq == 5 and intact.events == 4
        count = (await conn.execute(text("SELECT COUNT(*) FROM audit_event"))).scalar()
    assert count == EVENTS - 1
