"""`_entities` (Apollo Federation) is a classic leak path: a reference resolves only inside the
principal's reach, exactly like `organization(code:)` — checked for every organisation of
the demo city and every account of the leak test, by code and by global id, on the core
subgraph's schema served over HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from core.graphql import ids
from gateway.app import Runtime, create_runtime
from gateway.federation.subgraph import builder
from tests.conftest import Databases, client_for, settings_for, token_for
from tests.security.world import ACCOUNTS, World, load_world

ENTITIES = """
query Refs($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Organization { code name }
    ... on Person { code name }
    ... on Task { id title }
    ... on OrgCategory { code }
    ... on Position { code }
    ... on Viewer { username }
  }
}
"""
CHUNK = 100


@dataclass
class Subgraph:
    runtime: Runtime
    client: httpx.AsyncClient
    world: World

    async def refs(
        self, representations: list[dict[str, Any]], account: str | None
    ) -> tuple[int, dict[str, Any]]:
        headers = {}
        if account is not None:
            username = self.world.accounts[account].username
            headers["Authorization"] = f"Bearer {token_for(self.runtime, username)}"
        response = await self.client.post(
            "/graphql",
            json={"query": ENTITIES, "variables": {"representations": representations}},
            headers=headers,
        )
        return response.status_code, response.json()


@pytest.fixture(scope="module")
async def core(databases: Databases, demo_template: str) -> AsyncIterator[Subgraph]:
    """The core subgraph over a copy of the demo city."""
    url = await databases.clone(demo_template)
    runtime = create_runtime(settings_for(url), build=builder("core"))
    world = await load_world(runtime.engine)
    async with client_for(runtime) as client:
        yield Subgraph(runtime, client, world)
    await runtime.engine.dispose()


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("key", ["code", "id"])
async def test_organization_references_resolve_only_in_reach(
    core: Subgraph, account: str, key: str
) -> None:
    world = core.world
    visible = world.accounts[account].visible
    orgs = sorted(world.orgs.values(), key=lambda o: o.code)
    leaked: list[str] = []
    hidden: list[str] = []
    for chunk in _chunks(orgs):
        reps = [
            {
                "__typename": "Organization",
                key: o.code if key == "code" else ids.encode("Organization", o.id),
            }
            for o in chunk
        ]
        status, body = await core.refs(reps, account)
        assert status == 200 and "errors" not in body, body
        for org, found in zip(chunk, body["data"]["_entities"], strict=True):
            if found is None and org.id in visible:
                hidden.append(org.code)
            if found is not None:
                assert found["code"] == org.code
                if org.id not in visible:
                    leaked.append(org.code)
    assert not leaked, f"{account} resolved references outside its reach: {leaked[:10]}"
    assert not hidden, f"{account} could not resolve references in its reach: {hidden[:10]}"
    assert len(visible) < len(orgs) or account == "admin"


SUBTREE = (
    "SELECT c.descendant_id FROM org_closure c JOIN organization r ON r.id = c.ancestor_id "
    "WHERE r.code = '330106'"
)


async def _one(core: Subgraph, sql: str) -> Any:
    async with core.runtime.engine.connect() as conn:
        return (await conn.execute(text(sql + " LIMIT 1"))).scalar_one()


async def _task(core: Subgraph, org_code: str) -> int:
    """A new open task of an organisation (the demo template has no calendar)."""
    async with core.runtime.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO task (slot, duty_id, organization_id, title, period, due_on, "
                "status, version, late, created_at) SELECT :slot, (SELECT min(id) FROM duty), "
                "o.id, '引用测试任务', '2026', :due, 'OPEN', 1, :late, :now "
                "FROM organization o WHERE o.code = :code"
            ),
            {
                "slot": f"entities:{org_code}",
                "code": org_code,
                "due": dt.date(2026, 12, 31),
                "late": False,
                "now": dt.datetime.now(dt.UTC),
            },
        )
    task_id: int = await _one(
        core,
        f"SELECT t.id FROM task t JOIN organization o ON o.id = t.organization_id "
        f"WHERE o.code = '{org_code}' AND t.slot = 'entities:{org_code}'",
    )
    return task_id


async def test_people_and_tasks_follow_the_same_scope(core: Subgraph) -> None:
    """xihu (西湖区 330106 and its subtree) resolves the people holding posts and the
    tasks there, and nothing outside."""
    holders = "SELECT p.code FROM person p JOIN assignment a ON a.person_id = p.id WHERE "
    inside = await _one(core, f"{holders} a.organization_id IN ({SUBTREE})")
    outside = await _one(
        core,
        f"SELECT p.code FROM person p WHERE EXISTS (SELECT 1 FROM assignment a "
        f"WHERE a.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM assignment a "
        f"WHERE a.person_id = p.id AND a.organization_id IN ({SUBTREE})) "
        f"AND p.id NOT IN (SELECT person_id FROM account WHERE username = 'xihu' "
        f"AND person_id IS NOT NULL)",
    )
    task_in = await _task(core, "330106")
    task_out = await _task(core, "330102")
    reps = [
        {"__typename": "Person", "code": inside},
        {"__typename": "Person", "code": outside},
        {"__typename": "Task", "id": ids.encode("Task", task_in)},
        {"__typename": "Task", "id": ids.encode("Task", task_out)},
        {"__typename": "Viewer", "username": "xihu"},
        {"__typename": "Viewer", "username": "admin"},
        {"__typename": "OrgCategory", "code": "DISTRICT"},
    ]
    status, body = await core.refs(reps, "xihu")
    assert status == 200 and "errors" not in body, body
    found = body["data"]["_entities"]
    assert found[0]["code"] == inside and found[1] is None
    assert found[2]["id"] == ids.encode("Task", task_in) and found[3] is None
    assert found[4] == {"__typename": "Viewer", "username": "xihu"} and found[5] is None
    assert found[6] == {"__typename": "OrgCategory", "code": "DISTRICT"}


async def test_bad_references_are_errors_naming_the_subgraph(core: Subgraph) -> None:
    reps = [
        {"__typename": "Organization", "code": "330106"},
        {"__typename": "Organization", "name": "西湖区"},
        {"__typename": "Planet", "code": "earth"},
    ]
    status, body = await core.refs(reps, "admin")
    assert status == 200
    assert body["data"]["_entities"][0]["name"] == "西湖区"
    assert body["data"]["_entities"][1:] == [None, None]
    errors = {tuple(e["path"]): e for e in body["errors"]}
    missing_key = errors[("_entities", 1)]
    assert "subgraph 'core'" in missing_key["message"]
    assert "needs one of code, id" in missing_key["message"]
    assert missing_key["extensions"]["code"] == "BAD_REFERENCE"
    assert "unknown entity type 'Planet'" in errors[("_entities", 2)]["message"]


async def test_references_need_a_valid_token(core: Subgraph) -> None:
    status, body = await core.refs([{"__typename": "Organization", "code": "330106"}], None)
    assert status == 401 and body["data"] is None, body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    response = await core.client.post(
        "/graphql",
        json={"query": ENTITIES, "variables": {"representations": []}},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
