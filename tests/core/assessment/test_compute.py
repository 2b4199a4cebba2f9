"""Computing DJKH-2026 over the demo city with a calendar: results differ for real reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.assessment.models import AssessmentResultDetail
from core.calendar.models import Task
from core.graphql import ids
from gateway.app import Runtime
from tests.conftest import GQL
from tests.core.calendar.demo_tasks import towns, with_calendar

RESULT = """
query($code: String!, $within: String! = "330127") {
  assessmentResult(schemeCode: "DJKH-2026", organizationCode: $code) {
    accountabilityScore performanceScore grade rank rankedCount explanation
    rankWithin(withinCode: $within)
    items { code score maxScore lost reason department records { kind id label detail } }
  }
}
"""
COMPUTE = """
mutation($asOf: Date) {
  computeAssessment(input: {schemeCode: "DJKH-2026", asOf: $asOf}) {
    organizations scheme { version digest status asOf }
    errors { field message code }
  }
}
"""
PUBLISH = """
mutation($v: Int!) {
  publishAssessment(input: {schemeCode: "DJKH-2026", expectedVersion: $v}) {
    scheme { status version } errors { field code message }
  }
}
"""
AS_OF = dt.date(2026, 12, 1)


async def _close(engine: AsyncEngine, org_id: int, *, late: bool) -> None:
    """Complete the organisation's tasks due before AS_OF (late: a week after their due date,
    at the latest on AS_OF)."""
    async with engine.begin() as conn:
        due = (
            await conn.execute(
                select(Task.id, Task.due_on).where(
                    Task.organization_id == org_id, Task.due_on < AS_OF
                )
            )
        ).all()
        for task_id, due_on in due:
            finished = dt.datetime.combine(due_on, dt.time(4), dt.UTC) + dt.timedelta(
                days=7 if late else -1
            )
            # done by AS_OF: once the city's today is past AS_OF, a completion after it is
            # (rightly) not counted by an assessment as of AS_OF
            finished = min(finished, dt.datetime.combine(AS_OF, dt.time(4), dt.UTC))
            await conn.execute(
                update(Task)
                .where(Task.id == task_id)
                .values(status="DONE", late=late, completed_at=finished)
            )


async def _compute(gql: GQL) -> dict[str, Any]:
    body = await gql(COMPUTE, {"asOf": AS_OF.isoformat()})
    payload: dict[str, Any] = body["data"]["computeAssessment"]
    assert payload["errors"] == [], payload
    return payload


async def _result(gql: GQL, code: str, user: str = "admin") -> dict[str, Any]:
    body = await gql(RESULT, {"code": code}, user=user)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["assessmentResult"]
    return found


def _item(result: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in result["items"] if i["code"] == code)


async def test_tasks_decide_points_and_the_explanation_names_them(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    await with_calendar(runtime.engine, AS_OF)
    punctual, missed, tardy = (await towns(runtime.engine, "330127"))[:3]
    await _close(runtime.engine, punctual.id, late=False)
    await _close(runtime.engine, tardy.id, late=True)
    first = await _compute(gql)
    assert first["organizations"] > 3000 and first["scheme"]["asOf"] == AS_OF.isoformat()

    good, bad, slow = [await _result(gql, t.code) for t in (punctual, missed, tardy)]
    assert _item(good, "ORG-ON-TIME")["score"] == 20 and _item(good, "ORG-OVERDUE")["score"] == 10
    assert _item(bad, "ORG-ON-TIME")["score"] == 0 and _item(bad, "ORG-OVERDUE")["lost"] > 0
    assert _item(slow, "ORG-ON-TIME")["score"] == 0 and _item(slow, "ORG-LATE")["lost"] > 0
    assert _item(slow, "ORG-OVERDUE")["score"] == 10
    assert good["performanceScore"] > bad["performanceScore"]

    overdue = _item(bad, "ORG-OVERDUE")["records"]
    async with runtime.engine.connect() as conn:
        first_due = (
            await conn.execute(
                select(Task.id, Task.title)
                .where(and_(Task.organization_id == missed.id, Task.due_on < AS_OF))
                .order_by(Task.due_on, Task.id)
            )
        ).first()
    assert first_due is not None
    assert overdue[0]["kind"] == "task" and overdue[0]["id"] == ids.encode("Task", first_due.id)
    assert "逾期" in overdue[0]["detail"] and first_due.title in overdue[0]["label"]
    assert first_due.title in bad["explanation"] and "逾期未完成任务数" in bad["explanation"]
    assert "才完成" in slow["explanation"]
    assert bad["rankWithin"] is not None and bad["rankWithin"] <= bad["rank"]
    unscored = _item(good, "CLEAN-RECTIFY")
    assert unscored["score"] is None and "findings.rectified_on_time_rate" in unscored["reason"]


async def test_recomputing_is_deterministic_and_publishing_locks(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    first = await _compute(gql)
    async with runtime.engine.connect() as conn:
        before = (
            (
                await conn.execute(
                    select(AssessmentResultDetail.explanation).order_by(
                        AssessmentResultDetail.organization_id
                    )
                )
            )
            .scalars()
            .all()
        )
    second = await _compute(gql)
    assert second["scheme"]["digest"] == first["scheme"]["digest"]
    async with runtime.engine.connect() as conn:
        after = (
            (
                await conn.execute(
                    select(AssessmentResultDetail.explanation).order_by(
                        AssessmentResultDetail.organization_id
                    )
                )
            )
            .scalars()
            .all()
        )
    assert before == after

    stale = await gql(PUBLISH, {"v": 1})
    assert stale["data"]["publishAssessment"]["errors"][0]["code"] == "CONFLICT"
    denied = await gql(PUBLISH, {"v": second["scheme"]["version"]}, user="xihu")
    assert denied["data"]["publishAssessment"]["errors"][0]["code"] == "FORBIDDEN"
    published = await gql(PUBLISH, {"v": second["scheme"]["version"]})
    assert published["data"]["publishAssessment"]["scheme"]["status"] == "PUBLISHED"
    again = await gql(COMPUTE, {"asOf": AS_OF.isoformat()})
    assert again["data"]["computeAssessment"]["errors"][0]["code"] == "INVALID"
    # published results are shown to a secretary of the organisation; draft ones were not
    town = (await towns(runtime.engine, "330106"))[0]
    assert (await _result(gql, town.code, user=town.user))["grade"]


async def test_draft_results_need_assessment_read(gql: GQL) -> None:
    town = "330106001"
    assert (await gql(RESULT, {"code": town}, user="sec-330106001"))["data"][
        "assessmentResult"
    ] is None
    assert (await _result(gql, town, user="xihu"))["grade"]
    assert (await gql(RESULT, {"code": "330102"}, user="xihu"))["data"]["assessmentResult"] is None
