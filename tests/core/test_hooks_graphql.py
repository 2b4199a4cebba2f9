"""The GraphQL hooks: types, type extensions, query and mutation fields from a temporary plugin."""

from __future__ import annotations

from pathlib import Path

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.schema import build_schema
from tests.core.test_hooks import TmpOrgFields, make_plugin, manager_with, post, url_of


@strawberry.type
class TmpOnlyViaTypes:
    label: str


@strawberry.type
class TmpQuery:
    @strawberry.field
    def tmp_hello(self) -> str:
        return "你好"


@strawberry.input
class TmpPingInput:
    word: str


@strawberry.type
class TmpPingPayload:
    echo: str


@strawberry.type
class TmpMutation:
    @strawberry.mutation
    def tmp_ping(self, input: TmpPingInput) -> TmpPingPayload:
        return TmpPingPayload(echo=input.word * 2)


def test_hook_dutygraph_graphql_types(tmp_path: Path) -> None:
    pm = manager_with(
        "sqlite+aiosqlite://", make_plugin(dutygraph_graphql_types=lambda: [TmpOnlyViaTypes])
    )
    assert "type TmpOnlyViaTypes" in build_schema(pm).as_str()


async def test_hook_dutygraph_type_extensions(minimal: AsyncEngine) -> None:
    pm = manager_with(
        url_of(minimal),
        make_plugin(dutygraph_type_extensions=lambda: {"Organization": [TmpOrgFields]}),
    )
    body = await post(minimal, pm, '{ organization(code: "330106001") { code tmpCodeLength } }')
    assert body["data"]["organization"] == {"code": "330106001", "tmpCodeLength": 9}


async def test_hook_dutygraph_query_fields(minimal: AsyncEngine) -> None:
    pm = manager_with(url_of(minimal), make_plugin(dutygraph_query_fields=lambda: [TmpQuery]))
    assert (await post(minimal, pm, "{ tmpHello }"))["data"] == {"tmpHello": "你好"}


async def test_hook_dutygraph_mutation_fields(minimal: AsyncEngine) -> None:
    pm = manager_with(url_of(minimal), make_plugin(dutygraph_mutation_fields=lambda: [TmpMutation]))
    body = await post(minimal, pm, 'mutation { tmpPing(input: {word: "好"}) { echo } }')
    assert body["data"] == {"tmpPing": {"echo": "好好"}}
