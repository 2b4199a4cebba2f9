"""SQL statements per request, counted exactly (engine events) through the real app."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import event

from bench.read_queries import Pair
from core.auth import tokens
from core.config import Settings
from gateway.app import create_app, create_runtime
from gateway.context import principal_cache


async def count(url: str, queries: list[Pair]) -> dict[str, tuple[int, int]]:
    """Per query: (statements with the principal loaded, with the principal cached)."""
    runtime = create_runtime(Settings(database_url=url, rate_limit_enabled=False))
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", on_execute)
    found: dict[str, tuple[int, int]] = {}
    transport = httpx.ASGITransport(app=create_app(runtime))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for pair in queries:
                token = tokens.mint(settings=runtime.settings, username=pair.user)
                headers = {"Authorization": f"Bearer {token}"}
                counts = []
                for cached in (False, True, True):
                    if not cached:
                        principal_cache(runtime.engine).forget()
                    seen.clear()
                    response = await client.post("/graphql", json=pair.ours, headers=headers)
                    body = response.json()
                    assert "errors" not in body and body.get("data"), body
                    counts.append(len(seen))
                found[pair.name] = (counts[0], counts[2])
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", on_execute)
        await runtime.engine.dispose()
    return found
