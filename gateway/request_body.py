"""A limit on request bodies, enforced while streaming and before authentication.

A declared `Content-Length` over the limit is refused at once; a chunked body is read
until it passes the limit and refused then, so no client makes the server hold more than
the limit in memory. The refusal is 413 with a GraphQL-over-HTTP error body. The body read
is handed on to the wrapped app unchanged.
"""

from __future__ import annotations

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.graphql_request import replaying

CODE = "PAYLOAD_TOO_LARGE"


def too_large(limit: int) -> Response:
    """The 413 answer for a body over `limit` bytes."""
    body = {
        "errors": [
            {
                "message": f"请求体超过上限 {limit} 字节 (request body larger than {limit} bytes)",
                "extensions": {"code": CODE},
            }
        ]
    }
    return Response(
        orjson.dumps(body),
        status_code=413,
        media_type="application/json",
        headers={"Connection": "close"},
    )


class TooLarge(Exception):
    """The body passed the limit."""


async def read_limited(receive: Receive, limit: int) -> bytes:
    """The whole body, or TooLarge as soon as more than `limit` bytes have arrived."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class BodyLimit:
    """Wraps an ASGI app: HTTP request bodies over `max_bytes` get 413, unread."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_bytes:
            await too_large(self.max_bytes)(scope, receive, send)
            return
        try:
            body = await read_limited(receive, self.max_bytes)
        except TooLarge:
            await too_large(self.max_bytes)(scope, receive, send)
            return
        await self.app(scope, replaying(body, receive), send)
