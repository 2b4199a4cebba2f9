"""The supergraph, composed offline from every subgraph's SDL (deploy/router/compose.mjs).

`dutygraph supergraph` (`make supergraph`) writes deploy/supergraph.graphql for every
installed plugin; a new plugin needs no change here, only a rerun.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pluggy

from gateway.federation.sdl import subgraph_sdl
from gateway.federation.subgraph import build_subgraph, names

ROUTER_DIR = Path(__file__).resolve().parents[2] / "deploy" / "router"
SUPERGRAPH_FILE = ROUTER_DIR.parent / "supergraph.graphql"
URL_TEMPLATE = "http://dutygraph-{service}:8000/graphql"
"""Where each subgraph listens in deploy/ (compose service and Kubernetes Service names)."""


class CompositionError(RuntimeError):
    """The subgraphs do not compose (the message names the subgraph at fault)."""


@dataclass(frozen=True)
class Subgraph:
    name: str
    url: str
    sdl: str


def service_name(subgraph: str) -> str:
    """The DNS-safe service name of a subgraph in deploy/: soe -> soe, social_org -> social-org."""
    return subgraph.replace("_", "-").lower()


def subgraphs(
    pm: pluggy.PluginManager,
    urls: Mapping[str, str] | None = None,
    template: str = URL_TEMPLATE,
) -> list[Subgraph]:
    """Every subgraph with its SDL and URL (`urls` overrides the template per name)."""
    urls = urls or {}
    return [
        Subgraph(
            name=name,
            url=urls.get(name, template.format(service=service_name(name))),
            sdl=subgraph_sdl(build_subgraph(pm, name)),
        )
        for name in names(pm)
    ]


def compose(parts: list[Subgraph], *, router_dir: Path = ROUTER_DIR) -> str:
    """The supergraph SDL, or CompositionError with the composer's messages."""
    node = shutil.which("node")
    if node is None:
        raise CompositionError("node is not installed: composition needs Node.js 20+")
    if not (router_dir / "node_modules").is_dir():
        raise CompositionError(f"run `make router-deps` first ({router_dir}/node_modules missing)")
    payload = json.dumps([{"name": p.name, "url": p.url, "sdl": p.sdl} for p in parts])
    done = subprocess.run(
        [node, "compose.mjs"],
        input=payload,
        capture_output=True,
        text=True,
        cwd=router_dir,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise CompositionError(
            "supergraph composition failed:\n" + (done.stderr.strip() or done.stdout.strip())
        )
    return done.stdout
