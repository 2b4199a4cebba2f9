"""The real gateway emits one trace per request: HTTP → GraphQL operation → SQL."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import create_runtime
from gateway.telemetry import uninstrument_engine
from tests.conftest import client_for, make_gql, settings_for


def ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[ReadableSpan]:
    chain = []
    parent = span.parent
    while parent is not None and parent.span_id in by_id:
        chain.append(by_id[parent.span_id])
        parent = by_id[parent.span_id].parent
    return chain


@pytest.mark.parametrize("compiled", [False, True], ids=["resolvers", "compiled"])
async def test_http_graphql_sql_in_one_trace(minimal: AsyncEngine, compiled: bool) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False), compiled_reads=compiled),
        engine=minimal,
        tracer_provider=provider,
    )
    query = (
        'query OrgName { organization(code: "330106") { name children(first: 5) { totalCount } } }'
    )
    try:
        async with client_for(runtime) as client:
            gql = make_gql(client, runtime)
            body = await gql(query)
            if compiled:  # the second time the compiled fast path answers outside strawberry
                exporter.clear()
                body = await gql(query)
    finally:
        uninstrument_engine(minimal)
    assert body["data"]["organization"]["name"] == "西湖区"
    spans = exporter.get_finished_spans()
    assert len({s.context.trace_id for s in spans}) == 1
    by_id = {s.context.span_id: s for s in spans}
    operation = [
        s for s in spans if s.attributes and s.attributes.get("graphql.operation.type") == "query"
    ]
    assert len(operation) == 1
    op = operation[0]
    assert op.attributes is not None
    assert op.attributes["graphql.operation.name"] == "OrgName"
    assert '"330106"' not in str(op.attributes["graphql.document"])  # literals are sanitised
    http = [
        s
        for s in ancestors(op, by_id)
        if (s.attributes and "http.route" in s.attributes) or "POST" in s.name
    ]
    assert http, "the GraphQL span has the HTTP request span as an ancestor"
    sql = [
        s
        for s in spans
        if (s.attributes and "db.statement" in s.attributes)
        or (s.attributes or {}).get("db.system")
    ]
    under_op = [s for s in sql if op in ancestors(s, by_id)]
    if compiled and minimal.dialect.name == "postgresql":
        assert len(under_op) == 1, "the one compiled statement is a child of the operation span"
    else:
        assert len(under_op) >= 3, "the loaders' SELECTs are children of the operation span"
