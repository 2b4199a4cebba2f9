"""Sub-commands that domains add to `dutygraph`: one module each, with `register(app)`.

A module adds its commands to the typer application:

    def register(app: typer.Typer) -> None:
        group = typer.Typer(help="…")
        app.add_typer(group, name="spotcheck")

        @group.command("verify")
        def verify(spot_check_id: str = typer.Argument(..., help="…")) -> None: ...

Modules written for the earlier argparse CLI (`register(sub)` with
`sub: argparse._SubParsersAction`, handlers `(args, settings) -> int` set with
`set_defaults(func=…)`) still work: their parsers are mounted as typer commands that pass
the arguments through (`legacy`). Convert them when convenient (docs/cli.md).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
from types import ModuleType
from typing import Any

import typer

from gateway import console

MODULES: list[str] = [
    "audit",
    "calendar",
    "demo",
    "library",
    "plugins",
    "remind",
    "assessment",
    "spotcheck",
]


def _is_legacy(module: ModuleType) -> bool:
    """A module whose `register` takes argparse sub-parsers rather than a typer app."""
    params = list(inspect.signature(module.register).parameters.values())
    annotation = str(params[0].annotation) if params else ""
    return "Typer" not in annotation


def legacy(app: typer.Typer, register: Any) -> None:
    """Mount an argparse-style module's commands on the typer app, arguments passed through."""
    parser = argparse.ArgumentParser(prog="dutygraph")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    for name, command_parser in sub.choices.items():
        helps = {action.dest: action.help for action in sub._choices_actions}
        _mount(app, parser, name, helps.get(name) or command_parser.description or "")


def _mount(app: typer.Typer, parser: argparse.ArgumentParser, name: str, text: str) -> None:
    @app.command(
        name,
        help=text,
        add_help_option=False,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )
    def passthrough(ctx: typer.Context) -> None:
        args = parser.parse_args([name, *ctx.args])
        raise typer.Exit(args.func(args, console.settings()))


def register_all(app: typer.Typer) -> None:
    """Let every command module add its sub-commands."""
    for name in MODULES:
        module = importlib.import_module(f"gateway.commands.{name}")
        if _is_legacy(module):
            legacy(app, module.register)
        else:
            module.register(app)
