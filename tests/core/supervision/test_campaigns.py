"""Campaigns: calendar tasks across organisations, tracked per organisation and subtree."""

from __future__ import annotations

from typing import Any

from gateway.app import Runtime
from tests.conftest import GQL

READ = """
query($code: String!, $within: String) { campaign(code: $code) {
  code title items { code title owner dueOn }
  progress(withinCode: $within) { total done overdue rate
    organizations { total done overdue organization { code } } } } }
"""
CREATE = """
mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  campaign { code items { code } progress { total done organizations { organization { code } } } }
  errors { field code message } } }
"""
TASKS = """
query { viewer { tasks(from: "2026-01-01", to: "2027-12-31", first: 100) {
  edges { node { id title version duty { code } organization { code } } } } } }
"""
COMPLETE = """
mutation($id: ID!, $v: Int!) { completeTask(input: {id: $id, expectedVersion: $v, note: "已完成"}) {
  task { status } errors { code } } }
"""


async def test_the_double_base_campaign_has_156_tasks(gql: GQL) -> None:
    city = (await gql(READ, {"code": "SJSHT-2026"}))["data"]["campaign"]
    assert len(city["items"]) == 12 and city["progress"]["total"] == 156
    assert len(city["progress"]["organizations"]) == 13
    assert 0 < city["progress"]["done"] < 156 and city["progress"]["overdue"] > 0
    xihu = (await gql(READ, {"code": "SJSHT-2026"}, user="xihu"))["data"]["campaign"]
    assert xihu["progress"]["total"] == 12
    assert [o["organization"]["code"] for o in xihu["progress"]["organizations"]] == ["330106"]
    within = (await gql(READ, {"code": "SJSHT-2026", "within": "330106"}))["data"]["campaign"]
    assert within["progress"]["total"] == 12


async def test_campaign_tasks_are_calendar_tasks(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    request: dict[str, Any] = {
        "code": "T-CAMPAIGN",
        "title": "测试专项行动",
        "withinCode": "330106",
        "startsOn": "2026-12-01",
        "endsOn": "2027-03-31",
        "items": [
            {"code": "I1", "title": "排查整改", "owner": "组织部", "dueOn": "2027-01-31"},
            {"code": "I2", "title": "总结报告", "dueOn": "2027-03-31"},
        ],
        "organizationCodes": ["330106001", "330106002"],
    }
    done = (await gql(CREATE, {"input": request}, user="xihu"))["data"]["createCampaign"]
    assert done["errors"] == [] and done["campaign"]["progress"]["total"] == 4
    again = (await gql(CREATE, {"input": request}, user="xihu"))["data"]["createCampaign"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("code", "DUPLICATE")]
    outside = {**request, "code": "T-2", "organizationCodes": ["330102001"]}
    refused = (await gql(CREATE, {"input": outside}, user="xihu"))["data"]["createCampaign"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("organizationCodes[0]", "NOT_FOUND")
    ]
    tasks = (await gql(TASKS, user="sec-330106001"))["data"]["viewer"]["tasks"]["edges"]
    mine = [t["node"] for t in tasks if "测试专项行动" in t["node"]["title"]]
    assert len(mine) == 2 and all(t["duty"] is None for t in mine)
    first = mine[0]
    closed = await gql(COMPLETE, {"id": first["id"], "v": first["version"]}, user="sec-330106001")
    assert closed["data"]["completeTask"]["errors"] == []
    read = (await gql(READ, {"code": "T-CAMPAIGN"}, user="xihu"))["data"]["campaign"]
    assert (read["progress"]["done"], read["progress"]["total"]) == (1, 4)
