"""The plugin manager: entry-point discovery, allow/deny lists, per-plugin hook calls."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from core import hookspecs
from core.config import Settings
from core.specs import PluginInfo

ENTRY_POINT_GROUP = "dutygraph.plugins"


class PluginError(RuntimeError):
    """A plugin could not be loaded or composed; the message names the plugin and the file."""


@dataclass(frozen=True)
class LoadedPlugin:
    """A registered plugin with its info."""

    name: str
    module: ModuleType
    info: PluginInfo


def new_manager() -> pluggy.PluginManager:
    """An empty plugin manager with the dutygraph hook specs."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def _module_file(module: ModuleType) -> str:
    return getattr(module, "__file__", None) or module.__name__


def register(pm: pluggy.PluginManager, name: str, module: ModuleType) -> None:
    """Register one plugin module under a name, checking its hooks against the specs."""
    try:
        pm.register(module, name=name)
        pm.check_pending()
    except (ValueError, pluggy.PluginValidationError) as exc:
        if pm.is_registered(module):
            pm.unregister(module)
        raise PluginError(f"plugin {name!r} ({_module_file(module)}): {exc}") from exc
    plugin_info(pm, name)
    try:
        _check_migrations(pm, name, module)
    except PluginError:
        pm.unregister(module)
        raise
    _register_inputs(pm, name, module)


def _own_tables(module: ModuleType) -> list[str]:
    """Tables mapped by classes of the plugin's own modules."""
    from core.db import Base

    prefix = module.__name__
    return sorted(
        str(getattr(mapper.local_table, "name", mapper.class_.__name__))
        for mapper in Base.registry.mappers
        if mapper.class_.__module__ == prefix or mapper.class_.__module__.startswith(prefix + ".")
    )


def _check_migrations(pm: pluggy.PluginManager, name: str, module: ModuleType) -> None:
    """A plugin with tables needs its migration branch: a folder of revisions, one of them
    labelled with the plugin's name."""
    where = f"plugin {name!r} ({_module_file(module)})"
    folder = call_one(pm, name, "dutygraph_migrations")
    tables = _own_tables(module)
    if folder is None:
        if tables:
            raise PluginError(
                f"{where}: defines tables {', '.join(tables)} but no migration branch "
                "(implement dutygraph_migrations)"
            )
        return
    path = Path(folder)
    revisions = sorted(path.glob("*.py")) if path.is_dir() else []
    labelled = [
        p for p in revisions
        if re.search(rf"branch_labels\b.*['\"]{re.escape(name)}['\"]", p.read_text("utf-8"))
    ]  # fmt: skip
    if not labelled:
        raise PluginError(
            f"{where}: migration branch {name!r} not found in {path} "
            f"(a revision with branch_labels = ({name!r},))"
        )


def _register_inputs(pm: pluggy.PluginManager, name: str, module: ModuleType) -> None:
    """Make the plugin's assessment inputs known to scheme files (names checked here)."""
    from core.assessment import inputs  # the registry; imports no plugin machinery

    for item in call_one(pm, name, "dutygraph_assessment_inputs") or []:
        try:
            inputs.register(name, item)
        except ValueError as exc:
            pm.unregister(module)
            raise PluginError(f"plugin {name!r} ({_module_file(module)}): {exc}") from exc


def _allowed(name: str, settings: Settings) -> bool:
    if name in settings.plugins_deny:
        return False
    return settings.plugins_allow is None or name in settings.plugins_allow


def load_entry_points(pm: pluggy.PluginManager, settings: Settings) -> list[str]:
    """Register every installed plugin the settings allow; return their names."""
    names: list[str] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if not _allowed(ep.name, settings):
            continue
        try:
            module = ep.load()
        except Exception as exc:
            raise PluginError(
                f"plugin {ep.name!r}: entry point {ep.value!r} failed to load: {exc}"
            ) from exc
        if not isinstance(module, ModuleType):
            raise PluginError(f"plugin {ep.name!r}: entry point {ep.value!r} is not a module")
        register(pm, ep.name, module)
        names.append(ep.name)
    return names


def create_manager(settings: Settings) -> pluggy.PluginManager:
    """A manager with every allowed installed plugin registered."""
    pm = new_manager()
    load_entry_points(pm, settings)
    return pm


def register_module_path(pm: pluggy.PluginManager, name: str, dotted: str) -> None:
    """Register a plugin given its module path (used by tests and the CLI)."""
    register(pm, name, importlib.import_module(dotted))


def call_each(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call one hook plugin by plugin; (plugin name, result) for each implementation."""
    caller = getattr(pm.hook, hook)
    results: list[tuple[str, Any]] = []
    for impl in reversed(caller.get_hookimpls()):
        name = pm.get_name(impl.plugin) or impl.plugin_name
        wanted = {k: v for k, v in kwargs.items() if k in impl.argnames}
        results.append((name, impl.function(**wanted)))
    return results


def call_one(pm: pluggy.PluginManager, plugin: str, hook: str, **kwargs: Any) -> Any:
    """Call a hook of one named plugin only; None when it does not implement it."""
    for impl in getattr(pm.hook, hook).get_hookimpls():
        if (pm.get_name(impl.plugin) or impl.plugin_name) == plugin:
            return impl.function(**{k: v for k, v in kwargs.items() if k in impl.argnames})
    return None


def plugin_info(pm: pluggy.PluginManager, name: str) -> PluginInfo:
    """The info of a registered plugin (every plugin must answer dutygraph_plugin_info)."""
    info = call_one(pm, name, "dutygraph_plugin_info")
    if not isinstance(info, PluginInfo):
        module = pm.get_plugin(name)
        where = _module_file(module) if isinstance(module, ModuleType) else name
        raise PluginError(
            f"plugin {name!r} ({where}): dutygraph_plugin_info must return PluginInfo"
        )
    return info


def loaded_plugins(pm: pluggy.PluginManager) -> list[LoadedPlugin]:
    """Every registered plugin with its info, ordered by name."""
    out: list[LoadedPlugin] = []
    for name, module in sorted(pm.list_name_plugin(), key=lambda item: str(item[0])):
        if isinstance(module, ModuleType) and name is not None:
            out.append(LoadedPlugin(name=name, module=module, info=plugin_info(pm, name)))
    return out


def flatten(items: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Flatten (plugin, [item, ...]) pairs into (plugin, item) pairs, skipping None."""
    flat: list[tuple[str, Any]] = []
    for name, result in items:
        if result is None:
            continue
        flat.extend((name, item) for item in result)
    return flat
