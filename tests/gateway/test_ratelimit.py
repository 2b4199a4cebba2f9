"""Rate limits: a token bucket per principal (or client address), in process or in Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import pytest
from graphql import DocumentNode
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.routing import Route

from core.config import Settings
from gateway.app import AuthenticatedGraphQL, GraphQLView, Runtime, create_runtime
from gateway.idempotency import Idempotency
from gateway.ratelimit import (
    Buckets,
    LocalBuckets,
    Policy,
    RateLimiter,
    RedisBuckets,
    buckets_from_settings,
    limiter_from_settings,
)
from gateway.request_guard import RequestGuard
from tests.conftest import IN_CI, client_for, settings_for, token_for

REDIS_URL = os.environ.get("DUTYGRAPH_TEST_REDIS_URL", "redis://127.0.0.1:6379")
VIEWER = {"query": "{ viewer { username } }"}


class Clock:
    """A settable monotonic clock (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def runtime(minimal: AsyncEngine) -> Runtime:
    return create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )


def client_with(
    runtime: Runtime,
    buckets: Buckets,
    *,
    cost: Any = None,
    client: tuple[str, int] = ("127.0.0.1", 123),
) -> httpx.AsyncClient:
    limiter = RateLimiter(buckets) if cost is None else RateLimiter(buckets, cost=cost)
    guard = RequestGuard(limiter=limiter, idempotency=Idempotency(runtime.engine))
    graphql = AuthenticatedGraphQL(runtime, GraphQLView(runtime), guard=guard)
    app = Starlette(routes=[Route("/graphql", graphql)])
    transport = httpx.ASGITransport(app=app, client=client)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def ask(
    client: httpx.AsyncClient, runtime: Runtime, user: str | None = "admin", **extra: str
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token_for(runtime, user)}"} if user else {}
    return await client.post("/graphql", json=VIEWER, headers={**headers, **extra})


