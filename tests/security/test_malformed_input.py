"""Malformed input is a 4xx or a payload error, never a 5xx or INTERNAL_SERVER_ERROR.

Three classes, each generated:
- bodies: JSON that is not an object (null, strings, numbers, booleans), invalid UTF-8,
  lone surrogates, nesting 100,000 deep, fields of the wrong type → 400 with a
  GraphQL-over-HTTP error body;
- every operation of `../shared/contract/*.graphql` (and the mutations outside it that
  take ids) with each variable drawn from hostile values of its type: ids past 2³¹ and
  2⁶³, ids of other types, non-ASCII digits, cursors past 2⁶³, strings with NUL, lone
  surrogates, 10,000 characters, impossible and absurd dates;
- bearer tokens, validly signed, whose subject no account can have (NUL, surrogates).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import (
    DocumentNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
    is_leaf_type,
    parse,
    print_ast,
    type_from_ast,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.auth import tokens
from core.graphql import ids
from gateway.app import Runtime, create_runtime
from gateway.masking import UNEXPECTED_CODE
from tests.conftest import SHARED, Databases, client_for, settings_for, token_for
from tests.security.operations import (
    Operation,
    contract_operations,
    extra_operations,
    validation_errors,
)

EXAMPLES = int(os.environ.get("DUTYGRAPH_MALFORMED_EXAMPLES", "16"))
"""Generated variable sets per operation (each sent as admin and as xihu)."""

TYPES = ("Organization", "Task", "Assignment", "Attachment", "OutboxMessage", "Duty", "Nope")
HUGE = (2**31, 2**31 + 1, 2**32, 2**53 + 1, 2**63, 2**64, 10**40)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode()


BAD_IDS = [
    *(ids.encode(t, n) for t, n in itertools.product(TYPES, HUGE)),
    *(ids.encode(t, k) for t, k in itertools.product(TYPES[:3], ("-1", "0", "²", "١٢", "1e3"))),
    ids.encode("Organization", " 1"),
    "",
    "=",
    "!!!",
    "Organization:1",
    _b64("Organization:\ud800"),
    "A" * 5000,
]
BAD_CURSORS = [
    *(_b64(f"o:{n}") for n in HUGE),
    _b64("o:-1"),
    _b64("o:²"),
    _b64("o:"),
    _b64("x:1"),
    _b64("o:\ud800"),
    "%%%",
    "",
    "\ud800",
    "b" * 5000,
]
BAD_STRINGS = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfff",
    "\u202e反转",
    "%_\\",
    "",
    " ",
    "字" * 10_000,
    "'; DROP TABLE organization; --",
    "330106" + "9" * 40,
]
BAD_DATES = ["0001-01-01", "1900-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "", "x"]
BAD_INTS = [0, -1, 2**31 - 1, -(2**31), 2**31, 2**63, 101]
BAD_FLOATS = [0.0, -1.0, 1e308, -1e308, 1e-308]


def _scalar(name: str, argument: str) -> st.SearchStrategy[Any]:
    if name == "ID":
        return st.sampled_from(BAD_IDS)
    if name == "String" and argument in ("after", "before"):
        return st.sampled_from(BAD_CURSORS + BAD_STRINGS)
    if name in ("String", "JSON", "Decimal"):
        return st.sampled_from(BAD_STRINGS)
    if name in ("Date", "DateTime"):
        return st.sampled_from(BAD_DATES + BAD_STRINGS)
    if name == "Int":
        return st.sampled_from(BAD_INTS)
    if name == "Float":
        return st.sampled_from(BAD_FLOATS + BAD_INTS)
    if name == "Boolean":
        return st.booleans()
    return st.sampled_from(BAD_STRINGS + BAD_INTS)


def _values(kind: GraphQLInputType, argument: str, depth: int = 0) -> st.SearchStrategy[Any]:
    """Hostile values of a GraphQL input type (nullable types sometimes get null)."""
    if isinstance(kind, GraphQLNonNull):
        return _values(kind.of_type, argument, depth)
    inner: st.SearchStrategy[Any]
    if isinstance(kind, GraphQLList):
        inner = st.lists(_values(kind.of_type, argument, depth + 1), max_size=3)
    elif isinstance(kind, GraphQLInputObjectType):
        inner = st.fixed_dictionaries(
            {name: _values(f.type, name, depth + 1) for name, f in kind.fields.items()}
        )
    elif isinstance(kind, GraphQLEnumType):
        inner = st.sampled_from([*kind.values, "NOT_A_VALUE"])
    else:
        assert isinstance(kind, GraphQLScalarType)
        inner = _scalar(kind.name, argument)
    return inner


@pytest.fixture(scope="module")
async def city(databases: Databases, demo_template: str) -> AsyncIterator[tuple[Runtime, Any]]:
    """A writable copy of the demo city (generated mutations may be accepted)."""
    url = await databases.clone(demo_template)
    runtime = create_runtime(settings_for(url))
    async with client_for(runtime) as client:
        yield runtime, client
    await runtime.engine.dispose()


def _unexpected(response: httpx.Response) -> str | None:
    """Why a response is a server failure (None when it is an answer)."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return "not JSON"
    for error in body.get("errors") or []:
        if (error.get("extensions") or {}).get("code") == UNEXPECTED_CODE:
            return f"{UNEXPECTED_CODE}: {error}"
    return None


