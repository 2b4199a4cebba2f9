"""`dutygraph library load FILE [FILE...]`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.config import get_settings
from core.db import session_factory
from core.duties.models import Duty, DutyLibrary
from core.duties.service import core_library_files
from core.orgs.catalogue import sync_catalogue
from core.plugins import create_manager
from gateway import cli
from plugins.soe.library import LIBRARY_PATH as SOE_LIBRARY
from tests.conftest import settings_for


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, url: str) -> int:
    monkeypatch.setenv("DUTYGRAPH_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        return cli.main(args)
    finally:
        get_settings.cache_clear()


async def in_thread(args: list[str], monkeypatch: pytest.MonkeyPatch, engine: AsyncEngine) -> int:
    """The CLI runs its own event loop: call it from a worker thread inside async tests."""
    url = engine.url.render_as_string(hide_password=False)
    return await asyncio.to_thread(run, args, monkeypatch, url)


async def catalogue(engine: AsyncEngine) -> None:
    pm = create_manager(settings_for(engine.url.render_as_string(hide_password=False)))
    async with session_factory(engine).begin() as session:
        await sync_catalogue(session=session, pm=pm)


async def counts(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as conn:
        libraries = await conn.scalar(select(func.count()).select_from(DutyLibrary))
        duties = await conn.scalar(select(func.count()).select_from(Duty))
    return int(libraries or 0), int(duties or 0)


async def test_load_prints_what_it_did(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await catalogue(engine)
    files = [str(p) for p in [*core_library_files(), SOE_LIBRARY]]
    assert await in_thread(["library", "load", *files], monkeypatch, engine) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("loaded: 155 added, 0 updated, 0 retired"), lines
    assert "urn:dutygraph:library:soe:duties 2026.1 loaded" in lines[2]
    async with engine.connect() as conn:
        owners = dict((await conn.execute(select(DutyLibrary.urn, DutyLibrary.plugin))).all())
    assert owners["urn:dutygraph:library:soe:duties"] == "soe"  # from the file's `plugin:`
    assert await in_thread(["library", "load", files[0]], monkeypatch, engine) == 0
    assert "already loaded, nothing to do" in capsys.readouterr().out


async def test_a_bad_file_is_one_line_and_nothing_is_loaded(
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    await catalogue(engine)
    bad = tmp_path / "bad.yaml"
    text = core_library_files()[0].read_text(encoding="utf-8")
    bad.write_text(text.replace("category: VILLAGE\n", "category: HAMLET\n"), encoding="utf-8")
    line = text.split("category: VILLAGE\n")[0].count("\n") + 1
    code = await in_thread(
        ["library", "load", str(core_library_files()[1]), str(bad)], monkeypatch, engine
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"bad.yaml:{line}: " in err and "HAMLET" in err
    assert await counts(engine) == (0, 0)  # the first, good file was rolled back too
