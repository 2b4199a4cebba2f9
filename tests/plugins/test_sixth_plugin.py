"""Proof of extensibility: a sixth sector plugin, outside this tree (tests/fixtures/law_firms,
its own pyproject.toml), pip-installed into a temporary virtual environment, adds a
category, a checklist, an indicator, an assessment item and an Organization field — shown
in the schema and in answers, with no file outside the fixture changed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "law_firms"
DOCS = ROOT / "docs" / "plugins.md"


def _environ(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    return {**env, **extra}


@pytest.fixture(scope="module")
def plugin_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a new virtual environment that sees this project's environment (its
    dependencies and dutygraph itself) and has the fixture plugin pip-installed."""
    env = tmp_path_factory.mktemp("sixth") / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = subprocess.run(
        [str(python), "-c", where], check=True, capture_output=True, text=True
    ).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "dutygraph_parent.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n", encoding="utf-8"
    )
    source = tmp_path_factory.mktemp("sixth-build") / "law_firms"  # pip builds in a copy
    shutil.copytree(FIXTURE, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    pip = [str(python), "-m", "pip", "install", "--quiet", "--no-deps"]
    subprocess.run(
        [*pip, str(source)],
        check=True,
        capture_output=True,
        text=True,
        env=_environ(),
    )
    return python


@pytest.fixture(scope="module")
def answers(plugin_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("sixth-db") / "city.db"
    run = subprocess.run(
        [str(plugin_python), str(ROOT / "tests" / "plugins" / "sixth_probe.py"),
         f"sqlite+aiosqlite:///{db}"],
        capture_output=True, text=True, cwd=ROOT, env=_environ(PYTHONPATH=str(ROOT)),
        timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    found: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return found


def test_the_fixture_is_not_installed_here() -> None:
    from importlib.metadata import entry_points

    assert "law_firms" not in {ep.name for ep in entry_points(group="dutygraph.plugins")}
    assert "dutygraph_law_firms" not in sys.modules


def test_sixth_plugin_shows_in_the_schema(answers: dict[str, Any]) -> None:
    assert "law_firms" in answers["installed"]
    sdl = answers["sdl"]
    assert "lawFirmProfile: LawFirmProfile" in sdl
    assert "updateLawFirmProfile(input: UpdateLawFirmProfileInput!)" in sdl
    assert re.search(r"type LawFirmProfile \{[^}]*memberLawyers: Int!", sdl)


def test_sixth_plugin_answers(answers: dict[str, Any]) -> None:
    assert answers["enable"]["data"]["enablePlugin"]["errors"] == []
    assert answers["created"]["data"]["createOrganization"]["errors"] == []
    profile = answers["profile"]["data"]["updateLawFirmProfile"]
    assert profile == {"profile": {"lawyers": 40, "memberLawyers": 12, "version": 1}, "errors": []}
    read = answers["read"]["data"]
    org = read["organization"]
    assert org["category"] == {
        "code": "LAW_FIRM",
        "name": "律师事务所",
        "sector": {"code": "LAW_FIRM"},
    }
    assert org["lawFirmProfile"] == {"lawyers": 40, "memberLawyers": 12, "version": 1}
    nodes = [e["node"] for e in read["categories"]["edges"]]
    checklist = next(c for c in nodes if c["code"] == "LAW_FIRM")
    codes = {d["code"] for d in checklist["dutyDescription"]["duties"]}
    assert codes == {"LAW-FIRM-DECISION", "LAW-FIRM-THEME-DAY"}
    assert "law_member_lawyers" in {i["code"] for i in read["reportForm"]["indicators"]}
    scheme = read["assessmentScheme"]
    assert "LAW_FIRM" in {c["code"] for c in scheme["categories"]}
    assert "LAW-MEMBER-LAWYERS" in {i["code"] for s in scheme["sections"] for i in s["items"]}
    assert {"name": "law_firms", "enabled": True} in read["plugins"]


def _blocks(markdown: str) -> dict[str, str]:
    """The tutorial's code blocks that name a fixture file: ```python file=PATH."""
    pattern = re.compile(r"^```\w+ file=(\S+)\n(.*?)^```$", re.M | re.S)
    return {path: body for path, body in pattern.findall(markdown)}


def test_tutorial_code_is_the_fixture_code() -> None:
    blocks = _blocks(DOCS.read_text(encoding="utf-8"))
    files = sorted(
        str(p.relative_to(FIXTURE))
        for p in FIXTURE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)
    )
    assert sorted(blocks) == files
    for path, body in blocks.items():
        assert body == (FIXTURE / path).read_text(encoding="utf-8"), path
    python = [b for p, b in blocks.items() if p.endswith(".py")]
    assert sum(len(b.splitlines()) for b in python) < 200