OPERATIONS = [*(contract_operations(SHARED) if SHARED.is_dir() else []), *extra_operations()]


async def _hammer(
    runtime: Runtime, client: httpx.AsyncClient, operation: OperationDefinitionNode
) -> int:
    """Send one operation with generated hostile variables as admin and xihu; the count."""
    schema = runtime.schema._schema
    strategy = st.fixed_dictionaries(
        {
            d.variable.name.value: _values(
                type_from_ast(schema, d.type),  # type: ignore[arg-type]
                d.variable.name.value,
            )
            for d in operation.variable_definitions or ()
        }
    )
    query = print_ast(DocumentNode(definitions=(operation,)))
    headers = [
        {
            "Authorization": f"Bearer {token_for(runtime, user)}",
            "content-type": "application/json",
        }
        for user in ("admin", "xihu")
    ]
    loop = asyncio.get_running_loop()
    sent: list[int] = []

    async def post(variables: dict[str, Any]) -> list[httpx.Response]:
        body = _encode({"query": query, "variables": variables})
        return [await client.post("/graphql", content=body, headers=h) for h in headers]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(variables=strategy)
    def check(variables: dict[str, Any]) -> None:
        answers = asyncio.run_coroutine_threadsafe(post(variables), loop).result(timeout=120)
        for response in answers:
            sent.append(response.status_code)
            problem = _unexpected(response)
            assert problem is None, f"{variables!r}: {problem}\n{query}\n{response.text}"

    await asyncio.to_thread(check)
    return len(sent)


@pytest.mark.parametrize(
    "operation",
    OPERATIONS,
    ids=[f"{op.file.removesuffix('.graphql')}.{op.name}" for op in OPERATIONS],
)
async def test_contract_operations_with_hostile_variables(
    city: tuple[Runtime, httpx.AsyncClient], operation: Operation
) -> None:
    runtime, client = city
    if validation_errors(runtime.schema._schema, operation):
        pytest.skip(f"{operation.name}: capability not built yet")
    definition = operation.document.definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    if not definition.variable_definitions:
        pytest.skip(f"{operation.name} takes no variables")
    count = await _hammer(runtime, client, definition)
    print(f"{operation.name}: {count} generated requests")


def root_operations(schema: GraphQLSchema) -> list[OperationDefinitionNode]:
    """One operation per field of Query and Mutation taking arguments, every argument a
    variable (the schema walked: new fields are covered the day they land)."""
    found = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for name, field in sorted((root.fields if root else {}).items()):
            if not field.args:
                continue
            variables = ", ".join(f"${a}: {t.type}" for a, t in field.args.items())
            arguments = ", ".join(f"{a}: ${a}" for a in field.args)
            output = get_named_type(field.type)
            selection = "" if is_leaf_type(output) else " { __typename }"
            document = parse(f"{kind}({variables}) {{ {name}({arguments}){selection} }}")
            definition = document.definitions[0]
            assert isinstance(definition, OperationDefinitionNode)
            found.append(definition)
    return found


