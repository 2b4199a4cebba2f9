"""Meetings with attendance: recorded by the host, read inside its scope, counted for the
assessment (`meetings.attendance_rate`)."""

from __future__ import annotations

from sqlalchemy import select

from core.db import session_factory
from core.orgs.models import Organization
from core.supervision import figures
from gateway.app import Runtime
from tests.conftest import GQL

RECORD = """
mutation($input: RecordMeetingInput!) { recordMeeting(input: $input) {
  meeting { id kind title attendanceRate attendance { present organization { code } } }
  errors { field code message } } }
"""
MEETINGS = """
{ meetings(first: 10) { totalCount edges { node { kind heldOn attendanceRate } } } }
"""


async def test_a_district_records_its_joint_conference(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    attendance = [
        {"organizationCode": "330106001", "present": True},
        {"organizationCode": "330106002", "present": False, "note": "请假"},
    ]
    request = {
        "kind": "JOINT_CONFERENCE",
        "title": "西湖区党建工作联席会议",
        "organizationCode": "330106",
        "heldOn": "2026-11-20",
        "minutes": "研究部署年终考核",
        "attendance": attendance,
    }
    done = (await gql(RECORD, {"input": request}, user="xihu"))["data"]["recordMeeting"]
    assert done["errors"] == []
    assert done["meeting"]["attendanceRate"] == 0.5 and len(done["meeting"]["attendance"]) == 2
    foreign = {**request, "attendance": [{"organizationCode": "330102001", "present": True}]}
    refused = (await gql(RECORD, {"input": foreign}, user="xihu"))["data"]["recordMeeting"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("attendance[0].organizationCode", "NOT_FOUND")
    ]
    bad_kind = await gql(RECORD, {"input": {**request, "kind": "PARTY"}}, user="xihu")
    assert [e["code"] for e in bad_kind["data"]["recordMeeting"]["errors"]] == ["INVALID"]
    async with runtime.engine.connect() as conn:
        absent = await conn.scalar(select(Organization.id).where(Organization.code == "330106002"))
    assert absent is not None
    async with session_factory(runtime.engine)() as session:
        values = await figures.org_figures(session=session, year=2026, org_ids=[absent])
    assert values[absent]["meetings.attendance_rate"] is not None
    assert values[absent]["meetings.attendance_rate"] < 1.0


async def test_the_demo_teleconferences(gql: GQL) -> None:
    found = (await gql(MEETINGS, user="xihu"))["data"]["meetings"]
    calls = [e["node"] for e in found["edges"] if e["node"]["kind"] == "SECRETARY_TELECONFERENCE"]
    assert len(calls) == 3
    assert all(0.9 < call["attendanceRate"] < 1.0 for call in calls)
