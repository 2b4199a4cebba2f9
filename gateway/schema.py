"""build_schema(pm): the core schema composed with every installed plugin's contributions."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pluggy
import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryContainer, get_object_definition, has_object_definition
from strawberry.types.lazy_type import LazyType

from core import schema_parts
from core.graphql import composed
from core.graphql.scalars import SCALARS
from core.plugins import PluginError, call_each, flatten
from gateway import masking


def _owner_of(cls: type, pm: pluggy.PluginManager) -> str:
    """The plugin (or 'core') whose module defines a class."""
    module = cls.__module__
    for name, plugin in pm.list_name_plugin():
        prefix = getattr(plugin, "__name__", None)
        if prefix and (module == prefix or module.startswith(prefix + ".")):
            return str(name)
    return "core"


def _unwrap(type_: Any) -> Any:
    while isinstance(type_, StrawberryContainer):
        type_ = type_.of_type
    if isinstance(type_, LazyType):
        return None
    return type_


def _named_types(root: type, seen: set[type], *, mixin: bool = False) -> Iterable[type]:
    """Every strawberry object type reachable from a class through its fields.

    A mixin (composed into Query, Mutation or a core type) is not a GraphQL type itself.
    """
    if root in seen or not has_object_definition(root):
        return
    seen.add(root)
    if not mixin:
        yield root
    for field in get_object_definition(root, strict=True).fields:
        try:
            target = _unwrap(field.type)
        except Exception:  # unresolved forward references are checked by strawberry later
            continue
        if isinstance(target, type):
            yield from _named_types(target, seen)


def _check_unique(
    contributions: Sequence[tuple[str, type, bool]], pm: pluggy.PluginManager
) -> None:
    """Fail when two plugins define the same GraphQL type name."""
    owners: dict[str, tuple[str, type]] = {}
    for _plugin, cls, mixin in contributions:
        for named in _named_types(cls, set(), mixin=mixin):
            gql_name = get_object_definition(named, strict=True).name
            owner = _owner_of(named, pm)
            previous = owners.setdefault(gql_name, (owner, named))
            if previous[1] is not named and previous[0] != owner:
                raise PluginError(
                    f"GraphQL type name {gql_name!r} is defined by both plugin {previous[0]!r} "
                    f"({sys.modules[previous[1].__module__].__file__}) and plugin {owner!r} "
                    f"({sys.modules[named.__module__].__file__})"
                )


def _check_fields(kind: str, mixins: Sequence[tuple[str, type]]) -> None:
    seen: dict[str, str] = {}
    for owner, mixin in mixins:
        for field in get_object_definition(mixin, strict=True).fields:
            name = field.graphql_name or field.python_name
            if name in seen and seen[name] != owner:
                raise PluginError(
                    f"{kind} field {name!r} is defined by both plugin {seen[name]!r} "
                    f"and plugin {owner!r}"
                )
            seen[name] = owner


def _compose(name: str, bases: Sequence[type], description: str | None = None) -> type:
    cls = type(name, tuple(bases), {"__module__": composed.__name__})
    return strawberry.type(cls, name=name, description=description)


class Schema(strawberry.Schema):
    """The strawberry schema: unexpected errors logged with the request id (see masking), and
    graphql-core's suggestions ("Did you mean …") hidden at execution when asked."""

    hide_suggestions: bool = False

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        context = execution_context.context if execution_context is not None else None
        masking.report(errors, masking.request_id_of(context))

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        # strawberry has no public switch for graphql-core's execute(hide_suggestions=…)
        # (variable coercion errors suggest enum values); these kwargs reach execute().
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        if self.hide_suggestions:
            kwargs["hide_suggestions"] = True
        return kwargs


def _everyone(_owner: str) -> bool:
    return True


@dataclasses.dataclass(frozen=True)
class Parts:
    """Which contributions compose into a schema. The default is the monolith: the core and
    every installed plugin. A Federation subgraph (gateway.federation) takes the core or one
    plugin, with the plugin's extensible types reduced to their keys (`bases`)."""

    include: Callable[[str], bool] = _everyone
    """Whether the contributions of an owner ("core" or a plugin's name) compose."""
    bases: Mapping[str, type] = dataclasses.field(default_factory=dict)
    """GraphQL name -> the fields an extensible type starts from instead of the core's."""
    query: Callable[[], type] | None = None
    """An extra Query mixin, made once the extensible types are composed."""
    scalars: Mapping[object, Any] = dataclasses.field(default_factory=dict)
    """Scalars beyond the core's (core.graphql.scalars.SCALARS)."""


ALL_PARTS = Parts()


def build_schema(
    pm: pluggy.PluginManager,
    *,
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
    hide_suggestions: bool = False,
    parts: Parts = ALL_PARTS,
) -> strawberry.Schema:
    """Compose core + installed plugins into one schema; duplicate names fail naming both.

    `extensions` are classes or factories (one instance per operation); `hide_suggestions`
    leaves "Did you mean …" out of execution errors (production); `parts` picks what
    composes (default: everything, the monolith).
    """

    def kept(items: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
        return [(owner, item) for owner, item in items if parts.include(owner)]

    type_mixins = kept(
        [("core", ext) for ext in schema_parts.EXTENSIONS]
        + flatten(
            (plugin, [(gql, m) for gql, ms in (result or {}).items() for m in ms])
            for plugin, result in call_each(pm, "dutygraph_type_extensions")
        )
    )
    queries = kept(
        [("core", q) for q in schema_parts.QUERIES]
        + flatten(call_each(pm, "dutygraph_query_fields"))
    )
    mutations = kept(
        [("core", m) for m in schema_parts.MUTATIONS]
        + flatten(call_each(pm, "dutygraph_mutation_fields"))
    )
    extra = kept(
        [("core", t) for t in schema_parts.EXTRA_TYPES]
        + flatten(call_each(pm, "dutygraph_graphql_types"))
    )
    for plugin, (gql_name, _mixin) in type_mixins:
        if gql_name not in schema_parts.EXTENSIBLE:
            raise PluginError(f"plugin {plugin!r} extends unknown or closed type {gql_name!r}")
    _check_fields("Query", queries)
    _check_fields("Mutation", mutations)
    for gql_name, core_base in schema_parts.EXTENSIBLE.items():
        base = parts.bases.get(gql_name, core_base)
        mixins = [(p, m) for p, (g, m) in type_mixins if g == gql_name]
        _check_fields(gql_name, [("core", base), *mixins])
        description = get_object_definition(core_base, strict=True).description
        setattr(
            composed, gql_name, _compose(gql_name, [base, *(m for _, m in mixins)], description)
        )
    _check_unique(
        [
            *((p, m, True) for p, m in [*queries, *mutations]),
            *((p, t, False) for p, t in extra),
            *((p, m, True) for p, (_, m) in type_mixins),
        ],
        pm,
    )
    if parts.query is not None:
        queries.append(("core", parts.query()))
    query = _compose("Query", [q for _, q in queries])
    mutation = _compose("Mutation", [m for _, m in mutations]) if mutations else None
    try:
        schema = Schema(
            query=query,
            mutation=mutation,
            types=[t for _, t in extra],
            extensions=list(extensions),
            config=StrawberryConfig(auto_camel_case=True, scalar_map={**SCALARS, **parts.scalars}),
        )
    except Exception as exc:
        raise PluginError(f"schema composition failed: {exc}") from exc
    schema.hide_suggestions = hide_suggestions
    return schema
