"""The plugin manager: entry-point discovery, allow/deny lists, per-plugin hook calls."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
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
