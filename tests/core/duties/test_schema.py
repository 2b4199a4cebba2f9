"""The duty views over GraphQL on the demo city: descriptions, manuals, `viewer.duties`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from core.orgs import catalogue_data as cat
from gateway.app import Runtime
from tests.conftest import GQL

CATEGORIES = """
query($first: Int!) {
  categories(first: $first) {
    edges { node { code dutyDescription { title duties { id code frequency rrule leadDays detail
      organization { code } position { code } } } } }
  }
}"""
MANUAL = """
query($code: String!) {
  position(code: $code) { manual { title duties { code source frequency rrule position { code } } } }
}"""
MINE = """
query($first: Int!, $after: String) {
  viewer {
    duties(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { code frequency organization { code } position { code } } }
    }
  }
}"""
NODE = "query($id: ID!) { node(id: $id) { ... on Duty { code title } } }"


async def test_every_core_category_has_a_description(gql: GQL) -> None:
    body = await gql(CATEGORIES, {"first": 100})
    assert "errors" not in body, body
    described = {
        e["node"]["code"]: e["node"]["dutyDescription"]
        for e in body["data"]["categories"]["edges"]
        if e["node"]["dutyDescription"] is not None
    }
    assert {c.code for c in cat.CATEGORIES} <= set(described)
    town = described["TOWN"]
    assert town["title"] == "乡镇党委主要职责描述书"
    assert [d["code"] for d in town["duties"]][:3] == ["TOWN-01", "TOWN-02", "TOWN-03"]
    assert all(d["organization"] is None and d["position"] is None for d in town["duties"])
    monthly = next(d for d in town["duties"] if d["code"] == "TOWN-03")
    assert (monthly["frequency"], monthly["rrule"], monthly["leadDays"]) == (
        "MONTHLY",
        "FREQ=MONTHLY;BYMONTHDAY=25",
        7,
    )
    node = await gql(NODE, {"id": monthly["id"]})
    assert node["data"]["node"]["code"] == "TOWN-03"


async def test_position_manual(gql: GQL) -> None:
    body = await gql(MANUAL, {"code": "VILLAGE_SECRETARY"}, user="sec-330106")
    manual = body["data"]["position"]["manual"]
    assert manual["title"] == "村党组织书记党建履职说明书"
    assert len(manual["duties"]) >= 8
    assert {d["position"]["code"] for d in manual["duties"]} == {"VILLAGE_SECRETARY"}
    assert all(d["source"].startswith("《") for d in manual["duties"])
    none = await gql(MANUAL, {"code": "SOE_GROUP_SECRETARY"})  # plugin library not loaded
    assert none["data"]["position"]["manual"] is None


async def test_my_duties_are_my_organisations_and_my_posts(gql: GQL) -> None:
    body = await gql(MINE, {"first": 100}, user="sec-330106")
    duties = body["data"]["viewer"]["duties"]
    nodes = [e["node"] for e in duties["edges"]]
    assert duties["totalCount"] == len(nodes) > 10
    assert {n["organization"]["code"] for n in nodes} == {"330106"}
    org_duties = [n for n in nodes if n["position"] is None]
    post_duties = [n for n in nodes if n["position"] is not None]
    assert {n["code"].split("-")[0] for n in org_duties} == {"DISTRICT"}
    assert {n["position"]["code"] for n in post_duties} == {"DISTRICT_SECRETARY"}
    assert nodes.index(org_duties[-1]) < nodes.index(post_duties[0])  # organisation first


async def test_my_duties_page_through(gql: GQL) -> None:
    seen: list[str] = []
    after = None
    while True:
        body = await gql(MINE, {"first": 7, "after": after}, user="sec-330106")
        page = body["data"]["viewer"]["duties"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"]


async def test_viewer_without_a_person_has_no_duties_and_page_size_is_bounded(gql: GQL) -> None:
    body = await gql(MINE, {"first": 10})
    assert body["data"]["viewer"]["duties"]["totalCount"] == 0
    too_many = await gql(MINE, {"first": 101}, user="sec-330106")
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_PAGE_SIZE"


async def test_descriptions_cost_a_fixed_number_of_statements(
    gql: GQL, demo_runtime: Runtime
) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    counts = {}
    event.listen(demo_runtime.engine.sync_engine, "before_cursor_execute", count)
    try:
        for first in (2, 12):
            statements.clear()
            body = await gql(CATEGORIES, {"first": first})
            assert "errors" not in body
            counts[first] = len(statements)
    finally:
        event.remove(demo_runtime.engine.sync_engine, "before_cursor_execute", count)
    assert counts[2] == counts[12], counts
