"""`dutygraph serve | db upgrade | demo | token | schema | plugins`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from core.config import Settings, get_settings
from core.plugins import PluginError, create_manager, loaded_plugins
from gateway.commands import register_all

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

Command = Callable[[argparse.Namespace, Settings], int]


def _fail(message: str) -> int:
    print(f"dutygraph: error: {message}", file=sys.stderr)
    return 1


def _run(coro: Coroutine[Any, Any, int]) -> int:
    try:
        return asyncio.run(coro)
    except PluginError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"database unreachable: {exc}")
    except Exception as exc:  # one line for the operator, not a traceback
        if type(exc).__module__.startswith(("sqlalchemy", "asyncpg", "sqlite3")):
            return _fail(f"database error: {str(exc).splitlines()[0]}")
        raise


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the gateway with uvicorn."""
    import uvicorn

    from gateway.app import create_app

    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
    return 0


async def _upgrade(settings: Settings) -> int:
    from core.db import create_engine, session_factory
    from core.migrate import upgrade
    from core.orgs.catalogue import sync_catalogue

    pm = create_manager(settings)
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine, pm)
        async with session_factory(engine).begin() as session:
            await sync_catalogue(session=session, pm=pm)
    finally:
        await engine.dispose()
    print("database is at the latest revision (core and plugins)")
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    """Database maintenance."""
    return _run(_upgrade(settings))


def _progress(phase: str, done: int, total: int) -> None:
    """A progress bar on a terminal; one line per finished phase otherwise (logs, CI)."""
    if not sys.stderr.isatty():
        if done >= total:
            sys.stderr.write(f"{phase}: {total}\n")
        return
    width = 30
    filled = width if total <= 0 else int(width * done / total)
    sys.stderr.write(f"\r{phase:<24} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


async def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from core.db import create_engine
    from core.demo.loader import is_empty, load_demo

    pm = create_manager(settings)
    engine = create_engine(settings.database_url)
    try:
        if args.if_empty and not await is_empty(engine):
            print("demo city already loaded; nothing to do")
            return 0
        summary = await load_demo(
            engine=engine, pm=pm, scale=args.scale, seed=args.seed, progress=_progress
        )
        print(f"demo city loaded: {summary}")
        if args.calendar:
            await _demo_calendar(engine, settings)
            await _demo_assessment(engine)
    finally:
        await engine.dispose()
    return 0


async def _demo_calendar(engine: AsyncEngine, settings: Settings) -> None:
    """Generate this year's tasks of the demo city, so that every view has something."""
    from core.calendar.cli_ops import generate_year

    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    started = time.perf_counter()
    summary = await generate_year(engine=engine, year=today.year, today=today)
    print(
        f"calendar {today.year}: {summary.tasks_created} tasks "
        f"in {time.perf_counter() - started:.1f} s"
    )


async def _demo_assessment(engine: AsyncEngine) -> None:
    """Recompute the demo assessment now that the calendar's tasks exist."""
    from core.assessment.demo import recompute

    summary = await recompute(engine=engine)
    if summary is not None:
        print(f"assessment {summary.scheme}: {summary.organizations} results recomputed")


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Load the demo city."""
    if args.scale < 1:
        return _fail("--scale must be at least 1")
    return _run(_demo(args, settings))


async def _token(username: str, settings: Settings) -> int:
    from core.auth import tokens
    from core.auth.service import load_principal
    from core.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            principal = await load_principal(conn=conn, username=username)
    finally:
        await engine.dispose()
    if principal is None:
        return _fail(f"no active account named {username!r}")
    try:
        print(tokens.mint(settings=settings, username=username))
    except tokens.TokenError as exc:
        return _fail(str(exc))
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    """Mint a development bearer token for an account."""
    return _run(_token(args.username, settings))


def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    """Print the composed GraphQL schema (SDL)."""
    from gateway.schema import build_schema

    try:
        print(build_schema(create_manager(settings)).as_str())
    except PluginError as exc:
        return _fail(str(exc))
    return 0


def cmd_plugins(args: argparse.Namespace, settings: Settings) -> int:
    """List the installed plugins."""
    try:
        plugins = loaded_plugins(create_manager(settings))
    except PluginError as exc:
        return _fail(str(exc))
    for plugin in plugins:
        info = plugin.info
        print(f"{info.name}\t{info.version}\t{info.sector_code or '-'}\t{info.title}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of the `dutygraph` command."""
    top = argparse.ArgumentParser(prog="dutygraph", description="dutygraph 党建责任平台")
    sub = top.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the GraphQL gateway")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db)
    demo = sub.add_parser("demo", help="load the demo city")
    demo.add_argument("--scale", type=int, default=1)
    demo.add_argument("--seed", type=int, default=20261127)
    demo.add_argument("--if-empty", action="store_true", help="do nothing when data exists")
    demo.add_argument(
        "--no-calendar",
        dest="calendar",
        action="store_false",
        help="do not generate this year's tasks (`dutygraph calendar generate` does it later)",
    )
    demo.set_defaults(func=cmd_demo)
    token = sub.add_parser("token", help="mint a development token")
    token.add_argument("username")
    token.set_defaults(func=cmd_token)
    sub.add_parser("schema", help="print the GraphQL schema").set_defaults(func=cmd_schema)
    sub.add_parser("plugins", help="list installed plugins").set_defaults(func=cmd_plugins)
    register_all(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `dutygraph` console script."""
    args = parser().parse_args(argv)
    func: Command = args.func
    return func(args, get_settings())


if __name__ == "__main__":
    sys.exit(main())
