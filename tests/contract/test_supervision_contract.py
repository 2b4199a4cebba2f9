"""The five operations of ../shared/contract/supervision.graphql, as written, on the demo city."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphql import parse, validate

from gateway.app import Runtime
from tests.conftest import GQL, city_today, shared_dir


def contract() -> str:
    return (shared_dir() / "contract" / "supervision.graphql").read_text(encoding="utf-8")


async def run(
    gql: GQL, name: str, variables: dict[str, Any], user: str = "admin"
) -> dict[str, Any]:
    body = await gql(contract(), variables, user=user, operation=name)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_supervision_documents_validate(demo_runtime: Runtime) -> None:
    assert validate(demo_runtime.schema._schema, parse(contract())) == []


def _draw(seed: str | None, size: int = 6, within: str = "330106") -> dict[str, Any]:
    fields: dict[str, Any] = {"title": "契约测试抽查", "withinCode": within, "sampleSize": size}
    if seed is not None:
        fields["seed"] = seed
    return {"input": fields}


async def test_draw_spot_check_is_reproducible(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    variables = _draw("424242")
    variables["input"]["excludeCheckedWithinMonths"] = 0  # or the first draw is left out
    first = (await run(gql, "DrawSpotCheck", variables, user="xihu"))["drawSpotCheck"]
    assert first["errors"] == []
    check = first["spotCheck"]
    assert (check["seed"], check["sampleSize"], check["title"]) == ("424242", 6, "契约测试抽查")
    assert check["population"] > 6 and check["drawnAt"].endswith("+00:00")
    codes = [org["code"] for org in check["organizations"]]
    assert len(codes) == len(set(codes)) == 6
    assert all(code.startswith("330106") and code != "330106" for code in codes)
    second = (await run(gql, "DrawSpotCheck", variables, user="xihu"))["drawSpotCheck"]["spotCheck"]
    assert [org["code"] for org in second["organizations"]] == codes
    assert second["population"] == check["population"] and second["id"] != check["id"]


async def test_draw_spot_check_refusals(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    cases = [
        (_draw("not-a-number"), "seed", "INVALID"),
        (_draw("1", size=100000), "sampleSize", "INVALID"),
        (_draw("1", size=999), "sampleSize", "INVALID"),
        (_draw("1", within="330102"), "withinCode", "NOT_FOUND"),  # another district
        (_draw("1", within="999999999999"), "withinCode", "NOT_FOUND"),
    ]
    for variables, field, code in cases:
        found = (await run(gql, "DrawSpotCheck", variables, user="xihu"))["drawSpotCheck"]
        assert found["spotCheck"] is None
        assert [(e["field"], e["code"]) for e in found["errors"]] == [(field, code)], variables
    list_all = await run(gql, "Bulletins", {"first": 5}, user="xihu")
    assert list_all["bulletins"]["totalCount"] >= 1


async def _drawn(gql: GQL) -> tuple[str, list[str]]:
    found = (await run(gql, "DrawSpotCheck", _draw("7"), user="xihu"))["drawSpotCheck"]
    check = found["spotCheck"]
    return check["id"], [org["code"] for org in check["organizations"]]


def _finding(check_id: str, code: str, severity: str = "HIGH") -> dict[str, Any]:
    deadline = (city_today() + dt.timedelta(days=30)).isoformat()
    return {
        "input": {
            "spotCheckId": check_id,
            "organizationCode": code,
            "severity": severity,
            "description": "主题党日未按月开展",
            "rectifyBy": deadline,
        }
    }


async def test_record_and_advance_a_finding(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    check_id, codes = await _drawn(gql)
    village = next(code for code in codes if len(code) == 12)
    recorded = (await run(gql, "RecordFinding", _finding(check_id, village), user="xihu"))[
        "recordFinding"
    ]
    assert recorded["errors"] == []
    finding = recorded["finding"]
    assert (finding["status"], finding["severity"]) == ("IDENTIFIED", "HIGH")
    assert finding["organization"] == {"code": village}
    town = f"sec-{village[:9]}"

    async def advance(status: str, version: int, user: str) -> dict[str, Any]:
        variables = {
            "id": finding["id"],
            "status": status,
            "note": "整改说明",
            "expectedVersion": version,
        }
        return (await run(gql, "AdvanceFinding", variables, user=user))["advanceFinding"]

    skipped = await advance("VERIFIED", 1, "xihu")
    assert [(e["field"], e["code"]) for e in skipped["errors"]] == [("status", "INVALID")]
    assert (await advance("RECTIFYING", 1, town))["finding"]["version"] == 2
    stale = await advance("RECTIFIED", 1, town)
    assert [(e["field"], e["code"]) for e in stale["errors"]] == [("expectedVersion", "CONFLICT")]
    assert (await advance("RECTIFIED", 2, town))["finding"]["status"] == "RECTIFIED"
    by_town = await advance("VERIFIED", 3, town)  # a secretary cannot verify its own work
    assert [(e["field"], e["code"]) for e in by_town["errors"]] == [("status", "FORBIDDEN")]
    done = (await advance("VERIFIED", 3, "xihu"))["finding"]
    assert done == {"id": finding["id"], "status": "VERIFIED", "version": 4}
    outside = next(code for code in ("330106001001", "330106001002") if code not in codes)
    refused = (await run(gql, "RecordFinding", _finding(check_id, outside), user="xihu"))[
        "recordFinding"
    ]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("organizationCode", "INVALID")]


async def test_publish_bulletin(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    check_id, codes = await _drawn(gql)
    for code, severity in zip(codes[:2], ("LOW", "HIGH"), strict=True):
        await run(gql, "RecordFinding", _finding(check_id, code, severity), user="xihu")
    before = (await run(gql, "Bulletins", {}, user="xihu"))["bulletins"]["totalCount"]
    published = (await run(gql, "PublishBulletin", {"spotCheckId": check_id}, user="xihu"))[
        "publishBulletin"
    ]
    assert published["errors"] == []
    bulletin = published["bulletin"]
    assert "契约测试抽查" in bulletin["title"] and bulletin["publishedAt"]
    assert sorted(
        (f["organization"]["code"], f["severity"]) for f in bulletin["findings"]
    ) == sorted(zip(codes[:2], ("LOW", "HIGH"), strict=True))
    assert {f["status"] for f in bulletin["findings"]} == {"IDENTIFIED"}
    again = (await run(gql, "PublishBulletin", {"spotCheckId": check_id}, user="xihu"))[
        "publishBulletin"
    ]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("spotCheckId", "INVALID")]
    listed = (await run(gql, "Bulletins", {"first": 1}, user="xihu"))["bulletins"]
    assert listed["totalCount"] == before + 1
    assert listed["edges"][0]["node"]["id"] == bulletin["id"]


async def test_bulletins_of_the_demo_city(gql: GQL) -> None:
    found = (await run(gql, "Bulletins", {"first": 20}))["bulletins"]
    titles = [edge["node"]["title"] for edge in found["edges"]]
    assert found["totalCount"] == len(titles) >= 1
    assert any("城市社区党建工作随机抽查" in title for title in titles)