def assert_limited(response: httpx.Response, seconds: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["retry-after"] == str(seconds)
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": seconds}
    assert f"{seconds} 秒后重试" in error["message"]


async def test_in_process_bucket_limits_then_refills(runtime: Runtime) -> None:
    clock = Clock()
    async with client_with(runtime, LocalBuckets(Policy(3, 0.5), clock=clock)) as client:
        for _ in range(3):
            assert (await ask(client, runtime)).status_code == 200
        assert_limited(await ask(client, runtime), seconds=2)  # one token at 0.5/s
        assert (await ask(client, runtime, user="xihu")).status_code == 200  # its own bucket
        clock.now += 1.9
        assert_limited(await ask(client, runtime), seconds=1)
        clock.now += 0.2
        ok = await ask(client, runtime)
    assert ok.status_code == 200 and ok.json()["data"]["viewer"]["username"] == "admin"


async def test_requests_are_charged_their_cost(runtime: Runtime) -> None:
    clock = Clock()
    seen: list[dict[str, Any]] = []

    def cost(document: DocumentNode, variables: Mapping[str, Any]) -> int:
        seen.append(dict(variables))
        return 40

    async with client_with(
        runtime, LocalBuckets(Policy(100, 10), clock=clock), cost=cost
    ) as client:
        assert (await ask(client, runtime)).status_code == 200
        assert (await ask(client, runtime)).status_code == 200
        assert_limited(await ask(client, runtime), seconds=2)  # 20 left, 40 needed at 10/s
    assert seen == [{}, {}, {}]


async def test_anonymous_requests_are_limited_per_client_address(runtime: Runtime) -> None:
    buckets = LocalBuckets(Policy(2, 0.001), clock=Clock())
    async with (
        client_with(runtime, buckets, client=("10.0.0.1", 1)) as first,
        client_with(runtime, buckets, client=("10.0.0.2", 1)) as second,
    ):
        for _ in range(2):
            assert (await ask(first, runtime, user=None)).status_code != 429
        assert (await ask(first, runtime, user=None)).status_code == 429
        assert (await ask(second, runtime, user=None)).status_code != 429
        assert (await ask(first, runtime)).status_code == 200  # signed in: the account's bucket


async def test_a_refused_request_does_not_take_its_idempotency_key(
    runtime: Runtime, minimal: AsyncEngine
) -> None:
    mutation = {
        "query": 'mutation { updateOrganization(input: {id: "x", expectedVersion: 1}) { errors { code } } }'
    }
    headers = {"Authorization": f"Bearer {token_for(runtime, 'admin')}", "Idempotency-Key": "k"}
    clock = Clock()
    async with client_with(runtime, LocalBuckets(Policy(1, 1), clock=clock)) as client:
        assert (await ask(client, runtime)).status_code == 200
        assert (await client.post("/graphql", json=mutation, headers=headers)).status_code == 429
        clock.now += 1
        response = await client.post("/graphql", json=mutation, headers=headers)
    assert response.status_code == 200 and "idempotent-replayed" not in response.headers


async def test_settings_configure_the_limit(minimal: AsyncEngine) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    limited = create_runtime(
        settings_for(
            url, rate_limit_enabled=True, rate_limit_capacity=2, rate_limit_refill_per_second=0.01
        ),
        engine=minimal,
    )
    async with client_for(limited) as client:
        assert [(await ask(client, limited)).status_code for _ in range(3)] == [200, 200, 429]
    unlimited = create_runtime(
        settings_for(url, rate_limit_enabled=False, rate_limit_capacity=1), engine=minimal
    )
    async with client_for(unlimited) as client:
        assert {(await ask(client, unlimited)).status_code for _ in range(3)} == {200}
    assert limiter_from_settings(Settings(rate_limit_enabled=False)) is None


async def test_local_buckets_forget_full_buckets_first() -> None:
    clock = Clock()
    buckets = LocalBuckets(Policy(10, 1), clock=clock, max_keys=2)
    await buckets.take("a", 10)
    clock.now += 20  # "a" is full again
    await buckets.take("b", 5)
    await buckets.take("c", 5)
    assert set(buckets._state) == {"b", "c"}
    await buckets.take("d", 5)  # none full: the least recently used goes
    assert set(buckets._state) == {"c", "d"}


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A unique key prefix on the test Redis; its keys are deleted afterwards."""
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} is unreachable under CI: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    prefix = f"dutygraph-test:{uuid.uuid4().hex}:"
    yield prefix
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_redis_bucket_is_shared_by_two_gateways(runtime: Runtime, redis_prefix: str) -> None:
    clock = Clock()
    policy = Policy(3, 0.5)
    one = RedisBuckets(Redis.from_url(REDIS_URL), policy, prefix=redis_prefix, clock=clock)
    two = RedisBuckets(Redis.from_url(REDIS_URL), policy, prefix=redis_prefix, clock=clock)
    async with client_with(runtime, one) as first, client_with(runtime, two) as second:
        assert (await ask(first, runtime)).status_code == 200
        assert (await ask(second, runtime)).status_code == 200
        assert (await ask(first, runtime)).status_code == 200
        assert_limited(await ask(second, runtime), seconds=2)
        assert_limited(await ask(first, runtime), seconds=2)
        assert (await ask(second, runtime, user="xihu")).status_code == 200
        clock.now += 2
        assert (await ask(second, runtime)).status_code == 200
        assert_limited(await ask(first, runtime), seconds=2)
    ttl = await one.client.pttl(one.key("account:1"))
    assert 0 < ttl <= 7000  # forgotten once it would be full again (6 s) plus a second
    await one.aclose()
    await two.aclose()


async def test_redis_from_settings_uses_the_server_clock(
    minimal: AsyncEngine, redis_prefix: str
) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    settings = settings_for(
        url,
        redis_url=REDIS_URL,
        redis_prefix=redis_prefix,
        rate_limit_enabled=True,
        rate_limit_capacity=2,
        rate_limit_refill_per_second=0.01,
    )
    buckets = buckets_from_settings(settings)
    assert isinstance(buckets, RedisBuckets)
    await buckets.aclose()
    runtime = create_runtime(settings, engine=minimal)
    # two gateways as create_app builds them (the guard comes from the settings)
    gateways = [AuthenticatedGraphQL(runtime, GraphQLView(runtime)) for _ in range(2)]
    first, second = (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=Starlette(routes=[Route("/graphql", g)])),
            base_url="http://testserver",
        )
        for g in gateways
    )
    async with first, second:
        statuses = [(await ask(c, runtime)).status_code for c in (first, second, first)]
    for gateway in gateways:
        await gateway.aclose()
    assert statuses == [200, 200, 429]


async def test_unreachable_redis_falls_back_to_the_process(runtime: Runtime) -> None:
    clock = Clock()
    buckets = RedisBuckets(
        Redis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.2), Policy(1, 1), clock=clock
    )
    async with client_with(runtime, buckets) as client:
        assert (await ask(client, runtime)).status_code == 200
        assert_limited(await ask(client, runtime), seconds=1)
    await buckets.aclose()
