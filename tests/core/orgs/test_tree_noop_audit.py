"""An update that changes nothing changes nothing; a create's audit event names every field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit.models import AuditEvent
from gateway.app import create_runtime
from tests.conftest import GQL, client_for, make_gql, settings_for
from tests.core.orgs.test_tree import CREATE, ORG, UPDATE


@pytest.fixture
async def gql_minimal(minimal: AsyncEngine) -> AsyncIterator[GQL]:
    url = minimal.url.render_as_string(hide_password=False)
    runtime = create_runtime(settings_for(url), engine=minimal)
    async with client_for(runtime) as client:
        yield make_gql(client, runtime)


async def _events(engine: AsyncEngine) -> list[tuple[str, dict[str, Any]]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(AuditEvent.action, AuditEvent.changes).order_by(AuditEvent.seq)
        )
        return [(action, orjson.loads(changes)) for action, changes in rows]


def _noops(org: dict[str, Any], parent_id: str) -> list[dict[str, Any]]:
    """Every way to ask for the state the organisation already has."""
    same = {"name": org["name"], "categoryCode": "STREET", "parentId": parent_id}
    return [
        {key: same[key] for key in keys}
        for keys in (
            ("name",),
            ("categoryCode",),
            ("parentId",),
            ("name", "categoryCode"),
            ("name", "parentId"),
            ("categoryCode", "parentId"),
            ("name", "categoryCode", "parentId"),
            (),
        )
    ]


async def test_noop_updates_change_nothing(gql_minimal: GQL, minimal: AsyncEngine) -> None:
    query = '{ organization(code: "330106001") { id name version parent { id } } }'
    org = (await gql_minimal(query))["data"]["organization"]
    before = await _events(minimal)
    for changes in _noops(org, org["parent"]["id"]):
        for user in ("admin", "xihu"):
            body = await gql_minimal(
                UPDATE,
                {"input": {"id": org["id"], "expectedVersion": org["version"], **changes}},
                user=user,
            )
            payload = body["data"]["updateOrganization"]
            assert payload["errors"] == [], (changes, payload)
            assert payload["organization"]["version"] == org["version"], changes
    assert await _events(minimal) == before
    stale = await gql_minimal(
        UPDATE,
        {"input": {"id": org["id"], "expectedVersion": org["version"] + 7, "name": org["name"]}},
    )
    assert stale["data"]["updateOrganization"]["errors"][0]["code"] == "CONFLICT"
    renamed = await gql_minimal(
        UPDATE, {"input": {"id": org["id"], "expectedVersion": org["version"], "name": "新名"}}
    )
    assert renamed["data"]["updateOrganization"]["organization"]["version"] == org["version"] + 1
    assert [action for action, _ in await _events(minimal)] == [
        *(action for action, _ in before),
        "organization.update",
    ]


async def test_create_audits_every_field_it_set(gql_minimal: GQL, minimal: AsyncEngine) -> None:
    parent = (await gql_minimal(ORG % "330106001"))["data"]["organization"]
    body = await gql_minimal(
        CREATE,
        {
            "input": {
                "code": "330106001009",
                "name": "  灵隐社区  ",
                "categoryCode": "COMMUNITY",
                "parentCode": "330106001",
            }
        },
        user="xihu",
    )
    assert body["data"]["createOrganization"]["errors"] == []
    action, changes = (await _events(minimal))[-1]
    assert action == "organization.create"
    assert changes["code"] == [None, "330106001009"]
    assert changes["name"] == [None, "灵隐社区"]
    assert changes["category"] == [None, "COMMUNITY"]
    assert changes["sector"] == [None, None]
    assert changes["parent"] == [None, "330106001"]
    assert changes["parent_id"][1] is not None and changes["category_id"][1] is not None
    assert parent["depth"] == 2
