"""A writable demo city of its own for the authorisation matrix (mutations change it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core import migrate
from gateway.app import Runtime, create_runtime
from tests.conftest import Databases, client_for, settings_for, token_for
from tests.security.world import World, load_world


@dataclass
class City:
    runtime: Runtime
    client: httpx.AsyncClient
    world: World

    async def post(
        self, query: str, variables: dict[str, Any], account: str
    ) -> tuple[int, dict[str, Any]]:
        """POST a document as a matrix account; (status, decoded body)."""
        username = self.username(account)
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token_for(self.runtime, username)}"},
        )
        body: dict[str, Any] = response.json() if response.content else {}
        return response.status_code, body

    def username(self, account: str) -> str:
        return self.world.accounts[account].username

    async def reload(self) -> None:
        """Re-read the tree after a mutation (new organisations), keeping the subjects."""
        fresh = await load_world(self.runtime.engine)
        for name, account in fresh.accounts.items():
            account.subjects = self.world.accounts[name].subjects
        self.world = fresh

    async def audit_count(self) -> int:
        async with self.runtime.engine.connect() as conn:
            count: int = (await conn.execute(text("SELECT count(*) FROM audit_event"))).scalar_one()
        return count


async def _seed_tasks(runtime: Runtime, world: World) -> None:
    """One open task in each subject organisation, when the calendar and a duty exist."""
    orgs = sorted(
        {s.org_id for a in world.accounts.values() for s in a.subjects.values() if s.org_id}
    )
    try:
        async with runtime.engine.begin() as conn:
            duty = (await conn.execute(text("SELECT min(id) FROM duty"))).scalar()
            if duty is None:
                return
            for org_id in orgs:
                await conn.execute(
                    text(
                        "INSERT INTO task (slot, duty_id, organization_id, title, period, due_on,"
                        " status, version, late, created_at) VALUES (:slot, :duty, :org,"
                        " '矩阵测试任务', '2026', :due, 'OPEN', 1, :late, :now)"
                    ),
                    {
                        "slot": f"matrix:{org_id}",
                        "duty": duty,
                        "org": org_id,
                        "due": dt.date(2026, 12, 31),
                        "late": False,
                        "now": dt.datetime.now(dt.UTC),
                    },
                )
    except DBAPIError:  # the calendar's tables are not there yet
        return


@pytest.fixture(scope="module")
async def city(databases: Databases) -> AsyncIterator[City]:
    """A fresh demo city shared by one module's tests on one backend."""
    from core.demo.loader import load_demo

    url = await databases.new()
    runtime = create_runtime(settings_for(url))
    await migrate.upgrade(runtime.engine, runtime.pm)
    await load_demo(engine=runtime.engine, pm=runtime.pm, scale=1)
    world = await load_world(runtime.engine)
    await _seed_tasks(runtime, world)
    async with client_for(runtime) as client:
        yield City(runtime, client, world)
    await runtime.engine.dispose()
