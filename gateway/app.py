"""The Starlette application: /graphql, /healthz, /readyz."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import orjson
import pluggy
import strawberry
from alembic.script import ScriptDirectory
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from core import migrate
from core.config import Settings, get_settings, require_production_ready
from core.db import create_engine, session_factory
from core.graphql.context import RequestContext
from core.plugin_admin.service import check_libraries
from core.plugins import create_manager
from gateway import assessment, graphiql
from gateway.compiled import CompiledReads, FastReads, compiled_extension
from gateway.context import AuthError, ReleaseConnection, authenticate, build_context
from gateway.cost import cost_function
from gateway.graphql_request import GraphQLPost
from gateway.http_view import SUBSCRIPTION_PROTOCOLS, SpecGraphQLView
from gateway.limits import limit_extensions
from gateway.operation_span import GraphQLOperationSpan
from gateway.reports import report_routes
from gateway.request_body import BodyLimit
from gateway.request_guard import RequestGuard
from gateway.schema import build_schema
from gateway.telemetry import (
    instrument_app,
    instrument_engine,
    operation_span_extension,
    setup_tracing,
)
from gateway.uploads import uploads_routes


@dataclass
class Runtime:
    """What the app holds for its lifetime."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    pm: pluggy.PluginManager
    schema: strawberry.Schema
    migrations: ScriptDirectory
    tracer_provider: TracerProvider | None = None
    reads: CompiledReads | None = None
    span: type[GraphQLOperationSpan] | None = None


class GraphQLView(SpecGraphQLView):
    """The GraphQL-over-HTTP view (gateway.http_view) with our context and orjson encoding."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(
            runtime.schema,
            graphql_ide=None if runtime.settings.production else "graphiql",
            allow_queries_via_get=runtime.settings.graphql_get_queries,
            subscription_protocols=SUBSCRIPTION_PROTOCOLS,
        )
        self.runtime = runtime
        self.rating_throttle = assessment.rating_throttle(runtime.settings)
        self.fast: FastReads | None = None
        if runtime.reads is not None and runtime.span is not None:
            self.fast = FastReads(
                runtime.reads,
                max_cost=runtime.settings.max_query_cost,
                max_nodes=runtime.settings.max_query_nodes,
                span=runtime.span,
            )

    async def answer_fast(self, request: Request) -> Response | None:
        post = request.scope.get("state", {}).get("graphql_post")
        if self.fast is None or not isinstance(post, GraphQLPost):
            return None
        context = await self.get_context(request, None)
        return await self.fast.answer(request, post, context)

    async def get_context(self, request: Any, response: Any) -> RequestContext:
        rt = self.runtime
        context = build_context(
            request=request,
            settings=rt.settings,
            engine=rt.engine,
            sessions=rt.sessions,
            pm=rt.pm,
            principal=request.scope.get("state", {}).get("principal"),
        )
        context.http_response = response
        context.client_address = request.client.host if request.client else None
        context.throttle = self.rating_throttle
        request.state.request_id = context.request_id
        return context

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return graphiql.response()  # the package's own assets: works offline


def _unauthorized(message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


class AuthenticatedGraphQL:
    """Resolves the bearer token (a bad token is a 401), then rate limit and idempotency."""

    def __init__(
        self, runtime: Runtime, view: GraphQLView, *, guard: RequestGuard | None = None
    ) -> None:
        self.runtime = runtime
        self.view = view
        self.guard = guard or RequestGuard.from_settings(
            runtime.settings,
            runtime.engine,
            cost=cost_function(
                runtime.schema._schema,
                max_cost=runtime.settings.max_query_cost,
                max_nodes=runtime.settings.max_query_nodes,
            ),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            try:
                principal = await authenticate(request, self.runtime.settings, self.runtime.engine)
            except AuthError as exc:
                await _unauthorized(str(exc))(scope, receive, send)
                return
            scope.setdefault("state", {})["principal"] = principal
            await self.guard(scope, receive, send, principal=principal, app=self.view)
            return
        await self.view(scope, receive, send)

    async def aclose(self) -> None:
        """Release the guard's connections (call when the app shuts down)."""
        await self.guard.aclose()


async def healthz(_request: Request) -> Response:
    """The process is up."""
    return JSONResponse({"status": "ok"})


def readyz_endpoint(runtime: Runtime) -> Any:
    """/readyz: the database is reachable and at the expected migration heads."""

    async def readyz(_request: Request) -> Response:
        try:
            current = await migrate.current_revisions(runtime.engine)
        except Exception as exc:  # any failure to reach the database means not ready
            return JSONResponse(
                {"status": "unavailable", "reason": f"database unreachable: {type(exc).__name__}"},
                status_code=503,
            )
        if not current or not migrate.is_current(runtime.migrations, current):
            return JSONResponse(
                {
                    "status": "unavailable",
                    "reason": "database not migrated (run `dutygraph db upgrade`)",
                },
                status_code=503,
            )
        return JSONResponse({"status": "ready"})

    return readyz


def create_runtime(
    settings: Settings | None = None,
    *,
    pm: pluggy.PluginManager | None = None,
    engine: AsyncEngine | None = None,
    tracer_provider: TracerProvider | None = None,
    build: Callable[..., strawberry.Schema] = build_schema,
) -> Runtime:
    """Load plugins, compose the schema, open the engine, set up tracing (OTEL_* env).

    `build` composes the schema from the plugin manager (default: the monolith's
    build_schema; a Federation subgraph passes gateway.federation.subgraph.builder(name)).
    """
    settings = settings or get_settings()
    require_production_ready(settings)
    pm = pm or create_manager(settings)
    check_libraries(pm)
    engine = engine or create_engine(settings.database_url, echo=settings.sql_echo)
    provider = tracer_provider or setup_tracing()
    reads = CompiledReads(maxsize=settings.graphql_cache_size)
    span = operation_span_extension(provider)
    schema = build(
        pm,
        extensions=[
            span,
            *limit_extensions(settings),
            compiled_extension(reads),
            ReleaseConnection,
        ],
        hide_suggestions=settings.production,
    )
    reads.bind(schema)
    instrument_engine(engine, provider)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        pm=pm,
        schema=schema,
        migrations=migrate.script_directory(settings.database_url, pm),
        tracer_provider=provider,
        reads=reads,
        span=span,
    )


def create_app(runtime: Runtime | None = None) -> Starlette:
    """The ASGI application."""
    rt = runtime or create_runtime()
    view = GraphQLView(rt)
    graphql = AuthenticatedGraphQL(rt, view)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # The schema, plugins and caches built at start-up live as long as the process:
        # move them out of the collector's sight, so full collections stop walking them.
        gc.collect()
        gc.freeze()
        yield
        await graphql.aclose()
        await view.rating_throttle.aclose()
        await rt.engine.dispose()

    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz_endpoint(rt)),
        Route("/graphql", BodyLimit(graphql, max_bytes=rt.settings.max_body_bytes)),
        # no websocket route: the schema has no subscriptions and no websocket library is
        # installed, so /graphql does not offer an upgrade it could not complete
        *uploads_routes(rt, limiter=graphql.guard.limiter),
        *report_routes(rt),
        *assessment.routes(rt),
    ]
    if not rt.settings.production:  # GraphiQL is off in production
        routes.append(graphiql.assets_route())
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.runtime = rt
    instrument_app(app, rt.tracer_provider)
    return app
