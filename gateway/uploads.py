"""POST /uploads: evidence files for task records, outside GraphQL (raw body, size-limited).

The body is the file itself; `Content-Type` is its type and `X-Filename` its name
(percent-encoded UTF-8). Answers 201 with {id, sha256, size, contentType, filename};
`completeTask(input: {attachmentIds})` then links the returned ids to a record.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.calendar import uploads
from core.graphql import ids
from gateway.context import AuthError, authenticate


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _too_large(limit: int) -> JSONResponse:
    return _error(413, "TOO_LARGE", f"文件超过上传上限 {limit} 字节 (upload too large)")


def uploads_endpoint(runtime: Any, settings: uploads.UploadSettings | None = None) -> Any:
    """The /uploads handler for a runtime (settings from DUTYGRAPH_UPLOAD_* by default)."""
    limits = settings or uploads.upload_settings()

    async def upload(request: Request) -> Response:
        try:
            principal = await authenticate(request, runtime.settings, runtime.engine)
        except AuthError as exc:
            return _error(401, "UNAUTHENTICATED", str(exc))
        if principal is None:
            return _error(401, "UNAUTHENTICATED", "需要登录：请求缺少有效的令牌")
        content_type = request.headers.get("content-type", "application/octet-stream")
        if content_type.startswith("multipart/"):
            return _error(
                415, "UNSUPPORTED", "请直接上传文件内容（raw body + X-Filename），不支持 multipart"
            )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            return _too_large(limits.max_bytes)
        try:
            stored = await uploads.store(request.stream(), limits)
        except uploads.TooLarge:
            return _too_large(limits.max_bytes)
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
