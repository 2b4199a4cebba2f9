"""Plugin loading failures: each stops start-up with a message naming the plugin and file."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from core import hookimpl
from core.plugins import create_manager, register
from gateway.schema import build_schema
from tests.conftest import settings_for
from tests.core.test_hooks import TmpOrgFields, make_plugin, manager_with

PLUGIN_SOURCE = """
import strawberry
from core import hookimpl
from core.specs import PluginInfo


@strawberry.type(name="SharedThing")
class SharedThing:
    x: int


@strawberry.type
class Q:
    @strawberry.field
    def {name}_thing(self) -> SharedThing:
        return SharedThing(x=1)


@hookimpl
def dutygraph_plugin_info() -> PluginInfo:
    return PluginInfo(name="{name}", title="{name}", version="1")


@hookimpl
def dutygraph_query_fields() -> list[type]:
    return [Q]
"""


def test_duplicate_type_name_fails_naming_both_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.plugins import PluginError, register_module_path

    for name in ("dup_one", "dup_two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(PLUGIN_SOURCE.replace("{name}", name))
    monkeypatch.syspath_prepend(str(tmp_path))
    pm = create_manager(settings_for("sqlite+aiosqlite://"))
    register_module_path(pm, "dup_one", "dup_one")
    register_module_path(pm, "dup_two", "dup_two")
    with pytest.raises(PluginError) as caught:
        build_schema(pm)
    message = str(caught.value)
    assert "SharedThing" in message and "'dup_one'" in message and "'dup_two'" in message
    assert str(tmp_path / "dup_one" / "__init__.py") in message


def test_extending_an_unknown_type_fails_naming_the_plugin() -> None:
    from core.plugins import PluginError

    pm = manager_with(
        "sqlite+aiosqlite://",
        make_plugin(dutygraph_type_extensions=lambda: {"Nope": [TmpOrgFields]}),
    )
    with pytest.raises(PluginError, match=r"'tmp'.*'Nope'"):
        build_schema(pm)


def test_plugin_without_info_is_refused() -> None:
    from core.plugins import PluginError

    module = types.ModuleType("tmp_plugin_noinfo")
    module.__file__ = "/plugins/noinfo/__init__.py"
    module.dutygraph_query_fields = hookimpl(lambda: [])  # type: ignore[attr-defined]
    pm = create_manager(settings_for("sqlite+aiosqlite://"))
    with pytest.raises(PluginError, match="noinfo"):
        register(pm, "noinfo", module)


def test_unknown_hook_is_refused_naming_the_plugin() -> None:
    from core.plugins import PluginError

    module = make_plugin("typo", dutygraph_plugn_info=lambda: None)
    module.__file__ = "/plugins/typo/__init__.py"
    pm = create_manager(settings_for("sqlite+aiosqlite://"))
    with pytest.raises(PluginError, match="typo"):
        register(pm, "typo", module)


def test_broken_library_file_stops_start_up_naming_plugin_and_file(tmp_path: Path) -> None:
    from core.plugins import PluginError
    from gateway.app import create_runtime

    broken = tmp_path / "broken.yaml"
    broken.write_text("urn: [unclosed\n", encoding="utf-8")
    pm = manager_with("sqlite+aiosqlite://", make_plugin(dutygraph_libraries=lambda: [broken]))
    with pytest.raises(PluginError) as caught:
        create_runtime(settings_for("sqlite+aiosqlite://"), pm=pm)
    assert "'tmp'" in str(caught.value) and "broken.yaml" in str(caught.value)


def test_entry_point_that_fails_to_import_names_the_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint

    from core import plugins
    from core.plugins import PluginError

    broken = EntryPoint(
        name="ghost", value="no_such_module_anywhere", group=plugins.ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(plugins, "entry_points", lambda group: [broken])
    with pytest.raises(PluginError, match=r"ghost.*no_such_module_anywhere"):
        plugins.create_manager(settings_for("sqlite+aiosqlite://"))


def test_allow_and_deny_lists_filter_installed_plugins() -> None:
    from core.config import Settings
    from core.plugins import create_manager, loaded_plugins

    five = ["education", "health", "private_enterprise", "social_org", "soe"]
    assert [p.name for p in loaded_plugins(create_manager(Settings()))] == five
    denied = create_manager(Settings(plugins_deny=("soe",)))
    assert [p.name for p in loaded_plugins(denied)] == five[:4]
    assert loaded_plugins(create_manager(Settings(plugins_deny=tuple(five)))) == []
    allowed = create_manager(Settings(plugins_allow=("health",)))
    assert [p.name for p in loaded_plugins(allowed)] == ["health"]
    assert loaded_plugins(create_manager(Settings(plugins_allow=("other",)))) == []
