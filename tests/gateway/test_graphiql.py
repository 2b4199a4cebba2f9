"""GraphiQL from the package's own files: pinned, integrity-checked, no outside address."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import httpx

from gateway import graphiql
from gateway.app import Runtime, create_app, create_runtime
from tests.conftest import production_settings


def test_manifest_integrity_matches_the_vendored_files() -> None:
    manifest = json.loads((graphiql.ASSETS / "manifest.json").read_text(encoding="utf-8"))
    assert {entry["package"] for entry in manifest.values()} == {"react", "react-dom", "graphiql"}
    for name, entry in manifest.items():
        data = (graphiql.ASSETS / name).read_bytes()
        digest = base64.b64encode(hashlib.sha384(data).digest()).decode()
        assert entry["integrity"] == f"sha384-{digest}", name
        assert entry["version"] in name and entry["tarball"].startswith("sha512-")


async def test_page_loads_only_its_own_assets_with_integrity(
    demo_client: httpx.AsyncClient,
) -> None:
    response = await demo_client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "unpkg" not in page and "cdn" not in page.lower() and "http" not in page
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert refs and all(ref.startswith("graphiql/") or ref == "data:," for ref in refs), refs
    tags = re.findall(r"<(?:script|link rel=\"stylesheet\")[^>]*>", page)
    assert len(tags) == 5 and all('integrity="sha384-' in tag for tag in tags)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    for ref in refs:
        if ref.startswith("graphiql/"):
            asset = await demo_client.get(f"/{ref}")
            assert asset.status_code == 200, ref
            expected = graphiql.integrity()[ref.removeprefix("graphiql/")]
            digest = base64.b64encode(hashlib.sha384(asset.content).digest()).decode()
            assert expected == f"sha384-{digest}"


async def test_no_graphiql_in_production(demo_runtime: Runtime) -> None:
    settings = production_settings(
        demo_runtime.settings.database_url, jwt_jwks_url="http://127.0.0.1:9/x"
    )
    app = create_app(create_runtime(settings, engine=demo_runtime.engine, pm=demo_runtime.pm))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/graphiql/graphiql-3.8.3.min.js")).status_code == 404
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert "GraphiQL" not in page.text
