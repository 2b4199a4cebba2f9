"""A published bulletin, printable and as a workbook, beside /graphql:

    GET /bulletins/{id}.html   a zh-CN page to print (A4)
    GET /bulletins/{id}.xlsx   the findings and the draw

`id` is the bulletin's global id (or its number). Scoped by the bearer token exactly like
`bulletin(id:)` (a bulletin outside the reader's scope is 404, like a missing one) and
charged to the account's rate-limit bucket.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from core.graphql import ids
from core.supervision.bulletins import visible_bulletin
from core.supervision.exports import bulletin_html, bulletin_xlsx
from gateway.context import AuthError, authenticate
from gateway.graphql_request import owner_of
from gateway.ratelimit import limiter_from_settings, rate_limited

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COST = 10


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _key(raw: str) -> int | None:
    if raw.isascii() and raw.isdigit():
        return int(raw)
    return ids.decode_int(raw, "Bulletin")


def routes(runtime: Any) -> list[Route]:
    """The bulletin export routes of a runtime."""
    limiter = limiter_from_settings(runtime.settings)

    async def export(request: Request) -> Response:
        try:
            principal = await authenticate(request, runtime.settings, runtime.engine)
        except AuthError as exc:
            return _error(401, "UNAUTHENTICATED", str(exc))
        if principal is None:
            return _error(401, "UNAUTHENTICATED", "需要登录：请求缺少有效的令牌")
        if limiter is not None:
            decision = await limiter.buckets.take(owner_of(principal, request.scope), COST)
            if not decision.allowed:
                return rate_limited(decision)
        async with runtime.sessions() as session:
            found = await visible_bulletin(session, principal, _key(request.path_params["id"]))
        if found is None:
            return _error(404, "NOT_FOUND", "通报不存在或不可见 (not found)")
        if request.path_params["format"] == "html":
            return HTMLResponse(bulletin_html(found))
        name = quote(f"{found.title}.xlsx")
        return Response(
            bulletin_xlsx(found),
            media_type=XLSX,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
        )

    return [Route("/bulletins/{id}.{format:str}", export, methods=["GET"])]
