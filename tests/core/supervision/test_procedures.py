"""Procedure and checklist libraries: loading, versions, refusals with file:line, plugins."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import session_factory
from core.libraries.kinds import load_files
from core.libraries.reader import LibraryError
from core.plugins import PluginError
from core.supervision.library import parse
from core.supervision.models import Procedure, ProcedureStep
from gateway.app import create_runtime
from tests.conftest import GQL, settings_for
from tests.core.test_hooks import _sync, make_plugin, manager_with, post, url_of

FILE = """\
kind: procedure
urn: "urn:dutygraph:library:tmp:procedures"
version: "{version}"
title: 测试规程
procedures:
  - code: TMP-PROC
    title: 测试规程
    source: "《中国共产党支部工作条例（试行）》第十九条"
    categories: [STREET]
    steps:
      - code: S1
        title: 第一步
        guidance: 先做这个
        evidence: [记录]
{more}"""
SECOND = """\
      - code: S2
        title: 第二步
        guidance: 再做那个
        questions:
          - interviewee: 党员
            items: [你参加了吗？]
"""
PROCEDURES = """
query($kind: ProcedureKind, $category: String) {
  procedures(kind: $kind, categoryCode: $category) {
    code kind title source categories version
    steps { code position title guidance evidence severity questions { interviewee items } }
  }
}
"""


def _write(tmp: Path, version: str, more: str = SECOND, name: str = "proc.yaml") -> Path:
    path = tmp / name
    path.write_text(FILE.format(version=version, more=more), encoding="utf-8")
    return path


async def _load(engine: AsyncEngine, path: Path) -> str:
    async with session_factory(engine)() as session, session.begin():
        (result,) = await load_files(session=session, paths=[path], actor="admin")
        return result.describe()


async def _steps(engine: AsyncEngine) -> dict[str, bool]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(ProcedureStep.code, ProcedureStep.retired_at.is_(None)).order_by(
                ProcedureStep.position
            )
        )
        return {code: live for code, live in rows}


async def test_versions_update_by_code_and_retire(minimal: AsyncEngine, tmp_path: Path) -> None:
    assert "loaded: 1 added" in await _load(minimal, _write(tmp_path, "2026.1"))
    assert "already loaded" in await _load(minimal, _write(tmp_path, "2026.1"))
    assert await _steps(minimal) == {"S1": True, "S2": True}
    assert "upgraded from 2026.1" in await _load(minimal, _write(tmp_path, "2026.2", more=""))
    assert await _steps(minimal) == {"S1": True, "S2": False}  # kept, retired
    assert "older than the loaded" in await _load(minimal, _write(tmp_path, "2026.1"))
    async with minimal.connect() as conn:
        version = await conn.scalar(select(Procedure.version).where(Procedure.code == "TMP-PROC"))
    assert version == 2
    changed = _write(tmp_path, "2026.2", more=SECOND)
    with pytest.raises(LibraryError, match="same version"):
        await _load(minimal, changed)


BAD: list[tuple[str, str, int, str]] = [
    ("        guidance: 先做这个\n", "", 11, "lacks guidance"),
    (
        "    categories: [STREET]\n",
        "    categories: [STREET]\n    colour: red\n",
        10,
        "unknown key",
    ),
    ("《中国共产党支部工作条例（试行）》第十九条", "支部工作条例", 8, "《…》"),
    ("        evidence: [记录]\n", "        severity: FATAL\n", 14, "severity"),
    ("      - code: S2\n", "      - code: S1\n", 15, "step code twice"),
    ("kind: procedure\n", "kind: inspection_checklist\n", 5, "checklists"),
]


@pytest.mark.parametrize(("old", "new", "line", "reason"), BAD)
def test_refusals_name_file_and_line(old: str, new: str, line: int, reason: str) -> None:
    text = FILE.format(version="1", more=SECOND).replace(old, new, 1)
    with pytest.raises(LibraryError) as refused:
        parse(text, path="bad.yaml")
    assert str(refused.value).startswith(f"bad.yaml:{line}:"), str(refused.value)
    assert reason in str(refused.value)


async def test_an_unknown_category_is_refused_against_the_database(
    minimal: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "cat.yaml"
    path.write_text(
        FILE.format(version="1", more="").replace("[STREET]", "[STREET, NO_SUCH]"),
        encoding="utf-8",
    )
    with pytest.raises(LibraryError, match=r"cat.yaml:9: .*NO_SUCH"):
        await _load(minimal, path)
    async with minimal.connect() as conn:
        assert (await conn.execute(select(Procedure.id))).first() is None


async def test_a_plugin_procedure_loads_when_enabled(minimal: AsyncEngine, tmp_path: Path) -> None:
    path = _write(tmp_path, "1")
    pm = manager_with(url_of(minimal), make_plugin(dutygraph_libraries=lambda: [path]))
    await _sync(minimal, pm)
    enable = (
        'mutation { enablePlugin(input: {name: "tmp"}) { plugin { enabled } errors { code } } }'
    )
    body = await post(minimal, pm, enable)
    assert body["data"]["enablePlugin"] == {"plugin": {"enabled": True}, "errors": []}
    found = await post(
        minimal, pm, "{ procedures { code kind steps { code questions { interviewee items } } } }"
    )
    (procedure,) = found["data"]["procedures"]
    assert procedure["code"] == "TMP-PROC" and procedure["kind"] == "PROCEDURE"
    assert [s["code"] for s in procedure["steps"]] == ["S1", "S2"]
    assert procedure["steps"][1]["questions"] == [
        {"interviewee": "党员", "items": ["你参加了吗？"]}
    ]


async def test_a_malformed_plugin_procedure_fails_start_up(
    minimal: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        textwrap.dedent(FILE.format(version="1", more="")).replace("guidance: 先做这个", "x: 1"),
        encoding="utf-8",
    )
    pm = manager_with(url_of(minimal), make_plugin(dutygraph_libraries=lambda: [path]))
    with pytest.raises(PluginError, match=r"broken.yaml:13: "):
        create_runtime(settings_for(url_of(minimal)), pm=pm, engine=minimal)


async def test_the_demo_ships_the_sources_procedures(gql: GQL) -> None:
    body = await gql(PROCEDURES, {"kind": "PROCEDURE"})
    found: dict[str, Any] = {p["code"]: p for p in body["data"]["procedures"]}
    assert {
        "CADRE-INSPECTION",
        "TOWN-STREET-RULES",
        "VILLAGE-RULES",
        "SOCIAL-ORG-RULES",
        "PRIVATE-ENTERPRISE-GUIDE",
    } <= set(found)
    cadre = found["CADRE-INSPECTION"]
    talks = next(s for s in cadre["steps"] if s["questions"])
    asked = [q for group in talks["questions"] for q in group["items"]]
    assert len(asked) == 10 and asked[0].startswith("一问") and asked[-1].startswith("十问")
    assert len(talks["questions"]) == 5
    checklists = await gql(PROCEDURES, {"kind": "CHECKLIST", "category": "COMMUNITY"})
    codes = {p["code"] for p in checklists["data"]["procedures"]}
    assert "FIXED-DAY-INSPECTION" in codes and "SOCIAL-ORG-EVALUATION" not in codes


async def test_procedures_need_a_principal(gql: GQL) -> None:
    body = await gql("{ procedures { code } }", user=None, status=401)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
