"""The demo city with its five plugins enabled (`dutygraph demo`'s steps after the city is
loaded): each sector's lead department sees its organisations' checklist runs, DJBB values
and assessment results, and nobody else's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from core.assessment.demo import recompute
from core.db import create_engine
from core.demo.activity import load_activity
from core.demo.city import enable_plugins
from core.plugins import create_manager
from gateway.app import Runtime, create_app, create_runtime
from tests.conftest import GQL, Databases, city_today, make_gql, settings_for


@dataclass(frozen=True)
class Sector:
    plugin: str
    code: str
    procedures: frozenset[str]
    indicators: frozenset[str]
    item: str  # an assessment item scored from the profile


SECTORS = [
    Sector("soe", "SOE", frozenset({"SOE-PRE-STUDY", "SOE-FIVE-LISTS-CHECK"}),
           frozenset({"soe_pre_studies", "soe_cross_appointment"}), "SOE-CROSS"),
    Sector("education", "EDUCATION", frozenset({"EDU-DECISION", "EDU-PRINCIPAL-SYSTEM-CHECK"}),
           frozenset({"edu_teacher_members", "edu_new_teacher_members"}), "EDU-PRINCIPAL-SYSTEM"),
    Sector("health", "HEALTH", frozenset({"HEALTH-COMMITTEE", "HEALTH-HOSPITAL-CHECK"}),
           frozenset({"health_dual_leader_pct", "health_ethics_cases"}), "HEALTH-DUAL-LEADER"),
    Sector("social_org", "SOCIAL_ORG", frozenset({"SO-EVALUATION-RUN", "SO-EVALUATION-CHECK"}),
           frozenset({"so_members", "so_instructor_visits"}), "SO-EVALUATION"),
    Sector("private_enterprise", "PRIVATE_ENTERPRISE",
           frozenset({"PE-WORKFLOW-GUIDE", "PE-COVERAGE-CHECK"}),
           frozenset({"pe_members", "pe_owner_talks"}), "PE-WORKFLOW"),
]  # fmt: skip
IDS = [s.plugin for s in SECTORS]

RUNS = """query($sector: String!, $status: RunStatus) {
  checklistRuns(sectorCode: $sector, status: $status, first: 100) {
    totalCount
    edges { node { status remaining procedure { code }
      organization { code sector { code } category { code } }
      answers { answer note } } }
  }
}"""
SHEET = """query($org: String!, $period: String!, $phase: ReportPhase!) {
  reportSheet(reportCode: "DJBB", period: $period, phase: $phase, organizationCode: $org) {
    status values { indicatorCode value } } }"""
RESULT = """query($org: String!) {
  assessmentResult(schemeCode: "DJKH-2026", organizationCode: $org) {
    explanation items { code score reason } } }"""


@pytest.fixture(scope="module")
async def activity(databases: Databases, demo_template: str) -> AsyncIterator[Runtime]:
    """A copy of the demo city taken through `dutygraph demo`'s next steps: every plugin
    enabled, their demo activity loaded, the assessment computed."""
    url = await databases.clone(demo_template)
    settings = settings_for(url)
    engine = create_engine(url)
    pm = create_manager(settings)
    await enable_plugins(engine, pm)
    await load_activity(engine=engine, pm=pm)
    await recompute(engine=engine, today=city_today())
    try:
        yield create_runtime(settings, pm=pm, engine=engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def city(activity: Runtime) -> AsyncIterator[GQL]:
    """GraphQL over HTTP on that city."""
    transport = httpx.ASGITransport(app=create_app(activity))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield make_gql(client, activity)


def _nodes(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in result["data"]["checklistRuns"]["edges"]]


@pytest.mark.parametrize("sector", SECTORS, ids=IDS)
async def test_lead_sees_its_sectors_checklist_runs(city: GQL, sector: Sector) -> None:
    user = f"{sector.plugin}-lead"
    found = await city(RUNS, {"sector": sector.code}, user=user)
    runs = _nodes(found)
    assert found["data"]["checklistRuns"]["totalCount"] >= len(runs) > 5
    assert {run["procedure"]["code"] for run in runs} <= sector.procedures
    assert {run["organization"]["sector"]["code"] for run in runs} == {sector.code}
    done = _nodes(await city(RUNS, {"sector": sector.code, "status": "COMPLETED"}, user=user))
    still = _nodes(await city(RUNS, {"sector": sector.code, "status": "OPEN"}, user=user))
    assert done and still
    assert all(run["remaining"] == 0 and run["answers"] for run in done)
    assert all(run["remaining"] > 0 for run in still)
    answers = [a for run in runs for a in run["answers"]]
    assert {a["answer"] for a in answers} >= {"DONE", "NOT_DONE"}
    assert all(a["note"] for a in answers)  # every answer explains itself, in zh-CN
    assert any("整改" in a["note"] or "完善" in a["note"] for a in answers)
    other = "HEALTH" if sector.code != "HEALTH" else "EDUCATION"
    foreign = await city(RUNS, {"sector": other}, user=user)
    assert foreign["data"]["checklistRuns"]["totalCount"] == 0


async def _first_org(city: GQL, sector: Sector, user: str) -> dict[str, Any]:
    found = await city(
        f"""{{ organizations(filter: {{ sectorCode: "{sector.code}" }}, first: 1) {{
              edges {{ node {{ code category {{ code }} }} }} }} }}""",
        user=user,
    )
    node: dict[str, Any] = found["data"]["organizations"]["edges"][0]["node"]
    return node


@pytest.mark.parametrize("sector", SECTORS, ids=IDS)
async def test_lead_sees_its_sectors_report_values(city: GQL, sector: Sector) -> None:
    user = f"{sector.plugin}-lead"
    org = await _first_org(city, sector, user)
    variables = {"org": org["code"], "period": "2026Q1", "phase": "PROGRESS"}
    sheet = (await city(SHEET, variables, user=user))["data"]["reportSheet"]
    assert sheet is not None and sheet["status"] == "APPROVED"
    codes = {v["indicatorCode"] for v in sheet["values"]}
    prefix = sorted(sector.indicators)[0].split("_")[0]
    assert codes and all(code.startswith(f"{prefix}_") for code in codes)  # its own only
    assert all(v["value"] >= 0 for v in sheet["values"])
    result = await city(SHEET, {**variables, "period": "2025", "phase": "RESULT"}, user=user)
    assert result["data"]["reportSheet"]["values"]
    stranger = "health-lead" if sector.plugin != "health" else "education-lead"
    hidden = await city(SHEET, variables, user=stranger)
    assert hidden["data"]["reportSheet"] is None


async def test_sector_values_spread_over_the_sector(city: GQL) -> None:
    """Every enterprise reports, the values differ from one to the next (a distribution)."""
    found = await city(
        """{ organizations(filter: { sectorCode: "PRIVATE_ENTERPRISE",
                                     categoryCode: "PE_ENTERPRISE" }, first: 30) {
              edges { node { code } } } }"""
    )
    values = []
    for edge in found["data"]["organizations"]["edges"]:
        variables = {"org": edge["node"]["code"], "period": "2026Q2", "phase": "PROGRESS"}
        sheet = (await city(SHEET, variables))["data"]["reportSheet"]
        values.append({v["indicatorCode"]: v["value"] for v in sheet["values"]}["pe_members"])
    assert len(values) == 30 and len(set(values)) > 10
    assert min(values) >= 3 and max(values) <= 32


@pytest.mark.parametrize("sector", SECTORS, ids=IDS)
async def test_lead_sees_its_sectors_assessment_results(city: GQL, sector: Sector) -> None:
    user = f"{sector.plugin}-lead"
    found = await city(
        f"""{{ organizations(filter: {{ sectorCode: "{sector.code}" }}, first: 100) {{
              edges {{ node {{ code category {{ code }} }} }} }} }}""",
        user=user,
    )
    scored = 0
    for edge in found["data"]["organizations"]["edges"][:40]:
        result = (await city(RESULT, {"org": edge["node"]["code"]}, user=user))["data"]
        items = {i["code"]: i for i in result["assessmentResult"]["items"]}
        if sector.item in items and items[sector.item]["score"] is not None:
            scored += 1
    assert scored > 0


async def test_park_committees_report_under_their_streets(city: GQL) -> None:
    query = """{ organizations(filter: { categoryCode: "PE_PARK_COMMITTEE" }, first: 20) {
      totalCount edges { node { code name parent { name category { code } }
        assignments { totalCount edges { node { position { code } } } }
        enterpriseProfile { partyOrgForm employees } } } } }"""
    parks = await city(query, user="private_enterprise-lead")
    nodes = [e["node"] for e in parks["data"]["organizations"]["edges"]]
    assert parks["data"]["organizations"]["totalCount"] == len(nodes) == 6
    assert all(n["name"].endswith("党委") and n["code"].startswith("11") for n in nodes)
    assert all(n["enterpriseProfile"]["partyOrgForm"] == "单独组建" for n in nodes)
    for node in nodes:  # the framework's seven seats filled: secretary, deputy, members…
        posts = [e["node"]["position"]["code"] for e in node["assignments"]["edges"]]
        assert node["assignments"]["totalCount"] == 7 and "PE_PARK_SECRETARY" in posts
    seen_by_city = (await city(query))["data"]["organizations"]["edges"]
    streets = {e["node"]["parent"]["name"] for e in seen_by_city}
    assert {"长河街道", "仓前街道", "四季青街道"} <= streets
    assert {e["node"]["parent"]["category"]["code"] for e in seen_by_city} == {"STREET"}
    sheet = await city(SHEET, {"org": nodes[0]["code"], "period": "2026Q3", "phase": "PROGRESS"})
    values = {v["indicatorCode"]: v["value"] for v in sheet["data"]["reportSheet"]["values"]}
    assert set(values) == {"pe_members"} and values["pe_members"] >= 150


async def test_soe_items_are_scored_from_the_profile_and_explained(city: GQL) -> None:
    found = await city(
        """{ soeGroups(first: 50) { edges { node { code soeProfile {
              charterPartyBuilding committeeMembers crossAppointed secretaryIsChairman } } } } }""",
        user="soe-lead",
    )
    explained = 0
    for edge in found["data"]["soeGroups"]["edges"]:
        node, profile = edge["node"], edge["node"]["soeProfile"]
        result = (await city(RESULT, {"org": node["code"]}, user="soe-lead"))["data"]
        items = {i["code"]: i for i in result["assessmentResult"]["items"]}
        assert items["SOE-CHARTER"]["score"] == (10.0 if profile["charterPartyBuilding"] else 0.0)
        rate = min(1.0, profile["crossAppointed"] / profile["committeeMembers"])
        expected = 6 * rate + 4 * (1 if profile["secretaryIsChairman"] else 0)
        assert items["SOE-CROSS"]["score"] == pytest.approx(expected, abs=0.01)
        if items["SOE-CROSS"]["score"] < 10:
            assert "党委班子成员双向进入、交叉任职比例" in result["assessmentResult"]["explanation"]
            explained += 1
    assert explained > 0


PROFILE_FIELDS = {
    "soe": "soeProfile { version }",
    "education": "eduProfile { version }",
    "health": "healthProfile { version }",
    "social_org": "socialOrgProfile { version }",
    "private_enterprise": "enterpriseProfile { version }",
}


@pytest.mark.parametrize("sector", SECTORS, ids=IDS)
async def test_every_sector_organisation_has_its_profile(city: GQL, sector: Sector) -> None:
    field = PROFILE_FIELDS[sector.plugin]
    query = f"""query($after: String) {{
      organizations(filter: {{ sectorCode: "{sector.code}" }}, first: 100, after: $after) {{
        totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ code {field} }} }} }} }}"""
    after, seen, total = None, 0, -1
    while True:
        page = (await city(query, {"after": after}, user=f"{sector.plugin}-lead"))["data"]
        found = page["organizations"]
        total = found["totalCount"]
        nodes = [edge["node"] for edge in found["edges"]]
        missing = [n["code"] for n in nodes if n[field.split(" ")[0]] is None]
        assert missing == []
        seen += len(nodes)
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert seen == total > 0


SWITCH = """mutation($name: String!, $on: Boolean!) {
  enable: enablePlugin(input: { name: $name }) @include(if: $on) { errors { code } }
  disable: disablePlugin(input: { name: $name }) @skip(if: $on) { errors { code } }
}"""
RUN_IDS = """{ checklistRuns(sectorCode: "HEALTH", first: 5) {
  totalCount edges { node { id procedure { code } } } } }"""
ONE_RUN = "query($id: ID!) { checklistRun(id: $id) { id status } }"
PROCEDURES = "{ procedures { code } }"
START_RUN = """mutation($org: String!) { startChecklistRun(input: {
  procedureCode: "HEALTH-COMMITTEE", organizationCode: $org }) { run { id } errors { field code } } }"""


async def test_a_disabled_plugins_procedures_and_runs_are_hidden_and_kept(city: GQL) -> None:
    """Disabling hides the plugin's procedures and checklist runs (for everyone, its lead
    department included) and keeps them: re-enabling shows the same runs again."""
    before = (await city(RUN_IDS, user="health-lead"))["data"]["checklistRuns"]
    assert before["totalCount"] > 5
    run_id = before["edges"][0]["node"]["id"]
    codes = {p["code"] for p in (await city(PROCEDURES))["data"]["procedures"]}
    assert "HEALTH-COMMITTEE" in codes
    switched = await city(SWITCH, {"name": "health", "on": False})
    assert switched["data"]["disable"]["errors"] == []
    try:
        for user in ("admin", "health-lead"):
            hidden = (await city(RUN_IDS, user=user))["data"]["checklistRuns"]
            assert (hidden["totalCount"], hidden["edges"]) == (0, [])
            assert (await city(ONE_RUN, {"id": run_id}, user=user))["data"]["checklistRun"] is None
        codes = {p["code"] for p in (await city(PROCEDURES))["data"]["procedures"]}
        assert "HEALTH-COMMITTEE" not in codes and "TOWN-STREET-RULES" in codes
        hospital = await _first_org(city, SECTORS[2], "admin")
        refused = (await city(START_RUN, {"org": hospital["code"]}))["data"]["startChecklistRun"]
        assert refused["run"] is None
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [
            ("procedureCode", "NOT_FOUND")
        ]
    finally:
        switched = await city(SWITCH, {"name": "health", "on": True})
        assert switched["data"]["enable"]["errors"] == []
    again = (await city(RUN_IDS, user="health-lead"))["data"]["checklistRuns"]
    assert again == before
    shown = (await city(ONE_RUN, {"id": run_id}, user="health-lead"))["data"]["checklistRun"]
    assert shown is not None and shown["id"] == run_id


PAGE = """query($first: Int!) { checklistRuns(first: $first) { edges { node { id status remaining
  procedure { code steps { code } } organization { code } answers { stepCode answer note } } } } }"""


async def test_a_page_of_runs_costs_the_same_whatever_its_size(
    activity: Runtime, city: GQL
) -> None:
    """A run's procedure, answers and remaining steps are batched across the page."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    await city(PAGE, {"first": 1})  # warm-up: the principal is cached
    sizes = []
    for first in (2, 50):
        statements.clear()
        event.listen(activity.engine.sync_engine, "before_cursor_execute", count)
        try:
            body = await city(PAGE, {"first": first})
        finally:
            event.remove(activity.engine.sync_engine, "before_cursor_execute", count)
        edges = body["data"]["checklistRuns"]["edges"]
        assert len(edges) == first
        for node in (e["node"] for e in edges):
            total = len(node["procedure"]["steps"])
            assert node["remaining"] == total - len(node["answers"]) >= 0
        sizes.append(len(statements))
    assert sizes[0] == sizes[1] <= 8


