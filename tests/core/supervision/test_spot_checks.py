"""Spot checks over the demo city: stratified, excluding recent draws, verifiable, audited,
scoped; bulletins are immutable and corrected by new ones."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import select, update

from core.graphql import ids
from core.orgs.models import Organization, OrgCategory
from core.supervision import draw
from core.supervision.models import SpotCheck
from gateway.app import Runtime
from gateway.cli import invoke
from tests.conftest import GQL, settings_for

DRAW = """
mutation($input: DrawSpotCheckInput!) {
  drawSpotCheck(input: $input) {
    spotCheck { id seed population excluded excludeMonths algorithm populationHash status
      within { code } organizations { code parent { code } } }
    errors { field message code }
  }
}
"""
CHECK = """
query($id: ID!) { spotCheck(id: $id) { id title organizations { code }
  findings(first: 50) { totalCount edges { node { status overdue organization { code } } } } } }
"""
BULLETIN = """
query($id: ID!) { bulletin(id: $id) { id title digest correctionNote corrects { id }
  draw { seed populationHash organizationCodes withinCode }
  findings { organizationCode organizationName status severity organization { code } } } }
"""
CORRECT = """
mutation($input: CorrectBulletinInput!) { correctBulletin(input: $input) {
  bulletin { id title correctionNote corrects { id } findings { status } }
  errors { field code message } } }
"""
TRAIL = """
query($id: ID!) { auditTrail(entityId: $id, first: 10) { totalCount
  edges { node { action actor { username } } } } }
