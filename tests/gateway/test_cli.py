"""The `dutygraph` command: token, schema, plugins, db upgrade errors."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from core.auth import tokens
from core.config import Settings
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
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["plugins"], monkeypatch) == 0
    assert any(
        line.startswith("soe\t") and "\tSOE\t" in line
        for line in capsys.readouterr().out.splitlines()
    )


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
    assert run(["demo", "--scale", "0"], monkeypatch) == 1
    assert "--scale" in capsys.readouterr().err


async def _in_thread(args: list[str], monkeypatch: pytest.MonkeyPatch, url: str) -> int:
    """The CLI runs its own event loop: call it from a worker thread inside async tests."""
    import asyncio

    return await asyncio.to_thread(run, args, monkeypatch, url)
