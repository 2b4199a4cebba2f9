"""Query limits: each one refuses the request with its code before any SQL runs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import Runtime, create_runtime
from tests.conftest import client_for, settings_for, token_for

ORG_PAGE = "{ organizations(first: %d) { edges { node { code } } } }"


@dataclass
class Edge:
    """A client on the minimal city's gateway, and the SQL statements it caused."""

    runtime: Runtime
    client: httpx.AsyncClient
    statements: list[str]

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.statements.clear()
        yield self.statements

    async def post(self, body: Any, *, user: str | None = None, **headers: str) -> httpx.Response:
        if user:
            headers["Authorization"] = f"Bearer {token_for(self.runtime, user)}"
        return await self.client.post("/graphql", json=body, headers=headers)


@pytest.fixture
async def edge(minimal: AsyncEngine) -> AsyncIterator[Edge]:
    url = minimal.url.render_as_string(hide_password=False)
    runtime = create_runtime(settings_for(url), engine=minimal)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(minimal.sync_engine, "before_cursor_execute", count)
    try:
        async with client_for(runtime) as client:
            yield Edge(runtime, client, statements)
    finally:
        event.remove(minimal.sync_engine, "before_cursor_execute", count)


def codes(response: httpx.Response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json()["errors"]]


def nested(depth: int) -> str:
    """A query `depth` fields deep: organization → children → edges → node → children …"""
    inner = "code"
    fields = 1
    while fields + 3 <= depth - 1:
        inner = f"children(first: 1) {{ edges {{ node {{ {inner} }} }} }}"
        fields += 3
    while fields < depth - 1:
        inner = f"parent {{ {inner} }}"
        fields += 1
    return f'{{ organization(code: "330106") {{ {inner} }} }}'


TOO_DEEP = nested(11)
ALIASES = "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"
ALIASES_VIA_FRAGMENTS = (
    "query { ...F ...F } fragment F on Query { "
    + " ".join(f"a{i}: __typename" for i in range(8))
    + " }"
)
TOKENS = "{ " + " ".join(["__typename"] * 2001) + " }"
COSTLY = (
    "{ organizations(first: 100) { edges { node { children(first: 100) { edges { node {"
    " children(first: 100) { edges { node { code } } } } } } } } } }"
)

