"""A GraphQL POST read once at the edge (rate limit, idempotency), then replayed to the view."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.types import Message, Receive, Scope

from core.auth.principal import Principal

MAX_TOKENS = 10_000  # the query limits reject far smaller documents; this only bounds our parse


@lru_cache(maxsize=256)
def _parse(query: str) -> DocumentNode | None:
    try:
        return parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:  # the view answers the syntax error
        return None


async def read_body(receive: Receive) -> bytes:
    """The whole request body (empty when the client went away)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive channel that hands out `body` once, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def owner_of(principal: Principal | None, scope: Scope) -> str:
    """Who a request counts against: its account, or its client address when anonymous."""
    if principal is not None:
        return f"account:{principal.account_id}"
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


@dataclass(frozen=True)
class GraphQLPost:
    """The body of one POST to /graphql, with what the edge needs to know of it."""

    body: bytes
    content_type: str

    @cached_property
    def payload(self) -> dict[str, Any] | None:
        """The JSON object of a JSON request (None for other media types, bad JSON, batches)."""
        if "json" not in self.content_type:
            return None
        try:
            data = orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return None
        return data if isinstance(data, dict) else None

    @cached_property
    def document(self) -> DocumentNode | None:
        """The parsed query (None when absent or not valid GraphQL syntax)."""
        query = (self.payload or {}).get("query")
        return _parse(query) if isinstance(query, str) else None

    @property
    def variables(self) -> dict[str, Any]:
        """The request's variables ({} when absent or not an object)."""
        variables = (self.payload or {}).get("variables")
        return variables if isinstance(variables, dict) else {}

    @cached_property
    def operation_type(self) -> OperationType | None:
        """The type of the operation the request runs (None when that is not determined)."""
        if self.document is None:
            return None
        name = (self.payload or {}).get("operationName")
        operations = [
            d for d in self.document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        if name:
            operations = [op for op in operations if op.name and op.name.value == name]
        return operations[0].operation if len(operations) == 1 else None

    @property
    def is_mutation(self) -> bool:
        """True for a JSON POST running a mutation."""
        return self.operation_type is OperationType.MUTATION

    def fingerprint(self) -> str:
        """SHA-256 of the request: canonical JSON of the payload (key order and spacing ignored)."""
        if self.payload is None:
            return hashlib.sha256(self.body).hexdigest()
        return hashlib.sha256(orjson.dumps(self.payload, option=orjson.OPT_SORT_KEYS)).hexdigest()
