"""Idempotency-Key on mutations: one execution per key, replays answer the first response."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from core.audit.models import AuditEvent
from core.graphql import ids
from core.idempotency import service
from core.idempotency.models import IdempotencyKey
from gateway.app import AuthenticatedGraphQL, GraphQLView, Runtime, create_runtime
from gateway.graphql_request import GraphQLPost
from gateway.idempotency import Idempotency, parse_key
from gateway.request_guard import RequestGuard
from tests.conftest import client_for, settings_for, token_for

RENAME = """
mutation RenameOrganization($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) {
    organization { code name version }
    errors { field message code }
  }
}"""
T0 = dt.datetime(2026, 11, 27, 4, 0, tzinfo=dt.UTC)


def rename(code: str, name: str, version: int = 1) -> dict[str, Any]:
    org_id = {"330106": 2, "330106001": 4}[code]
    variables = {
        "input": {
            "id": ids.encode("Organization", org_id),
            "expectedVersion": version,
            "name": name,
        }
    }
    return {"query": RENAME, "variables": variables}


async def post(
    client: httpx.AsyncClient,
    runtime: Runtime,
    body: dict[str, Any] | bytes,
    *,
    key: str | bytes | None = None,
    user: str = "admin",
) -> httpx.Response:
    headers = [
        (b"authorization", f"Bearer {token_for(runtime, user)}".encode()),
        (b"content-type", b"application/json"),
    ]
    if key is not None:
        headers.append((b"idempotency-key", key if isinstance(key, bytes) else key.encode()))
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return await client.post("/graphql", content=content, headers=headers)


async def audit_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(AuditEvent))).scalar_one())


async def stored_keys(engine: AsyncEngine) -> list[tuple[str, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(IdempotencyKey.owner, IdempotencyKey.key))
        return sorted((row.owner, row.key) for row in rows)


@pytest.fixture
def runtime(minimal: AsyncEngine) -> Runtime:
    return create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(runtime) as http:
        yield http


class Clock:
    """A settable UTC clock."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def client_with(runtime: Runtime, idempotency: Idempotency) -> httpx.AsyncClient:
    guard = RequestGuard(limiter=None, idempotency=idempotency)
    graphql = AuthenticatedGraphQL(runtime, GraphQLView(runtime), guard=guard)
    app = Starlette(routes=[Route("/graphql", graphql)])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_replay_returns_the_first_response_without_a_second_effect(
    client: httpx.AsyncClient, runtime: Runtime, minimal: AsyncEngine
) -> None:
    body = rename("330106", "西湖区（一次）")
    first = await post(client, runtime, body, key="rename-1")
    payload = first.json()["data"]["updateOrganization"]
    assert payload["errors"] == [] and payload["organization"]["version"] == 2
    # the same request again, and once more serialised differently (key order, spacing)
    again = await post(client, runtime, body, key="rename-1")
    reordered = orjson.dumps(
        {"variables": body["variables"], "query": body["query"]}, option=orjson.OPT_INDENT_2
    )
    third = await post(client, runtime, reordered, key='"rename-1"')
    for replay in (again, third):
        assert replay.status_code == first.status_code == 200
        assert replay.content == first.content
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.headers["content-type"] == first.headers["content-type"]
    assert "idempotent-replayed" not in first.headers
    assert await audit_count(minimal) == 1
    assert await stored_keys(minimal) == [("account:1", "rename-1")]