REFUSED = {
    "too deep": (TOO_DEEP, "QUERY_TOO_DEEP"),
    "aliases": (ALIASES, "TOO_MANY_ALIASES"),
    "aliases via fragments": (ALIASES_VIA_FRAGMENTS, "TOO_MANY_ALIASES"),
    "tokens": (TOKENS, "TOO_MANY_TOKENS"),
    "cost": (COSTLY, "QUERY_TOO_COSTLY"),
    "first 1000": (ORG_PAGE % 1000, "BAD_PAGE_SIZE"),
    "first 0": (ORG_PAGE % 0, "BAD_PAGE_SIZE"),
    "nested first 101": (
        '{ organization(code: "330106") { children(first: 101) { totalCount } } }',
        "BAD_PAGE_SIZE",
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
async def test_each_limit_refuses_before_any_sql(edge: Edge, name: str) -> None:
    query, code = REFUSED[name]
    with edge.counting() as statements:
        response = await edge.post({"query": query})
    assert response.status_code == 200, response.text  # application/json keeps 200
    assert codes(response) == [code]
    assert response.json()["data"] is None
    assert statements == []


async def test_limits_apply_with_a_token_too(edge: Edge) -> None:
    with edge.counting() as statements:
        await edge.post({"query": "{ __typename }"}, user="admin")
    authentication = list(statements)  # the account lookup behind the bearer token
    assert len(authentication) == 1
    for query, code in REFUSED.values():
        with edge.counting() as statements:
            response = await edge.post({"query": query}, user="admin")
        assert codes(response) == [code]
        # nothing but that lookup (and usually not even that: the principal is cached)
        assert set(statements) <= set(authentication)


async def test_page_size_from_a_variable_is_refused_before_sql(edge: Edge) -> None:
    query = "query Page($n: Int!) { organizations(first: $n) { totalCount } }"
    with edge.counting() as statements:
        response = await edge.post({"query": query, "variables": {"n": 1000}})
        defaulted = await edge.post(
            {"query": "query P($n: Int! = 0) { organizations(first: $n) { totalCount } }"}
        )
    assert codes(response) == ["BAD_PAGE_SIZE"] and codes(defaulted) == ["BAD_PAGE_SIZE"]
    assert "1000" in response.json()["errors"][0]["message"]
    assert statements == []


async def test_limits_just_inside_are_accepted(edge: Edge) -> None:
    ten_deep = nested(10)
    fifteen = "{ " + " ".join(f"a{i}: __typename" for i in range(15)) + " }"
    for query in (ten_deep, fifteen, ORG_PAGE % 100, ORG_PAGE % 1):
        response = await edge.post({"query": query}, user="admin")
        assert "errors" not in response.json(), (query, response.text)


async def test_cost_is_reported_in_every_response(edge: Edge) -> None:
    # organizations: the operation 1 + one page fetched; nodes 1 + 2 × (edges 1 + node 1)
    page = await edge.post({"query": ORG_PAGE % 2}, user="admin")
    assert page.json()["extensions"] == {"cost": {"requested": 2, "nodes": 5}}
    assert len(page.json()["data"]["organizations"]["edges"]) == 2
    nested_cost = await edge.post(
        {
            "query": "{ organizations(first: 3) { edges { node { children(first: 10) {"
            " edges { node { code } } } } } } }"
        },
        user="admin",
    )
    # children are fetched for each of the 3 organisations: 1 + 1 + 3 pages (GitHub's rule)
    assert nested_cost.json()["extensions"]["cost"] == {
        "requested": 1 + 1 + 3,
        "nodes": 1 + 3 * (1 + 1 + (1 + 10 * 2)),
    }
    costly = await edge.post({"query": COSTLY}, user="admin")
    error = costly.json()["errors"][0]
    reported = costly.json()["extensions"]["cost"]
    assert error["extensions"]["cost"] == reported["requested"] == 1 + 1 + 100 + 100 * 100
    assert error["extensions"]["nodes"] == reported["nodes"] > 50_000
    assert error["extensions"]["maxCost"] == 3_000
    assert error["extensions"]["maxNodes"] == 50_000
    nodes = await edge.post(
        {"query": '{ nodes(ids: ["a", "b", "c"]) { ... on Organization { parent { code } } } }'},
        user="admin",
    )
    # the length of `ids` multiplies the objects; a parent is joined, not a page of its own
    assert nodes.json()["extensions"]["cost"] == {"requested": 2, "nodes": 1 + 3 * 1}


async def test_fragments_count_towards_cost_and_depth(edge: Edge) -> None:
    query = (
        "query { organizations(first: 100) { ...Page } } "
        "fragment Page on OrganizationConnection { edges { node { children(first: 100) {"
        " edges { node { children(first: 100) { totalCount edges { node { code } } } } } } } } }"
    )
    response = await edge.post({"query": query}, user="admin")
    assert codes(response) == ["QUERY_TOO_COSTLY"]


@pytest.mark.parametrize(
    ("overrides", "query", "code"),
    [
        ({"max_query_nodes": 4}, ORG_PAGE % 2, "QUERY_TOO_COSTLY"),
        ({"max_query_cost": 1}, ORG_PAGE % 2, "QUERY_TOO_COSTLY"),
        ({"max_query_depth": 2}, "{ viewer { person { name } } }", "QUERY_TOO_DEEP"),
        ({"max_query_aliases": 0}, "{ t: __typename }", "TOO_MANY_ALIASES"),
        ({"max_query_tokens": 3}, "{ a b }", "TOO_MANY_TOKENS"),
    ],
)
async def test_limits_come_from_settings(
    minimal: AsyncEngine, overrides: dict[str, int], query: str, code: str
) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    runtime = create_runtime(settings_for(url, **overrides), engine=minimal)
    async with client_for(runtime) as client:
        response = await client.post("/graphql", json={"query": query})
    assert codes(response) == [code]


async def test_batch_is_refused(edge: Edge) -> None:
    with edge.counting() as statements:
        response = await edge.post([{"query": "{ __typename }"}, {"query": "{ __typename }"}])
    assert response.status_code == 400
    assert codes(response) == ["BATCH_NOT_ALLOWED"]
    assert statements == []


MUTATION = 'mutation { createOrganization(input: {code: "x", name: "x", categoryCode: "STREET", parentCode: "330106"}) { errors { code } } }'


async def test_mutation_over_get_is_405(edge: Edge) -> None:
    with edge.counting() as statements:
        response = await edge.client.get(
            "/graphql", params={"query": MUTATION}, headers={"Accept": "application/json"}
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert codes(response) == ["METHOD_NOT_ALLOWED"]
    assert statements == []
    token = token_for(edge.runtime, "admin")
    signed_in = await edge.client.get(
        "/graphql", params={"query": MUTATION}, headers={"Authorization": f"Bearer {token}"}
    )
    assert signed_in.status_code == 405 and codes(signed_in) == ["METHOD_NOT_ALLOWED"]


async def test_query_over_get_is_allowed(edge: Edge) -> None:
    response = await edge.client.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
async def test_non_json_posts_are_refused(edge: Edge, content_type: str | None) -> None:
    body = json.dumps({"query": MUTATION})
    headers = {"Content-Type": content_type} if content_type else {}
    with edge.counting() as statements:
        response = await edge.client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 415
    assert codes(response) == ["BAD_MEDIA_TYPE"]
    assert statements == []


async def test_form_post_is_refused(edge: Edge) -> None:
    response = await edge.client.post("/graphql", data={"query": MUTATION})
    assert response.status_code == 415 and codes(response) == ["BAD_MEDIA_TYPE"]
    multipart = await edge.client.post(
        "/graphql", data={"operations": "{}"}, files={"f": ("a.txt", b"x")}
    )
    assert multipart.status_code == 415 and codes(multipart) == ["BAD_MEDIA_TYPE"]


async def test_other_methods_are_405(edge: Edge) -> None:
    response = await edge.client.put("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert codes(response) == ["METHOD_NOT_ALLOWED"]


def test_cost_function_for_the_rate_limiter() -> None:
    from graphql import parse

    from core.config import Settings
    from core.plugins import create_manager
    from gateway.cost import cost_function
    from gateway.schema import build_schema

    schema = build_schema(create_manager(Settings()))._schema
    cost = cost_function(schema)
    assert cost(parse("{ __typename }"), {}) == 1  # every request takes at least 1
    assert cost(parse(ORG_PAGE % 2), {}) == 2
    nested = "{ organizations(first: %d) { edges { node { children(first: 5) { totalCount } } } } }"
    two = parse(f"query A {nested % 2} query B {nested % 10}")
    assert cost(two, {}) == 1 + 1 + 10  # the costlier operation
    page = parse(
        "query P($n: Int!) { organizations(first: $n) { edges { node {"
        " children(first: 5) { totalCount } } } } }"
    )
    assert cost(page, {"n": 7}) == 1 + 1 + 7
    # with the limits known, a query they refuse costs nothing (QUERY_TOO_COSTLY, not 429)
    limited = cost_function(schema, max_cost=3_000, max_nodes=50_000)
    assert limited(parse(COSTLY), {}) == 0
    assert limited(page, {"n": 0}) == 0  # a bad page size is refused too
    assert limited(page, {"n": 7}) == 1 + 1 + 7
    # a refused operation beside a runnable one: the runnable one is charged
    assert limited(parse(f"query A {nested % 2} query B {COSTLY}"), {}) == 1 + 1 + 2
