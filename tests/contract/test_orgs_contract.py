"""The front-end documents of ../shared/contract/orgs.graphql, run as written on the demo city."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, parse, validate

from gateway.app import Runtime
from tests.conftest import GQL, shared_dir


def contract(name: str) -> str:
    return (shared_dir() / "contract" / name).read_text(encoding="utf-8")


def operations(document: str) -> list[str]:
    return [
        d.name.value
        for d in parse(document).definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    ]


async def run(
    gql: GQL, name: str, variables: dict[str, Any], user: str = "admin"
) -> dict[str, Any]:
    body = await gql(contract("orgs.graphql"), variables, user=user, operation=name)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_every_orgs_document_validates(demo_runtime: Runtime) -> None:
    document = parse(contract("orgs.graphql"))
    errors = validate(demo_runtime.schema._schema, document)
    assert errors == []
    assert set(operations(contract("orgs.graphql"))) == {
        "OrgByCode",
        "OrgSearch",
        "OrgNode",
        "ForceMap",
        "Viewer",
        "Plugins",
        "EnablePlugin",
        "DisablePlugin",
        "RenameOrganization",
    }


async def test_org_by_code(gql: GQL) -> None:
    org = (await run(gql, "OrgByCode", {"code": "330106"}))["organization"]
    assert (org["code"], org["name"], org["depth"]) == ("330106", "西湖区", 1)
    assert org["category"]["code"] == "DISTRICT" and org["sector"] is None
    assert org["parent"] == {"code": "330100", "name": "杭州市"}
    assert org["ancestors"] == [{"code": "330100", "name": "杭州市"}]
    children = org["children"]
    assert 5 <= children["totalCount"] <= 40
    assert all(e["node"]["code"].startswith("330106") for e in children["edges"])
    categories = {e["node"]["category"]["code"] for e in children["edges"]}
    assert {"DEPARTMENT", "STREET"} <= categories <= {"DEPARTMENT", "TOWN", "STREET"}


async def test_org_search_pages_through_a_subtree(gql: GQL) -> None:
    seen: list[str] = []
    after = None
    total = None
    while True:
        page = (
            await run(
                gql,
                "OrgSearch",
                {
                    "filter": {"withinCode": "330106", "categoryCode": "COMMUNITY"},
                    "first": 100,
                    "after": after,
                },
            )
        )["organizations"]
        total = page["totalCount"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == total == len(set(seen)) and total > 0
    assert all(code.startswith("330106") and len(code) == 12 for code in seen)


async def test_org_search_by_sector_and_name(gql: GQL) -> None:
    soe = (await run(gql, "OrgSearch", {"filter": {"sectorCode": "SOE"}, "first": 5}))[
        "organizations"
    ]
    assert soe["totalCount"] > 0
    named = (await run(gql, "OrgSearch", {"filter": {"nameContains": "西湖"}, "first": 50}))[
        "organizations"
    ]
    assert named["totalCount"] > 0
    assert all("西湖" in e["node"]["name"] for e in named["edges"])


async def test_org_node_round_trip(gql: GQL) -> None:
    org = (await run(gql, "OrgByCode", {"code": "330106"}))["organization"]
    node = (await run(gql, "OrgNode", {"id": org["id"]}))["node"]
    assert node == {"id": org["id"], "code": "330106", "name": "西湖区"}
    assert (await run(gql, "OrgNode", {"id": "bm9wZTox"}))["node"] is None


async def test_force_map(gql: GQL) -> None:
    fm = (await run(gql, "ForceMap", {"code": "330106"}))["forceMap"]
    assert fm["organizations"] > 100
    assert fm["positions"] == fm["filled"] + fm["vacant"] and fm["vacant"] > 0
    assert fm["understaffed"]["totalCount"] > 0
    node = fm["understaffed"]["edges"][0]["node"]
    assert node["missing"]
    found = (await run(gql, "OrgByCode", {"code": node["organization"]["code"]}))["organization"]
    assert "330106" in [a["code"] for a in found["ancestors"]] + [found["code"]]


async def test_viewer_of_a_secretary(gql: GQL) -> None:
    viewer = (await run(gql, "Viewer", {}, user="sec-330106"))["viewer"]
    assert viewer["username"] == "sec-330106" and viewer["person"]["name"]
    assert any(a["organization"]["code"] == "330106" for a in viewer["assignments"])
    assert "orgs.read" in viewer["permissions"] and "orgs.manage" not in viewer["permissions"]


async def test_plugins(gql: GQL) -> None:
    plugins = (await run(gql, "Plugins", {}))["plugins"]
    soe = next(p for p in plugins if p["name"] == "soe")
    assert soe["sector"]["code"] == "SOE" and soe["leadDepartment"]["code"]


async def test_mutations(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    enabled = (await run(gql, "EnablePlugin", {"name": "soe"}, user="soe-lead"))["enablePlugin"]
    assert enabled == {"plugin": {"name": "soe", "enabled": True}, "errors": []}
    refused = (await run(gql, "DisablePlugin", {"name": "soe"}, user="xihu"))["disablePlugin"]
    assert refused["plugin"] is None and refused["errors"][0]["code"] == "NOT_FOUND"
    disabled = (await run(gql, "DisablePlugin", {"name": "soe"}, user="admin"))["disablePlugin"]
    assert disabled == {"plugin": {"name": "soe", "enabled": False}, "errors": []}
    org = (await run(gql, "OrgByCode", {"code": "330106"}))["organization"]
    node = (await run(gql, "OrgNode", {"id": org["id"]}))["node"]
    renamed = (
        await run(
            gql,
            "RenameOrganization",
            {"id": node["id"], "name": "西湖区（测试）", "expectedVersion": 1},
            user="xihu",
        )
    )["updateOrganization"]
    assert renamed["errors"] == [] and renamed["organization"]["name"] == "西湖区（测试）"
    assert renamed["organization"]["version"] == 2
    stale = (
        await run(
            gql, "RenameOrganization", {"id": node["id"], "name": "再改", "expectedVersion": 1}
        )
    )["updateOrganization"]
    assert stale["organization"] is None and stale["errors"][0]["code"] == "CONFLICT"
