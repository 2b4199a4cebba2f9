"""The `dutygraph` command (typer + rich): serve, db upgrade, token, schema, and every
domain's commands from `gateway.commands` (demo, plugins, calendar, remind, audit, library).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import metadata

import typer

from core.config import Settings, get_settings
from core.plugins import PluginError, create_manager
from gateway import console
from gateway.commands import register_all

__all__ = ["app", "get_settings", "invoke", "main"]

app = typer.Typer(
    name="dutygraph",
    help="dutygraph 党建责任平台：组织、职责、行事历、督查与考核的 GraphQL 服务。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def version() -> str:
    """The installed distribution's version."""
    try:
        return metadata.version("dutygraph")
    except metadata.PackageNotFoundError:
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        print(f"dutygraph {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Print the version and exit.",
        callback=_show_version,
        is_eager=True,
    ),
) -> None:
    """dutygraph 党建责任平台：组织、职责、行事历、督查与考核的 GraphQL 服务。"""


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port to listen on."),
    workers: int = typer.Option(
        1, min=1, max=64, help="Worker processes (one per core; each has its own pool)."
    ),
) -> None:
    """Serve the GraphQL gateway (GraphiQL at /graphql outside production)."""
    import uvicorn

    from core.config import ConfigError, require_production_ready

    try:
        require_production_ready(console.settings())
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc

    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="auto",  # uvloop and httptools (dependencies) when the platform has them
        http="auto",
        log_level="info",
        access_log=False,
    )


db = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db, name="db")


async def _upgrade() -> None:
    from core.db import create_engine, session_factory
    from core.migrate import upgrade
    from core.orgs.catalogue import sync_catalogue

    settings = console.settings()
    pm = create_manager(settings)
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine, pm)
        async with session_factory(engine).begin() as session:
            await sync_catalogue(session=session, pm=pm)
    finally:
        await engine.dispose()


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the core and every plugin to the latest revision; sync the catalogue."""
    console.run(_upgrade())
    console.out.print("数据库已是最新版本（核心与插件）")


async def _token(username: str) -> str | None:
    from core.auth import tokens
    from core.auth.service import load_principal
    from core.db import create_engine

    settings = console.settings()
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            principal = await load_principal(conn=conn, username=username)
    finally:
        await engine.dispose()
    if principal is None:
        return None
    try:
        return tokens.mint(settings=settings, username=username)
    except tokens.TokenError as exc:
        console.fail(str(exc))


@app.command()
def token(
    username: str = typer.Argument(
        ..., help="An active account, e.g. admin, xihu, soe-lead, sec-330106."
    ),
) -> None:
    """Mint a development bearer token (refused in production). Paste it into GraphiQL's
    Headers tab as {"Authorization": "Bearer <token>"}."""
    minted = console.run(_token(username))
    if minted is None:
        console.fail(f"no active account named {username!r}")
    print(minted)


@app.command()
def schema() -> None:
    """Print the composed GraphQL schema (SDL): core plus installed plugins."""
    from gateway.schema import build_schema

    try:
        print(build_schema(create_manager(console.settings())).as_str())
    except PluginError as exc:
        console.fail(str(exc))


register_all(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `dutygraph` console script; returns the exit code."""
    command = typer.main.get_command(app)
    try:
        command.main(args=list(argv) if argv is not None else None, prog_name="dutygraph")
    except SystemExit as exc:  # click (and argparse in a legacy module) exit this way
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    return 0


def invoke(argv: Sequence[str], settings: Settings) -> int:
    """Run a command with these settings instead of the environment's (tests, embedding)."""
    token = console.SETTINGS.set(settings)
    try:
        return main(argv)
    finally:
        console.SETTINGS.reset(token)


if __name__ == "__main__":
    sys.exit(main())
