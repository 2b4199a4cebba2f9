"""Running compiled reads (`core.graphql.sqljson`) in place of the resolvers.

A query operation whose whole selection compiles is answered by one SQL statement that
builds the JSON of `data` in PostgreSQL; the text is spliced into the response as is
(orjson.Fragment), without per-field execution. Plans are cached per document, operation
and scope shape (the principal's lists are parameters). Everything else — SQLite, no
principal, a selection or an argument value the compiled path was not written for — runs
through the resolvers as before.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import strawberry
from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.values import get_variable_values
from opentelemetry import trace
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from core.auth.principal import Principal
from core.graphql.context import RequestContext
from core.graphql.sqljson import Bindings, Compiler, Fallback, NotCompilable, Statement
from core.orgs.compiled import Scope, scope_key
from gateway import http_spec
from gateway.cost import Analysis, analyse
from gateway.graphql_request import GraphQLPost
from gateway.operation_span import GraphQLOperationSpan, query_span
from gateway.text_input import variable_errors

log = logging.getLogger(__name__)

PlanKey = tuple[str, str | None, tuple[bool, bool, bool]]


@dataclass(frozen=True)
class Plan:
    """A compiled operation (None in the cache: the operation does not compile)."""

    operation: OperationDefinitionNode
    statement: Statement


class CompiledReads:
    """The compiled read path of one schema: plans by document, and how to run them."""

    def __init__(self, *, maxsize: int = 512) -> None:
        self.compiler: Compiler | None = None
        self.maxsize = maxsize
        self._plans: OrderedDict[PlanKey, Plan | None] = OrderedDict()
        self._validated: OrderedDict[tuple[str, str | None], None] = OrderedDict()

    def bind(self, schema: strawberry.Schema) -> None:
        """Compile against this schema (its fields checked against what compiles)."""
        self.compiler = Compiler(schema._schema)
        self._plans.clear()
        self._validated.clear()
        if self.compiler.skipped:
            log.info(
                "compiled reads: left to the resolvers (their resolver or arguments changed): %s",
                ", ".join(self.compiler.skipped),
            )

    def validated(self, query: str, operation_name: str | None) -> bool:
        """True when the document passed parsing, validation and limits once (any variables)."""
        return (query, operation_name) in self._validated

    def mark_validated(self, query: str, operation_name: str | None) -> None:
        """Remember a document that reached execution (so it parsed and validated)."""
        self._validated[(query, operation_name)] = None
        if len(self._validated) > self.maxsize:
            self._validated.popitem(last=False)

    def plan(
        self, query: str, document: DocumentNode, operation_name: str | None, principal: Principal
    ) -> Plan | None:
        """The cached plan of an operation for this principal's scope shape (None: resolvers)."""
        key = (query, operation_name, scope_key(principal))
        if key in self._plans:
            self._plans.move_to_end(key)
            return self._plans[key]
        found = self._compile(document, operation_name, key[2])
        self._plans[key] = found
        if len(self._plans) > self.maxsize:
            self._plans.popitem(last=False)
        return found

    def _compile(
        self, document: DocumentNode, operation_name: str | None, scope: tuple[bool, bool, bool]
    ) -> Plan | None:
        if self.compiler is None:
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name is not None:
            operations = [o for o in operations if o.name and o.name.value == operation_name]
        if len(operations) != 1:
            return None
        fragments: Mapping[str, FragmentDefinitionNode] = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        try:
            statement = self.compiler.statement(operations[0], fragments, Scope(scope))
        except NotCompilable:
            return None
        return Plan(operations[0], statement)

    async def answer(
        self,
        context: RequestContext,
        query: str,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> str | None:
        """The JSON text of `data`, or None when the resolvers must answer."""
        principal = context.principal
        if principal is None or self.compiler is None:
            return None
        plan = self.plan(query, document, operation_name, principal)
        if plan is None:
            return None
        coerced = get_variable_values(
            self.compiler.schema, plan.operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):
            return None  # the resolver path reports the variable errors
        try:
            values = plan.statement.values(Bindings(coerced, principal, context.today()))
        except Fallback:
            return None
        text: str | None = await context.scalar_sql(plan.statement.sql, values)
        return text


def compiled_extension(reads: CompiledReads) -> type[SchemaExtension]:
    """A schema extension answering compilable queries with their one statement."""

    class CompiledExecution(SchemaExtension):
        async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
            ctx = self.execution_context
            context = ctx.context
            if (
                isinstance(context, RequestContext)
                and context.compiled_reads
                and ctx.query is not None
                and ctx.graphql_document is not None
            ):
                text = await reads.answer(
                    context, ctx.query, ctx.graphql_document, ctx.operation_name, ctx.variables
                )
                if text is not None:
                    ctx.result = ExecutionResult(data=orjson.Fragment(text))  # type: ignore[arg-type]
                    reads.mark_validated(ctx.query, ctx.operation_name)
            yield

    return CompiledExecution


class FastReads:
    """Answers a POSTed query over HTTP straight from its cached plan, outside strawberry.

    Only for documents that went through the whole pipeline once (parsed, validated,
    compiled); every request still gets its variables coerced, the NUL check, the cost
    limits and page sizes checked — anything unusual returns None and strawberry answers.
    """

    def __init__(
        self,
        reads: CompiledReads,
        *,
        max_cost: int,
        max_nodes: int,
        span: type[GraphQLOperationSpan],
    ) -> None:
        self.reads = reads
        self.max_cost = max_cost
        self.max_nodes = max_nodes
        self.span = span
        self._analyses: OrderedDict[tuple[str, str | None, bytes], Analysis] = OrderedDict()

    def analysis(
        self,
        schema: GraphQLSchema,
        query: str,
        document: DocumentNode,
        name: str | None,
        variables: dict[str, Any] | None,
    ) -> Analysis:
        """The cost analysis of a request, remembered for the same document and variables."""
        key = (query, name, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS))
        found = self._analyses.get(key)
        if found is None:
            found = self._analyses[key] = analyse(schema, document, variables, name)
            if len(self._analyses) > self.reads.maxsize:
                self._analyses.popitem(last=False)
        return found

    async def answer(
        self, request: Request, post: GraphQLPost, context: RequestContext
    ) -> Response | None:
        """The response to a compiled query (None: let strawberry answer)."""
        payload = post.payload
        if payload is None or not context.compiled_reads or context.principal is None:
            return None
        query, name = payload.get("query"), payload.get("operationName")
        variables = payload.get("variables")
        if (
            not isinstance(query, str)
            or not isinstance(name, str | None)
            or not isinstance(variables, dict | None)
            or not self.reads.validated(query, name)
        ):
            return None
        document = post.document
        compiler = self.reads.compiler
        if document is None or compiler is None or variable_errors(variables):
            return None
        try:
            analysis = self.analysis(compiler.schema, query, document, name, variables)
        except (TypeError, orjson.JSONEncodeError):
            return None
        if analysis.refusal(max_cost=self.max_cost, max_nodes=self.max_nodes):
            return None
        try:
            media = http_spec.negotiate(request.headers.get("accept"))
        except http_spec.HTTPError:
            return None
        span = query_span(self.span, query, document, name)
        try:
            with trace.use_span(span, end_on_exit=True):
                text = await self.reads.answer(context, query, document, name, variables)
        except Exception:  # the resolver path runs it again and reports (masked)
            log.exception("compiled read failed; answering through the resolvers")
            return None
        finally:
            await context.release()
        if text is None:
            return None
        cost = orjson.dumps({"cost": analysis.report()})
        body = b'{"data":' + text.encode() + b',"extensions":' + cost + b"}"
        return Response(
            body,
            status_code=200,
            media_type=http_spec.content_type(media),
            headers={"x-request-id": context.request_id},
        )
