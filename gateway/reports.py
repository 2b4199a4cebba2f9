"""Excel beside /graphql: a form's fill-in template, a filled sheet's upload, the flags.

    GET  /reports/{form}/template.xlsx?period=2026Q3&phase=PROGRESS[&within=330106]
    POST /reports/{form}/upload?period=2026Q3&phase=PROGRESS   (body: the .xlsx file)
    GET  /reports/{form}/flags.xlsx?period=2026Q1&phase=PROGRESS[&within=…&method=…&baseline=…]

Scoped by the bearer token like /uploads, charged to the account's rate-limit bucket (an
upload costs more) and audited. An upload answers 200 with what it wrote, or 4xx with every
bad cell (sheet, row, column, reason) and nothing written.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.reports import exports
from core.reports.excel import XLSX
from core.reports.outliers import DEFAULT_THRESHOLD
from core.reports.upload import apply_upload
from core.reports.workbook import UploadRefused
from gateway.context import AuthError, authenticate
from gateway.graphql_request import owner_of
from gateway.ratelimit import limiter_from_settings, rate_limited

MAX_UPLOAD = 20 * 1024 * 1024
COST = {"template": 20, "flags": 20, "upload": 50}
PHASES = ("TARGET", "PROGRESS", "RESULT")


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _refused(exc: UploadRefused) -> JSONResponse:
    return JSONResponse(
        {
            "error": {"code": "REFUSED", "message": exc.errors[0].reason if exc.errors else ""},
            "errors": [e.as_dict() for e in exc.errors],
            "total": exc.total,
        },
        status_code=exc.status,
    )


def _xlsx(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def report_routes(runtime: Any) -> list[Route]:
    """The Excel routes of a runtime."""
    limiter = limiter_from_settings(runtime.settings)

    async def guard(request: Request, kind: str) -> tuple[Any, Response | None]:
        try:
            principal = await authenticate(request, runtime.settings, runtime.engine)
        except AuthError as exc:
            return None, _error(401, "UNAUTHENTICATED", str(exc))
        if principal is None:
            return None, _error(401, "UNAUTHENTICATED", "需要登录：请求缺少有效的令牌")
        if limiter is not None:
            decision = await limiter.buckets.take(owner_of(principal, request.scope), COST[kind])
            if not decision.allowed:
                return None, rate_limited(decision)
        phase = request.query_params.get("phase", "")
        if phase not in PHASES or not request.query_params.get("period"):
            return None, _error(
                400, "BAD_REQUEST", "需要 period 和 phase（TARGET、PROGRESS 或 RESULT）"
            )
        return principal, None

    def today() -> Any:
        import datetime as dt
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(runtime.settings.timezone)).date()

    async def template(request: Request) -> Response:
        principal, refusal = await guard(request, "template")
        if refusal is not None:
            return refusal
        code, q = request.path_params["form"], request.query_params
        try:
            async with runtime.sessions.begin() as session:
                body = await exports.template(
                    session=session,
                    principal=principal,
                    form_code=code,
                    period=q["period"],
                    phase=q["phase"],
                    within_code=q.get("within"),
                )
        except UploadRefused as exc:
            return _refused(exc)
        return _xlsx(body, f"{code}-{q['period']}-{q['phase']}.xlsx")

    async def flags(request: Request) -> Response:
        principal, refusal = await guard(request, "flags")
        if refusal is not None:
            return refusal
        code, q = request.path_params["form"], request.query_params
        method, baseline = q.get("method"), q.get("baseline")
        if (method is not None and method not in DEFAULT_THRESHOLD) or baseline not in (
            None,
            "PEERS",
            "HISTORY",
        ):
            return _error(
                400,
                "BAD_REQUEST",
                "method 应为 Z_SCORE、MOD_Z_SCORE 或 MIN_MAX；baseline 应为 PEERS 或 HISTORY",
            )
        try:
            threshold = float(q["threshold"]) if "threshold" in q else None
        except ValueError:
            threshold = -1.0
        if threshold is not None and not (math.isfinite(threshold) and 0 < threshold <= 1000):
            return _error(400, "BAD_THRESHOLD", "threshold 应在 0 到 1000 之间")
        try:
            async with runtime.sessions.begin() as session:
                body = await exports.flags_export(
                    session=session,
                    principal=principal,
                    form_code=code,
                    period=q["period"],
                    phase=q["phase"],
                    within_code=q.get("within"),
                    method=method,
                    baseline=baseline,
                    threshold=threshold,
                )
        except UploadRefused as exc:
            return _refused(exc)
        return _xlsx(body, f"{code}-{q['period']}-{q['phase']}-flags.xlsx")

    async def upload(request: Request) -> Response:
        principal, refusal = await guard(request, "upload")
        if refusal is not None:
            return refusal
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_UPLOAD:
            return _error(413, "TOO_LARGE", f"文件超过上限 {MAX_UPLOAD} 字节")
        if request.headers.get("content-type", "").startswith("multipart/"):
            return _error(
                415, "UNSUPPORTED", "请直接上传 xlsx 文件内容（raw body），不支持 multipart"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD:
                return _error(413, "TOO_LARGE", f"文件超过上限 {MAX_UPLOAD} 字节")
            chunks.append(chunk)
        code, q = request.path_params["form"], request.query_params
        try:
            async with runtime.sessions.begin() as session:
                result = await apply_upload(
                    session=session,
                    principal=principal,
                    form_code=code,
                    period=q["period"],
                    phase=q["phase"],
                    data=b"".join(chunks),
                    filename=unquote(request.headers.get("x-filename", "upload.xlsx"))[:255],
                    today=today(),
                )
        except UploadRefused as exc:
            return _refused(exc)
        return JSONResponse(result.as_dict())

    return [
        Route("/reports/{form}/template.xlsx", template, methods=["GET"]),
        Route("/reports/{form}/flags.xlsx", flags, methods=["GET"]),
        Route("/reports/{form}/upload", upload, methods=["POST"]),
    ]
