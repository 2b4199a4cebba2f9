"""Ranking, AssessmentResult and RateService of ../shared/contract/assessment.graphql, as written."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from graphql import parse, validate

from gateway.app import Runtime
from tests.conftest import GQL, shared_dir


def contract() -> str:
    return (shared_dir() / "contract" / "assessment.graphql").read_text(encoding="utf-8")


async def run(gql: GQL, name: str, variables: dict[str, Any], user: str | None) -> dict[str, Any]:
    body = await gql(contract(), variables, user=user, operation=name)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_assessment_documents_validate(demo_runtime: Runtime) -> None:
    assert validate(demo_runtime.schema._schema, parse(contract())) == []


async def test_ranking_of_each_category_of_the_demo_scheme(gql: GQL) -> None:
    for category in ("DISTRICT", "TOWN", "STREET", "COMMUNITY", "VILLAGE"):
        variables = {"schemeCode": "DJKH-2026", "categoryCode": category, "first": 100}
        ranking = (await run(gql, "Ranking", variables, "admin"))["assessmentRanking"]
        nodes = [edge["node"] for edge in ranking["edges"]]
        assert ranking["totalCount"] >= len(nodes) > 0
        scores = [n["accountabilityScore"] for n in nodes]
        assert scores == sorted(scores, reverse=True)
        assert nodes[0]["rank"] == 1 and all(n["grade"] for n in nodes)
        for before, after in itertools.pairwise(nodes):
            same = before["accountabilityScore"] == after["accountabilityScore"]
            assert (after["rank"] == before["rank"]) == same
        assert len({n["accountabilityScore"] for n in nodes}) > 1, "results must differ"
    districts = {"schemeCode": "DJKH-2026", "categoryCode": "DISTRICT"}
    assert (await run(gql, "Ranking", districts, "admin"))["assessmentRanking"]["totalCount"] == 13


async def test_ranking_within_a_subtree_recounts_ranks(gql: GQL) -> None:
    variables = {"schemeCode": "DJKH-2026", "categoryCode": "COMMUNITY", "withinCode": "330106"}
    ranking = (await run(gql, "Ranking", variables, "xihu"))["assessmentRanking"]
    nodes = [edge["node"] for edge in ranking["edges"]]
    assert nodes and all(n["organization"]["code"].startswith("330106") for n in nodes)
    assert nodes[0]["rank"] == 1
    outside = {**variables, "withinCode": "330102"}
    assert (await run(gql, "Ranking", outside, "xihu"))["assessmentRanking"]["totalCount"] == 0


async def test_result_explains_itself(gql: GQL) -> None:
    found = await run(
        gql, "AssessmentResult", {"schemeCode": "DJKH-2026", "code": "330106"}, "admin"
    )
    result = found["assessmentResult"]
    sections = {s["code"]: s for s in result["sections"]}
    assert set(sections) == {"CLEAN", "ORG", "GRASS", "PROP", "OTHER", "SAT"}
    assert sum(s["weight"] for s in sections.values()) == 100
    total = sum(s["score"] for s in sections.values() if s["score"] is not None)
    assert abs(total - result["accountabilityScore"]) < 0.05
    assert result["grade"] and 1 <= result["rank"] <= 13
    assert 0 <= result["economicScore"] <= 100
    assert "失分项" in result["explanation"] and "现场考核" in result["explanation"]


async def test_rate_service_without_an_account(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    token = uuid.uuid4().hex
    variables = {"input": {"organizationCode": "330106", "score": 4, "deviceToken": token}}
    first = (await run(gql, "RateService", variables, None))["rateService"]
    assert first == {"accepted": True, "errors": []}
    again = (await run(gql, "RateService", variables, None))["rateService"]
    assert again["accepted"] is False and again["errors"][0]["code"] == "DUPLICATE"
    zero = {"input": {**variables["input"], "score": 0, "deviceToken": uuid.uuid4().hex}}
    refused = (await run(gql, "RateService", zero, None))["rateService"]
    assert refused["errors"][0]["field"] == "score"
