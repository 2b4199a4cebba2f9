"""The plugin switch's contribution to the schema."""

from core.plugin_admin.schema import PluginMutation, PluginQuery

QUERIES: list[type] = [PluginQuery]
MUTATIONS: list[type] = [PluginMutation]
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
