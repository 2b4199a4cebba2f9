"""Strawberry's ASGI view made to follow the GraphQL-over-HTTP spec and our edge rules.

- POST only as `application/json` (form, multipart and text/plain posts are refused with
  415: a browser cannot send them cross-site without a CORS preflight, so no CSRF);
- GET runs queries only (when enabled); a mutation over GET is 405 with `Allow: POST`;
- a JSON array body (a batch) is 400 BATCH_NOT_ALLOWED;
- content negotiation and status codes per :mod:`gateway.http_spec`;
- unexpected errors masked per :mod:`gateway.masking`; the request id in `X-Request-Id`;
- websockets speak `graphql-transport-ws` only (anything else is closed with 4406).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from core.graphql.context import RequestContext
from gateway import http_spec
from gateway.masking import mask_errors

SUBSCRIPTION_PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL,)


class _SubResponse(Response):
    """Strawberry's sub-response (status/headers set by resolvers) knowing its request."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self.request = request
        self.status_code = None  # type: ignore[assignment]  # "not set" until a resolver sets it
        del self.headers["content-length"]


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """Sends every message as a text frame (graphql-transport-ws), even with a bytes encoder."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def _state(request: Request, name: str, default: Any = None) -> Any:
    return getattr(request.state, name, default)


def request_id_for(request: Request) -> str:
    """The request id of this request (set once the context is built; else header or new)."""
    existing = _state(request, "request_id")
    if existing is None:
        existing = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = existing
    return str(existing)


class SpecGraphQLView(GraphQL[RequestContext, None]):
    """The /graphql view: see the module docstring."""

    websocket_adapter_class = TextWebSocketAdapter  # type: ignore[assignment]  # as strawberry's

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        if scope.get("method") == "POST":
            fast = await self.answer_fast(request)
            if fast is not None:
                await fast(scope, receive, send)
                return
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = self.error_response(
                request,
                http_spec.HTTPError(
                    exc.status_code, exc.reason, http_spec.code_for_status(exc.status_code)
                ),
            )
        except http_spec.HTTPError as exc:
            response = self.error_response(request, exc)
        await response(scope, receive, send)

    async def answer_fast(self, request: Request) -> Response | None:
        """A response made without running strawberry (None: run it). See gateway.compiled."""
        return None

    def error_response(self, request: Request, error: http_spec.HTTPError) -> Response:
        """A JSON error body for a request the HTTP layer refused."""
        media = http_spec.negotiate(request.headers.get("accept"))
        return Response(
            self.encode_json(http_spec.error_body(error.message, error.code)),
            status_code=error.status,
            headers={**error.headers, "x-request-id": request_id_for(request)},
            media_type=http_spec.content_type(media),
        )

    def decode_json(self, data: str | bytes) -> object:
        """orjson: invalid UTF-8, lone surrogates and nesting past 1024 levels are refused
        (as json.JSONDecodeError, so strawberry answers 400), never a RecursionError."""
        return orjson.loads(data)

    def _allowed_methods(self) -> str:
        return "GET, POST" if self.allow_queries_via_get else "POST"

    def is_request_allowed(self, request: Any) -> bool:
        if request.method in ("GET", "POST"):
            return True
        raise http_spec.HTTPError(
            405,
            f"不支持的请求方法 {request.method} (GraphQL accepts {self._allowed_methods()})",
            "METHOD_NOT_ALLOWED",
            {"Allow": self._allowed_methods()},
        )

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            media, _ = parse_content_type(request.content_type or "")
            if media != "application/json":
                raise http_spec.HTTPError(
                    415,
                    "请求体必须是 application/json (GraphQL POST requests must be "
                    f"application/json, got {media or 'no content type'})",
                    "BAD_MEDIA_TYPE",
                    {"Accept-Post": "application/json"},
                )
            body = await request.get_body()
            first = body.lstrip()[:1]
            if first in (b"[", "["):
                raise http_spec.HTTPError(
                    400,
                    "不支持批量请求：每个请求只能有一个操作 (batched operations are not allowed)",
                    "BATCH_NOT_ALLOWED",
                )
            if first not in (b"{", "{"):
                raise http_spec.HTTPError(
                    400,
                    "请求体必须是一个 JSON 对象 (the body must be a JSON object)",
                    "BAD_REQUEST",
                )
        data = await super().parse_http_body(request)
        assert isinstance(data, GraphQLRequestData)  # batches were refused above
        if not isinstance(data.operation_name, str | None):
            raise http_spec.HTTPError(
                400,
                "operationName 必须是字符串 (operationName must be a string or null)",
                "BAD_REQUEST",
            )
        return data

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: RequestContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as exc:
            if request_adapter.method == "GET" and isinstance(
                exc.__cause__, InvalidOperationTypeError
            ):
                raise http_spec.HTTPError(
                    405,
                    "GET 只能执行查询；变更请用 POST (only queries may be sent with GET)",
                    "METHOD_NOT_ALLOWED",
                    {"Allow": "POST"},
                ) from exc
            raise

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        assert isinstance(request, Request)  # websockets get no sub-response
        return _SubResponse(request)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        errors = mask_errors(result.errors or [], request_id_for(request))
        media = http_spec.negotiate(request.headers.get("accept"))
        request_error = http_spec.is_request_error(result.data, errors)
        body: GraphQLHTTPResponse = {}
        if not (request_error and media == http_spec.GRAPHQL_RESPONSE):
            body["data"] = result.data
        if errors:
            body["errors"] = [error.formatted for error in errors]
        if result.extensions:
            body["extensions"] = result.extensions
        request.state.graphql_media_type = media
        request.state.graphql_cost = (result.extensions or {}).get("cost")
        if request_error and media == http_spec.GRAPHQL_RESPONSE:
            request.state.graphql_status = http_spec.request_error_status(errors)
        return body

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        request: Request | None = getattr(sub_response, "request", None)
        media = http_spec.JSON
        status = 200
        if request is not None:
            media = _state(request, "graphql_media_type", media)
            status = _state(request, "graphql_status", status)
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or status,
            media_type=http_spec.content_type(media),
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if request is not None:
            response.headers["x-request-id"] = request_id_for(request)
        if sub_response.background:
            response.background = sub_response.background
        return response
