"""Entering values: scope, reporters, open phases, all-or-nothing, versions, audit, rules."""

from __future__ import annotations

from gateway.app import Runtime
from tests.conftest import GQL
from tests.core.reports.helpers import (
    APPROVE,
    FLAGS,
    SUBMIT,
    UNAPPROVE,
    count,
    first_village,
    open_quarter,
    submit_input,
)

TOWN = "330106001"
OTHER_TOWN = "330102001"


async def test_a_town_secretary_submits_for_its_villages_and_the_rules_run(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    village = await first_village(runtime.engine, TOWN)
    period = open_quarter()
    before = await count(runtime.engine, "SELECT count(*) FROM audit_event")
    values = {"members_total": 50, "mobile_members": 70, "fixed_days": 3, "fixed_day_pct": 88}
    payload = (await gql(SUBMIT, submit_input(village, period, values), user=f"sec-{TOWN}"))[
        "data"
    ]["submitReportValues"]
    assert payload["errors"] == [] and payload["accepted"] == 4
    sheet = payload["sheet"]
    assert (sheet["status"], sheet["version"], sheet["organization"]["code"]) == (
        "SUBMITTED",
        1,
        village,
    )
    assert {"indicatorCode": "mobile_members", "value": 70.0} in sheet["values"]
    assert await count(runtime.engine, "SELECT count(*) FROM audit_event") == before + 1
    flags = (await gql(FLAGS, {"period": period, "phase": "PROGRESS", "within": village}))["data"][
        "reportFlags"
    ]
    broken = [e["node"] for e in flags["edges"] if e["node"]["kind"] == "RULE_VIOLATION"]
    mobile = [
        (n["rule"]["code"], n["value"], n["expectedHigh"])
        for n in broken
        if n["rule"]["code"] == "R-MOBILE"
    ]
    assert mobile == [("R-MOBILE", 70.0, 50.0)]
    fixed = submit_input(village, period, {"mobile_members": 5}, expectedVersion=1)
    again = (await gql(SUBMIT, fixed, user=f"sec-{TOWN}"))["data"]["submitReportValues"]
    assert again["errors"] == [] and again["sheet"]["version"] == 2
    flags = (await gql(FLAGS, {"period": period, "phase": "PROGRESS", "within": village}))["data"][
        "reportFlags"
    ]
    assert "R-MOBILE" not in {(e["node"]["rule"] or {}).get("code") for e in flags["edges"]}
    stale = (await gql(SUBMIT, fixed, user=f"sec-{TOWN}"))["data"]["submitReportValues"]
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]


