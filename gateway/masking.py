"""Unexpected exceptions are masked: the client gets "Unexpected error" and a request id;
the log and the trace get the full error under that id.

"Unexpected" means an error whose cause is not a GraphQLError: a bug, a lost database, …
Parse and validation errors, limit errors, our CodedError (UNAUTHENTICATED, BAD_PAGE_SIZE…)
and variable-coercion errors all pass through unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from graphql import GraphQLError
from opentelemetry import trace
from strawberry.extensions import SchemaExtension

log = logging.getLogger("dutygraph.graphql")

UNEXPECTED_CODE = "INTERNAL_SERVER_ERROR"
REQUEST_ID_ATTRIBUTE = "dutygraph.request_id"


def is_unexpected(error: GraphQLError) -> bool:
    """True for an error caused by an exception that is not a GraphQLError."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def masked(error: GraphQLError, request_id: str) -> GraphQLError:
    """The client's view of an unexpected error: where it happened, not what it was."""
    return GraphQLError(
        f"Unexpected error (request id {request_id})",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": UNEXPECTED_CODE, "requestId": request_id},
    )


def mask_errors(errors: Sequence[GraphQLError], request_id: str) -> list[GraphQLError]:
    """The errors with every unexpected one masked."""
    return [masked(e, request_id) if is_unexpected(e) else e for e in errors]


def report(errors: Sequence[GraphQLError], request_id: str) -> None:
    """Log every unexpected error in full with the request id, and put it on the current span."""
    span = trace.get_current_span()
    for error in errors:
        if not is_unexpected(error):
            continue
        cause = error.original_error
        assert cause is not None
        path = ".".join(str(part) for part in error.path or ())
        log.error(
            "unexpected error in GraphQL request %s at %s: %s",
            request_id,
            path or "(operation)",
            error.message,
            exc_info=(type(cause), cause, cause.__traceback__),
            extra={"request_id": request_id},
        )
        if span.is_recording():
            span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id)
            span.record_exception(cause, attributes={REQUEST_ID_ATTRIBUTE: request_id})


def request_id_of(context: object) -> str:
    """The request id of a request context ("-" when the context has none)."""
    return str(getattr(context, "request_id", "-"))


class MaskUnexpectedErrors(SchemaExtension):
    """Masks unexpected errors in every result (HTTP and websocket alike)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = mask_errors(errors, request_id_of(self.execution_context.context))
