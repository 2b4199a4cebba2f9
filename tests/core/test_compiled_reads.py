"""The compiled read path answers exactly what the resolvers answer.

Every query of the contract documents (../shared/contract) and the project's own queries
(below: every compiled field, argument, fragment shape, and shapes that must fall back)
are sent to two gateways over the same demo city — compiled reads on and off — as admin,
xihu, soe-lead and a town secretary; the answers must be identical. On PostgreSQL the
queries meant to compile must cost one statement (the principal cached).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, OperationType, parse
from sqlalchemy import event, text

from core.graphql import ids
from gateway.app import Runtime, create_runtime
from tests.conftest import client_for, settings_for, shared_dir, token_for

FRAGMENTS = """
fragment Org on Organization { id code name depth version __typename }
fragment Kids on OrganizationConnection { totalCount pageInfo { hasNextPage endCursor } }
"""
COMPILED = {
    "nested page": """{ organization(code: "330106") { code name children(first: 50) {
        edges { node { code name category { code name } assignments(current: true) {
        edges { node { person { name } position { name } } } } } } } } }""",
    "everything of one": """query($code: String!) { organization(code: $code) {
        id code name depth version __typename
        category { code name nameEn plugin __typename sector { code name nameEn plugin
          leadDepartment { code name } } }
        sector { code name nameEn plugin leadDepartment { code parent { code } } }
        parent { code name parent { code } }
        assignments(current: false, first: 3) { totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { id since until version __typename
            person { code name } position { code name nameEn principal category { code } }
            organization { code } } } } } }""",
    "pages": """query($after: String, $first: Int!) { organization(code: "330100") {
        children(first: $first, after: $after) { totalCount __typename
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
          edges { cursor __typename node { code category { code } } } } } }""",
    "category filter": """{ organization(code: "330106") {
        towns: children(categoryCode: "STREET", first: 5) { totalCount edges { node { code } } }
        none: children(categoryCode: "NO_SUCH", first: 5) { totalCount edges { node { code } } }
        all: children { pageInfo { endCursor } } } }""",
    "fragments and aliases": """query { a: organization(code: "330106") { ...Org
        children(first: 3) { ...Kids edges { node { ... on Organization { code } ...Org } } } }
        b: organization(code: "330100") { ...Org code name }
        c: organization(code: "999999999999") { code } }"""
    + FRAGMENTS,
    "merged fields": """{ organization(code: "330106") { code children(first: 2) {
        edges { node { code } } } children(first: 2) { edges { node { name } } totalCount } } }""",
    "by id": """query($id: ID) { organization(id: $id) { code parent { code } } }""",
    "code wins over id": """query($id: ID) { organization(code: "330100", id: $id) { code } }""",
    "no argument": "{ organization { code } }",
    "viewer": """query($from: Date!, $to: Date!) { viewer { username permissions
        person { code name } assignments { since until version position { code }
          organization { code } person { name } }
        tasks(from: $from, to: $to, first: 5) { totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { id title dueOn opensOn overdue period version late
            cancelReason status
            organization { code name } position { code } duty { code title source frequency }
            __typename } } } } }""",
    "viewer filters": """query($from: Date!, $to: Date!) { viewer {
        open: tasks(from: $from, to: $to, status: OPEN, first: 3, after: "bzox") {
          totalCount edges { node { id status } } }
        late: tasks(from: $from, to: $to, status: OVERDUE, first: 3) {
          totalCount edges { node { id overdue dueOn } } }
        planned: tasks(from: $from, to: $to, includeUnopened: true, first: 3) {
          totalCount edges { node { id opensOn } } } } }""",
    "sector ancestors": """query($soe: String!) { organization(code: $soe) { code
        ancestors { code } parent { code parent { code } }
        sector { code leadDepartment { code ancestors { code } } } } }""",
    "ancestors": """{ organization(code: "330106001001") { code ancestors { code name }
        parent { ancestors { code } } children(first: 2) { edges { node { ancestors {
        code } } } } } }""",
}
FALLBACK = {
    "directive": """query($yes: Boolean!) { organization(code: "330106") {
        code name @include(if: $yes) } }""",
    "plugin field": '{ organization(code: "330106") { code soeProfile { __typename } } }',
    "bad cursor": '{ organization(code: "330106") { children(after: "bad") { totalCount } } }',
    "bad variable": "query($c: String!) { organization(code: $c) { code } }",
    "interface fragment": '{ organization(code: "330106") { ... on Node { id } code } }',
    "mixed root": '{ organization(code: "330106") { code } viewer { username duties { totalCount } } }',
    "bad range": """{ viewer { tasks(from: "2026-12-31", to: "2026-01-01") { totalCount } } }""",
    "task records": """query($from: Date!, $to: Date!) { viewer { tasks(from: $from, to: $to,
        first: 2) { edges { node { id completedAt records { note } } } } } }""",
}
VARIABLES: dict[str, Any] = {
    "code": "330106",
    "filter": {"withinCode": "330106", "categoryCode": "STREET"},
    "from": "2026-01-01",
    "to": "2026-12-31",
    "after": "bzox",
    "first": 3,
    "yes": True,
    "schemeCode": "DJKH-2026",
    "categoryCode": "STREET",
    "reportCode": "DJBB",
    "period": "2026Q1",
    "fromPeriod": "2026Q1",
    "toPeriod": "2026Q2",
    "phase": "PROGRESS",
}


@pytest.fixture(scope="module")
async def both(
    demo_runtime: Runtime,
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient, httpx.AsyncClient]]:
    """Two gateways over the demo city: compiled reads on (the shared one) and off."""
    url = demo_runtime.engine.url.render_as_string(hide_password=False)
    plain = create_runtime(settings_for(url, compiled_reads=False))
    async with client_for(demo_runtime) as on, client_for(plain) as off:
        yield demo_runtime, on, off
    await plain.engine.dispose()


async def _accounts(runtime: Runtime) -> list[str]:
    async with runtime.engine.connect() as conn:
        secretary = (
            await conn.execute(
                text(
                    "SELECT username FROM account WHERE username LIKE 'sec-330106___' "
                    "ORDER BY username LIMIT 1"
                )
            )
        ).scalar_one()
        org = (
            await conn.execute(text("SELECT id FROM organization WHERE code = '330106'"))
        ).scalar_one()
        soe = (
            await conn.execute(
                text(
                    "SELECT o.code FROM organization o JOIN organization p ON p.id = o.parent_id "
                    "JOIN sector s ON s.id = o.sector_id WHERE s.code = 'SOE' "
                    "AND p.sector_id = o.sector_id ORDER BY o.code LIMIT 1"
                )
            )
        ).scalar_one()
    VARIABLES["id"] = ids.encode("Organization", org)
    VARIABLES["soe"] = soe
    return ["admin", "xihu", "soe-lead", str(secretary)]


async def _post(
    client: httpx.AsyncClient, runtime: Runtime, user: str, query: str, name: str | None
) -> tuple[int, Any]:
    body: dict[str, Any] = {"query": query, "variables": VARIABLES}
    if name:
        body["operationName"] = name
    headers = {"Authorization": f"Bearer {token_for(runtime, user)}"}
    response = await client.post("/graphql", json=body, headers=headers)
    answer = response.json()
    for error in answer.get("errors", []):
        error.get("extensions", {}).pop("requestId", None)  # differs per request
        if error.get("extensions", {}).get("code") == "INTERNAL_SERVER_ERROR":
            error["message"] = "masked"
    return response.status_code, answer


def _contract_queries() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted((shared_dir() / "contract").glob("*.graphql")):
        document = path.read_text(encoding="utf-8")
        for definition in parse(document).definitions:
            if (
                isinstance(definition, OperationDefinitionNode)
                and definition.operation is OperationType.QUERY
                and definition.name is not None
            ):
                found.append((path.name, document, definition.name.value))
    return found


async def test_contract_documents_answer_the_same_both_ways(
    both: tuple[Runtime, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    runtime, on, off = both
    queries = _contract_queries()
    assert len(queries) >= 10
    for user in await _accounts(runtime):
        for file, document, name in queries:
            compiled = await _post(on, runtime, user, document, name)
            resolved = await _post(off, runtime, user, document, name)
            assert compiled == resolved, f"{file} {name} as {user}"


async def test_own_queries_answer_the_same_both_ways(
    both: tuple[Runtime, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    runtime, on, off = both
    for user in await _accounts(runtime):
        for label, query in {**COMPILED, **FALLBACK}.items():
            compiled = await _post(on, runtime, user, query, None)
            resolved = await _post(off, runtime, user, query, None)
            assert compiled == resolved, f"{label} as {user}: {compiled} != {resolved}"
            if label in COMPILED and user == "admin":
                assert "errors" not in compiled[1], (label, compiled)


async def test_compiled_queries_cost_one_statement(
    both: tuple[Runtime, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    runtime, on, _off = both
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    await _accounts(runtime)
    event.listen(runtime.engine.sync_engine, "before_cursor_execute", count)
    try:
        for label, query in COMPILED.items():
            await _post(on, runtime, "xihu", query, None)  # principal cached, plan compiled
            statements.clear()
            status, answer = await _post(on, runtime, "xihu", query, None)
            assert status == 200 and "errors" not in answer, answer
            if runtime.engine.dialect.name == "postgresql":
                assert len(statements) == 1, (label, statements)
                assert statements[0].startswith("SELECT (json_build_object(")
            else:  # SQLite: the resolvers, a number of statements set by the depth
                assert len(statements) <= 10, (label, statements)
        for label, query in FALLBACK.items():
            statements.clear()
            await _post(on, runtime, "xihu", query, None)
            assert not any(s.startswith("SELECT (json_build_object(") for s in statements), label
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", count)
