"""Compiled reads of `viewer` (see `core.graphql.sqljson`): the principal's own fields are
parameters; its person and current posts are read in the statement."""

from __future__ import annotations

from core.graphql.sqljson import Bindings, Build, FieldSpec, Selected, register
from core.orgs.compiled import row_of

SCHEMA = "core.auth.schema"


def _viewer(build: Build, _alias: str, selected: Selected) -> str:
    return f"(SELECT {build.sub(selected, '')})"


def _username(build: Build, _alias: str, _selected: Selected) -> str:
    return build.param(lambda b: b.principal.username, "text")


def _permissions(build: Build, _alias: str, _selected: Selected) -> str:
    return f"to_json({build.param(_sorted_permissions, 'text[]')})"


def _sorted_permissions(bindings: Bindings) -> list[str]:
    return sorted(permission.value for permission in bindings.principal.permissions)


def _person_id(bindings: Bindings) -> int | None:
    return bindings.principal.person_id


def _person(build: Build, _alias: str, selected: Selected) -> str:
    person = build.param(_person_id, "int")
    return row_of(build, selected, "person", f"{{a}}.id = {person}", scoped=False)


def _assignments(build: Build, _alias: str, selected: Selected) -> str:
    """The posts held now (no end date), by start: `CurrentAssignmentsByPersonIdLoader`."""
    person = build.param(_person_id, "int")
    held, page = build.alias("h"), build.alias("hp")
    rows = (
        f"SELECT {held}.* FROM assignment {held} WHERE {held}.person_id = {person} "
        f"AND {held}.until IS NULL ORDER BY {held}.since, {held}.id LIMIT 100"
    )
    return (
        f"(SELECT coalesce(json_agg({build.sub(selected, page)} ORDER BY {page}.since, "
        f"{page}.id), '[]'::json) FROM ({rows}) {page})"
    )


register("Query", {"viewer": FieldSpec(_viewer, f"{SCHEMA}.ViewerQuery.viewer")})
register(
    "Viewer",
    {
        "username": FieldSpec(_username, f"{SCHEMA}.ViewerFields.username"),
        "permissions": FieldSpec(_permissions, f"{SCHEMA}.ViewerFields.permissions"),
        "person": FieldSpec(_person, f"{SCHEMA}.ViewerFields.person"),
        "assignments": FieldSpec(_assignments, f"{SCHEMA}.ViewerFields.assignments"),
    },
)
