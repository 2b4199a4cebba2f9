"""Checklist runs: an organisation works through a procedure, step by step, then completes."""

from __future__ import annotations

from typing import Any

from core.db import session_factory
from core.graphql import ids
from core.supervision import figures
from gateway.app import Runtime
from tests.conftest import GQL

START = """
mutation($input: StartChecklistRunInput!) { startChecklistRun(input: $input) {
  run { id title status version remaining procedure { code } organization { code } }
  errors { field code message } } }
"""
ANSWER = """
mutation($input: AnswerChecklistStepInput!) { answerChecklistStep(input: $input) {
  run { version remaining answers { stepCode answer note } } errors { field code message } } }
"""
COMPLETE = """
mutation($input: CompleteChecklistRunInput!) { completeChecklistRun(input: $input) {
  run { status version completedAt } errors { field code message } } }
"""
TRAIL = """
query($id: ID!) { auditTrail(entityId: $id, first: 20) { totalCount edges { node { action } } } }
"""
TOWN = "330106001"
SECRETARY = f"sec-{TOWN}"


async def _call(gql: GQL, query: str, field: str, fields: dict[str, Any], user: str) -> Any:
    body = await gql(query, {"input": fields}, user=user)
    assert "errors" not in body, body
    return body["data"][field]


async def test_a_town_works_through_its_rules(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    start = {"procedureCode": "TOWN-STREET-RULES", "organizationCode": TOWN}
    started = await _call(gql, START, "startChecklistRun", start, SECRETARY)
    assert started["errors"] == []
    run = started["run"]
    assert (run["status"], run["remaining"], run["organization"]) == ("OPEN", 6, {"code": TOWN})
    wrong = {"procedureCode": "VILLAGE-RULES", "organizationCode": TOWN}
    refused = await _call(gql, START, "startChecklistRun", wrong, SECRETARY)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("procedureCode", "INVALID")]
    version = run["version"]
    early = await _call(
        gql,
        COMPLETE,
        "completeChecklistRun",
        {"runId": run["id"], "expectedVersion": version},
        SECRETARY,
    )
    assert [(e["field"], e["code"]) for e in early["errors"]] == [("runId", "INVALID")]
    for number in range(1, 7):
        answer = "DONE" if number != 4 else "NOT_APPLICABLE"
        fields = {
            "runId": run["id"],
            "stepCode": f"S0{number}",
            "answer": answer,
            "note": "" if answer == "DONE" else "本年度班子调整，暂由书记联系",
            "expectedVersion": version,
        }
        done = await _call(gql, ANSWER, "answerChecklistStep", fields, SECRETARY)
        assert done["errors"] == [], done
        version = done["run"]["version"]
    assert done["run"]["remaining"] == 0 and len(done["run"]["answers"]) == 6
    stale = await _call(
        gql, COMPLETE, "completeChecklistRun", {"runId": run["id"], "expectedVersion": 1}, SECRETARY
    )
    assert [(e["field"], e["code"]) for e in stale["errors"]] == [("expectedVersion", "CONFLICT")]
    finished = await _call(
        gql,
        COMPLETE,
        "completeChecklistRun",
        {"runId": run["id"], "expectedVersion": version},
        SECRETARY,
    )
    assert finished["errors"] == [] and finished["run"]["status"] == "COMPLETED"
    trail = (await gql(TRAIL, {"id": run["id"]}))["data"]["auditTrail"]
    assert trail["totalCount"] == 8
    org_id = ids.decode_int(
        (await gql('{ organization(code: "330106001") { id } }'))["data"]["organization"]["id"],
        "Organization",
    )
    assert org_id is not None
    async with session_factory(runtime.engine)() as session:
        values = await figures.org_figures(
            session=session, year=int(finished["run"]["completedAt"][:4]), org_ids=[org_id]
        )
    assert values[org_id]["checklists.completion_rate"] == 1.0


async def test_runs_are_the_organisations_own(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    start = {"procedureCode": "TOWN-STREET-RULES", "organizationCode": "330102001"}
    other = await _call(gql, START, "startChecklistRun", start, SECRETARY)
    assert [(e["field"], e["code"]) for e in other["errors"]] == [("organizationCode", "NOT_FOUND")]
    soe = await _call(
        gql, START, "startChecklistRun", {**start, "organizationCode": TOWN}, "soe-lead"
    )
    assert [e["code"] for e in soe["errors"]] == ["FORBIDDEN"]
