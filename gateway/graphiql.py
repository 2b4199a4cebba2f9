"""GraphiQL served from the package's own files: no CDN, so it works on a closed network.

The vendored files (React, ReactDOM, GraphiQL; pinned versions) and their SHA-384
integrity are in gateway/static/graphiql/manifest.json, written by
tools/refresh_graphiql.py from the pinned npm tarballs (docs/operations.md). The page
loads them with `integrity` attributes, under a Content-Security-Policy that allows this
origin only.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).resolve().parent / "static" / "graphiql"
PREFIX = "graphiql"
"""Assets are served at /graphiql/<file>; the page refers to them relative to /graphql."""
INIT = "dutygraph-graphiql.js"
SCRIPTS = (
    "react-18.3.1.production.min.js",
    "react-dom-18.3.1.production.min.js",
    "graphiql-3.8.3.min.js",
    INIT,
)
STYLES = ("graphiql-3.8.3.min.css",)
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""GraphiQL's React components set inline styles; nothing else but this origin is allowed."""


def sri(data: bytes) -> str:
    """The SHA-384 subresource-integrity value of some bytes."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@functools.cache
def integrity() -> dict[str, str]:
    """Served file → integrity: the manifest's for vendored files, computed for our own."""
    manifest = json.loads((ASSETS / "manifest.json").read_text(encoding="utf-8"))
    found = {name: entry["integrity"] for name, entry in manifest.items()}
    found[INIT] = sri((ASSETS / INIT).read_bytes())
    return found


@functools.cache
def page() -> str:
    """The GraphiQL page."""
    known = integrity()

    def attrs(name: str) -> str:
        return f'="{PREFIX}/{html.escape(name)}" integrity="{known[name]}"'

    styles = "\n".join(f'    <link rel="stylesheet" href{attrs(name)} />' for name in STYLES)
    scripts = "\n".join(f"    <script src{attrs(name)}></script>" for name in SCRIPTS)
    return f"""<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>dutygraph · GraphiQL</title>
    <link rel="icon" href="data:," />
{styles}
    <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
  </head>
  <body>
    <div id="graphiql">正在加载 GraphiQL…</div>
{scripts}
  </body>
</html>
"""


def response() -> HTMLResponse:
    """The page with its Content-Security-Policy."""
    return HTMLResponse(
        page(),
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def assets_route() -> Mount:
    """/graphiql/<file>: the vendored files (and nothing else from the package)."""
    return Mount(f"/{PREFIX}", app=StaticFiles(directory=ASSETS), name=PREFIX)
