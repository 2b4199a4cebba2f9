"""Shared helpers of the audit tests: writing events, tampering as the database owner."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit import service as audit
from core.db import session_factory
from gateway.cli import invoke
from tests.conftest import settings_for


async def append_events(engine: AsyncEngine, count: int, *, entity_id: str = "2") -> None:
    """Append `count` events, one transaction each, as `admin` on Organization `entity_id`."""
    sessions = session_factory(engine)
    for i in range(count):
        async with sessions.begin() as session:
            await audit.append(
                session=session,
                actor_id=1,
                actor_username="admin",
                action="organization.update",
                entity_type="Organization",
                entity_id=entity_id,
                changes={"name": [f"名称{i}", f"名称{i + 1}"]},
            )


async def tamper(engine: AsyncEngine, *statements: str) -> None:
    """Run statements with the append-only guard lifted, as only a table owner could."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            await conn.execute(text("DROP TRIGGER IF EXISTS audit_event_no_update"))
            await conn.execute(text("DROP TRIGGER IF EXISTS audit_event_no_delete"))
        for statement in statements:
            await conn.execute(text(statement))
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))


async def cli(
    engine: AsyncEngine, capsys: pytest.CaptureFixture[str], *argv: str, **settings: Any
) -> tuple[int, str, str]:
    """Run `dutygraph ARGV` on the engine's database: (exit code, stdout, stderr)."""
    url = engine.url.render_as_string(hide_password=False)
    capsys.readouterr()
    code = await asyncio.to_thread(invoke, list(argv), settings_for(url, **settings))
    out, err = capsys.readouterr()
    return int(code), out, err


def swap_seq(a: int, b: int) -> Sequence[str]:
    """Statements that exchange the seq of two events (a reorder)."""
    return [
        f"UPDATE audit_event SET seq = -1 WHERE seq = {a}",
        f"UPDATE audit_event SET seq = {a} WHERE seq = {b}",
        f"UPDATE audit_event SET seq = {b} WHERE seq = -1",
    ]
