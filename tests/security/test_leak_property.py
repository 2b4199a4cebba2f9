"""Property: no generated query shows an account an organisation outside its scope.

hypothesis-graphql generates read-only queries from the served schema (`first` 1–100;
codes and ids drawn from a pool mixing in-scope, out-of-scope and missing records);
each is POSTed as admin, xihu, soe-lead and a town secretary to the shared demo city
(500 queries, each sent as all four accounts: 2,000 requests per backend).
Every Organization in an answer (`__typename` is added to every selection) must be in
the account's visible set, recomputed from the tables; no answer may be a 5xx.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries
from sqlalchemy import text

from core.graphql import ids
from core.graphql.connection import offset_cursor
from gateway.app import Runtime
from tests.conftest import Databases, token_for
from tests.security.world import (
    ACCOUNTS,
    MALFORMED_ID,
    MISSING_CODE,
    World,
    foreign_records,
    load_world,
    reveal,
)

MAX_DEPTH = 5
"""Levels of fields in a generated query (hypothesis-graphql itself goes to 8)."""
EXAMPLES = int(os.environ.get("DUTYGRAPH_LEAK_EXAMPLES", "500"))
NAMES = ["西湖", "街道", "社区", "集团", "", "%", "_"]
CATALOGUE = ["TOWN", "STREET", "COMMUNITY", "DISTRICT", "SOE_GROUP", "SOE", "EDUCATION", "soe"]


@pytest.fixture(scope="session")
def leak_backend(databases: Databases) -> str:
    """Both backends (about 40 s each); DUTYGRAPH_LEAK_SQLITE_ONLY=1 skips PostgreSQL."""
    if databases.backend != "sqlite" and os.environ.get("DUTYGRAPH_LEAK_SQLITE_ONLY"):
        pytest.skip("DUTYGRAPH_LEAK_SQLITE_ONLY is set")
    return databases.backend


@pytest.fixture(scope="module")
async def world(demo_runtime: Runtime) -> World:
    return await load_world(demo_runtime.engine)


async def _pool(runtime: Runtime, world: World) -> tuple[list[str], list[str]]:
    """Codes and global ids to draw arguments from: in and out of every account's scope."""
    chosen = {s.org_id for a in world.accounts.values() for s in a.subjects.values()}
    everyone = sorted(world.orgs.values(), key=lambda o: o.code)
    chosen |= {o.id for o in everyone[:: max(1, len(everyone) // 40)]}
    for account in world.accounts.values():  # a few deep records inside each scope
        chosen |= set(sorted(account.visible)[-3:])
    orgs = [world.orgs[i] for i in sorted(i for i in chosen if i is not None)]
    codes = [o.code for o in orgs] + [MISSING_CODE]
    global_ids = [ids.encode("Organization", o.id) for o in orgs]
    global_ids += [ids.encode("Organization", world.max_org_id + 10_000), MALFORMED_ID]
    for table, type_name in (("task", "Task"), ("duty", "Duty")):
        try:
            async with runtime.engine.connect() as conn:
                keys = (await conn.execute(text(f"SELECT id FROM {table} LIMIT 5"))).scalars()
                global_ids += [ids.encode(type_name, key) for key in keys]
        except Exception:  # that capability is not built yet
            pass
    return codes, global_ids


def _with(node: Any, selections: tuple[Any, ...]) -> Any:
    values = {key: getattr(node, key) for key in node.keys if key != "loc"}
    values["selection_set"] = graphql.SelectionSetNode(selections=selections)
    return type(node)(**values)


def _prune(selections: Any, depth: int) -> tuple[Any, ...]:
    """Selections cut at MAX_DEPTH levels of fields: deeper objects select `__typename`."""
    kept = []
    for node in selections:
        if node.selection_set is None:
            kept.append(node)
            continue
        if isinstance(node, graphql.FieldNode):
            inner = _prune(node.selection_set.selections, depth + 1)
            if depth + 1 >= MAX_DEPTH:
                inner = (
                    graphql.FieldNode(
                        name=graphql.NameNode(value="__typename"), arguments=(), directives=()
                    ),
                )
        else:
            inner = _prune(node.selection_set.selections, depth)
        kept.append(_with(node, inner))
    return tuple(kept)


def _limited(document: graphql.DocumentNode) -> graphql.DocumentNode:
    operation = document.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    selections = _prune(operation.selection_set.selections, 0)
    pruned = _with(operation, selections)
    return graphql.DocumentNode(definitions=(pruned,))


def _strategy(schema: graphql.GraphQLSchema, codes: list[str], global_ids: list[str]) -> Any:
    strings = st.one_of(
        st.sampled_from(codes),
        st.integers(0, 200).map(offset_cursor),
        st.sampled_from(NAMES + CATALOGUE),
        st.text(max_size=12),
    )
    dates = st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
    scalars = {
        "Int": st.integers(1, 100).map(nodes.Int),
        "String": strings.map(nodes.String),
        "ID": st.sampled_from(global_ids).map(nodes.String),
        "Date": dates.map(nodes.String),
        "DateTime": dates.map(lambda d: f"{d.isoformat()}T00:00:00+08:00").map(nodes.String),
        "Decimal": st.decimals(0, 100, places=2).map(nodes.String),
        "JSON": strings.map(nodes.String),
    }
    return queries(
        schema,
        custom_scalars=scalars,
        allow_x00=False,
        print_ast=lambda document: graphql.print_ast(reveal(_limited(document), schema)),
    )


async def test_generated_queries_show_nothing_outside_the_scope(
    leak_backend: str, demo_runtime: Runtime, demo_client: httpx.AsyncClient, world: World
) -> None:
    """Each generated query is sent as every account (generation is the slow part)."""
    loop = asyncio.get_running_loop()
    codes, global_ids = await _pool(demo_runtime, world)
    headers = {
        account: {"Authorization": f"Bearer {token_for(demo_runtime, holder.username)}"}
        for account, holder in world.accounts.items()
    }
    assert sorted(headers) == sorted(ACCOUNTS)
    sent = dict.fromkeys(ACCOUNTS, 0)

    async def post_all(query: str) -> list[httpx.Response]:
        return list(
            await asyncio.gather(
                *(
                    demo_client.post("/graphql", json={"query": query}, headers=headers[account])
                    for account in ACCOUNTS
                )
            )
        )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(query=_strategy(demo_runtime.schema._schema, codes, global_ids))
    def check(query: str) -> None:
        answers = asyncio.run_coroutine_threadsafe(post_all(query), loop).result(timeout=60)
        for account, response in zip(ACCOUNTS, answers, strict=True):
            sent[account] += 1
            status = response.status_code
            assert status < 500, f"{status} as {account} for\n{query}\n{response.text}"
            leaks = foreign_records(world, account, response.json())
            assert leaks == [], f"{account} sees {leaks} through\n{query}"

    await asyncio.to_thread(check)
    assert min(sent.values()) >= EXAMPLES
