"""Compiled reads: a GraphQL selection becomes one PostgreSQL statement building the JSON.

Domains declare what they know with :func:`register`: per GraphQL type, per field, a
function writing the SQL expression of the field's value (`json_build_object`,
`json_agg`, correlated subqueries), with the resolver and the arguments it was written
for. A :class:`Compiler` built for a schema keeps only the fields whose resolver and
arguments still match that schema (checked once, at start-up). The principal's scope is
inside the statement (``core.orgs.scope.visible`` rendered for each table alias).

Anything else in an operation — a field or argument nobody declared (a plugin's field, an
argument another domain added), a directive, a fragment on another type, an abstract type,
a mutation — raises :class:`NotCompilable` and the whole operation runs through the
resolvers. So does an argument value the compiled form does not take (:class:`Fallback`,
e.g. a bad cursor: the resolver then refuses it with its own error).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from core.auth.principal import Principal


class NotCompilable(Exception):
    """The selection holds something the compiled path was not written for."""


class Fallback(Exception):
    """An argument value the compiled path does not take: run the resolvers instead."""


@dataclass(frozen=True)
class Bindings:
    """What one run of a plan reads its parameters from."""

    variables: VariableValues
    principal: Principal
    today: dt.date


Getter = Callable[[Bindings], Any]


@dataclass
class Selected:
    """One response key of a selection: the field, its merged nodes, its definition."""

    key: str
    name: str
    nodes: list[FieldNode]
    definition: GraphQLField | None
    parent: GraphQLObjectType

    def arg(self, name: str) -> Getter:
        """The coerced value of an argument (its default when not given) at run time."""
        definition = self.definition
        assert definition is not None
        out = definition.args[name].out_name or name
        node = self.nodes[0]

        def get(bindings: Bindings) -> Any:
            try:
                return get_argument_values(definition, node, bindings.variables).get(out)
            except Exception as exc:  # a coercion error: the resolver path reports it
                raise Fallback(str(exc)) from exc

        return get

    @property
    def target(self) -> GraphQLObjectType:
        """The object type the field returns (NotCompilable for abstract types)."""
        assert self.definition is not None
        named = get_named_type(self.definition.type)
        if not isinstance(named, GraphQLObjectType):
            raise NotCompilable(f"{self.parent.name}.{self.name} returns {named}")
        return named


FieldSQL = Callable[["Build", str, Selected], str]
"""(build, SQL alias of the parent row, the field) -> SQL expression of the field's value."""


@dataclass(frozen=True)
class FieldSpec:
    """How one field compiles, and which resolver and arguments it was written for.

    `resolver`: "module.qualname" of the strawberry resolver (None: a plain attribute).
    """

    sql: FieldSQL
    resolver: str | None = None
    args: frozenset[str] = frozenset()


_REGISTRY: dict[str, dict[str, FieldSpec]] = {}


def register(type_name: str, fields: Mapping[str, FieldSpec]) -> None:
    """Declare how fields of a GraphQL type compile (several calls per type add up)."""
    _REGISTRY.setdefault(type_name, {}).update(fields)


def column(name: str) -> FieldSpec:
    """A plain attribute read from the row's column of the same meaning."""
    return FieldSpec(lambda _b, alias, _sel: f"{alias}.{name}")


def _resolver_name(graphql_field: GraphQLField) -> str | None:
    definition = (graphql_field.extensions or {}).get("strawberry-definition")
    resolver = getattr(definition, "base_resolver", None)
    if resolver is None:
        return None
    func = getattr(resolver.wrapped_func, "__func__", resolver.wrapped_func)
    return f"{func.__module__}.{func.__qualname__}"


def _matches(graphql_field: GraphQLField, spec: FieldSpec) -> bool:
    if set(graphql_field.args) != set(spec.args):
        return False
    if "strawberry-definition" not in (graphql_field.extensions or {}):
        return False
    return _resolver_name(graphql_field) == spec.resolver