async def test_scope_and_reporters_decide_who_may_submit(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    period = open_quarter()
    foreign = await first_village(runtime.engine, OTHER_TOWN)
    values = {"members_total": 40}

    async def codes(user: str, org: str) -> list[str]:
        data = (await gql(SUBMIT, submit_input(org, period, values), user=user))["data"][
            "submitReportValues"
        ]
        return [e["code"] for e in data["errors"]]

    assert await codes(f"sec-{TOWN}", foreign) == ["NOT_FOUND"]
    assert await codes(f"sec-{TOWN}", "999999999999") == ["NOT_FOUND"]
    assert await codes("soe-lead", foreign) == ["NOT_FOUND"]
    assert await codes("xihu", "330106") == []  # a district office submits for the district
    assert await codes("xihu", "330106D01") == ["INVALID"]  # a department does not report DJBB
    before = await count(runtime.engine, "SELECT count(*) FROM report_sheet")
    assert await codes(f"sec-{TOWN}", foreign) == ["NOT_FOUND"]
    assert await count(runtime.engine, "SELECT count(*) FROM report_sheet") == before


async def test_a_bad_batch_names_every_bad_value_and_writes_nothing(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    village = await first_village(runtime.engine, TOWN)
    before = await count(runtime.engine, "SELECT count(*) FROM audit_event")
    bad = submit_input(village, open_quarter(), {})
    bad["input"]["values"] = [
        {"indicatorCode": "members_total", "value": 30},
        {"indicatorCode": "members_total", "value": 31},
        {"indicatorCode": "venue_standard", "value": 2},
        {"indicatorCode": "weak_orgs", "value": 1},
        {"indicatorCode": "dues_rate", "value": -1},
    ]
    errors = (await gql(SUBMIT, bad, user=f"sec-{TOWN}"))["data"]["submitReportValues"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("values[1].indicatorCode", "DUPLICATE"),
        ("values[2].value", "INVALID"),
        ("values[3].indicatorCode", "INVALID"),
        ("values[4].value", "INVALID"),
    ]
    assert "软弱涣散党组织" in errors[2]["message"]
    assert await count(runtime.engine, "SELECT count(*) FROM audit_event") == before
    empty = submit_input(village, open_quarter(), {})
    assert (await gql(SUBMIT, empty, user=f"sec-{TOWN}"))["data"]["submitReportValues"]["errors"][
        0
    ]["code"] == "REQUIRED"


async def test_closed_phases_and_malformed_periods_are_refused(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    village = await first_village(runtime.engine, TOWN)
    for period in ("2025Q1", "2030Q1", "2026-05", "2026Q9"):
        errors = (
            await gql(SUBMIT, submit_input(village, period, {"members_total": 1}), user="admin")
        )["data"]["submitReportValues"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("period", "INVALID")], period
    unknown = submit_input(village, open_quarter(), {"members_total": 1})
    unknown["input"]["reportCode"] = "NOPE"
    errors = (await gql(SUBMIT, unknown))["data"]["submitReportValues"]["errors"]
    assert errors[0]["code"] == "NOT_FOUND" and errors[0]["field"] == "reportCode"


async def test_bottom_up_approval_locks_and_unlocks(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    village = await first_village(runtime.engine, TOWN)
    period = open_quarter()
    await gql(SUBMIT, submit_input(village, period, {"members_total": 44}), user=f"sec-{TOWN}")
    await gql(SUBMIT, submit_input(TOWN, period, {"members_total": 2200}), user=f"sec-{TOWN}")
    sheet = {"reportCode": "DJBB", "period": period, "phase": "PROGRESS"}

    async def act(doc: str, user: str, org: str, **extra: object) -> dict[str, object]:
        data = await gql(doc, {"input": {**sheet, "organizationCode": org, **extra}}, user=user)
        result: dict[str, object] = data["data"][
            "approveReport" if doc == APPROVE else "unapproveReport"
        ]
        return result

    own = await act(APPROVE, f"sec-{TOWN}", TOWN)
    assert [e["code"] for e in own["errors"]] == ["FORBIDDEN"]  # type: ignore[index]
    early = await act(APPROVE, "xihu", TOWN)
    assert "下级" in early["errors"][0]["message"]  # type: ignore[index]
    done = await act(APPROVE, f"sec-{TOWN}", village)
    assert done["errors"] == [] and done["sheet"] == {"status": "APPROVED", "version": 2}
    locked = await gql(
        SUBMIT, submit_input(village, period, {"members_total": 45}), user=f"sec-{TOWN}"
    )
    assert "已审核" in locked["data"]["submitReportValues"]["errors"][0]["message"]
    assert (await act(APPROVE, "xihu", TOWN))["errors"] == []
    blocked = await act(UNAPPROVE, f"sec-{TOWN}", village, reason="数据有误")
    assert "上级" in blocked["errors"][0]["message"]  # type: ignore[index]
    no_reason = await act(UNAPPROVE, "xihu", TOWN, reason="  ")
    assert no_reason["errors"][0]["code"] == "REQUIRED"  # type: ignore[index]
    assert (await act(UNAPPROVE, "xihu", TOWN, reason="请核实党员总数"))["errors"] == []
    back = await act(UNAPPROVE, f"sec-{TOWN}", village, reason="数据有误")
    assert back["errors"] == [] and back["sheet"] == {"status": "SUBMITTED", "version": 3}
    trail = await count(
        runtime.engine, "SELECT count(*) FROM audit_event WHERE action = 'report.unapprove'"
    )
    assert trail == 2


async def test_a_flag_is_marked_for_follow_up(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    flags = (await gql(FLAGS, {"period": "2026Q1", "phase": "PROGRESS"}))["data"]["reportFlags"]
    node = flags["edges"][0]["node"]
    mark = """mutation($input: FlagFollowUpInput!) { markFlagFollowUp(input: $input) {
        followUp { comment markedBy resolvedAt resolution } errors { field code } } }"""
    base = {
        "reportCode": "DJBB",
        "period": "2026Q1",
        "phase": "PROGRESS",
        "organizationCode": node["organization"]["code"],
        "indicatorCode": node["indicator"]["code"],
    }
    done = (await gql(mark, {"input": {**base, "comment": "请乡镇核实后说明"}}))["data"][
        "markFlagFollowUp"
    ]
    assert done["errors"] == [] and done["followUp"]["markedBy"] == "admin"
    follow = """{ reportFlags(reportCode: "DJBB", period: "2026Q1", phase: PROGRESS, first: 100) {
        edges { node { organization { code } indicator { code } followUp { comment markedBy } } } } }"""
    seen = (await gql(follow))["data"]["reportFlags"]["edges"]
    marked = [e["node"]["followUp"] for e in seen if e["node"]["followUp"] is not None]
    assert marked == [{"comment": "请乡镇核实后说明", "markedBy": "admin"}]
    closed = await gql(mark, {"input": {**base, "comment": "已核实更正", "resolve": True}})
    assert closed["data"]["markFlagFollowUp"]["followUp"]["resolution"] == "已核实更正"
    outsider = await gql(mark, {"input": {**base, "comment": "x"}}, user="soe-lead")
    assert outsider["data"]["markFlagFollowUp"]["errors"][0]["code"] == "NOT_FOUND"
