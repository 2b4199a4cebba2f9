"""OpenTelemetry wiring: tracer provider from OTEL_* env vars, HTTP/SQL instrumentation and
one span per GraphQL operation.

A request becomes one trace::

    POST /graphql                  (SERVER, opentelemetry-instrumentation-starlette)
      └─ query                     (SERVER, GraphQLOperationSpan, graphql.* attributes)
           └─ SELECT dutygraph     (CLIENT, opentelemetry-instrumentation-sqlalchemy)

Typical wiring in the app factory::

    provider = setup_tracing()                      # None when OTEL_TRACES_EXPORTER=none
    schema = strawberry.Schema(..., extensions=[operation_span_extension(provider)])
    instrument_engine(engine, provider)
    instrument_app(app, provider)                   # after every other add_middleware

Nothing here hooks a field's ``resolve``: the GraphQL span costs one span per operation,
resolver time shows up as the gaps between the SQL spans.
"""

from __future__ import annotations

import importlib
import logging
import os
import urllib.parse
import weakref
from collections.abc import Mapping
from inspect import signature
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware

from gateway.operation_span import (
    GraphQLOperationSpan,
    operation_span_extension,
    sanitize_document,
)

__all__ = [
    "DEFAULT_SERVICE_NAME",
    "GraphQLOperationSpan",
    "instrument_app",
    "instrument_engine",
    "operation_span_extension",
    "otlp_traces_endpoint",
    "sampler_from_env",
    "sanitize_document",
    "setup_tracing",
    "span_exporters_from_env",
    "uninstrument_app",
    "uninstrument_engine",
]

log = logging.getLogger(__name__)

