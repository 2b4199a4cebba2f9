"""The cost model against the default budget: what a person browsing does fits, a scraper is
stopped, and a query refused for its cost costs nothing (QUERY_TOO_COSTLY, never 429)."""

from __future__ import annotations

import httpx
from graphql import parse
from sqlalchemy.ext.asyncio import AsyncEngine

from core.config import Settings
from core.plugins import create_manager
from gateway.app import AuthenticatedGraphQL, GraphQLView, create_runtime
from gateway.cost import analyse, cost_function
from gateway.idempotency import Idempotency
from gateway.ratelimit import LocalBuckets, Policy, RateLimiter
from gateway.request_guard import RequestGuard
from gateway.schema import build_schema
from tests.conftest import settings_for, token_for
from tests.gateway.test_ratelimit import Clock, assert_limited

NESTED_PAGE = """{ organization(code: "330106") { code name children(first: 50) { edges { node {
  code name category { code name }
  assignments(current: true) { edges { node { person { name } position { name } } } } } } } } }"""
COSTLY = (
    "{ organizations(first: 100) { edges { node { children(first: 100) { edges { node {"
    " children(first: 100) { edges { node { code } } } } } } } } } }"
)


def test_the_nested_page_costs_the_pages_it_fetches() -> None:
    schema = build_schema(create_manager(Settings()))._schema
    analysis = analyse(schema, parse(NESTED_PAGE))
    # the operation, the page of children, and one page of assignments per child
    assert analysis.cost == 1 + 1 + 50
    # at most 10,202 objects (the product of every `first`: what it used to be charged)
    assert analysis.nodes == 1 + (1 + 50 * (1 + (1 + 1 + (1 + 50 * (1 + (1 + 1 + 1))))))
    assert analysis.nodes == 10_202


def test_default_budget_lets_a_person_browse_and_stops_a_scraper() -> None:
    settings = Settings()
    schema = build_schema(create_manager(settings))._schema
    page = analyse(schema, parse(NESTED_PAGE)).cost
    per_minute = settings.rate_limit_refill_per_second * 60
    assert 60 * page <= per_minute  # the nested page 60 times a minute, for ever
    # a scraper sending the page back to back (the server answers hundreds a second) is
    # held to the refill rate within seconds of a full bucket
    burst = settings.rate_limit_capacity / page
    assert burst < 100
    assert settings.rate_limit_refill_per_second / page < 1.5  # pages a second, sustained
    assert settings.max_query_cost <= settings.rate_limit_capacity  # any query can run once


async def test_a_refused_query_costs_nothing(minimal: AsyncEngine) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    settings = settings_for(url)
    runtime = create_runtime(settings, engine=minimal)
    clock = Clock()
    cost = cost_function(
        runtime.schema._schema, max_cost=settings.max_query_cost, max_nodes=settings.max_query_nodes
    )
    limiter = RateLimiter(LocalBuckets(Policy(10, 1), clock=clock), cost=cost)
    guard = RequestGuard(limiter=limiter, idempotency=Idempotency(runtime.engine))
    app = AuthenticatedGraphQL(runtime, GraphQLView(runtime), guard=guard)
    headers = {"Authorization": f"Bearer {token_for(runtime, 'admin')}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for _ in range(20):  # far more than the bucket holds, each refused for its cost
            refused = await client.post("/graphql", json={"query": COSTLY}, headers=headers)
            assert refused.status_code == 200
            codes = [error["extensions"]["code"] for error in refused.json()["errors"]]
            assert codes == ["QUERY_TOO_COSTLY"]
        page = "{ organizations(first: 2) { edges { node { code } } } }"  # costs 2
        for _ in range(5):
            answer = await client.post("/graphql", json={"query": page}, headers=headers)
            assert answer.status_code == 200, answer.text
        assert_limited(await client.post("/graphql", json={"query": page}, headers=headers), 2)
