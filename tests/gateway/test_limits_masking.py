"""Error masking, introspection and suggestions by environment, websocket subprotocols."""

from __future__ import annotations

import logging
import types
import warnings
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocketDisconnect

from core import hookimpl
from core.graphql.errors import CodedError
from core.plugins import create_manager, register
from core.specs import PluginInfo
from gateway.app import GraphQLView, create_runtime
from gateway.telemetry import uninstrument_engine
from tests.conftest import client_for, production_settings, settings_for

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@strawberry.type
class TmpFailingQuery:
    @strawberry.field
    def tmp_boom(self) -> str | None:
        raise RuntimeError("secret detail 42: connection string postgres://u:p@db")

    @strawberry.field
    def tmp_coded(self) -> str | None:
        raise CodedError("临时的业务错误", "TMP_REFUSED")


def failing_plugin() -> types.ModuleType:
    module = types.ModuleType("tmp_plugin_failing")
    info = PluginInfo(name="failing", title="临时", version="0.0.1", sector_code="TMP")
    module.dutygraph_plugin_info = hookimpl(lambda: info)  # type: ignore[attr-defined]
    module.dutygraph_query_fields = hookimpl(lambda: [TmpFailingQuery])  # type: ignore[attr-defined]
    return module


def url_of(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
async def failing(minimal: AsyncEngine) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """A client on a gateway with a temporary plugin whose fields raise, and its span exporter."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    pm = create_manager(settings_for(url_of(minimal)))
    register(pm, "failing", failing_plugin())
    runtime = create_runtime(
        settings_for(url_of(minimal)), pm=pm, engine=minimal, tracer_provider=provider
    )
    try:
        async with client_for(runtime) as client:
            yield client, exporter
    finally:
        uninstrument_engine(minimal)


async def test_unexpected_error_is_masked_with_request_id_in_logs_and_trace(
    failing: tuple[httpx.AsyncClient, InMemorySpanExporter], caplog: pytest.LogCaptureFixture
) -> None:
    client, exporter = failing
    with caplog.at_level(logging.ERROR, logger="dutygraph.graphql"):
        response = await client.post(
            "/graphql",
            json={"query": "{ tmpBoom __typename }"},
            headers={"X-Request-Id": "req-7f3a"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"tmpBoom": None, "__typename": "Query"}
    [error] = body["errors"]
    assert error["message"] == "Unexpected error (request id req-7f3a)"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-7f3a"}
    assert error["path"] == ["tmpBoom"]
    assert "secret" not in response.text
    assert response.headers["x-request-id"] == "req-7f3a"
    [record] = [r for r in caplog.records if "req-7f3a" in r.getMessage()]
    assert record.exc_info is not None and "secret detail 42" in str(record.exc_info[1])
    events = [
        event
        for span in exporter.get_finished_spans()
        for event in span.events
        if event.name == "exception"
        and event.attributes is not None
        and event.attributes.get("dutygraph.request_id") == "req-7f3a"
    ]
    assert events and events[0].attributes is not None
    assert "secret detail 42" in str(events[0].attributes["exception.message"])


async def test_generated_request_id_matches_header_and_log(
    failing: tuple[httpx.AsyncClient, InMemorySpanExporter], caplog: pytest.LogCaptureFixture
) -> None:
    client, _exporter = failing
    with caplog.at_level(logging.ERROR, logger="dutygraph.graphql"):
        response = await client.post("/graphql", json={"query": "{ tmpBoom }"})
    request_id = response.headers["x-request-id"]
    assert len(request_id) >= 16
    assert response.json()["errors"][0]["extensions"]["requestId"] == request_id
    assert any(request_id in r.getMessage() for r in caplog.records)


async def test_coded_errors_pass_through_unmasked(
    failing: tuple[httpx.AsyncClient, InMemorySpanExporter], caplog: pytest.LogCaptureFixture
) -> None:
    client, _exporter = failing
    with caplog.at_level(logging.ERROR, logger="dutygraph.graphql"):
        coded = await client.post("/graphql", json={"query": "{ tmpCoded }"})
        cursor = await client.post(
            "/graphql", json={"query": '{ categories(after: "@@") { totalCount } }'}
        )
    [error] = coded.json()["errors"]
    assert error["message"] == "临时的业务错误"
    assert error["extensions"] == {"code": "TMP_REFUSED"}
    assert cursor.json()["errors"][0]["extensions"]["code"] in {"BAD_CURSOR", "UNAUTHENTICATED"}
    assert not caplog.records  # only unexpected errors are logged
    anonymous = await client.post("/graphql", json={"query": "{ viewer { username } }"})
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_LOOKUP = '{ __type(name: "Organization") { name } }'
FIELD_TYPO = '{ organizaton(code: "330106") { code } }'
ARGUMENT_TYPO = "{ organizations(frist: 1) { totalCount } }"
ENUM_TYPO = (
    "query Seats($role: LeadingGroupRole) { leadingGroups { edges { node {"
    " seats(role: $role) { title } } } } }"
)


async def _answers(engine: AsyncEngine, env: str) -> dict[str, httpx.Response]:
    settings = (
        production_settings(url_of(engine))
        if env == "production"
        else settings_for(url_of(engine), env=env)
    )
    runtime = create_runtime(settings, engine=engine)
    answers: dict[str, httpx.Response] = {}
    async with client_for(runtime) as client:
        for name, query, variables in [
            ("introspection", INTROSPECTION, None),
            ("type", TYPE_LOOKUP, None),
            ("typename", "{ __typename }", None),
            ("field", FIELD_TYPO, None),
            ("argument", ARGUMENT_TYPO, None),
            ("enum", ENUM_TYPO, {"role": "CHAIRR"}),
        ]:
            answers[name] = await client.post(
                "/graphql", json={"query": query, "variables": variables}
            )
    return answers


async def test_introspection_and_suggestions_off_in_production(minimal: AsyncEngine) -> None:
    answers = await _answers(minimal, "production")
    for name in ("introspection", "type"):
        [error] = answers[name].json()["errors"]
        assert error["extensions"]["code"] == "INTROSPECTION_DISABLED", name
    assert answers["typename"].json()["data"] == {"__typename": "Query"}
    for name in ("field", "argument", "enum"):
        message = answers[name].json()["errors"][0]["message"]
        assert "Did you mean" not in message and message, (name, message)
    assert "CHAIR'" not in answers["enum"].text


async def test_introspection_and_suggestions_on_in_development(minimal: AsyncEngine) -> None:
    answers = await _answers(minimal, "development")
    assert answers["introspection"].json()["data"]["__schema"]["queryType"]["name"] == "Query"
    assert answers["type"].json()["data"] == {"__type": {"name": "Organization"}}
    for name in ("field", "argument", "enum"):
        message = answers[name].json()["errors"][0]["message"]
        assert "Did you mean" in message, (name, message)


async def test_graphiql_introspection_fits_the_limits(minimal: AsyncEngine) -> None:
    from graphql import get_introspection_query

    runtime = create_runtime(settings_for(url_of(minimal)), engine=minimal)
    async with client_for(runtime) as client:
        response = await client.post(
            "/graphql", json={"query": get_introspection_query(descriptions=True)}
        )
    assert "errors" not in response.json()
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


def test_only_graphql_transport_ws(minimal: AsyncEngine) -> None:
    # create_app routes /graphql for HTTP only (no subscriptions yet): mount the view for ws
    runtime = create_runtime(settings_for(url_of(minimal)), engine=minimal)
    client = TestClient(Starlette(routes=[WebSocketRoute("/graphql", GraphQLView(runtime))]))
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert ws.accepted_subprotocol == "graphql-transport-ws"
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json({"type": "subscribe", "id": "1", "payload": {"query": "{ __typename }"}})
        assert ws.receive_json() == {
            "type": "next",
            "id": "1",
            "payload": {
                "data": {"__typename": "Query"},
                "extensions": {"cost": {"requested": 1, "nodes": 0}},
            },
        }
    for legacy in (["graphql-ws"], []):
        with (
            pytest.raises(WebSocketDisconnect) as closed,
            client.websocket_connect("/graphql", subprotocols=legacy) as ws,
        ):
            ws.receive_json()
        assert closed.value.code == 4406
