"""The Idempotency-Key header on mutations (IETF draft "The Idempotency-Key HTTP Header Field").

A JSON POST running a mutation with an `Idempotency-Key` claims the key (per owner) in the
database before the mutation runs, and stores the response when it is done. A replay with
the same key and the same body gets the stored response (status and body, plus
`Idempotent-Replayed: true`) without running again; the same key with a different body is
a 422 (IDEMPOTENCY_KEY_REUSED); a replay while the first request still runs is a 409
(IDEMPOTENCY_KEY_IN_PROGRESS). Keys expire after DUTYGRAPH_IDEMPOTENCY_TTL_SECONDS (24 h)
and are purged. Queries ignore the header.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import anyio
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.db import utcnow
from core.idempotency import service
from core.idempotency.service import Outcome, StoredResponse
from gateway.graphql_request import GraphQLPost

log = logging.getLogger(__name__)

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 255
DateClock = Callable[[], dt.datetime]


def parse_key(value: str) -> str | None:
    """The key of an Idempotency-Key header (an sf-string; bare tokens accepted), or None."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not 1 <= len(value) <= MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in value):
        return None
    return value


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)


INVALID = (
    400,
    "IDEMPOTENCY_KEY_INVALID",
    "Idempotency-Key 无效：须为 1–255 个可打印 ASCII 字符 (invalid Idempotency-Key)",
)
IN_PROGRESS = (
    409,
    "IDEMPOTENCY_KEY_IN_PROGRESS",
    "使用该 Idempotency-Key 的请求仍在处理中（或已中断），请稍后重试；确认未生效时请换用新的键"
    " (a request with this Idempotency-Key is in progress)",
)
REUSED = (
    422,
    "IDEMPOTENCY_KEY_REUSED",
    "该 Idempotency-Key 已用于另一个内容不同的请求 (Idempotency-Key reused with a different body)",
)


class Captured:
    """An ASGI response held back until it is stored."""

    def __init__(self) -> None:
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        """Collect the response instead of sending it."""
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def status(self) -> int:
        """The response status (500 when the app never started a response)."""
        return int(self.start["status"]) if self.start else 500

    def stored(self) -> StoredResponse:
        """What a replay answers."""
        headers = Headers(raw=list(self.start["headers"]) if self.start else [])
        return StoredResponse(self.status, headers.get("content-type"), b"".join(self.chunks))

    async def forward(self, send: Send) -> None:
        """Send the held response to the client."""
        if self.start is None:
            return
        await send(self.start)
        await send({"type": "http.response.body", "body": b"".join(self.chunks)})


def replayed(stored: StoredResponse) -> Response:
    """The stored first response, marked as a replay."""
    headers = {"Idempotent-Replayed": "true"}
    if stored.content_type:
        headers["Content-Type"] = stored.content_type
    return Response(stored.body, status_code=stored.status, headers=headers)


class Idempotency:
    """Runs mutations that carry an Idempotency-Key at most once per owner and key."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        ttl: dt.timedelta = dt.timedelta(hours=24),
        clock: DateClock = utcnow,
        purge_interval: dt.timedelta = dt.timedelta(minutes=1),
    ) -> None:
        self.engine = engine
        self.ttl = ttl
        self.clock = clock
        self.purge_interval = purge_interval
        self._purged_at: dt.datetime | None = None

    async def __call__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        owner: str,
        request: GraphQLPost | None,
        app: ASGIApp,
    ) -> None:
        header = Headers(scope=scope).get(HEADER)
        if header is None or request is None or not request.is_mutation:
            await app(scope, receive, send)
            return
        key = parse_key(header)
        if key is None:
            await _error(*INVALID)(scope, receive, send)
            return
        claim = await self._claim(owner, key, request.fingerprint())
        if claim.outcome is Outcome.CLAIMED:
            await self._run_once(scope, receive, send, owner=owner, key=key, app=app)
        elif claim.outcome is Outcome.REPLAY and claim.response is not None:
            await replayed(claim.response)(scope, receive, send)
        elif claim.outcome is Outcome.MISMATCH:
            await _error(*REUSED)(scope, receive, send)
        else:
            await _error(*IN_PROGRESS, headers={"Retry-After": "1"})(scope, receive, send)

    async def _claim(self, owner: str, key: str, request_hash: str) -> service.Claim:
        now = self.clock()
        async with self.engine.begin() as conn:
            if self._purged_at is None or now - self._purged_at >= self.purge_interval:
                self._purged_at = now
                await service.purge_expired(conn=conn, now=now)
            return await service.claim(
                conn=conn, owner=owner, key=key, request_hash=request_hash, now=now, ttl=self.ttl
            )

    async def _run_once(
        self, scope: Scope, receive: Receive, send: Send, *, owner: str, key: str, app: ASGIApp
    ) -> None:
        captured = Captured()
        try:
            await app(scope, receive, captured.send)
        except Exception:
            await self._release(owner, key)
            raise
        # cancellation keeps the claim: the mutation may have committed, so it must not rerun
        if captured.status >= 500:
            await self._release(owner, key)
        else:
            await self._complete(owner, key, captured.stored())
        await captured.forward(send)

    async def _complete(self, owner: str, key: str, response: StoredResponse) -> None:
        try:
            with anyio.CancelScope(shield=True):
                async with self.engine.begin() as conn:
                    await service.complete(conn=conn, owner=owner, key=key, response=response)
        except Exception:  # the mutation ran: keep the key locked rather than risk a rerun
            log.exception("idempotency: could not store the response of key %r", key)

    async def _release(self, owner: str, key: str) -> None:
        with anyio.CancelScope(shield=True):
            async with self.engine.begin() as conn:
                await service.release(conn=conn, owner=owner, key=key)
