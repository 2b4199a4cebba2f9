"""No lost updates: concurrent writers with one expectedVersion, and all-or-nothing bulk updates."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit.models import AuditEvent
from core.audit.verify import walk
from core.db import session_factory
from core.graphql import ids
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization
from core.versioning import update_versioned, update_versioned_each, update_versioned_many
from gateway.app import create_runtime
from tests.conftest import GQL, client_for, make_gql, settings_for

WRITERS = 50
RENAME = """
mutation($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) {
    organization { id name version }
    errors { field message code }
  }
}"""


@pytest.fixture
async def gql_minimal(minimal: AsyncEngine) -> AsyncIterator[GQL]:
    url = minimal.url.render_as_string(hide_password=False)
    runtime = create_runtime(settings_for(url), engine=minimal)
    async with client_for(runtime) as client:
        yield make_gql(client, runtime)


async def audit_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(AuditEvent))).scalar_one())


async def test_fifty_writers_with_one_version_one_wins(
    gql_minimal: GQL, minimal: AsyncEngine
) -> None:
    org_id = ids.encode("Organization", 2)
    before = await audit_count(minimal)

    async def writer(i: int) -> dict[str, Any]:
        body = await gql_minimal(
            RENAME, {"input": {"id": org_id, "expectedVersion": 1, "name": f"西湖区{i}"}}
        )
        assert "errors" not in body, body  # never a top-level error (no 500, no "locked")
        payload: dict[str, Any] = body["data"]["updateOrganization"]
        return payload

    payloads = await asyncio.gather(*(writer(i) for i in range(WRITERS)))
    winners = [p for p in payloads if not p["errors"]]
    codes = Counter(e["code"] for p in payloads for e in p["errors"])
    assert len(winners) == 1 and winners[0]["organization"]["version"] == 2
    assert codes == {"CONFLICT": WRITERS - 1}
    assert all(p["errors"][0]["field"] == "expectedVersion" for p in payloads if p["errors"])
    assert await audit_count(minimal) == before + 1
    async with minimal.connect() as conn:
        name, version = (
            await conn.execute(
                select(Organization.name, Organization.version).where(Organization.id == 2)
            )
        ).one()
        assert (await walk(conn=conn)).ok
    assert (name, version) == (winners[0]["organization"]["name"], 2)


async def test_a_bulk_update_with_one_stale_version_changes_nothing(minimal: AsyncEngine) -> None:
    sessions = session_factory(minimal)
    async with sessions.begin() as session:
        await update_versioned(
            session=session, model=Organization, id=4, expected_version=1, values={"name": "改1"}
        )
    with pytest.raises(ServiceError) as refused:
        async with sessions.begin() as session:
            await update_versioned_many(
                session=session,
                model=Organization,
                expected=[(3, 1), (4, 1), (5, 1)],  # 4 is at version 2 now
                values={"name": "批量"},
                type_name="Organization",
            )
    assert refused.value.code == ErrorCode.CONFLICT and refused.value.field == "expectedVersion"
    assert ids.encode("Organization", 4) in refused.value.message
    assert ids.encode("Organization", 3) not in refused.value.message
    assert await versions(minimal) == {1: 1, 2: 1, 3: 1, 4: 2, 5: 1}


async def test_a_fresh_bulk_update_bumps_every_version(minimal: AsyncEngine) -> None:
    async with session_factory(minimal).begin() as session:
        await update_versioned_many(
            session=session, model=Organization, expected=[(3, 1), (5, 1)], values={"name": "批量"}
        )
    assert await versions(minimal) == {1: 1, 2: 1, 3: 2, 4: 1, 5: 2}


async def test_per_record_bulk_update_names_every_stale_id(minimal: AsyncEngine) -> None:
    with pytest.raises(ServiceError) as refused:
        async with session_factory(minimal).begin() as session:
            await update_versioned_each(
                session=session,
                model=Organization,
                changes=[((3, 1), {"name": "甲"}), ((4, 7), {"name": "乙"}), ((99, 1), {})],
            )
    assert "stale ids: 4, 99" in refused.value.message
    assert await versions(minimal) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}


async def test_a_stale_single_update_names_the_current_version(minimal: AsyncEngine) -> None:
    with pytest.raises(ServiceError) as refused:
        async with session_factory(minimal).begin() as session:
            await update_versioned(
                session=session, model=Organization, id=2, expected_version=5, values={}
            )
    assert refused.value.code == ErrorCode.CONFLICT
    assert "当前版本 1，提交的版本 5" in refused.value.message


async def versions(engine: AsyncEngine) -> dict[int, int]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(Organization.id, Organization.version))
        return {row.id: row.version for row in rows}
