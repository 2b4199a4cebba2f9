"""One OpenTelemetry span per GraphQL operation (semantic conventions), never per field."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import ClassVar

from graphql import GraphQLError
from graphql.language import (
    DocumentNode,
    EnumValueNode,
    FloatValueNode,
    IntValueNode,
    StringValueNode,
    Visitor,
    print_ast,
    visit,
)
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from strawberry.extensions import SchemaExtension

log = logging.getLogger(__name__)

TRACER_NAME = "dutygraph.gateway"
GENERIC_SPAN_NAME = "GraphQL Operation"  # semconv name when the operation type is unknown
_MAX_RECORDED_ERRORS = 5


# --------------------------------------------------------------------------- GraphQL


class _LiteralStripper(Visitor):
    """Replaces string and number literals by ``?`` (printed as a bare enum-like token)."""

    _placeholder = EnumValueNode(value="?")

    def enter_string_value(self, node: StringValueNode, *_args: object) -> EnumValueNode:
        return self._placeholder

    def enter_int_value(self, node: IntValueNode, *_args: object) -> EnumValueNode:
        return self._placeholder

    def enter_float_value(self, node: FloatValueNode, *_args: object) -> EnumValueNode:
        return self._placeholder


def sanitize_document(document: DocumentNode) -> str:
    """The document as graphql-core prints it, every string/number literal replaced by ``?``
    (semconv example: ``query findBookById { bookById(id: ?) { name } }``). Variables,
    booleans, enums and null are kept; comments and formatting are normalised away."""
    return print_ast(visit(document, _LiteralStripper()))


class _BoundedCache:
    """Query text -> sanitised document, LRU, thread-safe (sync execution runs in threads)."""

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._data: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: str, document: DocumentNode) -> str:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
                return value
        value = sanitize_document(document)
        with self._lock:
            self._data[key] = value
            if len(self._data) > self._maxsize:
                self._data.popitem(last=False)
        return value


_document_cache = _BoundedCache(maxsize=512)
_global_tracer = trace.get_tracer(TRACER_NAME)  # a proxy until a global provider is set


class GraphQLOperationSpan(SchemaExtension):
    """One span per GraphQL operation (semconv ``span.graphql.server``).

    Name: the operation type (``query``/``mutation``/``subscription``), ``GraphQL Operation``
    when unknown (parse error); with ``include_operation_name`` it is ``<type> <name>``
    (semconv allows this as an option; off by default because client-chosen names have high
    cardinality). Attributes: ``graphql.operation.type``, ``graphql.operation.name`` (when the
    operation has one), ``graphql.document`` (literals replaced by ``?``). Kind SERVER.

    The span is current for the whole operation (parse, validate, execute), so SQL spans made
    while resolving are its descendants. Errors: an exception escaping the operation is
    recorded by ``use_span``; GraphQL errors in the result (parse, validation, resolver) set
    status ERROR, ``error.type`` and one exception event each (first few).

    Pass the class (or :func:`operation_span_extension`'s subclass) to
    ``strawberry.Schema(extensions=[...])``; strawberry builds one instance per operation.
    Used as is, it takes its tracer from the global provider.
    """

    tracer: ClassVar[Tracer] = _global_tracer
    include_operation_name: ClassVar[bool] = False

    def on_operation(self) -> Iterator[None]:
        span = self.tracer.start_span(GENERIC_SPAN_NAME, kind=SpanKind.SERVER)
        with trace.use_span(span, end_on_exit=True):
            try:
                yield
            finally:
                if span.is_recording():
                    try:
                        self._annotate(span)
                    except Exception:  # telemetry must never break a request
                        log.exception("could not annotate the GraphQL operation span")

    def _annotate(self, span: trace.Span) -> None:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None:
            try:
                operation_type: str | None = ctx.operation_type.value
            except Exception:  # unknown operationName: strawberry reports it
                operation_type = None
            operation_name = ctx.operation_name
            if operation_type is not None:
                span.set_attribute("graphql.operation.type", operation_type)
                name = operation_type
                if self.include_operation_name and operation_name:
                    name = f"{operation_type} {operation_name}"
                span.update_name(name)
            if operation_name:
                span.set_attribute("graphql.operation.name", operation_name)
            text = (
                _document_cache.get_or_compute(ctx.query, document)
                if ctx.query
                else sanitize_document(document)
            )
            span.set_attribute("graphql.document", text)
        errors: Sequence[GraphQLError] | None = ctx.pre_execution_errors
        if not errors and ctx.result is not None:
            errors = getattr(ctx.result, "errors", None)  # incremental results have none
        if errors:
            _record_errors(span, errors)


def query_span(
    extension: type[GraphQLOperationSpan],
    query: str,
    document: DocumentNode,
    operation_name: str | None,
) -> trace.Span:
    """The span of a query operation answered outside strawberry (the compiled fast path),
    named and annotated as the `extension` class names and annotates it."""
    name = "query"
    if extension.include_operation_name and operation_name:
        name = f"query {operation_name}"
    span = extension.tracer.start_span(name, kind=SpanKind.SERVER)
    if span.is_recording():
        span.set_attribute("graphql.operation.type", "query")
        if operation_name:
            span.set_attribute("graphql.operation.name", operation_name)
        span.set_attribute("graphql.document", _document_cache.get_or_compute(query, document))
    return span


def _record_errors(span: trace.Span, errors: Sequence[GraphQLError]) -> None:
    first = errors[0]
    first_cause = first.original_error or first
    span.set_attribute("error.type", type(first_cause).__qualname__)
    span.set_status(Status(StatusCode.ERROR, f"{len(errors)} GraphQL error(s): {first.message}"))
    for error in errors[:_MAX_RECORDED_ERRORS]:
        cause = error.original_error or error
        attributes: dict[str, str] = {}
        if error.path:
            attributes["graphql.error.path"] = ".".join(str(part) for part in error.path)
        span.record_exception(cause, attributes=attributes)


def operation_span_extension(
    provider: trace.TracerProvider | None = None, *, include_operation_name: bool = False
) -> type[GraphQLOperationSpan]:
    """A :class:`GraphQLOperationSpan` subclass bound to ``provider`` (None: the global one)."""
    tracer = (
        _global_tracer
        if provider is None
        else trace.get_tracer(TRACER_NAME, tracer_provider=provider)
    )
    return type(
        "GraphQLOperationSpan",
        (GraphQLOperationSpan,),
        {
            "tracer": tracer,
            "include_operation_name": include_operation_name,
            "__module__": __name__,
        },
    )
