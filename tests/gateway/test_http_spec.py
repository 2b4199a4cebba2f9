"""GraphQL over HTTP: media types and status codes, old (application/json) and new clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import create_runtime
from gateway.http_spec import GRAPHQL_RESPONSE, JSON, negotiate
from tests.conftest import client_for, settings_for, token_for

NEW = {"Accept": GRAPHQL_RESPONSE}
OLD = {"Accept": JSON}


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json;q=0.5", JSON),
        ("application/graphql-response+json;q=0, application/json", JSON),
        ("text/html", JSON),
        ("application/*;q=0.8, application/graphql-response+json", GRAPHQL_RESPONSE),
    ],
)
def test_negotiate(accept: str | None, media: str) -> None:
    assert negotiate(accept) == media


@pytest.fixture
async def client(minimal: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    async with client_for(runtime) as http:
        http.headers["Authorization"] = f"Bearer {token_for(runtime, 'admin')}"
        yield http


REQUEST_ERRORS = {
    "parse": ({"query": "{"}, None),
    "validation": ({"query": "{ noSuchField }"}, None),
    "coercion": ({"query": "query Q($id: ID!) { __typename }", "variables": {"id": None}}, None),
    "limit": ({"query": "{ organizations(first: 1000) { totalCount } }"}, "BAD_PAGE_SIZE"),
}


@pytest.mark.parametrize("name", list(REQUEST_ERRORS))
async def test_request_errors_are_400_without_data_for_new_clients(
    client: httpx.AsyncClient, name: str
) -> None:
    body, code = REQUEST_ERRORS[name]
    response = await client.post("/graphql", json=body, headers=NEW)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in response.json() and response.json()["errors"]
    if code == "BAD_PAGE_SIZE":
        assert response.json()["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize("name", list(REQUEST_ERRORS))
async def test_request_errors_stay_200_with_null_data_for_old_clients(
    client: httpx.AsyncClient, name: str
) -> None:
    body, _code = REQUEST_ERRORS[name]
    response = await client.post("/graphql", json=body, headers=OLD)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(JSON)
    assert response.json()["data"] is None and response.json()["errors"]


async def test_success_is_200_in_both_media_types(client: httpx.AsyncClient) -> None:
    for headers, media in ((NEW, GRAPHQL_RESPONSE), (OLD, JSON), ({}, JSON)):
        response = await client.post(
            "/graphql", json={"query": "{ viewer { username } }"}, headers=headers
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        assert response.json()["data"] == {"viewer": {"username": "admin"}}
        assert response.json()["extensions"] == {"cost": {"requested": 1, "nodes": 1}}


async def test_field_errors_keep_200_and_data_for_new_clients(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": '{ categories(after: "@@") { totalCount } viewer { username } }'},
        headers=NEW,
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


async def test_unauthenticated_keeps_401(minimal: AsyncEngine) -> None:
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    async with client_for(runtime) as anonymous:
        for headers in (NEW, OLD):
            response = await anonymous.post(
                "/graphql", json={"query": "{ viewer { username } }"}, headers=headers
            )
            assert response.status_code == 401
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        bad = await anonymous.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={**NEW, "Authorization": "Bearer garbage"},
        )
    assert bad.status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b'{ "not json', 400),
        (b'{"notquery": "{ __typename }"}', 400),
        (b'{"query": 0}', 400),
        (b'{"query": "{ __typename }", "variables": "x"}', 400),
        (b'{"query": "{ __typename }", "operationName": {"o": 1}}', 400),
        (b'{"query": "{ __typename }", "extensions": []}', 400),
    ],
)
async def test_malformed_requests_are_400_json(
    client: httpx.AsyncClient, body: bytes, status: int
) -> None:
    for headers in (NEW, OLD):
        response = await client.post(
            "/graphql", content=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == status, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert response.headers["x-request-id"]


async def test_get_query_with_variables(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": "query Q($code: String!) { organization(code: $code) { name } }",
            "variables": '{"code": "330106"}',
        },
        headers=NEW,
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"organization": {"name": "西湖区"}}
