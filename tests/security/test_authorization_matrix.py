"""The authorisation matrix: every contract operation x account x own/sibling/cousin/missing.

For each account (admin, xihu, soe-lead, a town secretary of 西湖区) and each operation of
`../shared/contract/*.graphql` that the schema already serves, the operation is pointed at
the account's own organisation, a sibling and a cousin outside its scope, and codes/ids
that do not exist (or are malformed). It must answer no organisation outside the scope,
answer a foreign record exactly as it answers a missing one (codes and ids masked), never
5xx, and leave no audit event for a refused mutation.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import print_ast

from tests.conftest import SHARED
from tests.security.conftest import City
from tests.security.operations import (
    CASES,
    NONE,
    ORG,
    PLUGIN,
    TASK,
    Operation,
    contract_operations,
    extra_operations,
    validation_errors,
)
from tests.security.world import (
    ACCOUNTS,
    Subject,
    foreign_records,
    masked,
    plugin_subjects,
    reveal,
    task_subjects,
)

OPERATIONS = contract_operations(SHARED) if SHARED.is_dir() else []
MATRIX = OPERATIONS + extra_operations()
BUILT_FIRST = (
    "orgs.graphql",
    "audit.graphql",
    "duties.graphql",
    "calendar.graphql",
    "reports.graphql",
    "assessment.graphql",
    "supervision.graphql",
)
"""Files this issue must serve in full; the others turn green as their capabilities land."""


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


async def _subjects(city: City, operation: Operation, account: str) -> dict[str, Subject]:
    target = CASES[operation.name].target
    holder = city.world.accounts[account]
    if target == ORG:
        return holder.subjects
    if target == PLUGIN:
        return plugin_subjects(holder)
    if target == NONE:
        return {"none": Subject("none", "", "", None)}
    return await task_subjects(city.runtime.engine, city.world, holder)


def _visible(city: City, account: str, subject: Subject, target: str) -> bool:
    if target in (NONE,):
        return True
    if target == PLUGIN:
        return subject.kind == "own"
    holder = city.world.accounts[account]
    if target == TASK and subject.org_id == holder.home_org_id is not None:
        return True  # a task of the unit where the account's person serves is theirs to do
    return subject.org_id is not None and subject.org_id in holder.visible


def test_every_built_operation_is_in_the_matrix(city: City) -> None:
    """A contract operation the schema serves must have a row in the matrix table."""
    schema = city.runtime.schema._schema
    built = [op.name for op in MATRIX if not validation_errors(schema, op)]
    assert built, "no contract operation validates"
    assert [name for name in built if name not in CASES] == []


def _files() -> list[Any]:
    names = sorted({op.file for op in OPERATIONS})
    return [
        pytest.param(
            name,
            marks=()
            if name in BUILT_FIRST
            else pytest.mark.xfail(strict=False, reason="capability not built yet"),
        )
        for name in names
    ]


@pytest.mark.parametrize("file", _files())
def test_contract_operations_validate(city: City, file: str) -> None:
    """Lists the contract operations whose fields the schema does not serve yet."""
    schema = city.runtime.schema._schema
    failing = {
        op.name: validation_errors(schema, op)[:2]
        for op in OPERATIONS
        if op.file == file and validation_errors(schema, op)
    }
    assert failing == {}, f"{file}: not served yet: {failing}"


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize(
    "operation", MATRIX, ids=[f"{op.file.removesuffix('.graphql')}.{op.name}" for op in MATRIX]
)
async def test_matrix(city: City, operation: Operation, account: str) -> None:
    if validation_errors(city.runtime.schema._schema, operation):
        pytest.skip(f"{operation.name}: capability not built yet")
    case = CASES[operation.name]
    query = print_ast(reveal(operation.document, city.runtime.schema._schema))
    subjects = await _subjects(city, operation, account)
    answers: dict[str, tuple[bool, str]] = {}
    problems: list[str] = []
    for kind, subject in subjects.items():
        variables = case.variables(subject)
        before = await city.audit_count()
        status, body = await city.post(query, variables, account)
        after = await city.audit_count()
        if after != before:
            await city.reload()
        label = f"{operation.name} as {account} on {kind} {subject.code or ''}"
        if status >= 500 or "data" not in body:
            problems.append(f"{label}: HTTP {status} {body}")
            continue
        leaks = foreign_records(city.world, account, body)
        if leaks:
            problems.append(f"{label}: foreign records {leaks}")
        visible = _visible(city, account, subject, case.target)
        allowed = case.needs is None or case.needs in city.world.accounts[account].permissions
        if visible and allowed and not case.found(body["data"] or {}):
            problems.append(f"{label}: own record not served: {body}")
        if not visible and after != before:
            problems.append(f"{label}: a refused mutation left {after - before} audit events")
        answers[kind] = (visible, masked(body, *_strings(variables)))
        if operation.name == "DisablePlugin" and visible and allowed:
            await city.post(_ENABLE, {"name": subject.code}, "admin")  # put the plugin back
    # a malformed id is no record at all: it must leak nothing, but may be refused earlier
    hidden = {
        kind: answer
        for kind, (visible, answer) in answers.items()
        if not visible and kind != "malformed"
    }
    reference = hidden.get("missing")
    for kind, answer in hidden.items():
        if reference is not None and answer != reference:
            problems.append(
                f"{operation.name} as {account}: {kind} answers differently from missing:\n"
                f"  {kind}: {answer}\n  missing: {reference}"
            )
    assert problems == []


_ENABLE = "mutation($name: String!) { enablePlugin(input: {name: $name}) { errors { code } } }"
