"""The read path's infrastructure: one connection per request, the principal cached and
dropped when its grants change, compiled fields checked against their resolvers, workers."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from core.auth.models import AccountGrant
from core.auth.service import grants_changed
from core.graphql.connection import Connection
from core.graphql.sqljson import Compiler
from gateway.app import create_runtime
from gateway.cli import app
from tests.conftest import client_for, make_gql, settings_for

NESTED = """{ organization(code: "330100") { code children(first: 10) { totalCount edges {
  node { code category { code } parent { code } assignments { edges { node { since } } } } } } } }"""


async def test_a_request_checks_out_one_connection(minimal: AsyncEngine) -> None:
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    checkouts: list[int] = []

    def checkout(*_args: Any) -> None:
        checkouts.append(1)

    event.listen(minimal.sync_engine, "checkout", checkout)
    try:
        async with client_for(runtime) as client:
            gql = make_gql(client, runtime)
            await gql(NESTED)  # the principal is loaded on a connection of its own
            checkouts.clear()
            body = await gql(NESTED)
    finally:
        event.remove(minimal.sync_engine, "checkout", checkout)
    assert body["data"]["organization"]["children"]["totalCount"] == 2
    assert len(checkouts) == 1  # every loader of the request shares that one connection


async def test_the_principal_is_cached_and_dropped_when_grants_change(
    minimal: AsyncEngine,
) -> None:
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    query = '{ organization(code: "330102") { code } }'
    event.listen(minimal.sync_engine, "before_cursor_execute", count)
    try:
        async with client_for(runtime) as client:
            gql = make_gql(client, runtime)
            assert (await gql(query, user="xihu"))["data"]["organization"] is None
            statements.clear()
            assert (await gql(query, user="xihu"))["data"]["organization"] is None
            assert not any("account" in s for s in statements)  # cached: no lookup
            async with minimal.begin() as conn:  # xihu is granted 上城区 too
                await conn.execute(
                    insert(AccountGrant).values(
                        account_id=2, role="ORG_MANAGER", organization_id=3, sector_id=None
                    )
                )
            grants_changed("xihu")
            statements.clear()
            found = await gql(query, user="xihu")
            assert any("account" in s for s in statements)  # loaded again
    finally:
        event.remove(minimal.sync_engine, "before_cursor_execute", count)
    assert found["data"]["organization"] == {"code": "330102"}


@strawberry.type(name="OrgCategory")
class OtherCategory:
    code: str

    @strawberry.field
    def sector(self) -> str | None:  # not the resolver the compiled form was written for
        return None


@strawberry.type(name="Organization")
class OtherOrganization:
    code: str

    @strawberry.field
    def children(
        self,
        first: int = 50,
        after: str | None = None,
        category_code: str | None = None,
        status: str | None = None,
    ) -> Connection[OtherCategory]:  # an argument the compiled form does not know
        raise NotImplementedError


@strawberry.type(name="Query")
class OtherQuery:
    @strawberry.field
    def organization(self, code: str | None = None) -> OtherOrganization | None:
        return None


def test_a_field_whose_resolver_or_arguments_changed_is_not_compiled() -> None:
    compiler = Compiler(strawberry.Schema(query=OtherQuery)._schema)
    assert "code" in compiler.fields["Organization"]
    assert "children" not in compiler.fields["Organization"]
    assert "code" in compiler.fields["OrgCategory"]
    assert "sector" not in compiler.fields["OrgCategory"]
    assert "organization" not in compiler.fields["Query"]  # its resolver is not OrgQuery's
    assert {"Organization.children", "OrgCategory.sector", "Query.organization"} <= set(
        compiler.skipped
    )


def test_serve_takes_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    runner = CliRunner()
    assert runner.invoke(app, ["serve", "--workers", "4", "--port", "9000"]).exit_code == 0
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert [(c["workers"], c["port"]) for c in calls] == [(4, 9000), (1, 8000)]
    assert calls[0]["factory"] is True  # every worker builds its own app and pool
    refused = runner.invoke(app, ["serve", "--workers", "0"])
    assert refused.exit_code == 2 and len(calls) == 2