async def test_same_key_with_another_body_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, minimal: AsyncEngine
) -> None:
    await post(client, runtime, rename("330106", "西湖区（一次）"), key="k")
    other = await post(client, runtime, rename("330106", "别的名字", version=2), key="k")
    assert other.status_code == 422
    error = other.json()["errors"][0]
    assert error["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert "Idempotency-Key" in error["message"]
    assert await audit_count(minimal) == 1


async def test_keys_are_per_principal(
    client: httpx.AsyncClient, runtime: Runtime, minimal: AsyncEngine
) -> None:
    admin = await post(client, runtime, rename("330106001", "北山（管理员）"), key="same")
    xihu = await post(
        client, runtime, rename("330106001", "北山（西湖）", version=2), key="same", user="xihu"
    )
    assert admin.json()["data"]["updateOrganization"]["organization"]["version"] == 2
    assert xihu.json()["data"]["updateOrganization"]["organization"] == {
        "code": "330106001",
        "name": "北山（西湖）",
        "version": 3,
    }
    assert "idempotent-replayed" not in xihu.headers
    assert await audit_count(minimal) == 2
    assert await stored_keys(minimal) == [("account:1", "same"), ("account:2", "same")]


async def test_keys_expire_after_24_hours_and_are_purged(
    runtime: Runtime, minimal: AsyncEngine
) -> None:
    clock = Clock(T0)
    body = rename("330106", "西湖区（一次）")
    async with client_with(runtime, Idempotency(minimal, clock=clock)) as client:
        first = await post(client, runtime, body, key="a")
        await post(client, runtime, rename("330106001", "北山"), key="b")
        clock.now = T0 + dt.timedelta(hours=23, minutes=59)
        assert (await post(client, runtime, body, key="a")).content == first.content
        assert await audit_count(minimal) == 2
        clock.now = T0 + dt.timedelta(hours=24, seconds=1)
        late = await post(client, runtime, body, key="a")
    # the key had expired: the mutation ran again (and met the version it bumped itself)
    assert "idempotent-replayed" not in late.headers
    assert late.json()["data"]["updateOrganization"]["errors"][0]["code"] == "CONFLICT"
    assert await stored_keys(minimal) == [("account:1", "a")]  # "b" was purged
    async with minimal.connect() as conn:
        expires = (await conn.execute(select(IdempotencyKey.expires_at))).scalar_one()
    assert expires.replace(tzinfo=dt.UTC) == clock.now + dt.timedelta(hours=24)


async def test_concurrent_requests_with_one_key_run_once(
    client: httpx.AsyncClient, runtime: Runtime, minimal: AsyncEngine
) -> None:
    body = rename("330106", "西湖区（并发）")
    responses = await asyncio.gather(*(post(client, runtime, body, key="burst") for _ in range(10)))
    assert {r.status_code for r in responses} <= {200, 409}
    done = [r for r in responses if r.status_code == 200]
    assert done and all(r.content == done[0].content for r in done)
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_IN_PROGRESS"
        assert refused.headers["retry-after"] == "1"
    assert done[0].json()["data"]["updateOrganization"]["organization"]["version"] == 2
    assert await audit_count(minimal) == 1


async def test_a_key_still_in_progress_is_409_and_nothing_runs(
    client: httpx.AsyncClient, runtime: Runtime, minimal: AsyncEngine
) -> None:
    body = rename("330106", "西湖区（二次）")
    fingerprint = GraphQLPost(orjson.dumps(body), "application/json").fingerprint()
    async with minimal.begin() as conn:  # as if another replica were running it right now
        claim = await service.claim(
            conn=conn,
            owner="account:1",
            key="busy",
            request_hash=fingerprint,
            now=dt.datetime.now(dt.UTC),
            ttl=dt.timedelta(hours=24),
        )
    assert claim.outcome is service.Outcome.CLAIMED
    response = await post(client, runtime, body, key="busy")
    assert response.status_code == 409
    assert response.headers["retry-after"] == "1"
    assert await audit_count(minimal) == 0


async def test_queries_ignore_the_header(
    client: httpx.AsyncClient, runtime: Runtime, minimal: AsyncEngine
) -> None:
    query = {"query": '{ organization(code: "330106") { name } }'}
    for _ in range(2):
        response = await post(client, runtime, query, key="q")
        assert response.status_code == 200 and "idempotent-replayed" not in response.headers
    # a document with a query and a mutation runs the one operationName picks
    both = {"query": "query Q { viewer { username } }\n" + RENAME, "operationName": "Q"}
    assert "idempotent-replayed" not in (await post(client, runtime, both, key="q")).headers
    assert await stored_keys(minimal) == []


async def test_a_malformed_key_is_400(
    client: httpx.AsyncClient, runtime: Runtime, minimal: AsyncEngine
) -> None:
    keys: list[str | bytes] = ["x" * 256, '""', "ключ".encode()]
    for key in keys:
        response = await post(client, runtime, rename("330106", "不会执行"), key=key)
        assert response.status_code == 400, key
        assert response.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_INVALID"
    assert await audit_count(minimal) == 0


def test_parse_key_accepts_sf_strings_and_tokens() -> None:
    assert (
        parse_key('"8e03978e-40d5-43e8-bc93-6894a57f9324"')
        == "8e03978e-40d5-43e8-bc93-6894a57f9324"
    )
    assert parse_key(" abc ") == "abc"
    assert parse_key("") is None and parse_key("a\tb") is None


class Flaky:
    """An ASGI app that fails its first call (a 500 or an exception), then answers 200."""

    def __init__(self, failure: str) -> None:
        self.failure = failure
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        if self.calls == 1 and self.failure == "raise":
            raise RuntimeError("boom")
        status = 500 if self.calls == 1 else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.mark.parametrize("failure", ["500", "raise"])
async def test_a_failed_first_request_releases_its_key(failure: str, minimal: AsyncEngine) -> None:
    app = Flaky(failure)
    layer = Idempotency(minimal)
    request = GraphQLPost(orjson.dumps({"query": "mutation { x }"}), "application/json")
    scope: Scope = {"type": "http", "method": "POST", "headers": [(b"idempotency-key", b"k")]}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(message)

    async def call() -> None:
        await layer(scope, receive, send, owner="account:9", request=request, app=app)

    if failure == "raise":
        with pytest.raises(RuntimeError):
            await call()
    else:
        await call()
    assert await stored_keys(minimal) == []
    await call()  # the retry runs
    await call()  # and is then replayed
    assert app.calls == 2
    assert [m["status"] for m in sent if m["type"] == "http.response.start"][-2:] == [200, 200]
    assert await stored_keys(minimal) == [("account:9", "k")]
