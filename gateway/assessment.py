"""The assessment's HTTP edge: the public rating throttle, and the economic score import.

`rateService` needs no account, so it is limited per client address with its own token
buckets (`gateway.ratelimit` buckets with a policy of DUTYGRAPH_RATING_LIMIT_CAPACITY and
_PER_HOUR, in Redis when DUTYGRAPH_REDIS_URL is set); the general per-owner limit applies
as to every request. POST /assessment/economic-scores?scheme=CODE takes a CSV or xlsx body
(the city's economic assessment) and answers 200 with the count, or 422 with the errors
of every bad row; it needs a bearer token with city-wide `assessment.manage`, is
rate-limited like a mutation and audited.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.assessment import economic
from core.assessment.service import require_city
from core.config import Settings
from core.graphql.context import Throttle
from core.graphql.errors import ServiceError
from gateway.context import AuthError, authenticate
from gateway.ratelimit import Buckets, LocalBuckets, Policy, RedisBuckets, limiter_from_settings

MAX_BYTES = 20 * 1024 * 1024


class RatingThrottle:
    """Per-address buckets for the public rating mutation."""

    def __init__(self, buckets: Buckets | None) -> None:
        self.buckets = buckets

    async def __call__(self, key: str) -> float | None:
        if self.buckets is None:
            return None
        decision = await self.buckets.take(key, 1)
        return None if decision.allowed else max(decision.retry_after, 1.0)

    async def aclose(self) -> None:
        if self.buckets is not None:
            await self.buckets.aclose()


def rating_throttle(settings: Settings) -> RatingThrottle:
    """The throttle the settings describe (off when rate limits are off)."""
    if not settings.rate_limit_enabled:
        return RatingThrottle(None)
    policy = Policy(settings.rating_limit_capacity, settings.rating_limit_per_hour / 3600.0)
    if settings.redis_url:
        client = Redis.from_url(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        return RatingThrottle(
            RedisBuckets(client, policy, prefix=settings.redis_prefix + "public:")
        )
    return RatingThrottle(LocalBuckets(policy))


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def economic_endpoint(runtime: Any) -> Any:
    """POST /assessment/economic-scores?scheme=CODE (raw CSV or xlsx body, X-Filename)."""
    limiter = limiter_from_settings(runtime.settings)

    async def upload(request: Request) -> Response:
        try:
            principal = await authenticate(request, runtime.settings, runtime.engine)
        except AuthError as exc:
            return _error(401, "UNAUTHENTICATED", str(exc))
        if principal is None:
            return _error(401, "UNAUTHENTICATED", "需要登录：请求缺少有效的令牌")
        if limiter is not None:
            refusal = await limiter.check(f"account:{principal.account_id}", None)
            if refusal is not None:
                return refusal
        try:
            require_city(principal)
        except ServiceError as exc:
            return _error(403, "FORBIDDEN", exc.message)
        scheme = request.query_params.get("scheme", "")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BYTES:
            return _error(413, "TOO_LARGE", f"文件超过 {MAX_BYTES} 字节")
        body = await request.body()
        if len(body) > MAX_BYTES:
            return _error(413, "TOO_LARGE", f"文件超过 {MAX_BYTES} 字节")
        filename = unquote(request.headers.get("x-filename", ""))[:255] or "upload"
        try:
            async with runtime.sessions.begin() as session:
                count = await economic.import_scores(
                    session=session,
                    scheme_code=scheme,
                    content=body,
                    filename=filename,
                    actor=principal.username,
                    actor_id=principal.account_id,
                )
        except economic.ImportRefused as refused:
            rows = [
                {"row": e.row, "column": e.column, "message": e.message} for e in refused.errors
            ]
            return _error(422, "INVALID", str(refused), rows=rows)
        except ServiceError as exc:
            status = 404 if exc.code.value == "NOT_FOUND" else 422
            return _error(status, exc.code.value, exc.message)
        return JSONResponse({"scheme": scheme, "imported": count})

    return upload


def routes(runtime: Any) -> list[Route]:
    """The assessment's routes beside /graphql."""
    return [
        Route("/assessment/economic-scores", economic_endpoint(runtime), methods=["POST"]),
    ]


__all__ = ["RatingThrottle", "Throttle", "rating_throttle", "routes"]
