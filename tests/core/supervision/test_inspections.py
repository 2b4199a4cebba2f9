"""Special inspections: teams assigned subtrees, visits with per-item results, findings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.orgs.models import Organization, OrgCategory
from gateway.app import Runtime
from tests.conftest import GQL

CREATE = """
mutation($input: CreateInspectionInput!) { createInspection(input: $input) {
  inspection { code title checklist { code } within { code } } errors { field code message } } }
"""
TEAM = """
mutation($input: AddInspectionTeamInput!) { addInspectionTeam(input: $input) {
  team { code name members organizations { code } } errors { field code message } } }
"""
VISIT = """
mutation($input: RecordInspectionVisitInput!) { recordInspectionVisit(input: $input) {
  visit { version team { code } organization { code } results { itemCode result note } }
  errors { field code message } } }
"""
READ = """
query($code: String!) { inspection(code: $code) {
  code teams { code organizations { code } } progress { expected visited findings }
  visits(first: 50) { totalCount edges { node { organization { code } team { code }
    results { itemCode result } } } } } }
"""
FINDINGS = """
query($within: String) { findings(withinCode: $within, first: 100) {
  totalCount edges { node { source severity description status } } } }
"""


async def _community(runtime: Runtime, street: str) -> str:
    async with runtime.engine.connect() as conn:
        code = await conn.scalar(
            select(Organization.code)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(OrgCategory.code == "COMMUNITY", Organization.code.like(f"{street}%"))
            .order_by(Organization.code)
            .limit(1)
        )
    assert code is not None
    return str(code)


async def _payload(gql: GQL, query: str, field: str, variables: dict[str, Any]) -> Any:
    body = await gql(query, variables, user="xihu")
    assert "errors" not in body, body
    return body["data"][field]


async def test_an_inspection_by_teams_with_visits(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    created = await _payload(
        gql,
        CREATE,
        "createInspection",
        {
            "input": {
                "code": "T-FIXED-DAY",
                "title": "主题党日专项督查（测试）",
                "checklistCode": "FIXED-DAY-INSPECTION",
                "withinCode": "330106",
                "categoryCode": "COMMUNITY",
                "period": "2026Q4",
                "startsOn": "2026-11-01",
                "endsOn": "2026-11-30",
            }
        },
    )
    assert created["errors"] == []
    assert created["inspection"]["checklist"] == {"code": "FIXED-DAY-INSPECTION"}
    team = {
        "inspectionCode": "T-FIXED-DAY",
        "code": "A",
        "name": "第一督查组",
        "members": ["王建国", "李秀英"],
        "organizationCodes": ["330106001"],
    }
    added = await _payload(gql, TEAM, "addInspectionTeam", {"input": team})
    assert added["errors"] == [] and added["team"]["organizations"] == [{"code": "330106001"}]
    foreign = await _payload(
        gql,
        TEAM,
        "addInspectionTeam",
        {"input": {**team, "code": "B", "organizationCodes": ["330102"]}},
    )
    assert [(e["field"], e["code"]) for e in foreign["errors"]] == [
        ("organizationCodes[0]", "NOT_FOUND")
    ]
    community = await _community(runtime, "330106001")
    visit: dict[str, Any] = {
        "inspectionCode": "T-FIXED-DAY",
        "organizationCode": community,
        "visitedOn": "2026-11-05",
        "results": [
            {"itemCode": "F01", "result": "NON_COMPLIANT", "note": "10 月未开展"},
            {"itemCode": "F02", "result": "PARTIAL", "note": "未提前通知"},
            {"itemCode": "F03", "result": "COMPLIANT"},
        ],
        "expectedVersion": 0,
    }
    done = await _payload(gql, VISIT, "recordInspectionVisit", {"input": visit})
    assert done["errors"] == []
    assert done["visit"]["team"] == {"code": "A"} and done["visit"]["version"] == 1
    assert [r["result"] for r in done["visit"]["results"]] == [
        "NON_COMPLIANT",
        "PARTIAL",
        "COMPLIANT",
    ]
    stale = await _payload(gql, VISIT, "recordInspectionVisit", {"input": visit})
    assert [(e["field"], e["code"]) for e in stale["errors"]] == [("expectedVersion", "CONFLICT")]
    again = await _payload(
        gql, VISIT, "recordInspectionVisit", {"input": {**visit, "expectedVersion": 1}}
    )
    assert again["visit"]["version"] == 2  # re-recorded: no finding twice
    unexplained = {**visit, "results": [{"itemCode": "F04", "result": "NON_COMPLIANT"}]}
    refused = await _payload(gql, VISIT, "recordInspectionVisit", {"input": unexplained})
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("results[0].note", "REQUIRED")]
    found = await _payload(gql, FINDINGS, "findings", {"within": community})
    raised = [
        e["node"]
        for e in found["edges"]
        if e["node"]["source"] == "INSPECTION"
        and ("10 月未开展" in e["node"]["description"] or "未提前通知" in e["node"]["description"])
    ]
    assert sorted((f["severity"], f["status"]) for f in raised) == [
        ("HIGH", "IDENTIFIED"),
        ("LOW", "IDENTIFIED"),
    ]
    read = await _payload(gql, READ, "inspection", {"code": "T-FIXED-DAY"})
    assert read["progress"]["visited"] == 1 and read["progress"]["findings"] == 2  # its own
    assert read["progress"]["expected"] > 1


async def test_the_demo_inspection(gql: GQL) -> None:
    read = await _payload(gql, READ, "inspection", {"code": "XH-2026-FIXED-DAY"})
    assert 1 <= len(read["teams"]) <= 6
    assigned = [org["code"] for team in read["teams"] for org in team["organizations"]]
    assert len(assigned) == len(set(assigned)) and all(c.startswith("330106") for c in assigned)
    visits = read["visits"]
    assert visits["totalCount"] == read["progress"]["visited"] == 12
    assert all(e["node"]["team"] is not None for e in visits["edges"])
    assert read["progress"]["findings"] > 0
    assert (await gql(READ, {"code": "XH-2026-FIXED-DAY"}, user="soe-lead"))["data"][
        "inspection"
    ] is None


PUBLISH = """
mutation($code: String!) { publishInspectionBulletin(input: {inspectionCode: $code}) {
  bulletin { id kind title draw { seed } findings { status organization { code } } }
  errors { field code } } }
