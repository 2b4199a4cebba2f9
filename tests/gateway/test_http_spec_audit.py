"""The GraphQL-over-HTTP audit (npm graphql-http `auditServer`) against the real gateway.

The gateway runs as a uvicorn subprocess on 127.0.0.1 (a free port) over the minimal city;
tests/http_audit/audit.mjs runs every audit, once anonymously and once with a bearer token.
Zero `error` and zero `warn` results are required. Without node the test is skipped,
except under CI=true, where it must run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
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

ROOT = Path(__file__).resolve().parents[2]
AUDIT_DIR = ROOT / "tests" / "http_audit"


@pytest.fixture
def node() -> str:
    """The node binary, with the audit's node_modules installed (npm ci) when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if IN_CI:
            pytest.fail("node and npm are required under CI for the GraphQL-over-HTTP audit")
        pytest.skip("node/npm not installed: the GraphQL-over-HTTP audit needs them")
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=AUDIT_DIR,
            check=True,
            timeout=300,
        )
    return node


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gateway(node: str, minimal: AsyncEngine) -> Iterator[str]:
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
            sys.executable,
            "-m",
            "uvicorn",
            "gateway.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
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


def _audit(node: str, url: str, token: str | None) -> list[dict[str, object]]:
    env = {**os.environ, "DUTYGRAPH_AUDIT_TOKEN": token or ""}
    run = subprocess.run(
        [node, "audit.mjs", url], cwd=AUDIT_DIR, env=env, capture_output=True, timeout=120
    )
    assert run.returncode in (0, 1), run.stderr.decode()
    results: list[dict[str, object]] = json.loads(run.stdout)
    return results


@pytest.mark.parametrize("user", [None, "admin"])
def test_graphql_over_http_audit_has_no_errors_or_warnings(
    node: str, gateway: str, minimal: AsyncEngine, user: str | None
) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    token = token_for(create_runtime(settings_for(url), engine=minimal), user) if user else None
    results = _audit(node, gateway, token)
    assert len(results) > 50  # the whole suite ran
    failing = [r for r in results if r["status"] in ("error", "warn")]
    assert not failing, "audits failing:\n" + json.dumps(failing, ensure_ascii=False, indent=2)
