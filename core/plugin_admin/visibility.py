"""Disabling a plugin hides its data from answers and keeps every record: reads filter the
rows a plugin brought (a library's `plugin` column) by the plugin's enabled state."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from core.plugin_admin.models import PluginState


def core_or_enabled(plugin: InstrumentedAttribute[str | None]) -> ColumnElement[bool]:
    """The row is the core's (no plugin) or an enabled plugin's."""
    enabled = select(PluginState.name).where(PluginState.enabled.is_(True))
    return or_(plugin.is_(None), plugin.in_(enabled))
