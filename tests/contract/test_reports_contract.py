"""The five operations of ../shared/contract/reports.graphql, as written, on the demo city."""

from __future__ import annotations

from typing import Any

from graphql import parse, validate

from gateway.app import Runtime
from tests.conftest import GQL, shared_dir
from tests.core.reports.helpers import first_village, open_quarter


def contract() -> str:
    return (shared_dir() / "contract" / "reports.graphql").read_text(encoding="utf-8")


async def run(
    gql: GQL, name: str, variables: dict[str, Any], user: str = "admin"
) -> dict[str, Any]:
    body = await gql(contract(), variables, user=user, operation=name)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_reports_documents_validate(demo_runtime: Runtime) -> None:
    assert validate(demo_runtime.schema._schema, parse(contract())) == []


async def test_report_forms(gql: GQL) -> None:
    forms = (await run(gql, "ReportForms", {}, user="xihu"))["reportForms"]
    djbb = next(f for f in forms if f["code"] == "DJBB")
    assert djbb["title"] == "党建工作报表" and djbb["periodType"] == "QUARTERLY"
    assert len(djbb["indicators"]) == 40
    assert {"code": "members_total", "name": "党员总数", "unit": "人"} in djbb["indicators"]


async def test_report_flags_tell_the_story(gql: GQL) -> None:
    variables = {"reportCode": "DJBB", "period": "2026Q1", "phase": "PROGRESS"}
    flags = (await run(gql, "ReportFlags", variables))["reportFlags"]
    assert (flags["totalCount"], flags["indicatorsAffected"]) == (116, 27)
    nodes = [edge["node"] for edge in flags["edges"]]
    assert len(nodes) == 100
    kinds = {n["kind"] for n in nodes}
    assert kinds == {"RULE_VIOLATION", "OUTLIER"}
    for node in nodes:
        if node["kind"] == "RULE_VIOLATION":
            assert node["rule"]["code"] and node["score"] is None
        else:
            assert node["rule"] is None and node["score"] > 3.0
            assert not node["expectedLow"] <= node["value"] <= node["expectedHigh"]
    rest = await run(gql, "ReportFlags", {**variables, "first": 100, "after": None})
    assert rest["reportFlags"]["totalCount"] == 116


async def test_flag_improvement_three_months_later(gql: GQL) -> None:
    variables = {
        "reportCode": "DJBB",
        "fromPeriod": "2026Q1",
        "toPeriod": "2026Q2",
        "phase": "PROGRESS",
    }
    found = (await run(gql, "FlagImprovement", variables))["flagImprovement"]
    assert found == {"flaggedBefore": 116, "resolved": 106, "stillFlagged": 10, "newlyFlagged": 7}


async def test_report_completeness_of_a_district(gql: GQL) -> None:
    variables = {"reportCode": "DJBB", "period": "2026Q1", "phase": "PROGRESS", "code": "330106"}
    found = (await run(gql, "ReportCompleteness", variables, user="xihu"))["reportCompleteness"]
    assert found["expected"] > 200
    assert found["onTime"] <= found["submitted"] <= found["expected"]
    assert 0.9 < found["rate"] <= 1.0
    assert found["rate"] == round(found["submitted"] / found["expected"], 4)


async def test_submit_report_values(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    village = await first_village(runtime.engine, "330106001")
    variables = {
        "input": {
            "reportCode": "DJBB",
            "period": open_quarter(),
            "phase": "PROGRESS",
            "organizationCode": village,
            "values": [
                {"indicatorCode": "members_total", "value": 48},
                {"indicatorCode": "fixed_days", "value": 3},
                {"indicatorCode": "fixed_day_pct", "value": 91.5},
            ],
        }
    }
    done = (await run(gql, "SubmitReportValues", variables, user="sec-330106001"))[
        "submitReportValues"
    ]
    assert done == {"accepted": 3, "errors": []}
    bad = {
        "input": {
            **variables["input"],
            "values": [
                {"indicatorCode": "members_total", "value": 48.5},
                {"indicatorCode": "no_such_indicator", "value": 1},
                {"indicatorCode": "fixed_day_pct", "value": 130},
            ],
        }
    }
    refused = (await run(gql, "SubmitReportValues", bad, user="sec-330106001"))[
        "submitReportValues"
    ]
    assert refused["accepted"] == 0
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("values[0].value", "INVALID"),
        ("values[1].indicatorCode", "NOT_FOUND"),
        ("values[2].value", "INVALID"),
    ]
