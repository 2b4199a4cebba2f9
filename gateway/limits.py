"""Query limits, all checked before anything executes: tokens, depth, aliases, cost, page size.

Two schema extensions, built from the settings by :func:`limit_extensions`:

- :class:`LimitedParser` — strawberry's bounded ``ParserCache`` with a token limit
  (``TOO_MANY_TOKENS``);
- :class:`LimitedValidation` — a bounded validation cache (like strawberry's
  ``ValidationCache``, plus graphql-core's ``hide_suggestions`` in production), our depth
  (``QUERY_TOO_DEEP``) and alias (``TOO_MANY_ALIASES``) rules, introspection refused in
  production (``INTROSPECTION_DISABLED``), then the cost and page sizes of the selected
  operation with its variables (``QUERY_TOO_COSTLY`` over either bound of
  :mod:`gateway.cost`, ``BAD_PAGE_SIZE``). Both figures are reported in
  ``extensions.cost`` of every response: ``{"requested": …, "nodes": …}``.

Depth counts the fields on the longest path (introspection ``__`` fields are not counted);
aliases and depth look through fragments, each fragment measured once (no blow-up from a
fragment spread many times).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache
from typing import Any

from graphql import (
    SKIP,
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VisitorAction,
    get_named_type,
    is_introspection_type,
    validate,
)
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from core.config import Settings
from gateway.cost import analyse
from gateway.masking import MaskUnexpectedErrors
from gateway.text_input import NoNulStringsRule, variable_errors

Measure = Callable[[SelectionSetNode], int]


def limit_error(message: str, code: str, **extensions: Any) -> GraphQLError:
    """A pre-execution error carrying `extensions.code`."""
    return GraphQLError(message, extensions={"code": code, **extensions})


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _measure(
    document: DocumentNode, combine: Callable[[FieldNode, Measure], int], join: Callable[..., int]
) -> Measure:
    """A selection-set measure that looks through fragments, each fragment measured once."""
    fragments = _fragments(document)
    memo: dict[str, int] = {}

    def measure(selection_set: SelectionSetNode) -> int:
        parts = [0]
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                parts.append(combine(selection, measure))
            elif isinstance(selection, InlineFragmentNode):
                parts.append(measure(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in memo:
                    memo[name] = 0  # cycles are refused by validation; count nothing
                    fragment = fragments.get(name)
                    if fragment is not None:
                        memo[name] = measure(fragment.selection_set)
                parts.append(memo[name])
        return join(parts)

    return measure


def _field_depth(node: FieldNode, measure: Measure) -> int:
    if node.name.value.startswith("__"):
        return 0
    return 1 + (measure(node.selection_set) if node.selection_set else 0)


def _field_aliases(node: FieldNode, measure: Measure) -> int:
    inner = measure(node.selection_set) if node.selection_set else 0
    return (1 if node.alias else 0) + inner


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def depth_rule(max_depth: int) -> type[ASTValidationRule]:
    """A validation rule refusing operations nested deeper than `max_depth` fields."""

    class QueryDepthRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: object) -> None:
            measure = _measure(node, _field_depth, max)
            for operation in _operations(node):
                depth = measure(operation.selection_set)
                if depth > max_depth:
                    self.report_error(
                        limit_error(
                            f"查询嵌套过深：{depth} 层，上限 {max_depth} 层 "
                            f"(query depth {depth} exceeds {max_depth})",
                            "QUERY_TOO_DEEP",
                        )
                    )

    return QueryDepthRule


def alias_rule(max_aliases: int) -> type[ASTValidationRule]:
    """A validation rule refusing documents with more than `max_aliases` aliases."""

    class MaxAliasesRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: object) -> None:
            measure = _measure(node, _field_aliases, sum)
            count = sum(measure(operation.selection_set) for operation in _operations(node))
            if count > max_aliases:
                self.report_error(
                    limit_error(
                        f"别名过多：{count} 个，上限 {max_aliases} 个 "
                        f"({count} aliases, at most {max_aliases} allowed)",
                        "TOO_MANY_ALIASES",
                    )
                )

    return MaxAliasesRule


class NoIntrospectionRule(ValidationRule):
    """Refuses `__schema` and `__type` (production); `__typename` stays allowed."""

    def enter_field(self, node: FieldNode, *_args: object) -> VisitorAction:
        type_ = self.context.get_type()
        if type_ is None or not is_introspection_type(get_named_type(type_)):
            return None
        self.report_error(
            GraphQLError(
                f"内省查询已关闭 (introspection is disabled: {node.name.value})",
                node,
                extensions={"code": "INTROSPECTION_DISABLED"},
            )
        )
        return SKIP  # one error per introspection root, not one per nested field


class LimitedParser(ParserCache):
    """Strawberry's bounded parser cache, refusing documents of more than `max_tokens`."""

    def __init__(self, *, maxsize: int, max_tokens: int) -> None:
        super().__init__(maxsize=maxsize)
        self.max_tokens = max_tokens

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_tokens
        yield

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        try:
            ctx.graphql_document = self.cached_parse_document(ctx.query, **ctx.parse_options)
        except GraphQLSyntaxError as exc:
            if "tokens. Parsing aborted" in exc.message:
                raise limit_error(
                    f"查询过长：超过 {self.max_tokens} 个记号 "
                    f"(document has more than {self.max_tokens} tokens)",
                    "TOO_MANY_TOKENS",
                ) from exc
            # any other syntax error: strawberry parses again and reports it as usual
        yield


