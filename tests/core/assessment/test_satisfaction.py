"""The public rating: no account, one per device, bounded input, rate-limited per address."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from core.assessment.models import ServiceRating
from gateway.app import Runtime, create_app, create_runtime
from tests.conftest import GQL, Databases, settings_for

RATE = """
mutation($input: RateServiceInput!) {
  rateService(input: $input) { accepted errors { field message code } }
}
"""
COMMUNITY = "330106001001"


def _input(**changes: Any) -> dict[str, Any]:
    value = {"organizationCode": COMMUNITY, "score": 5, "deviceToken": uuid.uuid4().hex}
    return {"input": {**value, **changes}}


async def _rate(gql: GQL, **changes: Any) -> dict[str, Any]:
    body = await gql(RATE, _input(**changes), user=None)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["rateService"]
    return payload


async def test_bad_ratings_are_refused_and_write_nothing(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    cases = {
        "score": [{"score": 0}, {"score": 6}],
        "deviceToken": [{"deviceToken": "short"}, {"deviceToken": "含中文的设备标识符号码12345"}],
        "comment": [{"comment": "好" * 501}, {"comment": "bell\x07"}],
        "organizationCode": [{"organizationCode": "330100"}, {"organizationCode": "nope"}],
    }
    for field, attempts in cases.items():
        for changes in attempts:
            payload = await _rate(gql, **changes)
            assert payload["accepted"] is False and payload["errors"][0]["field"] == field
    async with runtime.engine.connect() as conn:
        assert (
            await conn.execute(select(ServiceRating.id).where(ServiceRating.comment.like("bell%")))
        ).first() is None


async def test_a_comment_is_stored_as_plain_text(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    comment = "<script>alert(1)</script> 服务很好"
    assert (await _rate(gql, comment=comment, score=3))["accepted"] is True
    async with runtime.engine.connect() as conn:
        stored = await conn.scalar(
            select(ServiceRating.comment).where(ServiceRating.comment == comment)
        )
    assert stored == comment


async def test_other_fields_still_need_a_token(gql: GQL) -> None:
    body = await gql('{ assessmentScheme(code: "DJKH-2026") { code } }', user=None, status=401)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    both = (
        "mutation($input: RateServiceInput!) { rateService(input: $input) { accepted } "
        'computeAssessment(input: {schemeCode: "DJKH-2026"}) { organizations } }'
    )
    mixed = await gql(both, _input(score=0), user=None, status=401)
    assert mixed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_ratings_are_rate_limited_per_address(
    databases: Databases, demo_template: str
) -> None:
    url = await databases.clone(demo_template)
    runtime = create_runtime(
        settings_for(url, rate_limit_enabled=True, rating_limit_capacity=3, rating_limit_per_hour=1)
    )
    app = create_app(runtime)  # one app, so one set of buckets, seen from two addresses
    try:
        async with _client(app, "192.0.2.1") as client:
            answers = [await _post(client, _input()) for _ in range(4)]
        assert [status for status, _ in answers] == [200, 200, 200, 429]
        body = answers[-1][1]
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        async with _client(app, "192.0.2.2") as other:
            assert (await _post(other, _input()))[0] == 200  # its own bucket
    finally:
        await runtime.engine.dispose()


def _client(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _post(client: httpx.AsyncClient, variables: dict[str, Any]) -> tuple[int, Any]:
    response = await client.post("/graphql", json={"query": RATE, "variables": variables})
    return response.status_code, response.json()
