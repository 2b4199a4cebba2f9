"""A sector plugin's indicators join the report form, its items the assessment scheme."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.app import Runtime
from tests.conftest import GQL

SWITCH = """mutation($name: String!, $on: Boolean!) {
  enable: enablePlugin(input: { name: $name }) @include(if: $on) { errors { code } }
  disable: disablePlugin(input: { name: $name }) @skip(if: $on) { errors { code } }
}"""
FORM = '{ reportForm(code: "DJBB") { indicators { code } } }'
SCHEME = """{ assessmentScheme(code: "DJKH-2026") {
  categories { code } sections { code items { code categories } } } }"""
COMPUTE = """mutation { computeAssessment(input: { schemeCode: "DJKH-2026", asOf: "2026-11-30" }) {
  organizations errors { code message } } }"""
RESULT = """query($code: String!) { assessmentResult(schemeCode: "DJKH-2026", organizationCode: $code) {
  items { code score reason } } }"""

PROCEDURES = """query($category: String!) { procedures(categoryCode: $category) { code } }"""

JOINS = [
    ("soe", "soe_cross_appointment", "SOE-CROSS", "SOE_GROUP"),
    ("education", "edu_principal_system", "EDU-PRINCIPAL-SYSTEM", "EDU_PRIMARY_SCHOOL"),
    ("health", "health_dual_leader_pct", "HEALTH-DUAL-LEADER", "HEALTH_HOSPITAL"),
    ("social_org", "so_evaluation_score", "SO-EVALUATION", "SO_ASSOCIATION"),
    ("private_enterprise", "pe_workflow_steps", "PE-WORKFLOW", "PE_ENTERPRISE"),
]
CHECKLISTS = {
    "soe": {"SOE-PRE-STUDY", "SOE-FIVE-LISTS-CHECK"},
    "education": {"EDU-DECISION", "EDU-PRINCIPAL-SYSTEM-CHECK"},
    "health": {"HEALTH-COMMITTEE", "HEALTH-HOSPITAL-CHECK"},
    "social_org": {"SO-EVALUATION-RUN", "SO-EVALUATION-CHECK"},
    "private_enterprise": {"PE-WORKFLOW-GUIDE", "PE-COVERAGE-CHECK"},
}
"""Each plugin's operating procedure and inspection checklist (its data/4_*, 5_* files)."""


def _items(scheme: dict[str, Any]) -> set[str]:
    return {item["code"] for section in scheme["sections"] for item in section["items"]}


@pytest.mark.parametrize(
    ("plugin", "indicator", "item", "category"), JOINS, ids=[j[0] for j in JOINS]
)
async def test_enabling_joins_the_form_and_the_scheme(
    fresh: tuple[Runtime, GQL], plugin: str, indicator: str, item: str, category: str
) -> None:
    _runtime, gql = fresh
    before_form = {i["code"] for i in (await gql(FORM))["data"]["reportForm"]["indicators"]}
    before = (await gql(SCHEME))["data"]["assessmentScheme"]
    assert indicator not in before_form and item not in _items(before)
    listed = await gql(PROCEDURES, {"category": category})
    assert not CHECKLISTS[plugin] & {p["code"] for p in listed["data"]["procedures"]}
    result = await gql(SWITCH, {"name": plugin, "on": True}, user=f"{plugin}-lead")
    assert result["data"]["enable"]["errors"] == []
    form = {i["code"] for i in (await gql(FORM))["data"]["reportForm"]["indicators"]}
    assert indicator in form and before_form <= form
    scheme = (await gql(SCHEME))["data"]["assessmentScheme"]
    assert item in _items(scheme)
    assert category in {c["code"] for c in scheme["categories"]}
    listed = await gql(PROCEDURES, {"category": category})
    assert CHECKLISTS[plugin] <= {p["code"] for p in listed["data"]["procedures"]}, listed


async def _org(gql: GQL, sector: str, field: str, fields: str) -> dict[str, Any]:
    found = await gql(
        f"""{{ organizations(filter: {{ sectorCode: "{sector}" }}, first: 1) {{
              edges {{ node {{ code {field} {{ {fields} }} }} }} }} }}"""
    )
    node: dict[str, Any] = found["data"]["organizations"]["edges"][0]["node"]
    return node


async def _item_score(gql: GQL, code: str, item: str) -> dict[str, Any]:
    items = (await gql(RESULT, {"code": code}))["data"]["assessmentResult"]["items"]
    found: dict[str, Any] = next(i for i in items if i["code"] == item)
    return found


async def test_profile_scores_reach_the_assessment_and_leave_when_disabled(
    fresh: tuple[Runtime, GQL],
) -> None:
    _runtime, gql = fresh
    await gql(SWITCH, {"name": "social_org", "on": True})
    org = await _org(gql, "SOCIAL_ORG", "socialOrgProfile", "evaluationScore charterPartyClause")
    computed = (await gql(COMPUTE))["data"]["computeAssessment"]
    assert computed["errors"] == [] and computed["organizations"] > 0
    scored = await _item_score(gql, org["code"], "SO-EVALUATION")
    expected = round(0.2 * float(org["socialOrgProfile"]["evaluationScore"]), 2)
    assert scored["score"] == pytest.approx(expected, abs=0.01)
    charter = await _item_score(gql, org["code"], "SO-CHARTER")
    assert charter["score"] == (5.0 if org["socialOrgProfile"]["charterPartyClause"] else 0.0)

    await gql(SWITCH, {"name": "social_org", "on": False})
    assert (await gql(COMPUTE))["data"]["computeAssessment"]["errors"] == []
    hidden = await _item_score(gql, org["code"], "SO-EVALUATION")
    assert hidden["score"] is None and hidden["reason"]


async def test_education_item_reads_the_school_profile(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    await gql(SWITCH, {"name": "education", "on": True})
    found = await gql(
        """{ organizations(filter: { sectorCode: "EDUCATION", categoryCode: "EDU_PRIMARY_SCHOOL" }, first: 1) {
              edges { node { code eduProfile { principalSystem secretaryPrincipalSeparate } } } } }"""
    )
    school = found["data"]["organizations"]["edges"][0]["node"]
    assert (await gql(COMPUTE))["data"]["computeAssessment"]["errors"] == []
    scored = await _item_score(gql, school["code"], "EDU-PRINCIPAL-SYSTEM")
    profile = school["eduProfile"]
    expected = 6 * profile["principalSystem"] + 4 * profile["secretaryPrincipalSeparate"]
    assert scored["score"] == pytest.approx(expected)
