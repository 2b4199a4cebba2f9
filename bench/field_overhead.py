"""Per-field cost: strawberry (with the gateway's schema extensions) against raw graphql-core.

A list of 2,000 objects with 10 plain fields each, resolved from attributes; the time per
field of each, and their ratio (the target is at most 1.15×).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import strawberry
from graphql import (
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    graphql,
)

from core.config import Settings
from gateway.context import ReleaseConnection
from gateway.limits import limit_extensions
from gateway.telemetry import operation_span_extension

ROWS = 2_000
NAMES = [f"f{i}" for i in range(10)]


@dataclass
class Row:
    f0: int
    f1: str
    f2: int
    f3: str
    f4: int
    f5: str
    f6: int
    f7: str
    f8: int
    f9: str


DATA = [Row(*(i if n % 2 == 0 else f"v{i}" for n in range(10))) for i in range(ROWS)]  # type: ignore[arg-type]
QUERY = "{ items { " + " ".join(NAMES) + " } }"


@strawberry.type
class Item:
    f0: int
    f1: str
    f2: int
    f3: str
    f4: int
    f5: str
    f6: int
    f7: str
    f8: int
    f9: str


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return DATA  # type: ignore[return-value]


def _raw_schema() -> GraphQLSchema:
    item = GraphQLObjectType(
        "Item",
        {
            name: GraphQLField(GraphQLInt if n % 2 == 0 else GraphQLString)
            for n, name in enumerate(NAMES)
        },
    )
    return GraphQLSchema(
        GraphQLObjectType(
            "Query", {"items": GraphQLField(GraphQLList(item), resolve=lambda *_: DATA)}
        )
    )


async def _time(run: object) -> float:
    started = time.perf_counter()
    result = await run()  # type: ignore[operator]
    assert not result.errors, result.errors
    return time.perf_counter() - started


async def measure() -> tuple[float, float]:
    """(µs per field with strawberry and the gateway's extensions, µs per field raw)."""
    settings = Settings(max_query_cost=10**9, max_query_nodes=10**9)
    ours = strawberry.Schema(
        query=Query,
        extensions=[operation_span_extension(None), *limit_extensions(settings), ReleaseConnection],
    )
    raw = _raw_schema()
    fields = ROWS * len(NAMES)
    ours_s, raw_s = float("inf"), float("inf")
    for _ in range(15):  # alternating, best of each: the machine is shared
        ours_s = min(ours_s, await _time(lambda: ours.execute(QUERY)))
        raw_s = min(raw_s, await _time(lambda: graphql(raw, QUERY)))
    return ours_s / fields * 1e6, raw_s / fields * 1e6


def report() -> None:
    """Print the figures."""
    ours, raw = asyncio.run(measure())
    print(f"  strawberry {ours:.2f} µs/field, graphql-core {raw:.2f} µs/field: {ours / raw:.2f}×")


if __name__ == "__main__":
    report()
