"""Entity references (Apollo Federation `_entities`): a record by key, scoped like every read.

A router asks a subgraph for `{__typename: "Organization", code: "330106"}` and gets the
record back, or null when it does not exist or lies outside the principal's reach: the
same loaders as `organization(code:)`, `node(id:)` and `task`, so a reference is never a
way around the scope ("forbidden" and "not found" look the same).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, exists, select, true

from core.auth.schema import ViewerRoot
from core.calendar.loaders import TaskByIdLoader
from core.calendar.rows import TaskRow
from core.graphql import ids
from core.graphql.context import RequestContext
from core.graphql.loaders import ContextLoader
from core.orgs.loaders import OrgByCodeLoader, OrgByIdLoader
from core.orgs.models import Assignment, Organization, OrgCategory, Person, Position
from core.orgs.rows import (
    CATEGORY_COLUMNS,
    PERSON_COLUMNS,
    POSITION_COLUMNS,
    CategoryRow,
    OrgRow,
    PersonRow,
    PositionRow,
)
from core.orgs.scope import visible

KEYS: dict[str, tuple[str, ...]] = {
    "Organization": ("code", "id"),
    "Person": ("code",),
    "Task": ("id",),
    "OrgCategory": ("code",),
    "Position": ("code",),
    "Viewer": ("username",),
}
"""Each entity's keys (one field each), in the order a reference is tried."""

TYPE_OF_RECORD: dict[type, str] = {
    OrgRow: "Organization",
    PersonRow: "Person",
    TaskRow: "Task",
    CategoryRow: "OrgCategory",
    PositionRow: "Position",
    ViewerRoot: "Viewer",
}
"""The entity a resolved record stands for (records are plain tuples, not GraphQL types)."""


class ReferenceError(ValueError):
    """A representation that names no known entity or none of its keys."""


class PersonByCodeLoader(ContextLoader[str, PersonRow | None]):
    """People by code: those holding (or having held) a post in an organisation in scope."""

    async def fetch(self, keys: list[str]) -> Sequence[PersonRow | None]:
        principal = self.ctx.require_principal()
        in_scope = exists(
            select(Assignment.id)
            .join(Organization, Organization.id == Assignment.organization_id)
            .where(Assignment.person_id == Person.id, visible(principal))
        )
        condition: ColumnElement[bool] = true() if principal.everything else in_scope
        if principal.person_id is not None:
            condition = condition | (Person.id == principal.person_id)
        rows = await self.ctx.rows(select(*PERSON_COLUMNS).where(Person.code.in_(keys), condition))
        found = {row.code: PersonRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class CategoryByCodeLoader(ContextLoader[str, CategoryRow | None]):
    """Organisation categories by code (the catalogue is public to every account)."""

    async def fetch(self, keys: list[str]) -> Sequence[CategoryRow | None]:
        rows = await self.ctx.rows(select(*CATEGORY_COLUMNS).where(OrgCategory.code.in_(keys)))
        found = {row.code: CategoryRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class PositionByCodeLoader(ContextLoader[str, PositionRow | None]):
    """Positions by code (the catalogue is public to every account)."""

    async def fetch(self, keys: list[str]) -> Sequence[PositionRow | None]:
        rows = await self.ctx.rows(select(*POSITION_COLUMNS).where(Position.code.in_(keys)))
        found = {row.code: PositionRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


async def _none() -> None:
    return None


def _global(type_name: str, loader: Callable[[RequestContext], Any]) -> Any:
    def load(ctx: RequestContext, value: str) -> Awaitable[Any]:
        key = ids.decode_int(value, type_name)
        return _none() if key is None else ctx.loader(loader).load(key)

    return load


def _viewer(ctx: RequestContext, username: str) -> Awaitable[ViewerRoot | None]:
    principal = ctx.require_principal()

    async def found() -> ViewerRoot | None:
        return ViewerRoot(principal) if principal.username == username else None

    return found()


Lookup = Callable[[RequestContext, str], Awaitable[Any]]

LOOKUPS: dict[tuple[str, str], Lookup] = {
    ("Organization", "code"): lambda ctx, v: ctx.loader(OrgByCodeLoader).load(v),
    ("Organization", "id"): _global("Organization", OrgByIdLoader),
    ("Person", "code"): lambda ctx, v: ctx.loader(PersonByCodeLoader).load(v),
    ("Task", "id"): _global("Task", TaskByIdLoader),
    ("OrgCategory", "code"): lambda ctx, v: ctx.loader(CategoryByCodeLoader).load(v),
    ("Position", "code"): lambda ctx, v: ctx.loader(PositionByCodeLoader).load(v),
    ("Viewer", "username"): _viewer,
}


def lookup(representation: object) -> tuple[str, str, str]:
    """(type name, key field, key value) of a representation, or ReferenceError saying why."""
    if not isinstance(representation, Mapping):
        raise ReferenceError(f"a representation must be an object, got {representation!r}")
    type_name = representation.get("__typename")
    if type_name not in KEYS:
        raise ReferenceError(
            f"unknown entity type {type_name!r}; entities here: {', '.join(sorted(KEYS))}"
        )
    for key in KEYS[type_name]:
        value = representation.get(key)
        if isinstance(value, str):
            return type_name, key, value
    given = sorted(k for k in representation if k != "__typename")
    raise ReferenceError(
        f"a {type_name} reference needs one of {', '.join(KEYS[type_name])} as a string "
        f"(got: {', '.join(given) or 'no key'})"
    )


def resolve(ctx: RequestContext, representation: object) -> Awaitable[Any]:
    """The record a representation refers to, or None (missing or outside the scope).

    Raises ReferenceError for an unknown type or key. Lookups batch: every reference of a
    type and key in one request costs one statement.
    """
    ctx.require_principal()
    type_name, key, value = lookup(representation)
    return LOOKUPS[(type_name, key)](ctx, value)