@cache
def _validator(
    maxsize: int, hide_suggestions: bool
) -> Callable[[GraphQLSchema, DocumentNode, tuple[type[ASTValidationRule], ...]], Any]:
    """A bounded LRU around graphql-core's validate (shared by every schema, like strawberry's)."""

    def validate_document(
        schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
    ) -> list[GraphQLError]:
        rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
        return validate(schema, document, rules, hide_suggestions=hide_suggestions)

    return lru_cache(maxsize=maxsize)(validate_document)


class LimitedValidation(ValidationCache):
    """Bounded validation cache + our rules, then the cost and page sizes of the operation."""

    def __init__(
        self,
        *,
        maxsize: int,
        rules: tuple[type[ASTValidationRule], ...],
        max_cost: int,
        hide_suggestions: bool,
        max_nodes: int | None = None,
    ) -> None:
        super().__init__(maxsize=maxsize)
        self.cached_validate_document = _validator(maxsize, hide_suggestions)
        self.rules = rules
        self.max_cost = max_cost
        self.max_nodes = max_cost if max_nodes is None else max_nodes
        self.cost: dict[str, int] = {"requested": 0, "nodes": 0}

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.validation_rules = (*ctx.validation_rules, *self.rules)
        assert ctx.graphql_document is not None  # strawberry parses before validating
        errors = list(
            self.cached_validate_document(
                ctx.schema._schema, ctx.graphql_document, ctx.validation_rules
            )
        )
        if not errors:
            errors = variable_errors(ctx.variables)
        if not errors:
            errors = self._analyse(ctx.schema._schema, ctx.graphql_document, ctx.variables)
        ctx.pre_execution_errors = errors
        yield

    def _analyse(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None
    ) -> list[GraphQLError]:
        name = self.execution_context.operation_name
        analysis = analyse(schema, document, variables, name)
        self.cost = analysis.report()
        return analysis.refusal(max_cost=self.max_cost, max_nodes=self.max_nodes)

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.cost}


ExtensionFactory = Callable[[], SchemaExtension]


def limit_extensions(settings: Settings) -> list[ExtensionFactory]:
    """The limit and masking extensions for these settings (one instance per operation)."""
    rules: tuple[type[ASTValidationRule], ...] = (
        depth_rule(settings.max_query_depth),
        alias_rule(settings.max_query_aliases),
        NoNulStringsRule,
    )
    if settings.production:
        rules = (*rules, NoIntrospectionRule)
    size = settings.graphql_cache_size

    def parser() -> SchemaExtension:
        return LimitedParser(maxsize=size, max_tokens=settings.max_query_tokens)

    def validation() -> SchemaExtension:
        return LimitedValidation(
            maxsize=size,
            rules=rules,
            max_cost=settings.max_query_cost,
            max_nodes=settings.max_query_nodes,
            hide_suggestions=settings.production,
        )

    return [parser, validation, MaskUnexpectedErrors]
