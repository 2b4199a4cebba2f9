"""Changing the tree through GraphQL: create, rename with versions, move a subtree."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit.models import AuditEvent
from core.orgs.models import Organization, OrgClosure
from gateway.app import create_runtime
from tests.conftest import GQL, client_for, make_gql, settings_for

CREATE = """
mutation($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    organization { id code depth version parent { code } ancestors { code } }
    errors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) {
    organization { id code name depth version parent { code } ancestors { code } }
    errors { field message code }
  }
}"""
ORG = '{ organization(code: "%s") { id version depth ancestors { code } } }'


@pytest.fixture
async def gql_minimal(minimal: AsyncEngine) -> AsyncIterator[GQL]:
    url = minimal.url.render_as_string(hide_password=False)
    runtime = create_runtime(settings_for(url), engine=minimal)
    async with client_for(runtime) as client:
        yield make_gql(client, runtime)


async def create(
    gql: GQL, code: str, parent: str, category: str = "STREET", user: str = "admin"
) -> dict[str, Any]:
    body = await gql(
        CREATE,
        {
            "input": {
                "code": code,
                "name": f"组织{code}",
                "categoryCode": category,
                "parentCode": parent,
            }
        },
        user=user,
    )
    payload: dict[str, Any] = body["data"]["createOrganization"]
    return payload


async def closure_of(engine: AsyncEngine) -> set[tuple[str, str, int]]:
    ancestor = Organization.__table__.alias("a")
    descendant = Organization.__table__.alias("d")
    stmt = (
        select(ancestor.c.code, descendant.c.code, OrgClosure.distance)
        .join(ancestor, ancestor.c.id == OrgClosure.ancestor_id)
        .join(descendant, descendant.c.id == OrgClosure.descendant_id)
    )
    async with engine.connect() as conn:
        return {(a, d, n) for a, d, n in await conn.execute(stmt)}


def expected_closure(parents: dict[str, str | None]) -> set[tuple[str, str, int]]:
    rows = set()
    for code in parents:
        node: str | None = code
        distance = 0
        while node is not None:
            rows.add((node, code, distance))
            node, distance = parents[node], distance + 1
    return rows


async def parents_of(engine: AsyncEngine) -> dict[str, str | None]:
    parent = Organization.__table__.alias("p")
    stmt = select(Organization.code, parent.c.code).outerjoin(
        parent, parent.c.id == Organization.parent_id
    )
    async with engine.connect() as conn:
        return {code: parent_code for code, parent_code in await conn.execute(stmt)}


async def test_create_under_parent_builds_closure(gql_minimal: GQL, minimal: AsyncEngine) -> None:
    payload = await create(gql_minimal, "330106001001", "330106001", "COMMUNITY")
    assert payload["errors"] == []
    org = payload["organization"]
    assert org["depth"] == 3 and org["parent"] == {"code": "330106001"}
    assert [a["code"] for a in org["ancestors"]] == ["330100", "330106", "330106001"]
    assert await closure_of(minimal) == expected_closure(await parents_of(minimal))


async def test_create_refuses_duplicates_unknown_parent_and_blank_name(gql_minimal: GQL) -> None:
    assert (await create(gql_minimal, "330106", "330100"))["errors"][0]["code"] == "DUPLICATE"
    assert (await create(gql_minimal, "X1", "999999"))["errors"][0]["code"] == "NOT_FOUND"
    assert (await create(gql_minimal, "X2", "330100", "NO_SUCH_CATEGORY"))["errors"][0][
        "field"
    ] == "categoryCode"
    body = await gql_minimal(
        CREATE,
        {"input": {"code": "X3", "name": "  ", "categoryCode": "STREET", "parentCode": "330100"}},
    )
    assert body["data"]["createOrganization"]["errors"][0]["code"] == "REQUIRED"


async def test_xihu_cannot_create_outside_its_subtree(gql_minimal: GQL) -> None:
    outside = await create(gql_minimal, "330102999", "330102", user="xihu")
    inside = await create(gql_minimal, "330106999", "330106", user="xihu")
    assert outside["errors"][0]["code"] == "NOT_FOUND" and outside["organization"] is None
    assert inside["errors"] == []


async def test_move_subtree_keeps_closure_and_depths(
    gql_minimal: GQL, minimal: AsyncEngine
) -> None:
    await create(gql_minimal, "330106001001", "330106001", "COMMUNITY")
    await create(gql_minimal, "330106001001001", "330106001001", "PUBLIC_INSTITUTION")
    await create(gql_minimal, "330106001001001001", "330106001001001", "PUBLIC_INSTITUTION")
    community = (await gql_minimal(ORG % "330106001001"))["data"]["organization"]
    target = (await gql_minimal(ORG % "330102001"))["data"]["organization"]
    body = await gql_minimal(
        UPDATE,
        {
            "input": {
                "id": community["id"],
                "expectedVersion": community["version"],
                "parentId": target["id"],
            }
        },
    )
    payload = body["data"]["updateOrganization"]
    assert payload["errors"] == []
    assert [a["code"] for a in payload["organization"]["ancestors"]] == [
        "330100",
        "330102",
        "330102001",
    ]
    assert payload["organization"]["depth"] == 3
    deepest = (await gql_minimal(ORG % "330106001001001001"))["data"]["organization"]
    assert deepest["depth"] == 5
    assert [a["code"] for a in deepest["ancestors"]] == [
        "330100",
        "330102",
        "330102001",
        "330106001001",
        "330106001001001",
    ]
    assert await closure_of(minimal) == expected_closure(await parents_of(minimal))


async def test_move_under_own_descendant_is_refused_and_nothing_changes(
    gql_minimal: GQL, minimal: AsyncEngine
) -> None:
    before = await closure_of(minimal)
    district = (await gql_minimal(ORG % "330106"))["data"]["organization"]
    street = (await gql_minimal(ORG % "330106001"))["data"]["organization"]
    body = await gql_minimal(
        UPDATE,
        {
            "input": {
                "id": district["id"],
                "expectedVersion": district["version"],
                "parentId": street["id"],
                "name": "改名",
            }
        },
    )
    errors = body["data"]["updateOrganization"]["errors"]
    assert errors[0]["field"] == "parentId" and errors[0]["code"] == "INVALID"
    assert await closure_of(minimal) == before
    after = (await gql_minimal(ORG % "330106"))["data"]["organization"]
    assert after["version"] == district["version"]  # rolled back whole: no rename, no version bump


async def test_rename_with_stale_version_conflicts_and_audits_once(
    gql_minimal: GQL, minimal: AsyncEngine
) -> None:
    org = (await gql_minimal(ORG % "330106"))["data"]["organization"]
    first = await gql_minimal(
        UPDATE,
        {"input": {"id": org["id"], "expectedVersion": org["version"], "name": "西湖区（新）"}},
    )
    second = await gql_minimal(
        UPDATE, {"input": {"id": org["id"], "expectedVersion": org["version"], "name": "覆盖"}}
    )
    assert first["data"]["updateOrganization"]["organization"]["version"] == org["version"] + 1
    assert second["data"]["updateOrganization"]["errors"][0]["code"] == "CONFLICT"
    async with minimal.connect() as conn:
        events = (await conn.execute(select(AuditEvent.action, AuditEvent.changes))).all()
    assert len(events) == 1 and events[0].action == "organization.update"
    assert "西湖区（新）" in events[0].changes


async def test_update_with_unknown_or_malformed_id_is_not_found(gql_minimal: GQL) -> None:
    for bad in ["T3JnYW5pemF0aW9uOjk5OTk5", "garbage", ""]:
        body = await gql_minimal(UPDATE, {"input": {"id": bad, "expectedVersion": 1, "name": "x"}})
        assert body["data"]["updateOrganization"]["errors"][0]["code"] == "NOT_FOUND"