async def test_every_root_field_with_hostile_arguments(
    city: tuple[Runtime, httpx.AsyncClient],
) -> None:
    runtime, client = city
    operations = root_operations(runtime.schema._schema)
    assert len(operations) > 30
    total = 0
    for operation in operations:
        total += await _hammer(runtime, client, operation)
    print(f"{len(operations)} root fields, {total} generated requests")


def _encode(value: Any) -> bytes:
    """JSON as a client would send it: lone surrogates escaped (\\udXXX), like JSON.stringify."""
    import json

    return json.dumps(value, ensure_ascii=True).encode()


QUERY = "query($c: String!) { organization(code: $c) { name } }"
BODIES: dict[str, bytes] = {
    "null": b"null",
    "string": b'"{ viewer { username } }"',
    "number": b"42",
    "true": b"true",
    "false": b"false",
    "empty": b"",
    "blank": b"   \n",
    "garbage": b"{not json",
    "invalid-utf8-query": b'{"query": "{ viewer { username } }\xff"}',
    "invalid-utf8-key": b'{"qu\xc3\x28ery": "{ viewer { username } }"}',
    "overlong-utf8": b'{"query": "\xc0\xaf"}',
    "encoded-surrogate": b'{"query": "\xed\xa0\x80"}',
    "escaped-surrogate-variable": _encode({"query": QUERY, "variables": {"c": "\ud800"}}),
    "escaped-surrogate-query": b'{"query": "{ viewer { username } }\\udc00"}',
    "deep-list-variable": b'{"query": "query($c: String!) { organization(code: $c) { name } }",'
    b' "variables": {"c": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
    "deep-object-variable": b'{"query": "{ viewer { username } }", "variables": '
    + b'{"a":' * 100_000
    + b"1"
    + b"}" * 100_000
    + b"}",
    "deep-extensions": b'{"query": "{ viewer { username } }", "extensions": '
    + b'{"a":' * 5_000
    + b"1"
    + b"}" * 5_000
    + b"}",
    "variables-string": b'{"query": "{ viewer { username } }", "variables": "x"}',
    "variables-list": b'{"query": "{ viewer { username } }", "variables": [1]}',
    "query-number": b'{"query": 5}',
    "query-null": b'{"query": null}',
    "query-object": b'{"query": {"a": 1}}',
    "operation-name-number": b'{"query": "{ viewer { username } }", "operationName": 1}',
    "extensions-number": b'{"query": "{ viewer { username } }", "extensions": 5}',
    "batch": b'[{"query": "{ viewer { username } }"}]',
}


@pytest.mark.parametrize("name", sorted(BODIES))
@pytest.mark.parametrize("user", ["admin", None])
async def test_malformed_bodies_are_400(
    city: tuple[Runtime, httpx.AsyncClient], name: str, user: str | None
) -> None:
    runtime, client = city
    headers = {"content-type": "application/json"}
    if user is not None:
        headers["Authorization"] = f"Bearer {token_for(runtime, user)}"
    response = await client.post("/graphql", content=BODIES[name], headers=headers)
    assert response.status_code == 400, (name, response.status_code, response.text)
    errors = response.json()["errors"]
    assert errors and all(e["message"] for e in errors)
    assert _unexpected(response) is None


@pytest.mark.parametrize(
    "subject", ["ad\x00min", "admin\x00", "\ud800", "a\udfffb", "\x1b[31m", "", "x" * 300]
)
@pytest.mark.parametrize("path", ["/graphql", "/uploads"])
async def test_tokens_with_impossible_subjects_are_401(
    city: tuple[Runtime, httpx.AsyncClient], subject: str, path: str
) -> None:
    runtime, client = city
    token = tokens.mint(settings=runtime.settings, username=subject)
    response = await client.post(
        path,
        content=b'{"query": "{ viewer { username } }"}',
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert response.status_code == 401, response.text
