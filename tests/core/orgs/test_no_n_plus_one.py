"""Nested reads cost a fixed number of SQL statements, whatever the breadth."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.orgs.models import Organization, OrgCategory, OrgClosure
from gateway.app import create_runtime
from tests.conftest import client_for, make_gql, settings_for

ORG_BY_CODE = """
query($code: String!) {
  organization(code: $code) {
    id code name depth
    category { code name }
    sector { code name }
    parent { code name }
    ancestors { code name }
    children(first: 100) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { code name category { code } parent { code } ancestors { code } } }
    }
  }
}"""


async def add_children(engine: AsyncEngine, parent_code: str, count: int, start_id: int) -> None:
    async with engine.begin() as conn:
        parent = (
            await conn.execute(select(Organization).where(Organization.code == parent_code))
        ).one()
        street = (
            await conn.execute(select(OrgCategory.id).where(OrgCategory.code == "STREET"))
        ).scalar_one()
        rows = [
            {
                "id": start_id + i,
                "code": f"{parent_code}{900 + i:03d}",
                "name": f"街道{i}",
                "category_id": street,
                "sector_id": None,
                "parent_id": parent.id,
                "depth": parent.depth + 1,
                "version": 1,
            }
            for i in range(count)
        ]
        await conn.execute(insert(Organization), rows)
        ancestors = (
            await conn.execute(
                select(OrgClosure.ancestor_id, OrgClosure.distance).where(
                    OrgClosure.descendant_id == parent.id
                )
            )
        ).all()
        closure = [{"ancestor_id": r["id"], "descendant_id": r["id"], "distance": 0} for r in rows]
        closure += [
            {"ancestor_id": a.ancestor_id, "descendant_id": r["id"], "distance": a.distance + 1}
            for r in rows
            for a in ancestors
        ]
        await conn.execute(insert(OrgClosure), closure)


async def test_statement_count_does_not_grow_with_breadth(minimal: AsyncEngine) -> None:
    await add_children(minimal, "330106", 10, 100)
    await add_children(minimal, "330102", 30, 200)
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    counts = {}
    async with client_for(runtime) as client:
        gql = make_gql(client, runtime)
        await gql(ORG_BY_CODE, {"code": "330100"})  # warm-up
        event.listen(minimal.sync_engine, "before_cursor_execute", count)
        try:
            for code, breadth in (("330106", 11), ("330102", 31)):
                statements.clear()
                body = await gql(ORG_BY_CODE, {"code": code})
                assert body["data"]["organization"]["children"]["totalCount"] == breadth
                counts[code] = len(statements)
        finally:
            event.remove(minimal.sync_engine, "before_cursor_execute", count)
    assert counts["330106"] == counts["330102"], counts
    assert counts["330106"] <= 12, statements


async def test_nodes_loads_many_ids_in_one_batch(minimal: AsyncEngine) -> None:
    await add_children(minimal, "330106", 30, 300)
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async with client_for(runtime) as client:
        gql = make_gql(client, runtime)
        page = await gql(
            '{ organization(code: "330106") { children(first: 30) { edges { node { id code } } } } }'
        )
        ids = [e["node"]["id"] for e in page["data"]["organization"]["children"]["edges"]]
        event.listen(minimal.sync_engine, "before_cursor_execute", count)
        try:
            one = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids[:1]})
            one_count = len(statements)
            statements.clear()
            many = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
        finally:
            event.remove(minimal.sync_engine, "before_cursor_execute", count)
    assert [n["id"] for n in many["data"]["nodes"]] == ids and len(one["data"]["nodes"]) == 1
    assert len(statements) == one_count, statements
