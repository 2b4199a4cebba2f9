"""The combined visit, staff surveys and the economic score import: refusals write nothing."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from core.assessment.models import AssessmentEntry, EconomicScore
from gateway.app import Runtime
from tests.conftest import GQL, client_for, token_for

VISIT = """
mutation($input: AssessmentVisitInput!) {
  recordAssessmentVisit(input: $input) { version errors { field message code } }
}
"""
SURVEY = """
mutation($input: StaffSurveyInput!) {
  recordStaffSurvey(input: $input) { score version errors { field message code } }
}
"""
TOWN = "330106001"


def _visit(version: int, **entry: Any) -> dict[str, Any]:
    one = {
        "itemCode": "ORG-SITE",
        "departmentCode": "ORGANIZATION",
        "score": 6,
        "note": "测试：预备党员转正材料缺少支部大会记录",
        "evidence": "查阅发展党员档案 12 份",
        **entry,
    }
    return {
        "input": {
            "schemeCode": "DJKH-2026",
            "organizationCode": TOWN,
            "visitedOn": "2026-11-20",
            "entries": [one],
            "expectedVersion": version,
        }
    }


async def _entries(runtime: Runtime) -> list[tuple[str, float]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            select(AssessmentEntry.department, AssessmentEntry.score).order_by(AssessmentEntry.id)
        )
        return [(d, s) for d, s in rows]


async def test_a_visit_records_items_by_department(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    before = await _entries(runtime)
    refusals = [
        ({"departmentCode": "PROPAGANDA"}, "entries[0].departmentCode", "INVALID"),
        ({"score": 11}, "entries[0].score", "INVALID"),
        ({"itemCode": "ORG-ON-TIME"}, "entries[0].itemCode", "INVALID"),
        ({"itemCode": "NO-SUCH"}, "entries[0].itemCode", "NOT_FOUND"),
        ({"evidence": "  "}, "entries[0].evidence", "REQUIRED"),
    ]
    for changes, field, code in refusals:
        body = await gql(VISIT, _visit(1, **changes))
        errors = body["data"]["recordAssessmentVisit"]["errors"]
        assert (errors[0]["field"], errors[0]["code"]) == (field, code), errors
    assert await _entries(runtime) == before
    stale = await gql(VISIT, _visit(0))
    assert stale["data"]["recordAssessmentVisit"]["errors"][0]["code"] == "CONFLICT"
    hidden = await gql(
        VISIT, {"input": {**_visit(1)["input"], "organizationCode": "330102001"}}, user="xihu"
    )
    assert hidden["data"]["recordAssessmentVisit"]["errors"][0]["code"] == "NOT_FOUND"
    done = await gql(VISIT, _visit(1), user="assessor")
    assert done["data"]["recordAssessmentVisit"] == {"version": 2, "errors": []}
    result = await gql(
        '{ assessmentResult(schemeCode: "DJKH-2026", organizationCode: "330106001") '
        "{ explanation } }"
    )
    assert (
        "测试：预备党员转正材料缺少支部大会记录"
        not in result["data"]["assessmentResult"]["explanation"]
    )
    await gql('mutation { computeAssessment(input: {schemeCode: "DJKH-2026"}) { organizations } }')
    result = await gql(
        '{ assessmentResult(schemeCode: "DJKH-2026", organizationCode: "330106001") '
        "{ explanation items { code score records { kind label } } } }"
    )
    found = result["data"]["assessmentResult"]
    site = next(i for i in found["items"] if i["code"] == "ORG-SITE")
    assert site["score"] == 6 and site["records"][0] == {"kind": "visit", "label": "组织部现场考核"}
    assert "测试：预备党员转正材料缺少支部大会记录" in found["explanation"]


async def test_staff_surveys_need_assessment_assess(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    survey = {
        "organizationCode": TOWN,
        "year": 2026,
        "satisfied": 30,
        "basicallySatisfied": 10,
        "dissatisfied": 0,
    }
    current = await gql(SURVEY, {"input": {**survey, "expectedVersion": 99}}, user="xihu")
    stale = current["data"]["recordStaffSurvey"]["errors"][0]
    assert stale["code"] == "CONFLICT" and "当前版本" in stale["message"]
    version = int(stale["message"].split("当前版本 ")[1].split("，")[0])
    done = await gql(SURVEY, {"input": {**survey, "expectedVersion": version}}, user="xihu")
    assert done["data"]["recordStaffSurvey"]["score"] == 90.0
    assert done["data"]["recordStaffSurvey"]["version"] == version + 1
    bad = await gql(SURVEY, {"input": {**survey, "satisfied": -1}}, user="xihu")
    assert bad["data"]["recordStaffSurvey"]["errors"][0]["code"] == "INVALID"
    secretary = await gql(SURVEY, {"input": survey}, user="sec-330106001")
    assert secretary["data"]["recordStaffSurvey"]["errors"][0]["code"] == "FORBIDDEN"


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_economic_scores_import_with_row_errors(fresh: tuple[Runtime, GQL]) -> None:
    runtime, _gql = fresh
    url = "/assessment/economic-scores?scheme=DJKH-2026"
    admin = {"Authorization": f"Bearer {token_for(runtime, 'admin')}"}
    bad = "组织编码,经济社会发展实绩分\n330106,101\n999999,80\n330102,abc\n330102,70\n".encode()
    good = _xlsx(
        [["组织编码", "经济社会发展实绩分", "备注"], ["330106", 91.5, ""], [TOWN, 66, "x"]]
    )
    async with runtime.engine.connect() as conn:
        before = await conn.scalar(select(func.sum(EconomicScore.score)))
    async with client_for(runtime) as client:
        refused = await client.post(url, content=bad, headers=admin)
        assert refused.status_code == 422
        rows = {(e["row"], e["message"][:6]) for e in refused.json()["error"]["rows"]}
        assert {r for r, _ in rows} == {2, 3, 4, 5}
        async with runtime.engine.connect() as conn:
            assert await conn.scalar(select(func.sum(EconomicScore.score))) == before
        xihu = {"Authorization": f"Bearer {token_for(runtime, 'xihu')}"}
        assert (await client.post(url, content=good, headers=xihu)).status_code == 403
        assert (await client.post(url, content=good)).status_code == 401
        accepted = await client.post(
            url, content=good, headers={**admin, "X-Filename": "econ.xlsx"}
        )
        assert accepted.status_code == 200 and accepted.json()["imported"] == 2
    async with runtime.engine.connect() as conn:
        scores = dict(
            (await conn.execute(select(EconomicScore.organization_id, EconomicScore.score))).all()
        )
    assert 91.5 in scores.values() and 66.0 in scores.values()
