"""POST /uploads: evidence files for task records, outside GraphQL (raw body, size-limited);
GET /uploads/{id}: one attachment back, to whoever may see it, always as a download.

The body is the file itself; `Content-Type` is its type and `X-Filename` its name
(percent-encoded UTF-8). Answers 201 with {id, sha256, size, contentType, filename};
`completeTask(input: {attachmentIds})` then links the returned ids to a record.

Media types are matched case-insensitively (multipart in any case is 415), stored
lower-case (a malformed one as application/octet-stream); names are sanitised; an empty
file is 400; each upload charges the uploader's rate-limit bucket (UPLOAD_COST units); a
stored file is served back only with `Content-Disposition: attachment` and `nosniff`, so a
browser never renders what someone uploaded as a page of this site.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from core.calendar import uploads
from core.graphql import ids
from gateway.context import AuthError, authenticate
from gateway.graphql_request import owner_of
from gateway.ratelimit import RateLimiter, rate_limited

UPLOAD_COST = 50
"""Bucket units one upload takes (the nested organisation page costs 52)."""

MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}")
OCTET_STREAM = "application/octet-stream"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _too_large(limit: int) -> JSONResponse:
    return _error(413, "TOO_LARGE", f"文件超过上传上限 {limit} 字节 (upload too large)")


def media_type(header: str | None) -> str:
    """The lower-case `type/subtype` of a Content-Type header (octet-stream if malformed)."""
    media = (header or "").split(";", 1)[0].strip().lower()
    return media if MEDIA_TYPE.fullmatch(media) else OCTET_STREAM


def _not_found() -> JSONResponse:
    return _error(404, "NOT_FOUND", "附件不存在或不可见 (attachment not found)")


def uploads_routes(
    runtime: Any,
    settings: uploads.UploadSettings | None = None,
    *,
    limiter: RateLimiter | None = None,
) -> list[Route]:
    """POST /uploads and GET /uploads/{id} for a runtime."""
    limits = settings or uploads.upload_settings()
    return [
        Route("/uploads", uploads_endpoint(runtime, limits, limiter=limiter), methods=["POST"]),
        Route("/uploads/{id}", download_endpoint(runtime, limits), methods=["GET"]),
    ]


def uploads_endpoint(
    runtime: Any,
    settings: uploads.UploadSettings | None = None,
    *,
    limiter: RateLimiter | None = None,
) -> Any:
    """The /uploads handler for a runtime (settings from DUTYGRAPH_UPLOAD_* by default)."""
    limits = settings or uploads.upload_settings()

    async def upload(request: Request) -> Response:
        try:
            principal = await authenticate(request, runtime.settings, runtime.engine)
        except AuthError as exc:
            return _error(401, "UNAUTHENTICATED", str(exc))
        if principal is None:
            return _error(401, "UNAUTHENTICATED", "需要登录：请求缺少有效的令牌")
        content_type = media_type(request.headers.get("content-type"))
        if content_type.startswith("multipart/"):
            return _error(
                415, "UNSUPPORTED", "请直接上传文件内容（raw body + X-Filename），不支持 multipart"
            )
        declared = request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit():
            if int(declared) > limits.max_bytes:
                return _too_large(limits.max_bytes)
            if int(declared) == 0:
                return _error(400, "EMPTY", "文件为空 (empty upload)")
        if limiter is not None:
            decision = await limiter.buckets.take(owner_of(principal, request.scope), UPLOAD_COST)
            if not decision.allowed:
                return rate_limited(decision)
        try:
            stored = await uploads.store(request.stream(), limits)
        except uploads.TooLarge:
            return _too_large(limits.max_bytes)
        if stored.size == 0:
            return _error(400, "EMPTY", "文件为空 (empty upload)")
        async with runtime.sessions.begin() as session:
            attachment = await uploads.record(
                session=session,
                principal=principal,
                stored=stored,
                filename=unquote(request.headers.get("x-filename", "")),
                content_type=content_type,
            )
        return JSONResponse(
            {
                "id": ids.encode("Attachment", attachment.id),
                "sha256": attachment.sha256,
                "size": attachment.size,
                "contentType": attachment.content_type,
                "filename": attachment.filename,
            },
            status_code=201,
        )

    return upload


def download_endpoint(runtime: Any, settings: uploads.UploadSettings) -> Any:
    """GET /uploads/{id}: the file, to its uploader or to whoever sees its task; else 404."""

    async def download(request: Request) -> Response:
        try:
            principal = await authenticate(request, runtime.settings, runtime.engine)
        except AuthError as exc:
            return _error(401, "UNAUTHENTICATED", str(exc))
        if principal is None:
            return _error(401, "UNAUTHENTICATED", "需要登录：请求缺少有效的令牌")
        key = ids.decode_int(request.path_params["id"], "Attachment")
        if key is None:
            return _not_found()
        async with runtime.engine.connect() as conn:
            found = await uploads.readable(conn=conn, principal=principal, attachment_id=key)
        if found is None:
            return _not_found()
        path = Path(settings.directory) / found.storage_key
        if not path.is_file():
            return _not_found()
        return FileResponse(
            path,
            media_type=found.content_type or OCTET_STREAM,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
                "Cache-Control": "private, no-store",
            },
        )

    return download
