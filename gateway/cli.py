"""The `dutygraph` command (typer + rich): serve, db upgrade, token, schema, and every
domain's commands from `gateway.commands` (demo, plugins, calendar, remind, audit, library).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

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
    subgraph: str | None = typer.Option(
        None,
        help="Serve one Apollo Federation 2 subgraph instead of the whole schema: `core` or "
        "an installed plugin's name (see `dutygraph supergraph`, docs/federation.md).",
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

    factory = "gateway.app:create_app"
    keep_alive = 5  # uvicorn's default
    if subgraph is not None:
        from gateway.federation.app import SUBGRAPH_ENV
        from gateway.federation.subgraph import names

        choices = names(create_manager(console.settings()))
        if subgraph not in choices:
            console.fail(f"no subgraph named {subgraph!r}: choose one of {', '.join(choices)}")
        os.environ[SUBGRAPH_ENV] = subgraph  # read by the factory in every worker
        factory = "gateway.federation.app:create_subgraph_app"
        # the router pools its connections to subgraphs: outlive its idle timeout
        keep_alive = 75
    uvicorn.run(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="auto",  # uvloop and httptools (dependencies) when the platform has them
        http="auto",
        log_level="info",
        access_log=False,
        timeout_keep_alive=keep_alive,
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
def schema(
    subgraph: str | None = typer.Option(
        None, help="Print one Federation 2 subgraph's SDL instead (`core` or a plugin's name)."
    ),
) -> None:
    """Print the composed GraphQL schema (SDL): core plus installed plugins."""
    from gateway.schema import build_schema

    pm = create_manager(console.settings())
    try:
        if subgraph is None:
            print(build_schema(pm).as_str())
            return
        from gateway.federation.sdl import subgraph_sdl
        from gateway.federation.subgraph import build_subgraph

        print(subgraph_sdl(build_subgraph(pm, subgraph)), end="")
    except PluginError as exc:
        console.fail(str(exc))


@app.command()
def supergraph(
    out: Path | None = typer.Option(
        None, help="Write the supergraph here (make supergraph: deploy/supergraph.graphql)."
    ),
    url: list[str] = typer.Option(
        [],
        help="A subgraph's URL as NAME=URL (repeatable); the others follow --url-template.",
    ),
    url_template: str = typer.Option(
        "http://dutygraph-{service}:8000/graphql",
        help="Each subgraph's URL; {service} is its name with _ as - (deploy/'s services).",
    ),
    deploy: bool = typer.Option(
        False,
        "--deploy",
        help="Also write deploy/compose.federation.yaml and deploy/k8s/federation/ for "
        "every subgraph (make supergraph).",
    ),
) -> None:
    """Compose the Federation 2 supergraph of the core and every installed plugin (needs
    Node.js and `make router-deps`); composition errors name the subgraph at fault."""
    from gateway.federation import supergraph as sg

    overrides: dict[str, str] = {}
    for item in url:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            console.fail(f"--url {item!r}: expected NAME=URL")
        overrides[name] = value
    try:
        parts = sg.subgraphs(create_manager(console.settings()), overrides, url_template)
        composed = sg.compose(parts)
    except (PluginError, sg.CompositionError) as exc:
        console.fail(str(exc))
    if out is None:
        print(composed, end="")
    else:
        out.write_text(composed, encoding="utf-8")
        console.out.print(f"已写入 {out}")
    if deploy:
        from gateway.federation import deploy as deploy_files

        for path, content in deploy_files.files([p.name for p in parts], composed).items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            console.out.print(f"已写入 {path}")


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
