"""Rate limits per principal: a token bucket charged with each operation's cost.

Buckets live in Redis when DUTYGRAPH_REDIS_URL is set (one atomic Lua script, so every
gateway replica shares them), in this process otherwise. Over the limit a request gets a
429 with `Retry-After` and a GraphQL error coded RATE_LIMITED.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import DocumentNode
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.responses import JSONResponse, Response

from core.config import Settings
from gateway.graphql_request import GraphQLPost

log = logging.getLogger(__name__)

Clock = Callable[[], float]
CostFunction = Callable[[DocumentNode, Mapping[str, Any]], int]


def unit_cost(_document: DocumentNode, _variables: Mapping[str, Any]) -> int:
    """Every operation costs 1 (until the query-cost estimate is wired in)."""
    return 1


@dataclass(frozen=True)
class Policy:
    """A bucket's size and how fast it refills (cost units per second)."""

    capacity: int
    refill_per_second: float

    @property
    def ttl_seconds(self) -> float:
        """How long an untouched bucket takes to be full again (then it may be forgotten)."""
        return self.capacity / self.refill_per_second


@dataclass(frozen=True)
class Decision:
    """Whether a charge was taken, what is left, and how long until it would fit."""

    allowed: bool
    remaining: float
    retry_after: float


class Buckets(Protocol):
    """Token buckets by key."""

    policy: Policy

    async def take(self, key: str, cost: int) -> Decision:
        """Take `cost` tokens from a key's bucket if it holds them."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


def _refill(policy: Policy, tokens: float, since: float, now: float) -> float:
    return min(policy.capacity, tokens + max(0.0, now - since) * policy.refill_per_second)


def _decide(policy: Policy, tokens: float, cost: int) -> tuple[Decision, float]:
    if tokens >= cost:
        return Decision(True, tokens - cost, 0.0), tokens - cost
    return Decision(False, tokens, (cost - tokens) / policy.refill_per_second), tokens


class LocalBuckets:
    """Token buckets in this process (one replica, or the fallback when Redis is down)."""

    def __init__(self, policy: Policy, *, clock: Clock = time.monotonic, max_keys: int = 100_000):
        self.policy = policy
        self.clock = clock
        self.max_keys = max_keys
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, at), oldest first

    async def take(self, key: str, cost: int) -> Decision:
        """Take `cost` tokens from a key's bucket if it holds them."""
        now = self.clock()
        tokens, since = self._state.pop(key, (float(self.policy.capacity), now))
        decision, left = _decide(self.policy, _refill(self.policy, tokens, since, now), cost)
        self._state[key] = (left, max(now, since))
        if len(self._state) > self.max_keys:
            self._forget(now)
        return decision

    def _forget(self, now: float) -> None:
        # a bucket that has refilled completely is the same as no bucket
        for key, (tokens, since) in list(self._state.items()):
            if _refill(self.policy, tokens, since, now) >= self.policy.capacity:
                del self._state[key]
        while len(self._state) > self.max_keys:  # still too many: forget the least recent
            del self._state[next(iter(self._state))]

    async def aclose(self) -> None:
        """Nothing to release."""


# KEYS[1] the bucket; ARGV capacity, refill per second, cost, now ('' = Redis server time), ttl ms
TAKE_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate)
  at = now
