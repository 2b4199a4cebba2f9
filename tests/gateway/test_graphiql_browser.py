"""GraphiQL in a real headless browser with the network closed: the page loads, a query
typed with a bearer token in the Headers editor runs and shows data.

Debian's Chromium (/usr/bin/chromium) driven by playwright-core (tests/browser; `make
browser-test-deps` installs both). The gateway runs as a uvicorn subprocess on 127.0.0.1;
Chromium resolves no other name and every request elsewhere is aborted and reported.
Skipped without node or Chromium, except under CI=true, where it must run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import create_runtime
from tests.conftest import IN_CI, settings_for, token_for
from tests.gateway.test_http_spec_audit import _free_port

ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = ROOT / "tests" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
QUERY = '{ organization(code: "330106") { code name } }'


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is required under CI for the GraphiQL browser test")
    pytest.skip(f"{what} not installed (make browser-test-deps)")


@pytest.fixture
def driver() -> str:
    """node, with playwright-core installed (npm ci) and Chromium present."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("node/npm")
    if not Path(CHROMIUM).exists():
        _missing(CHROMIUM)
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=BROWSER_DIR,
            check=True,
            timeout=300,
        )
    assert node is not None
    return node


@pytest.fixture
def gateway(driver: str, minimal: AsyncEngine) -> Iterator[str]:
    """The URL of /graphql on a real uvicorn serving the minimal city."""
    port = _free_port()
    env = {
        **os.environ,
        "DUTYGRAPH_DATABASE_URL": minimal.url.render_as_string(hide_password=False),
        "DUTYGRAPH_ENV": "development",
        "OTEL_TRACES_EXPORTER": "none",
    }
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "gateway.app:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read().decode() if server.stdout else ""
                pytest.fail(f"the gateway did not start:\n{output}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_graphiql_runs_a_query_with_a_token_offline(
    driver: str, gateway: str, minimal: AsyncEngine, tmp_path: Path
) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    token = token_for(create_runtime(settings_for(url), engine=minimal), "admin")
    shot = Path(os.environ.get("DUTYGRAPH_GRAPHIQL_SCREENSHOT", tmp_path / "graphiql.png"))
    run = subprocess.run(
        [driver, "graphiql.mjs", gateway, token, QUERY, "西湖区", str(shot)],
        cwd=BROWSER_DIR,
        env={**os.environ, "CHROMIUM": CHROMIUM},
        capture_output=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr.decode()
    report = json.loads(run.stdout)
    assert report["errors"] == [], report
    assert report["loaded"] is True
    assert report["blocked"] == [], "the page reached for outside addresses"
    assert all(r.startswith("http://127.0.0.1:") for r in report["requests"]), report["requests"]
    assert any("/graphiql/graphiql-3.8.3.min.js" in r for r in report["requests"])
    result = json.loads(report["result"])
    assert result["data"] == {"organization": {"code": "330106", "name": "西湖区"}}
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
