"""What runs between authentication and the GraphQL view: the rate limit, then idempotency."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from core.auth.principal import Principal
from core.config import Settings
from gateway.graphql_request import GraphQLPost, owner_of, read_body, replaying
from gateway.idempotency import Idempotency
from gateway.ratelimit import CostFunction, RateLimiter, limiter_from_settings, unit_cost


class RequestGuard:
    """Charges a request to its owner's rate-limit bucket, then runs it at most once per key."""

    def __init__(self, *, limiter: RateLimiter | None, idempotency: Idempotency) -> None:
        self.limiter = limiter
        self.idempotency = idempotency

    @classmethod
    def from_settings(
        cls, settings: Settings, engine: AsyncEngine, *, cost: CostFunction = unit_cost
    ) -> RequestGuard:
        """The guard the settings describe (Redis buckets when DUTYGRAPH_REDIS_URL is set)."""
        return cls(
            limiter=limiter_from_settings(settings, cost=cost),
            idempotency=Idempotency(
                engine, ttl=dt.timedelta(seconds=settings.idempotency_ttl_seconds)
            ),
        )

    async def __call__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        principal: Principal | None,
        app: ASGIApp,
    ) -> None:
        request = None
        if scope.get("method") == "POST":
            body = await read_body(receive)
            receive = replaying(body, receive)
            request = GraphQLPost(body, Headers(scope=scope).get("content-type", ""))
            scope.setdefault("state", {})["graphql_post"] = request  # the view reuses it
        owner = owner_of(principal, scope)
        if self.limiter is not None:
            refusal = await self.limiter.check(owner, request)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.idempotency(scope, receive, send, owner=owner, request=request, app=app)

    async def aclose(self) -> None:
        """Release the rate limiter's connections (Redis)."""
        if self.limiter is not None:
            await self.limiter.aclose()
