"""The front-end documents of ../shared/contract/duties.graphql, run as written on the demo city."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, parse, validate

from gateway.app import Runtime
from tests.conftest import GQL, shared_dir

DOCUMENT = "duties.graphql"


def contract() -> str:
    return (shared_dir() / "contract" / DOCUMENT).read_text(encoding="utf-8")


async def run(
    gql: GQL, name: str, variables: dict[str, Any], user: str = "admin"
) -> dict[str, Any]:
    body = await gql(contract(), variables, user=user, operation=name)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_every_duties_document_validates(demo_runtime: Runtime) -> None:
    document = parse(contract())
    assert validate(demo_runtime.schema._schema, document) == []
    names = {
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    }
    assert names == {"MyDuties", "CategoryDuties", "PositionManual"}


async def test_my_duties_as_a_district_secretary(gql: GQL) -> None:
    duties = (await run(gql, "MyDuties", {}, user="sec-330106"))["viewer"]["duties"]
    nodes = [e["node"] for e in duties["edges"]]
    assert duties["totalCount"] == len(nodes) >= 15
    assert {n["organization"]["code"] for n in nodes} == {"330106"}
    assert {(n["position"] or {}).get("code") for n in nodes} == {None, "DISTRICT_SECRETARY"}
    assert all(n["source"].startswith("《") and n["title"] for n in nodes)
    assert {"YEARLY", "QUARTERLY", "MONTHLY"} <= {n["frequency"] for n in nodes}


async def test_my_duties_as_admin_without_posts(gql: GQL) -> None:
    duties = (await run(gql, "MyDuties", {}))["viewer"]["duties"]
    assert duties == {"totalCount": 0, "edges": []}


async def test_category_duties(gql: GQL) -> None:
    for user in ("admin", "sec-330106"):
        category = (await run(gql, "CategoryDuties", {"code": "330106"}, user=user))[
            "organization"
        ]["category"]
        assert category["code"] == "DISTRICT"
        description = category["dutyDescription"]
        assert description["title"] == "县（市、区）委抓基层党建主要职责描述书"
        assert len(description["duties"]) >= 8
        assert description["duties"][0]["code"] == "DISTRICT-01"
        assert all(d["source"].startswith("《") for d in description["duties"])


async def test_category_duties_outside_scope_look_missing(gql: GQL) -> None:
    data = await run(gql, "CategoryDuties", {"code": "330102"}, user="sec-330106")
    assert data["organization"] is None


async def test_position_manual(gql: GQL) -> None:
    for user in ("admin", "sec-330106"):
        position = (await run(gql, "PositionManual", {"code": "TOWN_SECRETARY"}, user=user))[
            "position"
        ]
        assert (position["code"], position["name"]) == ("TOWN_SECRETARY", "镇（乡）党委书记")
        manual = position["manual"]
        assert manual["title"] == "镇（乡）党委书记党建履职说明书"
        assert len(manual["duties"]) >= 8
        frequencies = {d["frequency"] for d in manual["duties"]}
        assert {"YEARLY", "QUARTERLY", "MONTHLY"} <= frequencies