FORM_CODES = '{ reportForm(code: "DJBB") { indicators { code } } }'


async def test_a_disabled_plugins_indicators_and_values_are_hidden_and_kept(city: GQL) -> None:
    """Disabling a plugin takes its indicators out of the form and its values out of the
    sheets; re-enabling brings back the same values."""
    education = SECTORS[1]
    school = await _first_org(city, education, "admin")
    variables = {"org": school["code"], "period": "2026Q1", "phase": "PROGRESS"}

    async def state() -> tuple[set[str], dict[str, float]]:
        form = (await city(FORM_CODES))["data"]["reportForm"]["indicators"]
        sheet = (await city(SHEET, variables))["data"]["reportSheet"]
        return {i["code"] for i in form}, {v["indicatorCode"]: v["value"] for v in sheet["values"]}

    codes, values = await state()
    assert education.indicators <= codes and set(values) & education.indicators
    switched = await city(SWITCH, {"name": "education", "on": False})
    assert switched["data"]["disable"]["errors"] == []
    try:
        hidden_codes, hidden_values = await state()
        assert not any(code.startswith("edu_") for code in hidden_codes | set(hidden_values))
        assert {"members_total", "dues_rate"} <= hidden_codes  # the core's indicators stay
    finally:
        switched = await city(SWITCH, {"name": "education", "on": True})
        assert switched["data"]["enable"]["errors"] == []
    assert await state() == (codes, values)
