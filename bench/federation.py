"""The router's added latency: the nested org page through Hive Gateway vs straight to the
core subgraph, at c=1 and c=10 (docs/federation.md has the figures).

    python -m bench.federation [--database-url URL] [--requests 300]

Starts `dutygraph serve --subgraph core` and `--subgraph soe` and Hive Gateway
(deploy/router, `make router-deps`) on free ports over the given database (default
$DUTYGRAPH_DATABASE_URL; load it with `dutygraph demo` first), warms every path up, then
sends the same query as admin through each path and prints latency percentiles,
throughput and the difference. A second query joins the SOE subgraph (`soeProfile` of
each child), which only the router can answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.auth import tokens
from core.config import Settings, get_settings
from core.plugins import create_manager
from gateway.federation import supergraph

NESTED = """query Nested($code: String!) { organization(code: $code) { code name
  children(first: 50) { edges { node { code name category { code name }
  assignments(current: true) { edges { node { person { name } position { name } } } } } } } } }"""
"""bench.read_queries.NESTED for any organisation: each request asks for another district
or town, since Hive Gateway merges identical requests in flight (deduplication), which
would measure the merging instead of the router's cost."""
JOINED = """query Joined($code: String!) { organization(code: $code) { code name
  children(first: 50) { edges { node { code name category { name }
  soeProfile { industry employees partyMembers } } } } } }"""
CODES = """{ organization(code: "330100") { children(first: 100) { edges { node { code
  children(first: 100) { edges { node { code } } } } } } } }"""


@dataclass(frozen=True)
class Figures:
    path: str
    concurrency: int
    mean_ms: float
    p50_ms: float
    p95_ms: float
    per_second: float


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


@contextmanager
def stack(database_url: str) -> Iterator[tuple[str, str]]:
    """(router URL, core subgraph URL) while the three processes run."""
    node = shutil.which("node")
    if node is None or not (supergraph.ROUTER_DIR / "node_modules").is_dir():
        raise SystemExit("needs node and `make router-deps`")
    ports = {"core": _port(), "soe": _port()}
    urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
    pm = create_manager(Settings(database_url=database_url))
    parts = [s for s in supergraph.subgraphs(pm, urls) if s.name in ports]
    env = {
        **os.environ,
        "DUTYGRAPH_DATABASE_URL": database_url,
        "DUTYGRAPH_RATE_LIMIT_ENABLED": "false",
        "OTEL_TRACES_EXPORTER": "none",
    }
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "supergraph.graphql"
        file.write_text(supergraph.compose(parts))
        dutygraph = str(Path(sys.executable).with_name("dutygraph"))
        try:
            for name, port in ports.items():
                command = [dutygraph, "serve", "--subgraph", name, "--port", str(port)]
                processes.append(subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL))
            router_port = _port()
            gateway = str(supergraph.ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway")
            command = [node, gateway, "supergraph", str(file), "--port", str(router_port)]
            processes.append(
                subprocess.Popen(
                    command,
                    cwd=supergraph.ROUTER_DIR,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            for port in ports.values():
                _wait(f"http://127.0.0.1:{port}/healthz")
            _wait(f"http://127.0.0.1:{router_port}/healthcheck")
            yield f"http://127.0.0.1:{router_port}/graphql", urls["core"]
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)


async def codes(url: str, token: str) -> list[str]:
    """Every district and town/street of the city (the organisations the query cycles)."""
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.post(
            url, json={"query": CODES}, headers={"Authorization": f"Bearer {token}"}
        )
    districts = response.json()["data"]["organization"]["children"]["edges"]
    found = [d["node"]["code"] for d in districts]
    found += [t["node"]["code"] for d in districts for t in d["node"]["children"]["edges"]]
    return found


async def measure(
    url: str,
    query: str,
    token: str,
    orgs: list[str],
    *,
    requests: int,
    concurrency: int,
    path: str,
) -> Figures:
    """Send `requests` queries (one organisation after another), `concurrency` at a time."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    def body(index: int) -> dict[str, object]:
        return {"query": query, "variables": {"code": orgs[index % len(orgs)]}}

    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        for index in range(20):  # warm-up: plans, caches, pooled connections
            response = await client.post(url, json=body(index), headers=headers)
            answer = response.json()
            if response.status_code != 200 or "errors" in answer:
                raise SystemExit(f"{path}: {response.status_code} {answer}")
        queue = iter(range(requests))

        async def worker() -> None:
            for index in queue:
                started = time.perf_counter()
                response = await client.post(url, json=body(index), headers=headers)
                response.raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return Figures(
        path=path,
        concurrency=concurrency,
        mean_ms=statistics.fmean(latencies),
        p50_ms=latencies[len(latencies) // 2],
        p95_ms=latencies[int(len(latencies) * 0.95) - 1],
        per_second=requests / elapsed,
    )


def _print(rows: list[Figures]) -> None:
    print(f"{'path':<28} {'c':>3} {'mean ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
    for row in rows:
        print(
            f"{row.path:<28} {row.concurrency:>3} {row.mean_ms:>9.1f} {row.p50_ms:>8.1f} "
            f"{row.p95_ms:>8.1f} {row.per_second:>8.1f}"
        )


async def main(database_url: str, requests: int) -> None:
    token = tokens.mint(settings=Settings(database_url=database_url), username="admin")
    rows: list[Figures] = []
    with stack(database_url) as (router, core):
        orgs = await codes(core, token)
        for concurrency in (1, 10):
            direct = await measure(
                core,
                NESTED,
                token,
                orgs,
                requests=requests,
                concurrency=concurrency,
                path="nested org page: direct",
            )
            routed = await measure(
                router,
                NESTED,
                token,
                orgs,
                requests=requests,
                concurrency=concurrency,
                path="nested org page: router",
            )
            rows += [direct, routed]
            print(
                f"c={concurrency}: the router adds {routed.p50_ms - direct.p50_ms:.1f} ms at p50, "
                f"{routed.mean_ms - direct.mean_ms:.1f} ms on average "
                f"({routed.per_second / direct.per_second:.2f}× the direct throughput)"
            )
        for concurrency in (1, 10):
            rows.append(
                await measure(
                    router,
                    JOINED,
                    token,
                    orgs,
                    requests=requests,
                    concurrency=concurrency,
                    path="SOE join: router",
                )
            )
    _print(rows)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=get_settings().database_url)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.requests))


if __name__ == "__main__":
    cli()
