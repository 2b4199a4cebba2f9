"""Reading schemes and rankings costs a fixed number of SQL statements, whatever the breadth."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event

from gateway.app import Runtime
from tests.conftest import GQL

RANKING = """
query($first: Int!, $after: String) {
  assessmentRanking(schemeCode: "DJKH-2026", categoryCode: "VILLAGE", first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { rank organization { code name } accountabilityScore grade
      sections { code score } } }
  }
}
"""
SCHEME = """
{ assessmentScheme(code: "DJKH-2026") {
    code year status version categories { code }
    sections { code weight method departments items { code maxScore source expression } }
    grades { grade condition } gradeDefault
} }
"""


async def _counted(runtime: Runtime, run: Callable[[], Awaitable[Any]]) -> tuple[Any, int]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", count)
    try:
        result = await run()
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", count)
    return result, len(statements)


async def test_ranking_pages_cost_the_same_whatever_their_size(
    demo_runtime: Runtime, gql: GQL
) -> None:
    await gql(RANKING, {"first": 1})  # warm-up
    small, few = await _counted(demo_runtime, lambda: gql(RANKING, {"first": 5}))
    large, many = await _counted(demo_runtime, lambda: gql(RANKING, {"first": 100}))
    assert few == many <= 6
    edges = large["data"]["assessmentRanking"]["edges"]
    assert len(edges) == 100 and edges[:5] == small["data"]["assessmentRanking"]["edges"]
    after = small["data"]["assessmentRanking"]["pageInfo"]["endCursor"]
    following = await gql(RANKING, {"first": 5, "after": after})
    assert following["data"]["assessmentRanking"]["edges"] == edges[5:10]


async def test_a_scheme_reads_in_a_fixed_number_of_statements(
    demo_runtime: Runtime, gql: GQL
) -> None:
    body, statements = await _counted(demo_runtime, lambda: gql(SCHEME))
    scheme = body["data"]["assessmentScheme"]
    assert sum(s["weight"] for s in scheme["sections"]) == 100
    assert {c["code"] for c in scheme["categories"]} >= {"DISTRICT", "TOWN", "VILLAGE"}
    assert scheme["gradeDefault"] == "较差" and scheme["grades"][0]["grade"] == "优秀"
    assert sum(len(s["items"]) for s in scheme["sections"]) == 14
    assert statements <= 7
