"""What the assessment reads from supervision: set-based figures and the findings behind them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.db import session_factory
from core.graphql import ids
from core.orgs.models import Organization
from core.supervision import figures
from core.supervision.models import Finding
from gateway.app import Runtime
from tests.conftest import GQL

AS_OF = dt.date(2026, 12, 1)
COMPUTE = """
mutation { computeAssessment(input: {schemeCode: "DJKH-2026", asOf: "2026-12-01"}) {
  organizations errors { code message } } }
"""
RESULT = """
query($code: String!) {
  assessmentResult(schemeCode: "DJKH-2026", organizationCode: $code) {
    items { code score lost reason records { kind id label detail } }
  }
}
"""


async def _demo_findings(runtime: Runtime) -> list[Any]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            select(Finding.id, Finding.organization_id, Finding.status, Organization.code)
            .join(Organization, Organization.id == Finding.organization_id)
            .where(Finding.spot_check_id == 1)
            .order_by(Finding.id)
        )
        return list(rows)


async def test_figures_count_every_organisation_at_once(demo_runtime: Runtime) -> None:
    found = await _demo_findings(demo_runtime)
    by_status = {status: org for _, org, status, _ in found}
    clean = 1  # the city: no finding of its own
    wanted = [*by_status.values(), clean]
    async with session_factory(demo_runtime.engine)() as session:
        values = await figures.org_figures(session=session, year=2026, org_ids=wanted, today=AS_OF)
    assert set(values) == set(wanted)
    identified = values[by_status["IDENTIFIED"]]
    assert identified["findings.total"] == identified["findings.open"] == 1.0
    assert identified["findings.overdue"] == 1.0  # rectify-by 2026-06-30
    assert identified["findings.rectified_on_time_rate"] == 0.0
    verified = values[by_status["VERIFIED"]]
    assert (verified["findings.open"], verified["findings.overdue"]) == (0.0, 0.0)
    assert verified["findings.rectified_on_time_rate"] == 1.0
    assert values[clean]["findings.total"] == 0.0
    assert values[clean]["findings.rectified_on_time_rate"] is None  # nothing due: not scored
    assert values[clean]["meetings.attendance_rate"] is None


async def test_records_name_the_overdue_findings(demo_runtime: Runtime) -> None:
    found = await _demo_findings(demo_runtime)
    finding_id, org_id, _, _ = next(row for row in found if row[2] == "IDENTIFIED")
    async with session_factory(demo_runtime.engine)() as session:
        refs = await figures.org_records(
            session=session, year=2026, org_id=org_id, name="findings.overdue", today=AS_OF
        )
        none = await figures.org_records(
            session=session, year=2025, org_id=org_id, name="findings.overdue", today=AS_OF
        )
    assert [(r.kind, r.id) for r in refs] == [("finding", ids.encode("Finding", finding_id))]
    assert "逾期" in refs[0].detail and none == []


async def test_records_of_many_organisations_in_one_read(demo_runtime: Runtime) -> None:
    found = await _demo_findings(demo_runtime)
    names = ["findings.total", "findings.open", "findings.overdue", "findings.high_open"]
    orgs = sorted({row[1] for row in found})[:5]
    async with session_factory(demo_runtime.engine)() as session:
        many = await figures.org_records_many(
            session=session, year=2026, wanted={o: names for o in orgs}, today=AS_OF
        )
        for org_id in orgs:
            for name in names:
                alone = await figures.org_records(
                    session=session, year=2026, org_id=org_id, name=name, today=AS_OF
                )
                assert many[(org_id, name)] == alone, (org_id, name)
    assert all(many[(o, "findings.total")] for o in orgs)  # each has its spot-check finding


async def test_the_assessment_scores_rectification(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    found = await _demo_findings(runtime)
    overdue = next(row for row in found if row[2] == "IDENTIFIED")
    verified = next(row for row in found if row[2] == "VERIFIED")
    done = await gql(COMPUTE)
    assert done["data"]["computeAssessment"]["errors"] == []

    async def items(code: str) -> dict[str, Any]:
        body = await gql(RESULT, {"code": code})
        return {i["code"]: i for i in body["data"]["assessmentResult"]["items"]}

    late = await items(overdue[3])
    assert late["CLEAN-OVERDUE"]["score"] == 2.5 and late["CLEAN-RECTIFY"]["score"] == 0
    assert late["CLEAN-OVERDUE"]["records"][0]["kind"] == "finding"
    assert late["CLEAN-OVERDUE"]["records"][0]["id"] == ids.encode("Finding", overdue[0])
    good = await items(verified[3])
    assert good["CLEAN-OVERDUE"]["score"] == 5 and good["CLEAN-RECTIFY"]["score"] == 10
