"""Per-request loader of plugin states (plugins hide their data while disabled)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from core.graphql.loaders import ContextLoader
from core.plugin_admin.models import PluginState


class PluginEnabledByNameLoader(ContextLoader[str, bool]):
    """Whether each named plugin is enabled."""

    async def fetch(self, keys: list[str]) -> Sequence[bool]:
        rows = await self.ctx.rows(
            select(PluginState.name).where(
                PluginState.name.in_(keys), PluginState.enabled.is_(True)
            )
        )
        enabled = {row[0] for row in rows}
        return [key in enabled for key in keys]
