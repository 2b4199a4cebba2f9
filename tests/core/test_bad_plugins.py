"""Bad sector plugins stop start-up (or enablePlugin) naming the plugin and the file, and
nothing is half-enabled."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.duties.models import DutyLibrary
from core.plugin_admin.models import PluginState
from core.plugins import PluginError
from core.specs import AssessmentInput
from gateway.app import create_runtime
from gateway.schema import build_schema
from tests.conftest import client_for, settings_for, token_for
from tests.core.test_hooks import make_plugin, manager_with, url_of

ROOT = Path(__file__).resolve().parents[2]
DUTIES = "urn: urn:dutygraph:library:tmp:duties\nversion: '1'\nduties: []\n"
ITEMS = """urn: "urn:dutygraph:assessment:DJKH-2026:tmp"
version: "1"
kind: assessment_items
plugin: tmp
extends: DJKH-2026
categories: [TOWN]
items:
  - section: ORG
    code: TMP-ITEM
    title: 临时项目
    max: 10
    score: "{score}"
"""


async def _nothing(session: Any, year: int, org_ids: Any) -> dict[int, float]:
    return {}


def test_item_naming_an_unknown_input_stops_start_up(tmp_path: Path) -> None:
    items = tmp_path / "items.yaml"
    items.write_text(ITEMS.format(score="10 * nosuch.rate"), encoding="utf-8")
    pm = manager_with("sqlite+aiosqlite://", make_plugin(dutygraph_libraries=lambda: [items]))
    with pytest.raises(PluginError) as caught:
        create_runtime(settings_for("sqlite+aiosqlite://"), pm=pm)
    message = str(caught.value)
    assert "'tmp'" in message and "items.yaml:12" in message and "nosuch.rate" in message


async def test_item_naming_an_unknown_input_refuses_enable_and_loads_nothing(
    minimal: AsyncEngine, tmp_path: Path
) -> None:
    duties, items = tmp_path / "duties.yaml", tmp_path / "items.yaml"
    duties.write_text(DUTIES, encoding="utf-8")
    items.write_text(ITEMS.format(score="10 * tasks.on_time_rate"), encoding="utf-8")
    plugin = make_plugin(dutygraph_libraries=lambda: [duties, items])
    pm = manager_with(url_of(minimal), plugin)
    runtime = create_runtime(settings_for(url_of(minimal)), pm=pm, engine=minimal)  # starts
    items.write_text(ITEMS.format(score="10 * tasks.no_such_rate"), encoding="utf-8")
    async with client_for(runtime) as client:
        response = await client.post(
            "/graphql",
            json={
                "query": 'mutation { enablePlugin(input: {name: "tmp"}) { plugin { enabled } errors { code message } } }'
            },
            headers={"Authorization": f"Bearer {token_for(runtime, 'admin')}"},
        )
    payload = response.json()["data"]["enablePlugin"]
    assert payload["plugin"] is None and payload["errors"][0]["code"] == "INVALID"
    assert (
        "tmp" in payload["errors"][0]["message"]
        and "items.yaml:12" in payload["errors"][0]["message"]
    )
    async with minimal.connect() as conn:
        state = await conn.scalar(select(PluginState.enabled).where(PluginState.name == "tmp"))
        loaded = await conn.scalar(select(func.count()).select_from(DutyLibrary))
    assert state is None and loaded == 0  # the good duties file before it did not load either


def test_input_outside_the_plugin_namespace_is_refused() -> None:
    bad = AssessmentInput("tasks.mine", "冒名输入", "count", _nothing)
    with pytest.raises(PluginError) as caught:
        manager_with("sqlite+aiosqlite://", make_plugin(dutygraph_assessment_inputs=lambda: [bad]))
    assert "'tmp'" in str(caught.value) and "tmp.<name>" in str(caught.value)


def test_colliding_organization_field_names_both_plugins() -> None:
    @strawberry.type
    class Clash:
        @strawberry.field
        def edu_profile(self) -> int:
            return 1

    pm = manager_with(
        "sqlite+aiosqlite://",
        make_plugin(dutygraph_type_extensions=lambda: {"Organization": [Clash]}),
    )
    with pytest.raises(PluginError) as caught:
        build_schema(pm)
    assert "'eduProfile'" in str(caught.value) or "'edu_profile'" in str(caught.value)
    assert "'education'" in str(caught.value) and "'tmp'" in str(caught.value)


def test_missing_migration_folder_stops_start_up(tmp_path: Path) -> None:
    gone = tmp_path / "versions"
    with pytest.raises(PluginError) as caught:
        manager_with("sqlite+aiosqlite://", make_plugin(dutygraph_migrations=lambda: gone))
    assert "'tmp'" in str(caught.value) and "migration branch 'tmp' not found" in str(caught.value)


def test_tables_without_a_migration_branch_stop_start_up(tmp_path: Path) -> None:
    package = tmp_path / "tablesonly"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from sqlalchemy import Integer
            from sqlalchemy.orm import Mapped, mapped_column

            from core import hookimpl
            from core.db import Base
            from core.specs import PluginInfo


            class Thing(Base):
                __tablename__ = "tablesonly_thing"
                id: Mapped[int] = mapped_column(Integer, primary_key=True)


            @hookimpl
            def dutygraph_plugin_info() -> PluginInfo:
                return PluginInfo(name="tablesonly", title="无迁移", version="1")
            """
        ),
        encoding="utf-8",
    )
    probe = textwrap.dedent(
        """
        from core.config import Settings
        from core.plugins import PluginError, create_manager, register_module_path
        pm = create_manager(Settings())
        try:
            register_module_path(pm, "tablesonly", "tablesonly")
        except PluginError as exc:
            print(exc)
        """
    )  # a subprocess: the table must not join this process's metadata
    run = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "plugin 'tablesonly'" in run.stdout and "tablesonly/__init__.py" in run.stdout
    assert "tablesonly_thing" in run.stdout and "no migration branch" in run.stdout
