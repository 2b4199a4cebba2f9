"""`viewer.findingReminders`: what a secretary's organisation owes, by urgency."""

from __future__ import annotations

import datetime as dt

from gateway.app import Runtime
from tests.conftest import GQL, city_today

DRAW = """
mutation { drawSpotCheck(input: {title: "街道抽查", withinCode: "330106", categoryCode: "STREET",
  sampleSize: 1, seed: "3", excludeCheckedWithinMonths: 0}) {
  spotCheck { id organizations { code } } errors { code } } }
"""
RECORD = """
mutation($input: RecordFindingInput!) { recordFinding(input: $input) {
  finding { id } errors { code } } }
"""
REMINDERS = """
{ viewer { findingReminders { kind finding { id rectifyBy organization { code } } } } }
"""


async def test_a_secretary_is_reminded_of_rectifications(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    drawn = (await gql(DRAW, user="xihu"))["data"]["drawSpotCheck"]["spotCheck"]
    street = drawn["organizations"][0]["code"]
    soon = (city_today() + dt.timedelta(days=5)).isoformat()
    recorded = await gql(
        RECORD,
        {
            "input": {
                "spotCheckId": drawn["id"],
                "organizationCode": street,
                "severity": "MEDIUM",
                "description": "党建阵地台账不全",
                "rectifyBy": soon,
            }
        },
        user="xihu",
    )
    finding = recorded["data"]["recordFinding"]["finding"]
    reminders = (await gql(REMINDERS, user=f"sec-{street}"))["data"]["viewer"]["findingReminders"]
    assert {
        "kind": "DUE_IN_7_DAYS",
        "finding": {**finding, "rectifyBy": soon, "organization": {"code": street}},
    } in reminders
    others = (await gql(REMINDERS, user="sec-330102001"))["data"]["viewer"]["findingReminders"]
    assert all(r["finding"]["id"] != finding["id"] for r in others)
    assert (await gql(REMINDERS))["data"]["viewer"]["findingReminders"] == []  # no post held
