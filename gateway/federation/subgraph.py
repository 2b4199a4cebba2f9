"""Which subgraphs exist and how each one's schema is built.

`core` is the core's schema; every installed plugin is a subgraph of its own name holding
only its contributions, with the core entities it extends reduced to their keys. The same
plugin package serves in-process (the monolith) or as a subgraph, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pluggy
import strawberry
from graphql import GraphQLUnionType
from strawberry.extensions import SchemaExtension

from core import entities
from core.calendar.types import TaskType
from core.graphql import composed
from core.orgs.types import PersonType
from core.plugins import PluginError, call_each
from gateway.federation.query import SCALARS, federation_query
from gateway.federation.stubs import KEY_BASES
from gateway.schema import Parts, build_schema

CORE = "core"

Extensions = Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]]


def names(pm: pluggy.PluginManager) -> list[str]:
    """Every subgraph: the core, then each installed plugin by name."""
    return [CORE, *sorted(str(name) for name, _ in pm.list_name_plugin())]


def _extended(pm: pluggy.PluginManager, plugin: str) -> set[str]:
    return {
        gql_name
        for owner, result in call_each(pm, "dutygraph_type_extensions")
        if owner == plugin
        for gql_name in (result or {})
    }


def _parts(pm: pluggy.PluginManager, name: str, entity_names: Sequence[str] = ()) -> Parts:
    if name == CORE:

        def core_entities() -> list[type]:
            extensible = ("Organization", "OrgCategory", "Position", "Viewer")
            return [*(getattr(composed, n) for n in extensible), PersonType, TaskType]

        return Parts(
            include=lambda owner: owner == CORE,
            query=lambda: federation_query(CORE, core_entities()),
            scalars=SCALARS,
        )
    if name not in names(pm):
        raise PluginError(f"no subgraph named {name!r}: choose one of {', '.join(names(pm))}")
    closed = _extended(pm, name) - set(KEY_BASES)
    if closed:
        raise PluginError(
            f"plugin {name!r} extends {', '.join(sorted(closed))}, which a subgraph cannot "
            "join by key: serve it in the monolith"
        )
    return Parts(
        include=lambda owner: owner == name,
        bases=KEY_BASES,
        query=lambda: federation_query(name, [getattr(composed, n) for n in entity_names]),
        scalars=SCALARS,
    )


def _route_entities(schema: strawberry.Schema) -> None:
    """`_Entity` members are found by record class (the records are tuples, not types)."""
    union = schema._schema.type_map.get("_Entity")
    if isinstance(union, GraphQLUnionType):

        def resolve_type(value: Any, _info: Any, _type: Any) -> str | None:
            return entities.TYPE_OF_RECORD.get(type(value))

        union.resolve_type = resolve_type


def build_subgraph(
    pm: pluggy.PluginManager,
    name: str,
    *,
    extensions: Extensions = (),
    hide_suggestions: bool = False,
) -> strawberry.Schema:
    """The schema of one subgraph (PluginError naming it when it cannot be built).

    A plugin's entities are the core entities it extends or its schema reaches (returns),
    the latter found by composing it once without `_entities`.
    """
    try:
        entity_names: Sequence[str] = ()
        if name != CORE:
            reached = set(build_schema(pm, parts=_parts(pm, name))._schema.type_map)
            reached |= _extended(pm, name)
            entity_names = [n for n in KEY_BASES if n in reached]
        schema = build_schema(
            pm,
            extensions=extensions,
            hide_suggestions=hide_suggestions,
            parts=_parts(pm, name, entity_names),
        )
    except PluginError as exc:
        raise PluginError(f"subgraph {name!r}: {exc}") from exc
    _route_entities(schema)
    return schema


def builder(name: str) -> Callable[..., strawberry.Schema]:
    """A `build` for gateway.app.create_runtime that serves this subgraph."""

    def build(
        pm: pluggy.PluginManager, *, extensions: Extensions = (), hide_suggestions: bool = False
    ) -> strawberry.Schema:
        return build_subgraph(pm, name, extensions=extensions, hide_suggestions=hide_suggestions)

    return build
