"""GraphQL over HTTP: media types, status codes and the errors of the HTTP layer.

Responses are `application/graphql-response+json` when the client's Accept header prefers
it, else `application/json` (no Accept, `*/*` and old clients). With the new media type a
request that fails before execution (parse, validation, limits, variable coercion) has no
`data` entry and a 4xx status, as the GraphQL-over-HTTP spec requires; with
`application/json` such responses keep 200 and `"data": null`. Errors of the HTTP layer
itself (wrong method, media type, batch, bad JSON) are JSON bodies with `extensions.code`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import GraphQLError

from gateway.masking import UNEXPECTED_CODE

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_MATCHES = {GRAPHQL_RESPONSE: (GRAPHQL_RESPONSE,), JSON: (JSON, "application/*", "*/*")}


class HTTPError(Exception):
    """A request refused by the HTTP layer, before any GraphQL runs."""

    def __init__(
        self, status: int, message: str, code: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})


def _accepted(accept: str) -> dict[str, float]:
    """Media range -> quality, from an Accept header."""
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges[media.lower()] = max(quality, ranges.get(media.lower(), 0.0))
    return ranges


def negotiate(accept: str | None) -> str:
    """The response media type for an Accept header (application/json unless the new one wins)."""
    if not accept:
        return JSON
    ranges = _accepted(accept)

    def quality(media: str) -> float:
        return max((ranges.get(r, 0.0) for r in _MATCHES[media]), default=0.0)

    new, old = quality(GRAPHQL_RESPONSE), quality(JSON)
    return GRAPHQL_RESPONSE if new > 0 and new >= old else JSON


def content_type(media: str) -> str:
    """The Content-Type header value of a response of this media type."""
    return f"{media}; charset=utf-8"


def is_request_error(data: object, errors: Sequence[GraphQLError]) -> bool:
    """True when the request failed before execution: no data and no error at a field path."""
    return data is None and bool(errors) and all(error.path is None for error in errors)


def request_error_status(errors: Sequence[GraphQLError]) -> int:
    """The status of a request error under application/graphql-response+json."""
    codes = {(error.extensions or {}).get("code") for error in errors}
    if UNEXPECTED_CODE in codes:
        return 500
    if "UNAUTHENTICATED" in codes:
        return 401
    return 400


def error_body(message: str, code: str) -> dict[str, Any]:
    """A GraphQL-shaped body for an error of the HTTP layer (no data entry)."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 415: "BAD_MEDIA_TYPE"}


def code_for_status(status: int) -> str:
    """The error code of a plain HTTP error raised by strawberry."""
    return _CODES.get(status, "BAD_REQUEST")
