"""The four sector plugins through GraphQL: categories, profiles, their update mutations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from gateway.app import Runtime
from tests.conftest import GQL


@dataclass(frozen=True)
class Case:
    plugin: str
    sector: str
    field: str
    mutation: str
    categories: frozenset[str]
    change: dict[str, Any]
    bad: tuple[str, Any]


CASES = [
    Case(
        "education", "EDUCATION", "eduProfile", "updateEduProfile",
        frozenset({"EDU_KINDERGARTEN", "EDU_PRIMARY_SCHOOL", "EDU_SECONDARY_SCHOOL"}),
        {"students": 1234, "partyOrgForm": "党委", "principalSystem": True},
        ("partyOrgForm", "党小组"),
    ),
    Case(
        "health", "HEALTH", "healthProfile", "updateHealthProfile",
        frozenset({"HEALTH_HOSPITAL", "HEALTH_COMMUNITY_CENTRE", "HEALTH_TOWNSHIP_CENTRE"}),
        {"grade": "三级甲等", "beds": 1200, "dualLeaderSecretaries": 9},
        ("beds", -1),
    ),
    Case(
        "social_org", "SOCIAL_ORG", "socialOrgProfile", "updateSocialOrgProfile",
        frozenset({"SO_ASSOCIATION", "SO_PRIVATE_NON_ENTERPRISE"}),
        {"rating": "5A", "evaluationScore": "91.5", "charterPartyClause": True},
        ("evaluationScore", "120"),
    ),
    Case(
        "private_enterprise", "PRIVATE_ENTERPRISE", "enterpriseProfile",
        "updateEnterpriseProfile", frozenset({"PE_ENTERPRISE"}),
        {"employees": 321, "workflowStepsDone": 6, "revenueWan": "25600.50"},
        ("workflowStepsDone", 7),
    ),
]  # fmt: skip
IDS = [case.plugin for case in CASES]

SWITCH = """mutation($name: String!, $on: Boolean!) {
  enable: enablePlugin(input: { name: $name }) @include(if: $on) { plugin { enabled } errors { code } }
  disable: disablePlugin(input: { name: $name }) @skip(if: $on) { plugin { enabled } errors { code } }
}"""


def orgs_query(case: Case, fields: str) -> str:
    return f"""query($first: Int!) {{
      organizations(filter: {{ sectorCode: "{case.sector}" }}, first: $first) {{
        totalCount
        edges {{ node {{ id code category {{ code plugin }} {case.field} {{ {fields} }} }} }}
      }}
    }}"""


def update_doc(case: Case, fields: str) -> str:
    return f"""mutation($input: {case.mutation[0].upper()}{case.mutation[1:]}Input!) {{
      {case.mutation}(input: $input) {{
        organization {{ code }}
        profile {{ {fields} }}
        errors {{ field message code }}
      }}
    }}"""


async def switch(gql: GQL, name: str, on: bool, user: str = "admin") -> None:
    result = await gql(SWITCH, {"name": name, "on": on}, user=user)
    payload = result["data"]["enable" if on else "disable"]
    assert payload["errors"] == [] and payload["plugin"]["enabled"] is on


async def test_schema_has_every_profile_and_mutation(gql: GQL) -> None:
    result = await gql(
        """{ org: __type(name: "Organization") { fields { name type { name } } }
             mutation: __type(name: "Mutation") { fields { name } } }"""
    )
    fields = {f["name"]: f["type"]["name"] for f in result["data"]["org"]["fields"]}
    mutations = {f["name"] for f in result["data"]["mutation"]["fields"]}
    for case in CASES:
        assert fields[case.field] == case.field[0].upper() + case.field[1:]
        assert case.mutation in mutations


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_profiles_hidden_while_disabled_and_shown_when_enabled(
    fresh: tuple[Runtime, GQL], case: Case
) -> None:
    _runtime, gql = fresh
    query = orgs_query(case, "partyMembers version updatedAt")
    hidden = (await gql(query, {"first": 20}))["data"]["organizations"]
    assert hidden["totalCount"] > 0
    assert all(e["node"][case.field] is None for e in hidden["edges"])

    await switch(gql, case.plugin, True)
    shown = (await gql(query, {"first": 100}))["data"]["organizations"]["edges"]
    profiles = [e["node"][case.field] for e in shown]
    assert all(p is not None and p["version"] == 1 for p in profiles)
    assert all(p["updatedAt"].endswith("+00:00") for p in profiles)
    categories = {e["node"]["category"]["code"] for e in shown}
    assert case.categories <= categories
    assert {e["node"]["category"]["plugin"] for e in shown} == {case.plugin}

    await switch(gql, case.plugin, False)
    again = (await gql(query, {"first": 20}))["data"]["organizations"]["edges"]
    assert all(e["node"][case.field] is None for e in again)
    await switch(gql, case.plugin, True)
    restored = (await gql(query, {"first": 100}))["data"]["organizations"]["edges"]
    assert [e["node"][case.field] for e in restored] == profiles


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_update_profile_is_versioned_checked_and_audited(
    fresh: tuple[Runtime, GQL], case: Case
) -> None:
    runtime, gql = fresh
    await switch(gql, case.plugin, True)
    edges = (await gql(orgs_query(case, "version"), {"first": 1}))["data"]["organizations"]
    org = edges["edges"][0]["node"]
    names = " ".join(case.change)
    doc = update_doc(case, f"{names} version")
    base = {"organizationId": org["id"], "expectedVersion": 1}

    done = (await gql(doc, {"input": {**base, **case.change}}))["data"][case.mutation]
    assert done["errors"] == []
    assert done["organization"] == {"code": org["code"]}
    profile = done["profile"]
    assert profile["version"] == 2
    for key, value in case.change.items():
        shown = profile[key]
        assert (float(shown) == float(value)) if isinstance(value, str) else shown == value

    stale = (await gql(doc, {"input": {**base, **case.change}}))["data"][case.mutation]
    assert stale["profile"] is None
    assert [(e["field"], e["code"]) for e in stale["errors"]] == [("expectedVersion", "CONFLICT")]

    field, value = case.bad
    bad = (await gql(doc, {"input": {**base, "expectedVersion": 2, field: value}}))["data"]
    assert [(e["field"], e["code"]) for e in bad[case.mutation]["errors"]] == [(field, "INVALID")]

    async with runtime.engine.connect() as conn:
        events = (
            await conn.execute(
                select(AuditEvent.actor_username, AuditEvent.entity_type).where(
                    AuditEvent.action == f"{case.plugin}.profile.update"
                )
            )
        ).all()
    assert events == [("admin", case.field[0].upper() + case.field[1:])]


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_update_profile_refused_while_disabled_and_outside_reach(
    fresh: tuple[Runtime, GQL], case: Case
) -> None:
    _runtime, gql = fresh
    edges = (await gql(orgs_query(case, "version"), {"first": 1}))["data"]["organizations"]
    org_id = edges["edges"][0]["node"]["id"]
    doc = update_doc(case, "version")
    disabled = await gql(doc, {"input": {"organizationId": org_id, "expectedVersion": 1}})
    assert [e["code"] for e in disabled["data"][case.mutation]["errors"]] == ["NOT_FOUND"]

    await switch(gql, case.plugin, True)
    secretary = await gql(
        doc, {"input": {"organizationId": org_id, "expectedVersion": 1}}, user="sec-330106"
    )
    assert [e["code"] for e in secretary["data"][case.mutation]["errors"]] in (
        ["NOT_FOUND"],
        ["FORBIDDEN"],
    )
    city = (await gql('{ organization(code: "330100") { id } }'))["data"]["organization"]["id"]
    other = await gql(doc, {"input": {"organizationId": city}})
    assert [e["code"] for e in other["data"][case.mutation]["errors"]] == ["NOT_FOUND"]
    garbage = await gql(doc, {"input": {"organizationId": "nonsense"}})
    assert [e["code"] for e in garbage["data"][case.mutation]["errors"]] == ["INVALID"]


async def test_demo_schools_and_hospitals_left_the_generic_category(gql: GQL) -> None:
    query = """query($sector: String!, $category: String!) {
      organizations(filter: { sectorCode: $sector, categoryCode: $category }, first: 1) {
        totalCount } }"""

    async def count(sector: str, category: str) -> int:
        result = await gql(query, {"sector": sector, "category": category})
        total: int = result["data"]["organizations"]["totalCount"]
        return total

    schools = [
        await count("EDUCATION", code)
        for code in ("EDU_KINDERGARTEN", "EDU_PRIMARY_SCHOOL", "EDU_SECONDARY_SCHOOL")
    ]
    hospitals = [
        await count("HEALTH", code)
        for code in ("HEALTH_HOSPITAL", "HEALTH_COMMUNITY_CENTRE", "HEALTH_TOWNSHIP_CENTRE")
    ]
    assert sum(schools) == 116 and all(schools)
    assert sum(hospitals) == 75 and all(hospitals)
    assert await count("EDUCATION", "PUBLIC_INSTITUTION") == 0
    assert await count("HEALTH", "PUBLIC_INSTITUTION") == 0


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e400"])
async def test_non_finite_scores_are_refused_not_500(
    fresh: tuple[Runtime, GQL], value: str
) -> None:
    _runtime, gql = fresh
    case = CASES[2]  # social_org: evaluationScore is a Decimal
    await switch(gql, case.plugin, True)
    edges = (await gql(orgs_query(case, "version"), {"first": 1}))["data"]["organizations"]
    org_id = edges["edges"][0]["node"]["id"]
    doc = update_doc(case, "version")
    body = {"organizationId": org_id, "expectedVersion": 1, "evaluationScore": value}
    result = await gql(doc, {"input": body})
    errors = result["data"][case.mutation]["errors"] if result.get("data") else result["errors"]
    assert errors, result
    if result.get("data"):
        assert [(e["field"], e["code"]) for e in errors] == [("evaluationScore", "INVALID")]
