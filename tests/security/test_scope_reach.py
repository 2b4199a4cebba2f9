"""Regression: a permission reaches only the grants that carry it.

An account that is secretary of 上城区 and organisation manager of 北山街道 sees both
subtrees, but `orgs.manage` and `staffing.manage` reach only 北山街道: before the fix any
grant's permissions applied across every subtree the account could see.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from core.auth.models import Account, AccountGrant
from gateway.app import create_runtime
from tests.conftest import GQL, client_for, make_gql, settings_for

RENAME = """
mutation($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) {
    organization { code name version }
    errors { field code }
  }
}"""
ORG = 'query { organization(code: "%s") { id version } }'


@pytest.fixture
async def mixed(minimal: AsyncEngine) -> AsyncIterator[GQL]:
    """The minimal city plus `mixed`: SECRETARY of 330102, ORG_MANAGER of 330106001."""
    async with minimal.begin() as conn:
        await conn.execute(insert(Account).values(id=3, username="mixed", active=True))
        await conn.execute(
            insert(AccountGrant),
            [
                {"account_id": 3, "role": "SECRETARY", "organization_id": 3},
                {"account_id": 3, "role": "ORG_MANAGER", "organization_id": 4},
            ],
        )
    url = minimal.url.render_as_string(hide_password=False)
    runtime = create_runtime(settings_for(url), engine=minimal)
    async with client_for(runtime) as client:
        yield make_gql(client, runtime)


async def rename(gql: GQL, code: str) -> dict[str, Any]:
    org = (await gql(ORG % code, user="mixed"))["data"]["organization"]
    assert org is not None, f"{code} should be visible to mixed"
    variables = {"input": {"id": org["id"], "name": "新名称", "expectedVersion": org["version"]}}
    payload: dict[str, Any] = (await gql(RENAME, variables, user="mixed"))["data"][
        "updateOrganization"
    ]
    return payload


async def test_manage_permission_reaches_only_its_own_grant(mixed: GQL) -> None:
    refused = await rename(mixed, "330102")
    assert refused == {"organization": None, "errors": [{"field": "id", "code": "FORBIDDEN"}]}
    assert (await mixed(ORG % "330102", user="admin"))["data"]["organization"]["version"] == 1
    done = await rename(mixed, "330106001")
    assert done["errors"] == []
    assert done["organization"] == {"code": "330106001", "name": "新名称", "version": 2}


async def test_reading_covers_every_grant(mixed: GQL) -> None:
    body = await mixed("{ organizations(first: 10) { edges { node { code } } } }", user="mixed")
    codes = {edge["node"]["code"] for edge in body["data"]["organizations"]["edges"]}
    assert codes == {"330102", "330102001", "330106001"}
