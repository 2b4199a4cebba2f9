"""The cost of an operation, known before it runs, and the page sizes it asks for.

Every field that returns an object (or a list of objects) costs 1; scalars, enums and
`__typename` cost nothing. A connection field's `first` multiplies the cost of everything
selected under it, and so does the length of `nodes(ids: …)`. Fragments count as if
written out; every branch of an abstract type is counted (an upper bound). A `first`
outside 1–100 is refused here, so no resolver (and no SQL) runs for it.
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


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    errors: list[GraphQLError] = field(default_factory=list)
    memo: dict[str, int] = field(default_factory=dict)

    def value(self, node: ValueNode, default: Any) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value, default)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return node.values
        return default

    def multiplier(self, node: FieldNode, parent: GraphQLObjectType | GraphQLInterfaceType) -> int:
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
        return 1

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        target = get_named_type(definition.type)
        if is_leaf_type(target) or node.selection_set is None:
            return 0
        inner = self.selection_cost(node.selection_set, target)
        return 1 + self.multiplier(node, parent) * inner

    def selection_cost(self, selections: SelectionSetNode, parent: GraphQLNamedType) -> int:
        total = 0
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

    def fragment_cost(self, name: str, parent: GraphQLNamedType) -> int:
        if name not in self.memo:
            self.memo[name] = 0  # a cycle (refused by validation) counts nothing
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
    """What an operation will cost, and the page-size errors found on the way."""

    cost: int
    errors: list[GraphQLError]


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
    cost = walk.selection_cost(operation.selection_set, root)
    return Analysis(cost=cost, errors=walk.errors)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost alone (for rate limiting): see the module docstring for how it is counted."""
    return analyse(schema, document, variables, operation_name).cost


def cost_function(schema: GraphQLSchema) -> Callable[[DocumentNode, Mapping[str, Any]], int]:
    """The rate limiter's cost (gateway.ratelimit.CostFunction): the costliest operation of
    the document, at least 1 (the operation name is not known there: an upper bound)."""

    def cost(document: DocumentNode, variables: Mapping[str, Any]) -> int:
        names = [
            d.name.value if d.name else None
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        ]
        costs = [analyse(schema, document, variables, name).cost for name in names]
        return max([1, *costs])

    return cost
