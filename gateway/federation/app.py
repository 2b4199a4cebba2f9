"""The ASGI app of one subgraph: `dutygraph serve --subgraph NAME` (DUTYGRAPH_SUBGRAPH)."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from gateway.app import create_app, create_runtime
from gateway.federation.subgraph import builder

SUBGRAPH_ENV = "DUTYGRAPH_SUBGRAPH"


def create_subgraph_app(name: str | None = None) -> Starlette:
    """The app serving one subgraph (`name`, else $DUTYGRAPH_SUBGRAPH): same routes,
    authentication, limits and tracing as the monolith, a different schema."""
    chosen = name or os.environ.get(SUBGRAPH_ENV)
    if not chosen:
        raise RuntimeError(f"{SUBGRAPH_ENV} is not set: which subgraph to serve?")
    return create_app(create_runtime(build=builder(chosen)))
