"""A configured checkpoint file: `audit checkpoint` appends to it, plain `audit verify` reads
it, so a truncated tail is caught without anyone passing --checkpoint."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.core.audit.helpers import append_events, cli, tamper

Capture = pytest.CaptureFixture[str]


async def test_plain_verify_catches_truncation(
    engine: AsyncEngine, capsys: Capture, tmp_path: Path
) -> None:
    store = tmp_path / "secure" / "audit-checkpoints.jsonl"
    await append_events(engine, 5)
    code, first, _ = await cli(
        engine, capsys, "audit", "checkpoint", audit_checkpoint_file=str(store)
    )
    assert code == 0 and orjson.loads(first)["seq"] == 5
    await append_events(engine, 3)
    code, second, _ = await cli(
        engine, capsys, "audit", "checkpoint", audit_checkpoint_file=str(store)
    )
    assert code == 0 and orjson.loads(second)["seq"] == 8
    assert store.read_text().splitlines() == [first.strip(), second.strip()]
    code, out, _ = await cli(engine, capsys, "audit", "verify", audit_checkpoint_file=str(store))
    assert code == 0 and "2 signed checkpoint(s) match" in out
    await tamper(engine, "DELETE FROM audit_event WHERE seq > 6")  # cut off the tail
    code, out, _ = await cli(engine, capsys, "audit", "verify")  # no file configured: blind
    assert code == 0
    code, out, _ = await cli(engine, capsys, "audit", "verify", audit_checkpoint_file=str(store))
    assert code == 1
    assert out.startswith("audit chain BROKEN at seq 7: truncated")


async def test_a_missing_configured_file_fails(
    engine: AsyncEngine, capsys: Capture, tmp_path: Path
) -> None:
    await append_events(engine, 2)
    missing = tmp_path / "gone.jsonl"
    code, _, err = await cli(engine, capsys, "audit", "verify", audit_checkpoint_file=str(missing))
    assert code == 1 and "DUTYGRAPH_AUDIT_CHECKPOINT_FILE" in err