DEFAULT_SERVICE_NAME = "dutygraph"
DEFAULT_OTLP_HTTP_ENDPOINT = "http://localhost:4318"
_TRUE = {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------- provider


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _int_env(environ: Mapping[str, str], name: str) -> int | None:
    value = _env(environ, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        log.warning("ignoring %s=%r: not an integer", name, value)
        return None


def _resource_attributes(environ: Mapping[str, str]) -> dict[str, str]:
    """OTEL_RESOURCE_ATTRIBUTES (``k=v,k2=v2``, values percent-encoded) + OTEL_SERVICE_NAME."""
    attributes: dict[str, str] = {}
    raw = _env(environ, "OTEL_RESOURCE_ATTRIBUTES") or ""
    for pair in raw.split(","):
        key, sep, value = pair.partition("=")
        if sep and key.strip():
            attributes[key.strip()] = urllib.parse.unquote(value.strip())
    attributes[SERVICE_NAME] = (
        _env(environ, "OTEL_SERVICE_NAME") or attributes.get(SERVICE_NAME) or DEFAULT_SERVICE_NAME
    )
    return attributes


def sampler_from_env(environ: Mapping[str, str]) -> Sampler:
    """OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default ``parentbased_always_on``)."""
    name = (_env(environ, "OTEL_TRACES_SAMPLER") or "parentbased_always_on").lower()
    ratio = 1.0
    if name.endswith("traceidratio"):
        raw = _env(environ, "OTEL_TRACES_SAMPLER_ARG")
        try:
            ratio = float(raw) if raw is not None else 1.0
        except ValueError:
            log.warning("ignoring OTEL_TRACES_SAMPLER_ARG=%r: not a number", raw)
        ratio = min(max(ratio, 0.0), 1.0)
    samplers: dict[str, Sampler] = {
        "always_on": ALWAYS_ON,
        "always_off": ALWAYS_OFF,
        "traceidratio": TraceIdRatioBased(ratio),
        "parentbased_always_on": ParentBased(ALWAYS_ON),
        "parentbased_always_off": ParentBased(ALWAYS_OFF),
        "parentbased_traceidratio": ParentBased(TraceIdRatioBased(ratio)),
    }
    if name not in samplers:
        raise ValueError(f"OTEL_TRACES_SAMPLER={name!r} is not one of {sorted(samplers)}")
    return samplers[name]


def otlp_traces_endpoint(environ: Mapping[str, str]) -> str:
    """The OTLP/HTTP traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else
    OTEL_EXPORTER_OTLP_ENDPOINT + ``/v1/traces``, else ``http://localhost:4318/v1/traces``."""
    signal = _env(environ, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if signal is not None:
        return signal
    base = _env(environ, "OTEL_EXPORTER_OTLP_ENDPOINT") or DEFAULT_OTLP_HTTP_ENDPOINT
    return f"{base.rstrip('/')}/v1/traces"


def _exporter_names(environ: Mapping[str, str]) -> list[str]:
    raw = _env(environ, "OTEL_TRACES_EXPORTER")
    if raw is None:
        has_endpoint = _env(environ, "OTEL_EXPORTER_OTLP_ENDPOINT") or _env(
            environ, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
        )
        return ["otlp"] if has_endpoint else []
    names = [part.strip().lower() for part in raw.split(",") if part.strip()]
    return [] if "none" in names else names


def _otlp_exporter(environ: Mapping[str, str]) -> SpanExporter:
    protocol = (
        _env(environ, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or _env(environ, "OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).lower()
    headers_raw = _env(environ, "OTEL_EXPORTER_OTLP_TRACES_HEADERS") or _env(
        environ, "OTEL_EXPORTER_OTLP_HEADERS"
    )
    headers: dict[str, str] | None = None
    if headers_raw is not None:
        from opentelemetry.util.re import parse_env_headers

        headers = dict(parse_env_headers(headers_raw, liberal=True))
    timeout_raw = _env(environ, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") or _env(
        environ, "OTEL_EXPORTER_OTLP_TIMEOUT"
    )
    timeout = float(timeout_raw) if timeout_raw is not None else None

    if protocol == "http/protobuf":
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        compression_raw = _env(environ, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION") or _env(
            environ, "OTEL_EXPORTER_OTLP_COMPRESSION"
        )
        compression = Compression(compression_raw.lower()) if compression_raw else None
        return OTLPSpanExporter(
            endpoint=otlp_traces_endpoint(environ),
            headers=headers,
            timeout=timeout,
            compression=compression,
        )
    if protocol == "grpc":
        # Not a dependency of dutygraph: `pip install opentelemetry-exporter-otlp-proto-grpc`.
        try:
            grpc_module = importlib.import_module(
                "opentelemetry.exporter.otlp.proto.grpc.trace_exporter"
            )
        except ImportError as exc:
            raise ValueError(
                "OTLP protocol 'grpc' needs opentelemetry-exporter-otlp-proto-grpc installed; "
                "use OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (port 4318) instead"
            ) from exc
        endpoint = _env(environ, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or _env(
            environ, "OTEL_EXPORTER_OTLP_ENDPOINT"
        )
        exporter: SpanExporter = grpc_module.OTLPSpanExporter(
            endpoint=endpoint, headers=headers, timeout=timeout
        )
        return exporter
    raise ValueError(f"unsupported OTLP protocol {protocol!r} (use http/protobuf or grpc)")


def span_exporters_from_env(environ: Mapping[str, str] | None = None) -> list[SpanExporter]:
    """The exporters OTEL_TRACES_EXPORTER asks for (``otlp``, ``console``, ``none``; comma
    separated). Unset means ``otlp`` when an OTLP endpoint is configured, else none."""
    env = os.environ if environ is None else environ
    exporters: list[SpanExporter] = []
    for name in _exporter_names(env):
        if name == "otlp":
            exporters.append(_otlp_exporter(env))
        elif name == "console":
            exporters.append(
                ConsoleSpanExporter(service_name=_resource_attributes(env)[SERVICE_NAME])
            )
        else:
            raise ValueError(f"OTEL_TRACES_EXPORTER={name!r}: supported are otlp, console, none")
    return exporters


def setup_tracing(
    environ: Mapping[str, str] | None = None, *, set_global: bool = True
) -> TracerProvider | None:
    """Build a TracerProvider from the standard OTEL_* variables, or None when tracing is off
    (OTEL_TRACES_EXPORTER=none or unset without an OTLP endpoint, or OTEL_SDK_DISABLED=true).

    Read from ``environ`` (default ``os.environ``): OTEL_SERVICE_NAME (default "dutygraph"),
    OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP[_TRACES]_{ENDPOINT,
    PROTOCOL,HEADERS,TIMEOUT,COMPRESSION}, OTEL_TRACES_SAMPLER[_ARG], OTEL_BSP_*. Spans go
    through one BatchSpanProcessor per exporter. With ``set_global`` the provider also becomes
    the process-wide one (OpenTelemetry allows that once per process; later calls are ignored
    with a warning).
    """
    env = os.environ if environ is None else environ
    if (_env(env, "OTEL_SDK_DISABLED") or "").lower() in _TRUE:
        return None
    exporters = span_exporters_from_env(env)
    if not exporters:
        return None
    provider = TracerProvider(
        sampler=sampler_from_env(env),
        resource=Resource.create(_resource_attributes(env)),
    )
    for exporter in exporters:
        provider.add_span_processor(
            BatchSpanProcessor(
                exporter,
                max_queue_size=_int_env(env, "OTEL_BSP_MAX_QUEUE_SIZE"),
                schedule_delay_millis=_int_env(env, "OTEL_BSP_SCHEDULE_DELAY"),
                max_export_batch_size=_int_env(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"),
                export_timeout_millis=_int_env(env, "OTEL_BSP_EXPORT_TIMEOUT"),
            )
        )
    if set_global:
        trace.set_tracer_provider(provider)
    return provider


# --------------------------------------------------------------------------- HTTP


def _asgi_middleware_class() -> Any:
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return OpenTelemetryMiddleware


def instrument_app(app: Starlette, provider: trace.TracerProvider | None) -> None:
    """Add the OpenTelemetry ASGI middleware (one SERVER span per HTTP request / websocket).

    ``provider=None`` means tracing is off: nothing is added (no per-request cost). Call it
    after every other ``add_middleware`` and before the first request: Starlette puts the
    latest-added middleware outermost and refuses new middleware once it has started.
    The per-message "http send"/"http receive" child spans are turned off. Exclude probe
    paths with OTEL_PYTHON_STARLETTE_EXCLUDED_URLS=healthz,readyz (read at import time).
    """
    if provider is None:
        return
    from opentelemetry.instrumentation.starlette import StarletteInstrumentor

    StarletteInstrumentor.instrument_app(app, tracer_provider=provider)
    middleware_cls = _asgi_middleware_class()
    if "exclude_spans" not in signature(middleware_cls.__init__).parameters:
        return
    rebuilt: list[Middleware] = []
    for entry in app.user_middleware:
        spec: Any = entry  # Middleware's ParamSpec typing does not fit a rebuild
        if spec.cls is middleware_cls and "exclude_spans" not in spec.kwargs:
            kwargs = {**spec.kwargs, "exclude_spans": ["receive", "send"]}
            entry = Middleware(spec.cls, *spec.args, **kwargs)
        rebuilt.append(entry)
    app.user_middleware = rebuilt


def uninstrument_app(app: Starlette) -> None:
    """Remove what :func:`instrument_app` added."""
    from opentelemetry.instrumentation.starlette import StarletteInstrumentor

    StarletteInstrumentor.uninstrument_app(app)


# --------------------------------------------------------------------------- SQL

_instrumented_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def _sync_engine(engine: AsyncEngine | Engine) -> Engine:
    return engine.sync_engine if isinstance(engine, AsyncEngine) else engine


def instrument_engine(engine: AsyncEngine | Engine, provider: trace.TracerProvider | None) -> None:
    """One CLIENT span per SQL statement on this engine, as a child of the current span.

    Uses the SQLAlchemy instrumentation's per-engine ``EngineTracer`` rather than
    ``SQLAlchemyInstrumentor().instrument()``: the instrumentor is a process-wide singleton
    that works once, patches ``create_engine`` for every later engine and adds a "connect"
    span per connection checkout. sqlcommenter stays off. ``provider=None``: no-op.
    Calling it again re-instruments the engine with the new provider.
    """
    if provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.instrumentation.sqlalchemy.version import __version__ as sqla_otel_version
    from opentelemetry.metrics import get_meter

    sync_engine = _sync_engine(engine)
    uninstrument_engine(sync_engine)
    scope = "opentelemetry.instrumentation.sqlalchemy"
    tracer = trace.get_tracer(scope, sqla_otel_version, tracer_provider=provider)
    connections_usage = get_meter(scope, sqla_otel_version).create_up_down_counter(
        name="db.client.connections.usage",
        unit="connections",
        description="The number of connections that are currently in state described by the "
        "state attribute.",
    )
    engine_tracer: Any = EngineTracer  # untyped; registers its listeners on construction
    engine_tracer(tracer, sync_engine, connections_usage, enable_commenter=False)
    _instrumented_engines.add(sync_engine)


def uninstrument_engine(engine: AsyncEngine | Engine) -> None:
    """Remove the listeners :func:`instrument_engine` put on this engine (only this one)."""
    sync_engine = _sync_engine(engine)
    if sync_engine not in _instrumented_engines:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from sqlalchemy import event

    registered: list[tuple[Any, str, Any]] = getattr(
        EngineTracer, "_remove_event_listener_params", []
    )
    for entry in list(registered):
        target_ref, identifier, func = entry
        if target_ref() is sync_engine:
            if event.contains(sync_engine, identifier, func):
                event.remove(sync_engine, identifier, func)
            registered.remove(entry)
    _instrumented_engines.discard(sync_engine)
