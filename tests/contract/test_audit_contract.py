"""The front-end document of ../shared/contract/audit.graphql, run as written on the demo city."""

from __future__ import annotations

import re
from typing import Any

from graphql import parse, validate

from gateway.app import Runtime
from tests.conftest import GQL, shared_dir

ORG = '{ organization(code: "%s") { id name version } }'
RENAME = """
mutation($id: ID!, $name: String!, $v: Int!) {
  updateOrganization(input: { id: $id, name: $name, expectedVersion: $v }) {
    organization { version } errors { code }
  }
}"""
PAGE = """
query($id: ID!, $after: String) {
  auditTrail(entityId: $id, first: 1, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { seq changes } }
  }
}"""
EMPTY = {"totalCount": 0, "edges": []}


def contract() -> str:
    return (shared_dir() / "contract" / "audit.graphql").read_text(encoding="utf-8")


async def trail(gql: GQL, entity_id: str, user: str = "admin") -> dict[str, Any]:
    body = await gql(contract(), {"entityId": entity_id}, user=user, operation="AuditTrail")
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["auditTrail"]
    return result


async def rename(gql: GQL, code: str, *names: str) -> str:
    org = (await gql(ORG % code))["data"]["organization"]
    version = org["version"]
    for name in names:
        body = await gql(RENAME, {"id": org["id"], "name": name, "v": version})
        assert body["data"]["updateOrganization"]["errors"] == [], body
        version = body["data"]["updateOrganization"]["organization"]["version"]
    return str(org["id"])


def test_the_audit_document_validates(demo_runtime: Runtime) -> None:
    assert validate(demo_runtime.schema._schema, parse(contract())) == []


async def test_audit_trail_of_an_organisation(fresh: tuple[Runtime, GQL]) -> None:
    _, gql = fresh
    xihu = await rename(gql, "330106", "西湖区（一）", "西湖区（二）")
    result = await trail(gql, xihu)
    assert result["totalCount"] == 2
    first, second = (edge["node"] for edge in result["edges"])
    assert first["seq"] < second["seq"]  # oldest first
    assert first["actor"] == {"username": "admin"}
    assert (first["action"], first["entityType"], first["entityId"]) == (
        "organization.update",
        "Organization",
        xihu,
    )
    assert first["changes"] == {"name": ["西湖区", "西湖区（一）"]}
    assert second["changes"] == {"name": ["西湖区（一）", "西湖区（二）"]}
    assert re.fullmatch(r"[0-9a-f]{64}", second["hash"]) and first["hash"] != second["hash"]
    assert re.search(r"(\+00:00|Z)$", first["at"])
    assert await trail(gql, xihu, user="xihu") == result  # its own subtree

    after = None
    seen = []
    for _ in range(2):
        body = await gql(PAGE, {"id": xihu, "after": after})
        page = body["data"]["auditTrail"]
        seen += [edge["node"]["changes"]["name"][1] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    assert seen == ["西湖区（一）", "西湖区（二）"] and not page["pageInfo"]["hasNextPage"]


async def test_foreign_missing_and_forbidden_trails_look_the_same(
    fresh: tuple[Runtime, GQL],
) -> None:
    _, gql = fresh
    shangcheng = await rename(gql, "330102", "上城区（改）")  # outside xihu's subtree
    xihu = await rename(gql, "330106", "西湖区（改）")
    assert (await trail(gql, shangcheng))["totalCount"] == 1
    missing = "T3JnYW5pemF0aW9uOjk5OTk5OTk"  # Organization:9999999
    for entity_id in [shangcheng, missing, "garbage", ""]:
        assert await trail(gql, entity_id, user="xihu") == EMPTY
    assert await trail(gql, xihu, user="soe-lead") == EMPTY  # sector scope, not the tree
    assert await trail(gql, xihu, user="sec-330106") == EMPTY  # no audit.read


async def test_audit_trail_needs_a_signed_in_user(gql: GQL) -> None:
    body = await gql(contract(), {"entityId": "x"}, user=None, operation="AuditTrail", status=401)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
