"""The cost of an operation, known before it runs, and the page sizes it asks for.

Two figures, both reported in `extensions.cost`:

- `requested` — the work: what the rate limiter charges (GitHub's rule). The operation
  costs 1; every connection (a field taking `first`, and `nodes(ids:)`) costs the number
  of pages it fetches: 1, times the requested sizes of the connections it sits in (a
  connection under `children(first: 50)` is fetched for 50 parents). Single objects
  (a category, a parent, a person) are joined or batched and cost nothing. The nested org
  page (organisation → 50 children → their assignments) costs 1 + 1 + 50 = 52.
- `nodes` — the worst case: how many objects the answer may hold. Every field that
  returns an object costs 1 and a connection's `first` (or the length of `ids`)
  multiplies everything under it. It bounds the size of an answer.

Scalars, enums and `__typename` cost nothing. Fragments count as if written out; every
branch of an abstract type is counted (an upper bound). A `first` outside 1–100 is
refused here, so no resolver (and no SQL) runs for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

from core.graphql.connection import MAX_PAGE

PAGE_ARGUMENT = "first"
IDS_ARGUMENT = "ids"


def page_size_error(value: object, node: FieldNode) -> GraphQLError:
    """The BAD_PAGE_SIZE error (same words as core.graphql.connection.check_first)."""
    return GraphQLError(
        f"first 必须在 1 到 {MAX_PAGE} 之间 (got {value})",
        [node],
        extensions={"code": "BAD_PAGE_SIZE"},
    )


@dataclass(frozen=True)
class Cost:
    """The two figures of a selection: pages fetched (`requested`) and objects (`nodes`)."""

    requested: int = 0
    nodes: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.requested + other.requested, self.nodes + other.nodes)


ZERO = Cost()


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    errors: list[GraphQLError] = field(default_factory=list)
    memo: dict[str, Cost] = field(default_factory=dict)

    def value(self, node: ValueNode, default: Any) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value, default)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return node.values
        return default

    def multiplier(
        self, node: FieldNode, parent: GraphQLObjectType | GraphQLInterfaceType
    ) -> int | None:
        """The requested size of a connection (None: not a connection)."""
        definition = parent.fields[node.name.value]
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        if PAGE_ARGUMENT in definition.args:
            default = definition.args[PAGE_ARGUMENT].default_value
            default = MAX_PAGE if default in (Undefined, None) else default
            raw = given.get(PAGE_ARGUMENT)
            first = default if raw is None else self.value(raw, default)
            if first is None:
                return int(default)
            if not isinstance(first, int) or isinstance(first, bool):
                return MAX_PAGE  # a wrong type fails variable coercion; count the worst case
            if not 1 <= first <= MAX_PAGE:
                self.errors.append(page_size_error(first, node))
                return MAX_PAGE
            return first
        if IDS_ARGUMENT in definition.args and IDS_ARGUMENT in given:
            ids = self.value(given[IDS_ARGUMENT], None)
            return max(len(ids), 1) if isinstance(ids, list | tuple) else 1
        return None

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType) -> Cost:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return ZERO
        definition = parent.fields.get(name)
        if definition is None:
            return ZERO
        target = get_named_type(definition.type)
        if is_leaf_type(target) or node.selection_set is None:
            return ZERO
        inner = self.selection_cost(node.selection_set, target)
        size = self.multiplier(node, parent)
        if size is None:
            return Cost(inner.requested, 1 + inner.nodes)
        return Cost(1 + size * inner.requested, 1 + size * inner.nodes)

    def selection_cost(self, selections: SelectionSetNode, parent: GraphQLNamedType) -> Cost:
        total = ZERO
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_cost(selection.selection_set, target or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_cost(selection.name.value, parent)
        return total

    def fragment_cost(self, name: str, parent: GraphQLNamedType) -> Cost:
        if name not in self.memo:
            self.memo[name] = ZERO  # a cycle (refused by validation) counts nothing
            fragment = self.fragments.get(name)
            if fragment is not None:
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                self.memo[name] = self.selection_cost(fragment.selection_set, target)
        return self.memo[name]


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


def _variable_values(
    operation: OperationDefinitionNode, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        default = definition.default_value
        if isinstance(default, IntValueNode):
            values[definition.variable.name.value] = int(default.value)
        elif isinstance(default, ListValueNode):
            values[definition.variable.name.value] = default.values
    values.update(given or {})
    return values


@dataclass(frozen=True)
class Analysis:
    """What an operation will cost, and the page-size errors found on the way.

    `cost` is what the rate limiter charges (`requested`, 1 for the operation itself);
    `nodes` is the worst-case number of objects in the answer.
    """

    cost: int
    errors: list[GraphQLError]
    nodes: int = 0

    def report(self) -> dict[str, int]:
        """The figures as `extensions.cost` shows them."""
        return {"requested": self.cost, "nodes": self.nodes}

    def refusal(self, *, max_cost: int, max_nodes: int) -> list[GraphQLError]:
        """The errors refusing this operation before it runs ([] when it may run)."""
        if self.errors:
            return self.errors
        if self.cost > max_cost or self.nodes > max_nodes:
            return [
                GraphQLError(
                    f"查询代价过高：代价 {self.cost}（上限 {max_cost}），对象 {self.nodes}"
                    f"（上限 {max_nodes}）；请减小 first 或嵌套 (query cost {self.cost} / "
                    f"{self.nodes} objects exceeds {max_cost} / {max_nodes})",
                    extensions={
                        "code": "QUERY_TOO_COSTLY",
                        "cost": self.cost,
                        "maxCost": max_cost,
                        "nodes": self.nodes,
                        "maxNodes": max_nodes,
                    },
                )
            ]
        return []


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> Analysis:
    """The cost of the operation a request selects (0 when none is selected)."""
    operation = _operation(document, operation_name)
    if operation is None:
        return Analysis(cost=0, errors=[])
    root = schema.get_root_type(operation.operation)
    if root is None:
        return Analysis(cost=0, errors=[])
    walk = _Walk(
        schema=schema,
        fragments={
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        },
        variables=_variable_values(operation, variables),
    )
    found = walk.selection_cost(operation.selection_set, root)
    return Analysis(cost=1 + found.requested, errors=walk.errors, nodes=found.nodes)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost alone (for rate limiting): see the module docstring for how it is counted."""
    return analyse(schema, document, variables, operation_name).cost


def cost_function(
    schema: GraphQLSchema, *, max_cost: int | None = None, max_nodes: int | None = None
) -> Callable[[DocumentNode, Mapping[str, Any]], int]:
    """The rate limiter's cost (gateway.ratelimit.CostFunction): the costliest operation of
    the document, at least 1 (the operation name is not known there: an upper bound).

    With the limits given, an operation the limits refuse (too costly, a bad page size)
    costs 0: a refused query costs nothing, and is answered QUERY_TOO_COSTLY, never 429.
    """
    cost_limit = max_cost if max_cost is not None else 2**62
    node_limit = max_nodes if max_nodes is not None else 2**62

    def cost(document: DocumentNode, variables: Mapping[str, Any]) -> int:
        names = [
            d.name.value if d.name else None
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        ]
        analyses = [analyse(schema, document, variables, name) for name in names]
        runnable = [
            a.cost for a in analyses if not a.refusal(max_cost=cost_limit, max_nodes=node_limit)
        ]
        if analyses and not runnable:
            return 0  # every operation of it would be refused before running
        return max([1, *runnable])

    return cost
