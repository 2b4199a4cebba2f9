"""NUL characters (which PostgreSQL text cannot hold) are refused before any SQL runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import create_runtime
from tests.conftest import client_for, make_gql, settings_for


async def test_nul_in_literal_or_variable_is_refused_without_sql(minimal: AsyncEngine) -> None:
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async with client_for(runtime) as client:
        gql = make_gql(client, runtime)
        event.listen(minimal.sync_engine, "before_cursor_execute", count)
        try:
            literal = await gql('{ organization(code: "3301\\u000006") { code } }')
            statements_after_literal = [s for s in statements if "account" not in s]
            variable = await gql(
                "query($f: OrganizationFilter!) { organizations(filter: $f, first: 5) { totalCount } }",
                {"f": {"nameContains": "西湖\x00"}},
            )
            statements_after_variable = [s for s in statements if "account" not in s]
        finally:
            event.remove(minimal.sync_engine, "before_cursor_execute", count)
        ok = await gql('{ organization(code: "330106") { code } }')
    for body in (literal, variable):
        assert body["errors"][0]["extensions"]["code"] == "INVALID_CHARACTER", body
        assert "data" not in body or body["data"] is None
    assert "$.f.nameContains" in variable["errors"][0]["message"]
    assert statements_after_literal == [] and statements_after_variable == []  # only auth ran
    assert ok["data"]["organization"] == {"code": "330106"}