class Compiler:
    """The compilable fields of one schema: those whose resolver and arguments match."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.fields: dict[str, dict[str, FieldSpec]] = {}
        self.skipped: list[str] = []
        for type_name, specs in _REGISTRY.items():
            gql_type = schema.get_type(type_name)
            if not isinstance(gql_type, GraphQLObjectType):
                continue
            kept = {}
            for name, spec in specs.items():
                graphql_field = gql_type.fields.get(name)
                if graphql_field is not None and _matches(graphql_field, spec):
                    kept[name] = spec
                elif graphql_field is not None:
                    self.skipped.append(f"{type_name}.{name}")
            self.fields[type_name] = kept

    def statement(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        scope: ScopeSQL,
    ) -> Statement:
        """The statement answering a query operation (NotCompilable when it cannot)."""
        if operation.operation is not OperationType.QUERY or operation.directives:
            raise NotCompilable("only queries without directives")
        for definition in operation.variable_definitions or ():
            if definition.directives:
                raise NotCompilable("variable directives")
        build = Build(self, fragments, scope)
        root = self.schema.query_type
        assert root is not None
        if all(
            part.name == "__typename" for part in build.collect(root, [operation.selection_set])
        ):
            raise NotCompilable("nothing to read")
        body = build.object(root, [operation.selection_set], None)
        return _renumbered(f"SELECT ({body})::text", build.params)


_PARAM = re.compile(r"\$(\d+)::")


def _renumbered(sql: str, params: Sequence[Getter]) -> Statement:
    """The statement with only the parameters its text uses, numbered in order of use
    (a part that was not needed, e.g. a page when only `totalCount` is asked, leaves some)."""
    order: dict[int, int] = {}
    for match in _PARAM.finditer(sql):
        order.setdefault(int(match.group(1)), len(order) + 1)
    text = _PARAM.sub(lambda m: f"${order[int(m.group(1))]}::", sql)
    used = tuple(n - 1 for n in sorted(order, key=order.__getitem__))
    return Statement(text, tuple(params), used)


ScopeSQL = Callable[[str, "Build"], str]
"""(SQL alias of an `organization` row, build) -> condition: the principal may see it."""


@dataclass(frozen=True)
class Statement:
    """A compiled operation: SQL text with $n parameters and how to get their values."""

    sql: str
    params: tuple[Getter, ...]
    used: tuple[int, ...]
    """Which of `params` the text uses, in $n order (every one is still checked)."""

    def values(self, bindings: Bindings) -> tuple[Any, ...]:
        """The parameter values of one run (Fallback when one cannot be given: an argument
        is checked even where its part of the statement was not needed)."""
        values = [get(bindings) for get in self.params]
        return tuple(values[n] for n in self.used)


@dataclass
class Build:
    """The state of compiling one operation: parameters, aliases, fragments, scope."""

    compiler: Compiler
    fragments: Mapping[str, FragmentDefinitionNode]
    scope: ScopeSQL
    params: list[Getter] = field(default_factory=list)
    joins: dict[str, list[str]] = field(default_factory=dict)
    """LEFT JOINs beside the rows of a list (by the rows' alias): its nodes' to-one lookups."""
    _aliases: int = 0

    def param(self, getter: Getter, sql_type: str) -> str:
        """A $n parameter of the statement, cast to its SQL type."""
        self.params.append(getter)
        return f"${len(self.params)}::{sql_type}"

    def alias(self, stem: str) -> str:
        """A fresh table alias."""
        self._aliases += 1
        return f"{stem}{self._aliases}"

    def lookup(self, parent: str, table: str, alias: str, condition: str) -> bool:
        """Join `table` (one row at most: `condition` is on its key) beside the rows of a
        list under `parent`, where the list's SQL collects joins (see `joined`); False when
        `parent` is no such list (the caller reads the row with a subquery instead).

        A subquery per list row makes PostgreSQL scan a small table (positions, categories)
        once per row; a join beside the page reads it once per page."""
        found = self.joins.get(parent)
        if found is None:
            return False
        found.append(f"LEFT JOIN {table} {alias} ON {condition}")
        return True

    def joined(self, parent: str) -> str:
        """The joins registered beside the rows under `parent` (and stop collecting)."""
        return " ".join(self.joins.pop(parent, []))

    def visible(self, alias: str) -> str:
        """The scope condition on an `organization` row under this alias."""
        return self.scope(alias, self)

    def collect(
        self, gql_type: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> list[Selected]:
        """The fields selected on an object type, merged by response key, in order."""
        groups: dict[str, Selected] = {}
        seen: set[str] = set()

        def walk(selection_set: SelectionSetNode) -> None:
            for node in selection_set.selections:
                if node.directives:
                    raise NotCompilable("directives")
                if isinstance(node, FieldNode):
                    key = node.alias.value if node.alias else node.name.value
                    found = groups.get(key)
                    if found is None:
                        name = node.name.value
                        definition = gql_type.fields.get(name)
                        if definition is None and name != "__typename":
                            raise NotCompilable(f"{gql_type.name}.{name}")
                        groups[key] = Selected(key, name, [node], definition, gql_type)
                    else:
                        found.nodes.append(node)
                elif isinstance(node, InlineFragmentNode):
                    condition = node.type_condition
                    if condition is not None and condition.name.value != gql_type.name:
                        raise NotCompilable("fragment on another type")
                    walk(node.selection_set)
                elif isinstance(node, FragmentSpreadNode):
                    fragment = self.fragments.get(node.name.value)
                    if fragment is None or fragment.directives:
                        raise NotCompilable("unknown fragment")
                    if fragment.type_condition.name.value != gql_type.name:
                        raise NotCompilable("fragment on another type")
                    if node.name.value not in seen:  # a second spread adds nothing new
                        seen.add(node.name.value)
                        walk(fragment.selection_set)

        for selection_set in selection_sets:
            walk(selection_set)
        return list(groups.values())

    def object(
        self,
        gql_type: GraphQLObjectType,
        selection_sets: Sequence[SelectionSetNode],
        alias: str | None,
    ) -> str:
        """json_build_object of the selected fields of a row (alias) of an object type."""
        specs = self.compiler.fields.get(gql_type.name, {})
        parts: list[str] = []
        for selected in self.collect(gql_type, selection_sets):
            if selected.name == "__typename":
                value = quote(gql_type.name)
            else:
                spec = specs.get(selected.name)
                if spec is None:
                    raise NotCompilable(f"{gql_type.name}.{selected.name}")
                value = spec.sql(self, alias or "", selected)
            parts += [quote(selected.key), value]
        if not parts or len(parts) > 100:  # json_build_object takes at most 100 arguments
            raise NotCompilable("empty or too wide a selection")
        return f"json_build_object({', '.join(parts)})"

    def sub(self, selected: Selected, alias: str) -> str:
        """The JSON of the object a field returns, read from a row under `alias`."""
        sets = [node.selection_set for node in selected.nodes if node.selection_set]
        return self.object(selected.target, sets, alias)

    def subfields(self, selected: Selected) -> list[Selected]:
        """The fields selected under a field (merged)."""
        sets = [node.selection_set for node in selected.nodes if node.selection_set]
        return self.collect(selected.target, sets)


def quote(text: str) -> str:
    """A SQL string literal (names and keys from a validated document: [_A-Za-z0-9])."""
    return "'" + text.replace("'", "''") + "'"


def global_id(type_name: str, key_sql: str) -> str:
    """SQL of `core.graphql.ids.encode(type_name, key)`: url-safe base64, no padding."""
    raw = f"encode(convert_to({quote(type_name + ':')} || {key_sql}, 'UTF8'), 'base64')"
    return f"rtrim(translate({raw}, E'+/\\n', '-_'), '=')"
