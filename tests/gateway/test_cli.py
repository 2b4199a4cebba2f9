"""The `dutygraph` command: token, schema, plugins, db upgrade errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit.models import AuditEvent
from core.auth import tokens
from core.config import Settings
from core.duties.models import DutyLibrary
from gateway import cli


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, url: str | None = None) -> int:
    if url is not None:
        monkeypatch.setenv("DUTYGRAPH_DATABASE_URL", url)
    cli.get_settings.cache_clear()
    try:
        return cli.main(args)
    finally:
        cli.get_settings.cache_clear()


def test_schema_prints_sdl(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["schema"], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "type Organization implements Node" in out and "forceMap(withinCode: String!)" in out


def test_plugins_lists_soe(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # no database yet: the installed plugins are listed, their state is unknown
    url = f"sqlite+aiosqlite:///{tmp_path / 'none.db'}"
    assert run(["plugins"], monkeypatch, url) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if " soe " in line)
    assert " SOE " in row and "未知" in row
    assert "dutygraph db upgrade" in out


async def test_token_for_existing_account(
    minimal: AsyncEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    code = await _in_thread(["token", "xihu"], monkeypatch, url)
    token = capsys.readouterr().out.strip()
    assert code == 0
    assert tokens.verify(settings=Settings(), token=token) == "xihu"


async def test_token_for_unknown_account_is_one_line_error(
    minimal: AsyncEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    assert await _in_thread(["token", "nobody"], monkeypatch, url) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nobody" in err


def test_unreachable_database_is_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["db", "upgrade"], monkeypatch, "postgresql+asyncpg://postgres@127.0.0.1:1/x") == 1
    err = capsys.readouterr().err
    assert err.startswith("dutygraph: error:") and err.count("\n") == 1 and "Traceback" not in err


def test_demo_refuses_bad_scale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["demo", "--scale", "0"], monkeypatch) == 2  # a usage error, as click exits
    assert "--scale" in capsys.readouterr().err


async def _in_thread(args: list[str], monkeypatch: pytest.MonkeyPatch, url: str) -> int:
    """The CLI runs its own event loop: call it from a worker thread inside async tests."""
    import asyncio

    return await asyncio.to_thread(run, args, monkeypatch, url)


def test_version(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"], monkeypatch) == 0
    assert capsys.readouterr().out.strip() == "dutygraph 0.1.0"


def _commands(command: Any, path: str = "dutygraph") -> list[tuple[str, Any]]:
    """Every command of a (typer's own) click command tree, with its path."""
    found = [(path, command)]
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            found += _commands(sub, f"{path} {name}")
    return found


def test_every_command_and_option_has_help_and_shows_its_default() -> None:
    import typer

    root = typer.main.get_command(cli.app)
    missing = []
    for path, command in _commands(root):
        if not (command.help or "").strip():
            missing.append(path)
        for param in command.params:
            if param.name in ("help",):
                continue
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{path} {param.name}")
            option = param.param_type_name == "option"
            if option and not param.is_flag and param.required is False:
                shown = param.show_default
                assert shown, f"{path} --{param.name} does not show its default"
    assert missing == [], missing
    names = {path for path, _ in _commands(root)}
    assert {
        "dutygraph demo",
        "dutygraph plugins enable",
        "dutygraph plugins disable",
        "dutygraph calendar generate",
        "dutygraph remind",
        "dutygraph audit verify",
        "dutygraph library load",
    } <= names


def test_help_is_readable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["demo", "--help"], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "--scale" in out and "[default: 1]" in out and "--seed" in out and "20261127" in out
    assert run(["serve", "--help"], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "Address to listen on" in out and "[default: 8000]" in out


async def test_plugins_enable_and_disable(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = engine.url.render_as_string(hide_password=False)

    async def plugins(*args: str) -> tuple[int, str]:
        code = await _in_thread(["plugins", *args], monkeypatch, url)
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    assert await _in_thread(["db", "upgrade"], monkeypatch, url) == 0  # syncs the catalogue
    code, out = await plugins()
    assert code == 0 and "未启用" in next(line for line in out.splitlines() if " soe " in line)
    assert await plugins("enable", "soe") == (0, "插件 soe 已启用\n")
    code, out = await plugins()
    assert "已启用" in next(line for line in out.splitlines() if " soe " in line)
    async with engine.connect() as conn:
        events = (
            await conn.execute(
                select(AuditEvent.action, AuditEvent.actor_username).where(
                    AuditEvent.entity_type == "Plugin"
                )
            )
        ).all()
        libraries = await conn.scalar(
            select(func.count()).select_from(DutyLibrary).where(DutyLibrary.plugin == "soe")
        )
    # the five-part list and the liaison duties (plugins/soe/liaison.py)
    assert [tuple(e) for e in events] == [("plugin.enable", "cli")] and libraries == 2
    assert (await plugins("disable", "soe"))[0] == 0
    code, out = await plugins()
    assert "未启用" in next(line for line in out.splitlines() if " soe " in line)
    code, out = await plugins("enable", "nope")
    assert code == 1 and out.startswith("dutygraph: error:") and out.count("\n") == 1


def test_legacy_argparse_modules_still_mount(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command module in the earlier argparse style runs unchanged under typer."""
    import argparse

    import typer

    from gateway.commands import legacy

    def handler(args: argparse.Namespace, settings: Settings) -> int:
        assert isinstance(settings, Settings)
        print(f"verify {args.id} strict={args.strict} tz={settings.timezone}")
        return 3 if args.strict else 0

    def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
        spot = sub.add_parser("spotcheck", help="spot checks")
        actions = spot.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="verify one")
        verify.add_argument("id")
        verify.add_argument("--strict", action="store_true")
        verify.set_defaults(func=handler)

    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """test app"""

    legacy(app, register)
    command = typer.main.get_command(app)
    with pytest.raises(SystemExit) as exited:
        command.main(["spotcheck", "verify", "SC-1", "--strict"], prog_name="dutygraph")
    assert exited.value.code == 3
    assert capsys.readouterr().out == "verify SC-1 strict=True tz=Asia/Shanghai\n"
