"""Listing installed plugins and switching them on and off (records are always kept)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

import pluggy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.duties import library
from core.duties.service import load_plugin_libraries
from core.graphql.errors import ErrorCode, ServiceError
from core.libraries.kinds import check_file
from core.orgs.models import Sector
from core.plugin_admin.models import PluginState
from core.plugins import PluginError, call_one, loaded_plugins
from core.specs import PluginInfo


@dataclass(frozen=True)
class PluginView:
    """An installed plugin, its sector and whether it is enabled."""

    info: PluginInfo
    enabled: bool
    sector_id: int | None
    lead_department_id: int | None


async def enabled_names(*, conn: AsyncConnection) -> frozenset[str]:
    """Names of the enabled plugins."""
    rows = await conn.execute(select(PluginState.name).where(PluginState.enabled.is_(True)))
    return frozenset(row[0] for row in rows)


async def list_installed(*, conn: AsyncConnection, pm: pluggy.PluginManager) -> list[PluginView]:
    """Every installed plugin with its state, ordered by name."""
    enabled = await enabled_names(conn=conn)
    sectors = {
        row.code: row
        for row in await conn.execute(select(Sector.id, Sector.code, Sector.lead_department_id))
    }
    views = []
    for plugin in loaded_plugins(pm):
        sector = sectors.get(plugin.info.sector_code or "")
        views.append(
            PluginView(
                info=plugin.info,
                enabled=plugin.name in enabled,
                sector_id=sector.id if sector else None,
                lead_department_id=sector.lead_department_id if sector else None,
            )
        )
    return views


def check_libraries(pm: pluggy.PluginManager) -> None:
    """At start-up: every installed plugin's library files must read (each by its kind,
    expressions and input names included); else PluginError naming the plugin and file."""
    for plugin in loaded_plugins(pm):
        for path in call_one(pm, plugin.name, "dutygraph_libraries") or []:
            try:
                check_file(Path(path))
            except library.LibraryError as exc:
                raise PluginError(f"plugin {plugin.name!r}: {exc}") from exc


def _may_manage(principal: Principal, view: PluginView) -> bool:
    if not principal.can(Permission.PLUGINS_MANAGE):
        return False
    return principal.everything or (
        view.sector_id is not None and view.sector_id in principal.managed_sector_ids
    )


async def set_enabled(
    *,
    session: AsyncSession,
    pm: pluggy.PluginManager,
    principal: Principal,
    name: str,
    enabled: bool,
) -> PluginView:
    """Enable or disable an installed plugin (lead department of its sector or city admin)."""
    conn = await session.connection()
    views = {view.info.name: view for view in await list_installed(conn=conn, pm=pm)}
    view = views.get(name)
    if view is None or not _may_manage(principal, view):
        raise ServiceError(ErrorCode.NOT_FOUND, f"插件不存在或无权管理: {name}", "name")
    state = await session.get(PluginState, name)
    if state is None:
        state = PluginState(name=name, enabled=False, version=1)
        session.add(state)
    if state.enabled != enabled:
        state.enabled = enabled
        state.changed_at = utcnow()
        state.changed_by = principal.username
        state.version = (state.version or 0) + 1
        if enabled:
            loaded = await load_plugin_libraries(
                session=session,
                pm=pm,
                name=name,
                actor=principal.username,
                actor_id=principal.account_id,
            )
            state.libraries = "\n".join(f"{r.urn}@{r.version}" for r in loaded)
        hook = "dutygraph_on_enable" if enabled else "dutygraph_on_disable"
        result = call_one(pm, name, hook, session=session, actor=principal.username)
        if inspect.isawaitable(result):
            await result
        await session.flush()
        await audit.append(
            session=session,
            actor_id=principal.account_id,
            actor_username=principal.username,
            action="plugin.enable" if enabled else "plugin.disable",
            entity_type="Plugin",
            entity_id=name,
            changes={"enabled": [not enabled, enabled]},
        )
    return PluginView(
        info=view.info,
        enabled=enabled,
        sector_id=view.sector_id,
        lead_department_id=view.lead_department_id,
    )


def operator(username: str) -> Principal:
    """The principal of an operator job (the CLI, the demo loader): the whole city, every
    permission, no account (audit events name `username`)."""
    return Principal(
        account_id=0,
        username=username,
        person_id=None,
        permissions=frozenset(Permission),
        everything=True,
    )
