"""Starting the federation's processes for a test: the dutygraph subgraphs and Hive Gateway
(deploy/router) on free ports, each waited for until it answers its health check."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.federation import supergraph

ROUTER_DIR = supergraph.ROUTER_DIR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not become ready:\n{log.read_text()[-3000:]}")


def start_federation(
    processes: list[subprocess.Popen[bytes]],
    node: str,
    ports: dict[str, int],
    env: dict[str, str],
    supergraph_file: Path,
    otlp: str,
    logs: Path,
) -> int:
    """Start the subgraphs and the router (appended to `processes`); the router's port."""
    dutygraph = str(Path(sys.executable).with_name("dutygraph"))
    for name, port in ports.items():
        command = [dutygraph, "serve", "--subgraph", name, "--port", str(port)]
        processes.append(
            subprocess.Popen(
                command,
                env={**env, "OTEL_SERVICE_NAME": f"dutygraph-{name}"},
                stdout=(logs / f"{name}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
        )
    router_port = free_port()
    router = subprocess.Popen(
        [
            node,
            str(ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway"),
            "supergraph",
            str(supergraph_file),
            "--host",
            "127.0.0.1",
            "--port",
            str(router_port),
            "--opentelemetry",
            otlp,
        ],
        cwd=ROUTER_DIR,
        env={**env, "OTEL_SERVICE_NAME": "dutygraph-router", "SUPERGRAPH": str(supergraph_file)},
        stdout=(logs / "router.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    processes.append(router)
    for (name, port), process in zip(ports.items(), processes, strict=False):
        wait_ready(f"http://127.0.0.1:{port}/healthz", process, logs / f"{name}.log")
    wait_ready(f"http://127.0.0.1:{router_port}/healthcheck", router, logs / "router.log")
    return router_port