"""


async def test_an_inspection_is_published_as_a_bulletin(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    read = await _payload(gql, READ, "inspection", {"code": "XH-2026-FIXED-DAY"})
    done = await _payload(gql, PUBLISH, "publishInspectionBulletin", {"code": "XH-2026-FIXED-DAY"})
    assert done["errors"] == []
    bulletin = done["bulletin"]
    assert bulletin["kind"] == "INSPECTION" and bulletin["draw"] is None
    assert len(bulletin["findings"]) == read["progress"]["findings"]
    assert all(f["organization"]["code"].startswith("330106") for f in bulletin["findings"])
    again = await _payload(gql, PUBLISH, "publishInspectionBulletin", {"code": "XH-2026-FIXED-DAY"})
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("inspectionCode", "INVALID")]
    from tests.conftest import client_for, token_for

    async with client_for(runtime) as client:
        page = await client.get(
            f"/bulletins/{bulletin['id']}.html",
            headers={"Authorization": f"Bearer {token_for(runtime, 'xihu')}"},
        )
    assert page.status_code == 200 and "专项督查" in page.text and "随机种子" not in page.text
    correction = """
    mutation($id: ID!) { correctBulletin(input: {bulletinId: $id, note: "补充复查结果"}) {
      bulletin { kind corrects { id } } errors { code } } }
    """
    fixed = (await gql(correction, {"id": bulletin["id"]}, user="xihu"))["data"]["correctBulletin"]
    assert fixed == {
        "bulletin": {"kind": "INSPECTION", "corrects": {"id": bulletin["id"]}},
        "errors": [],
    }