end
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = (cost - tokens) / rate
end
local left = string.format('%.6f', tokens)
redis.call('HSET', KEYS[1], 'tokens', left, 'at', string.format('%.6f', at))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {allowed, left, string.format('%.6f', wait)}
"""


class RedisBuckets:
    """Token buckets in Redis, shared by every replica; falls back to this process's on errors."""

    RETRY_SECONDS = 5.0  # after a Redis error, use the fallback this long before trying again

    def __init__(
        self,
        client: Redis,
        policy: Policy,
        *,
        prefix: str = "dutygraph:",
        clock: Clock | None = None,
    ) -> None:
        self.client = client
        self.policy = policy
        self.prefix = prefix
        self.clock = clock  # None: Redis's own clock, the same for every replica
        self.fallback = LocalBuckets(policy, clock=clock or time.monotonic)
        self._script = client.register_script(TAKE_SCRIPT)
        self._down_until = 0.0

    def key(self, key: str) -> str:
        """The Redis key of a bucket."""
        return f"{self.prefix}ratelimit:{key}"

    async def take(self, key: str, cost: int) -> Decision:
        """Take `cost` tokens from a key's bucket if it holds them."""
        if time.monotonic() < self._down_until:
            return await self.fallback.take(key, cost)
        now = "" if self.clock is None else f"{self.clock():.6f}"
        ttl_ms = math.ceil(self.policy.ttl_seconds * 1000) + 1000
        args: list[str | int | float] = [
            self.policy.capacity,
            self.policy.refill_per_second,
            cost,
            now,
            ttl_ms,
        ]
        try:
            allowed, remaining, wait = await self._script(keys=[self.key(key)], args=args)
        except (RedisError, OSError) as exc:
            log.warning("rate limit: Redis unavailable (%s); limiting in this process", exc)
            self._down_until = time.monotonic() + self.RETRY_SECONDS
            return await self.fallback.take(key, cost)
        return Decision(bool(allowed), float(remaining), float(wait))

    async def aclose(self) -> None:
        """Close the Redis connections."""
        await self.client.aclose()


def rate_limited(decision: Decision) -> Response:
    """The 429 answer: Retry-After in whole seconds, and a RATE_LIMITED GraphQL error."""
    seconds = max(1, math.ceil(decision.retry_after))
    error = {
        "message": f"请求过于频繁，请 {seconds} 秒后重试 (rate limit exceeded)",
        "extensions": {"code": "RATE_LIMITED", "retryAfter": seconds},
    }
    return JSONResponse({"errors": [error]}, status_code=429, headers={"Retry-After": str(seconds)})


class RateLimiter:
    """Charges each request's cost to its owner's bucket; a 429 response when it is empty."""

    def __init__(self, buckets: Buckets, *, cost: CostFunction = unit_cost) -> None:
        self.buckets = buckets
        self.cost = cost

    def cost_of(self, request: GraphQLPost | None) -> int:
        """The request's cost in bucket units: its operation's estimate, at least 1; 0 for an
        operation the query limits refuse (a refused query costs nothing)."""
        if request is None or request.document is None:
            return 1
        return max(0, self.cost(request.document, request.variables))

    async def check(self, owner: str, request: GraphQLPost | None) -> Response | None:
        """None when the request may go on; the 429 response otherwise."""
        # a cost above the bucket size costs a full bucket (the query cost bound rejects it anyway)
        cost = min(self.cost_of(request), self.buckets.policy.capacity)
        if cost == 0:
            return None  # refused by the query limits: answered with that error, free
        decision = await self.buckets.take(owner, cost)
        return None if decision.allowed else rate_limited(decision)

    async def aclose(self) -> None:
        """Release the buckets' connections."""
        await self.buckets.aclose()


def buckets_from_settings(settings: Settings, *, clock: Clock | None = None) -> Buckets:
    """Redis buckets when DUTYGRAPH_REDIS_URL is set, in-process ones otherwise."""
    policy = Policy(settings.rate_limit_capacity, settings.rate_limit_refill_per_second)
    if settings.redis_url:
        client = Redis.from_url(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        return RedisBuckets(client, policy, prefix=settings.redis_prefix, clock=clock)
    return LocalBuckets(policy, clock=clock or time.monotonic)


def limiter_from_settings(
    settings: Settings, *, cost: CostFunction = unit_cost, clock: Clock | None = None
) -> RateLimiter | None:
    """The configured rate limiter (None when DUTYGRAPH_RATE_LIMIT_ENABLED is off)."""
    if not settings.rate_limit_enabled:
        return None
    return RateLimiter(buckets_from_settings(settings, clock=clock), cost=cost)