"""


async def _draw(gql: GQL, user: str = "admin", **fields: Any) -> dict[str, Any]:
    body = await gql(DRAW, {"input": {"title": "测试抽查", **fields}}, user=user)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["drawSpotCheck"]
    return payload


async def test_a_city_draw_represents_every_district_in_proportion(
    fresh: tuple[Runtime, GQL],
) -> None:
    runtime, gql = fresh
    found = await _draw(
        gql,
        withinCode="330100",
        categoryCode="COMMUNITY",
        sampleSize=60,
        seed="2026",
        excludeCheckedWithinMonths=0,
    )
    assert found["errors"] == []
    check = found["spotCheck"]
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            select(Organization.code)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(OrgCategory.code == "COMMUNITY")
        )
        communities = [code for (code,) in rows]
    by_district = Counter(code[:6] for code in communities)
    assert check["population"] == len(communities)
    expected = draw.quotas(dict(by_district), 60)
    drawn = Counter(org["code"][:6] for org in check["organizations"])
    assert drawn == +Counter(expected)
    assert check["algorithm"] == draw.ALGORITHM and len(check["populationHash"]) == 64


async def test_recently_drawn_organisations_are_left_out(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    drawn = {}
    for key in (1, 2):  # the demo's draws: city communities in May, 西湖区 in October 2026
        demo = await gql(CHECK, {"id": ids.encode("SpotCheck", key)})
        drawn[key] = {o["code"] for o in demo["data"]["spotCheck"]["organizations"]}
    recent = drawn[2] | {code for code in drawn[1] if code.startswith("330106")}
    months = {"withinCode": "330106", "sampleSize": 30, "seed": "1"}
    first = (await _draw(gql, "xihu", **months, excludeCheckedWithinMonths=60))["spotCheck"]
    assert first["excludeMonths"] == 60 and first["excluded"] == len(recent)
    codes = {org["code"] for org in first["organizations"]}
    assert not codes & recent
    default = (await _draw(gql, "xihu", **months))["spotCheck"]
    assert default["excludeMonths"] == 6  # the setting DUTYGRAPH_SPOT_CHECK_EXCLUDE_MONTHS
    second = (await _draw(gql, "xihu", **months, excludeCheckedWithinMonths=60))["spotCheck"]
    assert not {org["code"] for org in second["organizations"]} & (codes | recent)
    assert second["population"] == first["population"] - 30 - len(
        {o["code"] for o in default["organizations"]} - codes - recent
    )


async def test_verify_redraws_and_detects_tampering(
    fresh: tuple[Runtime, GQL], capsys: Any
) -> None:
    runtime, gql = fresh
    check = (await _draw(gql, withinCode="330106", sampleSize=8, seed="99"))["spotCheck"]
    key = str(ids.decode_int(check["id"], "SpotCheck"))
    settings = settings_for(runtime.engine.url.render_as_string(hide_password=False))
    assert await asyncio.to_thread(invoke, ["spotcheck", "verify", key], settings) == 0
    assert "复核通过" in capsys.readouterr().out
    assert await asyncio.to_thread(invoke, ["spotcheck", "verify", check["id"]], settings) == 0
    capsys.readouterr()
    async with runtime.engine.begin() as conn:
        text = await conn.scalar(select(SpotCheck.population_codes).where(SpotCheck.id == int(key)))
        lines = str(text).split("\n")
        await conn.execute(
            update(SpotCheck)
            .where(SpotCheck.id == int(key))
            .values(population_codes="\n".join(lines[1:]))
        )
    assert await asyncio.to_thread(invoke, ["spotcheck", "verify", key], settings) == 1
    assert "复核未通过" in capsys.readouterr().out
    assert await asyncio.to_thread(invoke, ["spotcheck", "verify", "424242"], settings) == 1
    assert "不存在" in capsys.readouterr().err


async def test_draws_are_audited_and_scoped(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    check = (await _draw(gql, "xihu", withinCode="330106001", sampleSize=2, seed="5"))["spotCheck"]
    trail = (await gql(TRAIL, {"id": check["id"]}, user="xihu"))["data"]["auditTrail"]
    assert trail["totalCount"] == 1
    assert trail["edges"][0]["node"] == {"action": "spot_check.draw", "actor": {"username": "xihu"}}
    city = ids.encode("SpotCheck", 1)
    assert (await gql(CHECK, {"id": city}, user="xihu"))["data"]["spotCheck"] is None
    assert (await gql(CHECK, {"id": city}))["data"]["spotCheck"]["title"]
    assert (await gql(CHECK, {"id": check["id"]}, user="soe-lead"))["data"]["spotCheck"] is None
    # a sector lead draws within its sector only: the district is not its to supervise
    refused = await _draw(gql, "soe-lead", withinCode="330106", sampleSize=1, seed="1")
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("withinCode", "NOT_FOUND")]
    secretary = await _draw(gql, "sec-330106001", withinCode="330106001", sampleSize=1)
    assert [e["code"] for e in secretary["errors"]] == ["FORBIDDEN"]


async def test_the_demo_bulletin_is_shared_with_the_whole_scope(gql: GQL) -> None:
    bulletin_id = ids.encode("Bulletin", 1)
    city = (await gql(BULLETIN, {"id": bulletin_id}))["data"]["bulletin"]
    assert {f["status"] for f in city["findings"]} == {
        "IDENTIFIED",
        "RECTIFYING",
        "RECTIFIED",
        "VERIFIED",
        "REOPENED",
    }
    assert all(f["organization"]["code"] == f["organizationCode"] for f in city["findings"])
    assert city["draw"]["withinCode"] == "330100" and city["draw"]["seed"] == "20260512"
    seen = (await gql(BULLETIN, {"id": bulletin_id}, user="xihu"))["data"]["bulletin"]
    assert seen["digest"] == city["digest"]
    for finding in seen["findings"]:  # named in the bulletin, hidden as records outside 西湖区
        inside = finding["organizationCode"].startswith("330106")
        assert (finding["organization"] is not None) == inside
        assert finding["organizationName"]


async def test_a_correction_is_a_new_bulletin(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    old = ids.encode("Bulletin", 1)
    before = (await gql(BULLETIN, {"id": old}))["data"]["bulletin"]
    refused = await gql(CORRECT, {"input": {"bulletinId": old, "note": "更正"}}, user="xihu")
    assert [e["code"] for e in refused["data"]["correctBulletin"]["errors"]] == ["FORBIDDEN"]
    missing = ids.encode("Bulletin", 999)
    gone = await gql(CORRECT, {"input": {"bulletinId": missing, "note": "更正"}})
    assert [e["code"] for e in gone["data"]["correctBulletin"]["errors"]] == ["NOT_FOUND"]
    done = (await gql(CORRECT, {"input": {"bulletinId": old, "note": "补充整改进展"}}))["data"][
        "correctBulletin"
    ]
    assert done["errors"] == []
    new = done["bulletin"]
    assert new["corrects"] == {"id": old} and new["correctionNote"] == "补充整改进展"
    assert new["title"].endswith("（更正）")
    after = (await gql(BULLETIN, {"id": old}))["data"]["bulletin"]
    assert after == before  # the published bulletin never changes


async def test_findings_can_be_listed_overdue(gql: GQL) -> None:
    query = """
    query($overdue: Boolean, $status: FindingStatus) {
      findings(overdue: $overdue, status: $status, first: 100) {
        totalCount edges { node { status overdue rectifyBy history { toStatus note } } } } }
    """
    late = (await gql(query, {"overdue": True}))["data"]["findings"]
    assert late["totalCount"] >= 1
    assert all(e["node"]["overdue"] for e in late["edges"])
    assert all(
        e["node"]["status"] in {"IDENTIFIED", "RECTIFYING", "REOPENED"} for e in late["edges"]
    )
    reopened = (await gql(query, {"status": "REOPENED"}))["data"]["findings"]["edges"][0]["node"]
    assert [h["toStatus"] for h in reopened["history"]] == [
        "IDENTIFIED",
        "RECTIFYING",
        "RECTIFIED",
        "REOPENED",
    ]
    scoped = (await gql(query, {}, user="xihu"))["data"]["findings"]
    assert scoped["totalCount"] < (await gql(query, {}))["data"]["findings"]["totalCount"]


async def test_a_seed_that_is_no_integer_in_range_is_refused(fresh: tuple[Runtime, GQL]) -> None:
    """`seed` is a String in the schema: anything but a decimal integer 0 … 2^63−1 is a
    payload error on `seed` (INVALID), and nothing is written."""
    runtime, gql = fresh

    async def spot_checks() -> int:
        async with runtime.engine.connect() as conn:
            return len((await conn.execute(select(SpotCheck.id))).all())

    before = await spot_checks()
    bad = ["abc", "-1", "1.5", "1e3", "0x10", "１２", "1 2", str(draw.MAX_SEED + 1), "9" * 40]
    for seed in bad:
        found = await _draw(gql, withinCode="330106", sampleSize=2, seed=seed)
        assert found["spotCheck"] is None, seed
        assert [(e["field"], e["code"]) for e in found["errors"]] == [("seed", "INVALID")], seed
        assert "seed must be an integer" in found["errors"][0]["message"]
    assert await spot_checks() == before
    for seed, stored in ((str(draw.MAX_SEED), str(draw.MAX_SEED)), (" 0042 ", "42")):
        found = await _draw(gql, withinCode="330106", sampleSize=2, seed=seed)
        assert found["errors"] == [] and found["spotCheck"]["seed"] == stored, seed
