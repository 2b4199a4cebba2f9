"""gateway.telemetry: HTTP span -> GraphQL operation span -> SQL span, in one trace."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import strawberry
from graphql import parse
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, TraceIdRatioBased
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from gateway.telemetry import (
    instrument_app,
    instrument_engine,
    operation_span_extension,
    otlp_traces_endpoint,
    sampler_from_env,
    sanitize_document,
    setup_tracing,
    span_exporters_from_env,
    uninstrument_app,
    uninstrument_engine,
)

# --------------------------------------------------------------------------- fixtures


@dataclass
class Traced:
    client: httpx.AsyncClient
    exporter: InMemorySpanExporter
    engine: AsyncEngine

    async def post(self, query: str, **extra: object) -> httpx.Response:
        self.exporter.clear()
        return await self.client.post("/graphql", json={"query": query, **extra})

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())


def _build_app(engine: AsyncEngine, provider: TracerProvider) -> Starlette:
    @strawberry.type
    class Query:
        @strawberry.field
        async def one(self, label: str, n: int) -> int:
            async with engine.connect() as conn:
                value = (await conn.execute(text("SELECT 1"))).scalar_one()
            return int(value)  # the literals only matter to the document attribute

        @strawberry.field
        async def boom(self) -> int:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 2"))
            raise ValueError("resolver failed")

    schema = strawberry.Schema(query=Query, extensions=[operation_span_extension(provider)])
    app = Starlette(routes=[Route("/graphql", GraphQL(schema), methods=["GET", "POST"])])
    instrument_engine(engine, provider)
    instrument_app(app, provider)
    return app


@pytest.fixture
async def traced(tmp_path: Path) -> AsyncIterator[Traced]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'telemetry.db'}")
    app = _build_app(engine, provider)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Traced(client=client, exporter=exporter, engine=engine)
    uninstrument_app(app)
    uninstrument_engine(engine)
    await engine.dispose()
    provider.shutdown()


def _one(
    spans: list[ReadableSpan], predicate: Callable[[ReadableSpan], bool], what: str
) -> ReadableSpan:
    found = [span for span in spans if predicate(span)]
    assert len(found) == 1, f"expected one {what}, got {[s.name for s in spans]}"
    return found[0]


def _is_descendant(span: ReadableSpan, ancestor: ReadableSpan, spans: list[ReadableSpan]) -> bool:
    by_id = {s.context.span_id: s for s in spans}
    parent = span.parent
    while parent is not None:
        if parent.span_id == ancestor.context.span_id:
            return True
        above = by_id.get(parent.span_id)
        parent = above.parent if above is not None else None
    return False


# --------------------------------------------------------------------------- the chain


async def test_http_graphql_sql_chain(traced: Traced) -> None:
    response = await traced.post(
        'query Probe { one(label: "secret-literal", n: 42) }', operationName="Probe"
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"one": 1}}

    spans = traced.spans()
    assert len({span.context.trace_id for span in spans}) == 1, "all spans in one trace"

    http = _one(spans, lambda s: s.parent is None, "root span")
    assert http.kind is SpanKind.SERVER
    assert http.name == "POST /graphql"
    assert not [s for s in spans if s.name.endswith((" http send", " http receive"))]

    operation = _one(spans, lambda s: s.name == "query", "GraphQL operation span")
    assert operation.parent is not None
    assert operation.parent.span_id == http.context.span_id
    assert operation.kind is SpanKind.SERVER
    attributes = dict(operation.attributes or {})
    assert attributes["graphql.operation.type"] == "query"
    assert attributes["graphql.operation.name"] == "Probe"
    document = attributes["graphql.document"]
    assert document == "query Probe {\n  one(label: ?, n: ?)\n}"
    assert "secret-literal" not in document and "42" not in document
    assert operation.status.status_code is StatusCode.UNSET

    sql = _one(spans, lambda s: s.kind is SpanKind.CLIENT, "SQL span")
    assert sql.name.startswith("SELECT")
    statement = dict(sql.attributes or {})
    assert "SELECT 1" in str(statement.get("db.statement", statement.get("db.query.text")))
    assert _is_descendant(sql, operation, spans)
    assert operation.start_time is not None and sql.start_time is not None
    assert operation.end_time is not None and sql.end_time is not None
    assert operation.start_time <= sql.start_time and sql.end_time <= operation.end_time


async def test_resolver_error_marks_operation_span(traced: Traced) -> None:
    response = await traced.post("{ boom }")
    assert response.json()["errors"][0]["message"] == "resolver failed"

    spans = traced.spans()
    operation = _one(spans, lambda s: s.name == "query", "GraphQL operation span")
    assert operation.status.status_code is StatusCode.ERROR
    attributes = dict(operation.attributes or {})
    assert "graphql.operation.name" not in attributes  # anonymous operation
    assert attributes["error.type"] == "ValueError"
    events = [e for e in operation.events if e.name == "exception"]
    assert len(events) == 1
    event_attributes = dict(events[0].attributes or {})
    assert event_attributes["exception.type"] == "ValueError"
    assert event_attributes["graphql.error.path"] == "boom"
    sql = _one(spans, lambda s: s.kind is SpanKind.CLIENT, "SQL span")
    assert _is_descendant(sql, operation, spans)


async def test_parse_error_keeps_generic_name(traced: Traced) -> None:
    response = await traced.post("query { one(")
    assert response.json()["errors"]
    operation = _one(traced.spans(), lambda s: s.name == "GraphQL Operation", "operation span")
    assert operation.status.status_code is StatusCode.ERROR
    assert "graphql.document" not in dict(operation.attributes or {})


async def test_operation_name_in_span_name_is_opt_in(tmp_path: Path) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    @strawberry.type
    class Query:
        hello: str = "world"

    extension = operation_span_extension(provider, include_operation_name=True)
    schema = strawberry.Schema(query=Query, extensions=[extension])
    result = await schema.execute("query Greeting { hello }", root_value=Query())
    assert result.errors is None
    assert [span.name for span in exporter.get_finished_spans()] == ["query Greeting"]
    provider.shutdown()


def test_sanitize_document() -> None:
    document = parse(
        """
        # a comment with a secret
        query Q($id: ID = "default", $flag: Boolean = true, $n: Float = 2.5) {
          org(id: $id, code: "A-17", depth: 3, ratio: 0.5, kind: DISTRICT, note: \"\"\"
            block secret
          \"\"\", missing: null, tags: ["t1", 7], where: {code: "x", level: 2})
            @include(if: $flag) { name }
        }
        """
    )
    printed = sanitize_document(document)
    for secret in ("default", "2.5", "A-17", "3", "0.5", "secret", "t1", "7", '"x"', "2"):
        assert secret not in printed
    for kept in ("$id: ID = ?", "$flag: Boolean = true", "id: $id", "code: ?", "kind: DISTRICT"):
        assert kept in printed
    for kept in ("missing: null", "tags: [?, ?]", "@include(if: $flag)"):
        assert kept in printed
    assert "where:{code:?,level:?}" in printed.replace(" ", "")  # spacing differs by version
    assert parse(printed.replace("?", "0"))  # still a well-formed document shape


# --------------------------------------------------------------------------- setup_tracing


@pytest.fixture
def providers() -> Iterator[list[TracerProvider]]:
    made: list[TracerProvider] = []
    yield made
    for provider in made:
        provider.shutdown()


def test_setup_tracing_none(providers: list[TracerProvider]) -> None:
    assert setup_tracing({}, set_global=False) is None
    assert setup_tracing({"OTEL_TRACES_EXPORTER": "none"}, set_global=False) is None
    assert (
        setup_tracing(
            {"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "true"}, set_global=False
        )
        is None
    )


def test_setup_tracing_console(providers: list[TracerProvider]) -> None:
    provider = setup_tracing(
        {"OTEL_TRACES_EXPORTER": "console", "OTEL_SERVICE_NAME": "dg-test"}, set_global=False
    )
    assert isinstance(provider, TracerProvider)
    providers.append(provider)
    assert provider.resource.attributes["service.name"] == "dg-test"
    assert [type(e) for e in span_exporters_from_env({"OTEL_TRACES_EXPORTER": "console"})] == [
        ConsoleSpanExporter
    ]


def test_setup_tracing_otlp_from_endpoint(providers: list[TracerProvider]) -> None:
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/",
        "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod,team=ops%20city",
    }
    provider = setup_tracing(env, set_global=False)
    assert isinstance(provider, TracerProvider)
    providers.append(provider)
    attributes = provider.resource.attributes
    assert attributes["service.name"] == "dutygraph"
    assert attributes["deployment.environment"] == "prod"
    assert attributes["team"] == "ops city"
    exporters = span_exporters_from_env(env)
    assert [type(e) for e in exporters] == [OTLPSpanExporter]
    for exporter in exporters:
        exporter.shutdown()
    assert otlp_traces_endpoint(env) == "http://collector:4318/v1/traces"
    signal_env = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://otel.example/custom"}
    assert otlp_traces_endpoint(signal_env) == "https://otel.example/custom"
    assert otlp_traces_endpoint({}) == "http://localhost:4318/v1/traces"


def test_setup_tracing_rejects_unknown_exporter() -> None:
    with pytest.raises(ValueError, match="zipkin"):
        setup_tracing({"OTEL_TRACES_EXPORTER": "zipkin"}, set_global=False)
    with pytest.raises(ValueError, match="http/json"):
        setup_tracing(
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
            set_global=False,
        )


def test_sampler_from_env() -> None:
    assert sampler_from_env({}).get_description().startswith("ParentBased{root:AlwaysOnSampler")
    ratio = sampler_from_env(
        {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}
    )
    assert "0.25" in ratio.get_description()
    assert isinstance(ratio, ParentBased)
    assert sampler_from_env({"OTEL_TRACES_SAMPLER": "always_off"}) is ALWAYS_OFF
    assert isinstance(sampler_from_env({"OTEL_TRACES_SAMPLER": "traceidratio"}), TraceIdRatioBased)
