"""plugins.soe through GraphQL: enabling/disabling, soeProfile, soeGroups, statement counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import Runtime
from plugins.soe import credit, library
from plugins.soe.models import SoeProfile
from tests.conftest import GQL

ENABLE = """mutation($name: String!) {
  enablePlugin(input: { name: $name }) { plugin { name enabled } errors { field message code } }
}"""
DISABLE = """mutation($name: String!) {
  disablePlugin(input: { name: $name }) { plugin { name enabled } errors { field message code } }
}"""
PLUGINS = "{ plugins { name enabled sector { code } } }"
SOE_ORGS = """query($first: Int!) {
  organizations(filter: { sectorCode: "SOE" }, first: $first) {
    totalCount
    edges { node { code name category { code } sector { code }
      soeProfile { unifiedCreditCode registeredCapitalWan stateSharePct industry
                   supervisor supervisorName employees partyMembers listed version updatedAt } } }
  }
}"""
GROUPS = """query($first: Int!, $after: String) {
  soeGroups(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { code name category { code } parent { name } } }
  }
}"""


def _enabled(result: dict[str, Any]) -> bool:
    enabled: bool = next(p["enabled"] for p in result["data"]["plugins"] if p["name"] == "soe")
    return enabled


async def _profile_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(SoeProfile))).scalar_one())


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collect every SQL statement sent through the engine while the block runs."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


# --------------------------------------------------------------------------- GraphQL


async def test_schema_has_soe_profile(gql: GQL) -> None:
    result = await gql(
        """{ org: __type(name: "Organization") { fields { name type { name } } }
             profile: __type(name: "SoeProfile") { fields { name } }
             query: __type(name: "Query") { fields { name } } }"""
    )
    fields = {f["name"]: f["type"]["name"] for f in result["data"]["org"]["fields"]}
    assert fields["soeProfile"] == "SoeProfile"
    profile = {f["name"] for f in result["data"]["profile"]["fields"]}
    assert {"unifiedCreditCode", "registeredCapitalWan", "stateSharePct", "supervisor"} <= profile
    assert "soeGroups" in {f["name"] for f in result["data"]["query"]["fields"]}


async def test_soe_organisations_answer_their_sector(gql: GQL) -> None:
    result = await gql(SOE_ORGS, {"first": 100})
    found = result["data"]["organizations"]
    assert found["totalCount"] >= 20 + 3 * 20
    nodes = [e["node"] for e in found["edges"]]
    assert {n["sector"]["code"] for n in nodes} == {"SOE"}
    assert {"SOE_GROUP", "SOE_SUBSIDIARY"} <= {n["category"]["code"] for n in nodes}
    city_investment = await gql(
        """{ organizations(filter: { nameContains: "杭州市城市建设投资集团" }) {
               edges { node { code sector { code } parent { name } } } } }"""
    )
    [group] = [e["node"] for e in city_investment["data"]["organizations"]["edges"]]
    assert group["sector"]["code"] == "SOE" and group["parent"]["name"] == "市国资委"
    assert credit.is_valid(group["code"])


async def test_xihu_cannot_enable_the_plugin(gql: GQL) -> None:
    before = _enabled(await gql(PLUGINS))
    result = await gql(ENABLE, {"name": "soe"}, user="xihu")
    payload = result["data"]["enablePlugin"]
    assert payload["plugin"] is None
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]
    assert _enabled(await gql(PLUGINS)) is before


@pytest.mark.parametrize("user", ["admin", "soe-lead"])
async def test_soe_profile_null_while_disabled_then_filled(
    fresh: tuple[Runtime, GQL], user: str
) -> None:
    _runtime, gql = fresh
    await gql(DISABLE, {"name": "soe"})  # whatever the demo left, start disabled
    disabled = await gql(SOE_ORGS, {"first": 5}, user=user)
    nodes = [e["node"] for e in disabled["data"]["organizations"]["edges"]]
    assert nodes and all(n["soeProfile"] is None for n in nodes)

    result = await gql(ENABLE, {"name": "soe"}, user=user)
    assert result["data"]["enablePlugin"] == {
        "plugin": {"name": "soe", "enabled": True},
        "errors": [],
    }
    enabled = await gql(SOE_ORGS, {"first": 5}, user=user)
    profiles = [e["node"]["soeProfile"] for e in enabled["data"]["organizations"]["edges"]]
    assert all(p is not None for p in profiles)
    first = profiles[0]
    assert first["supervisor"] == "MUNICIPAL" and first["supervisorName"] == "市属"
    assert 0 < float(first["stateSharePct"]) <= 100
    assert float(first["registeredCapitalWan"]) > 0
    assert first["updatedAt"].endswith("+00:00")


async def test_soe_profile_null_for_other_organisations(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    await gql(ENABLE, {"name": "soe"})
    result = await gql(
        """{ city: organization(code: "330100") { soeProfile { industry } }
             xihu: organization(code: "330106") { soeProfile { industry } } }"""
    )
    assert result["data"] == {"city": {"soeProfile": None}, "xihu": {"soeProfile": None}}


async def test_hook_dutygraph_on_disable_keeps_every_record(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    await gql(ENABLE, {"name": "soe"}, user="soe-lead")
    before = await _profile_count(runtime.engine)
    assert before >= 80
    result = await gql(DISABLE, {"name": "soe"}, user="soe-lead")
    assert result["data"]["disablePlugin"]["plugin"] == {"name": "soe", "enabled": False}
    assert await _profile_count(runtime.engine) == before
    hidden = await gql(SOE_ORGS, {"first": 3})
    assert all(e["node"]["soeProfile"] is None for e in hidden["data"]["organizations"]["edges"])
    assert (await gql(GROUPS, {"first": 5}))["data"]["soeGroups"]["totalCount"] == 0


async def test_hook_dutygraph_on_enable_refuses_a_broken_library(
    fresh: tuple[Runtime, GQL], monkeypatch: pytest.MonkeyPatch
) -> None:
    _runtime, gql = fresh
    await gql(DISABLE, {"name": "soe"})

    def broken() -> library.DutyLibrary:
        raise library.LibraryError("soe_duties.yaml: missing 'duties'")

    monkeypatch.setattr(library, "soe_duties", broken)
    result = await gql(ENABLE, {"name": "soe"})
    assert result["data"]["enablePlugin"]["plugin"] is None
    assert [e["code"] for e in result["data"]["enablePlugin"]["errors"]] == ["INVALID"]
    assert _enabled(await gql(PLUGINS)) is False


async def test_soe_groups_pages_through_visible_groups(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    await gql(ENABLE, {"name": "soe"})
    # 20 municipal groups (市属) and one group of each of the 13 districts (区属)
    first = (await gql(GROUPS, {"first": 15}, user="soe-lead"))["data"]["soeGroups"]
    assert first["totalCount"] == 33 and first["pageInfo"]["hasNextPage"]
    rest = await gql(
        GROUPS, {"first": 30, "after": first["pageInfo"]["endCursor"]}, user="soe-lead"
    )
    second = rest["data"]["soeGroups"]
    assert len(second["edges"]) == 18 and not second["pageInfo"]["hasNextPage"]
    nodes = [e["node"] for e in first["edges"] + second["edges"]]
    assert len({n["code"] for n in nodes}) == 33
    assert {n["category"]["code"] for n in nodes} == {"SOE_GROUP"}
    # the municipal groups sit under its own department 市国资委 (which it sees); the
    # districts' groups under the districts' 国资办 (outside its reach)
    parents = Counter(n["parent"]["name"] if n["parent"] else None for n in nodes)
    assert parents == {"市国资委": 20, None: 13}
    admin = (await gql(GROUPS, {"first": 1}))["data"]["soeGroups"]
    assert admin["totalCount"] == 33
    assert admin["edges"][0]["node"]["parent"] == {"name": "市国资委"}
    # a district sees the SOE group it supervises (under its 国资办), and no other
    outside = (await gql(GROUPS, {"first": 15}, user="xihu"))["data"]["soeGroups"]
    assert outside["totalCount"] == 1
    assert outside["edges"][0]["node"]["parent"] == {"name": "西湖区国资办"}


async def test_soe_profile_statements_do_not_grow_with_breadth(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    await gql(ENABLE, {"name": "soe"})
    counts: dict[int, int] = {}
    for first in (10, 30):
        with count_statements(runtime.engine) as statements:
            result = await gql(SOE_ORGS, {"first": first})
        edges = result["data"]["organizations"]["edges"]
        assert len(edges) == first and all(e["node"]["soeProfile"] for e in edges)
        # the principal's lookup comes and goes with its cache (5 s): not part of the read
        counts[first] = len([s for s in statements if "FROM account" not in s])
    assert counts[10] == counts[30], counts


async def test_district_soes_are_supervised_by_their_district(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    await gql(ENABLE, {"name": "soe"})
    query = """{ organizations(filter: { sectorCode: "SOE", withinCode: "330106" }, first: 20) {
      totalCount edges { node { code category { code } soeProfile { supervisor supervisorName } } } } }"""
    result = (await gql(query, user="xihu"))["data"]["organizations"]
    assert 3 <= result["totalCount"] <= 5  # the group and its 2–4 subsidiaries
    profiles = [e["node"]["soeProfile"] for e in result["edges"]]
    assert profiles and all(
        p == {"supervisor": "DISTRICT", "supervisorName": "区属"} for p in profiles
    )
    assert all(e["node"]["code"].startswith("91330106") for e in result["edges"])
    other = await gql(query.replace("330106", "330102"), user="xihu")
    assert other["data"]["organizations"]["totalCount"] == 0


UPDATE = """mutation($input: UpdateSoeProfileInput!) {
  updateSoeProfile(input: $input) {
    organization { code } profile { employees listed supervisor version } errors { field code } } }"""


async def test_update_soe_profile_by_lead_and_supervising_district(
    fresh: tuple[Runtime, GQL],
) -> None:
    _runtime, gql = fresh
    await gql(ENABLE, {"name": "soe"})
    query = """query($within: String!) {
      organizations(filter: { sectorCode: "SOE", withinCode: $within }, first: 1) {
        edges { node { id code soeProfile { version } } } } }"""
    municipal = (await gql(query, {"within": "330100"}))["data"]["organizations"]["edges"][0]
    district = (await gql(query, {"within": "330106"}))["data"]["organizations"]["edges"][0]
    change = {"organizationId": municipal["node"]["id"], "expectedVersion": 1, "employees": 4321}
    done = (await gql(UPDATE, {"input": change}, user="soe-lead"))["data"]["updateSoeProfile"]
    assert done["errors"] == [] and done["profile"]["employees"] == 4321
    assert done["profile"]["version"] == 2
    stale = (await gql(UPDATE, {"input": change}, user="soe-lead"))["data"]["updateSoeProfile"]
    assert stale["errors"] == [{"field": "expectedVersion", "code": "CONFLICT"}]
    bad = {**change, "expectedVersion": 2, "employees": -5}
    refused = (await gql(UPDATE, {"input": bad}))["data"]["updateSoeProfile"]
    assert refused["errors"] == [{"field": "employees", "code": "INVALID"}]
    # the district manages the SOE it supervises, not the city's
    mine = {"organizationId": district["node"]["id"], "expectedVersion": 1, "listed": True}
    ok = (await gql(UPDATE, {"input": mine}, user="xihu"))["data"]["updateSoeProfile"]
    assert ok["errors"] == [] and ok["profile"]["supervisor"] == "DISTRICT"
    theirs = {**change, "expectedVersion": 2}
    other = (await gql(UPDATE, {"input": theirs}, user="xihu"))["data"]["updateSoeProfile"]
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
