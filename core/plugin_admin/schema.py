"""The `plugins` query and the enable/disable mutations."""

from __future__ import annotations

import strawberry
from strawberry import Parent

from core.graphql.context import Info
from core.graphql.errors import UserError
from core.graphql.mutations import transact
from core.orgs import loaders
from core.orgs.types import OrganizationT, SectorType
from core.plugin_admin import service
from core.plugin_admin.service import PluginView


@strawberry.type(
    name="Plugin", description="An installed sector plugin; its lead department enables it."
)
class PluginType:
    @strawberry.field
    def name(self, root: Parent[PluginView]) -> str:
        return root.info.name

    @strawberry.field
    def title(self, root: Parent[PluginView]) -> str:
        return root.info.title

    @strawberry.field
    def version(self, root: Parent[PluginView]) -> str:
        return root.info.version

    @strawberry.field(description="Enabled plugins show their data; disabling keeps every record.")
    def enabled(self, root: Parent[PluginView]) -> bool:
        return root.enabled

    @strawberry.field
    async def sector(self, root: Parent[PluginView], info: Info) -> SectorType | None:
        if root.sector_id is None:
            return None
        return await info.context.loader(loaders.SectorByIdLoader).load(root.sector_id)  # type: ignore[return-value]

    @strawberry.field(description="Null when the department is outside your scope.")
    async def lead_department(self, root: Parent[PluginView], info: Info) -> OrganizationT | None:
        if root.lead_department_id is None:
            return None
        return await info.context.loader(loaders.OrgByIdLoader).load(root.lead_department_id)

    @strawberry.field(
        description=(
            "Every lead department of the plugin's sector (each may enable, disable and "
            "manage it with the city), the principal one first; those outside your scope "
            "are left out."
        )
    )
    async def lead_departments(self, root: Parent[PluginView], info: Info) -> list[OrganizationT]:
        if root.sector_id is None:
            return []
        loader = info.context.loader(loaders.LeadDepartmentsBySectorIdLoader)
        return await loader.load(root.sector_id)  # type: ignore[return-value]


@strawberry.type
class PluginQuery:
    @strawberry.field(description="Installed plugins (a short list: one per sector).")
    async def plugins(self, info: Info) -> list[PluginType]:
        info.context.require_principal()
        async with info.context.engine.connect() as conn:
            return await service.list_installed(conn=conn, pm=info.context.pm)  # type: ignore[return-value]


@strawberry.input
class PluginInput:
    name: str


@strawberry.type
class PluginPayload:
    plugin: PluginType | None
    errors: list[UserError]


async def _switch(info: Info, name: str, enabled: bool) -> PluginPayload:
    principal = info.context.require_principal()
    view, errors = await transact(
        info.context,
        lambda session: service.set_enabled(
            session=session, pm=info.context.pm, principal=principal, name=name, enabled=enabled
        ),
    )
    return PluginPayload(plugin=view, errors=errors)  # type: ignore[arg-type]


@strawberry.type
class PluginMutation:
    @strawberry.mutation(description="Enable a plugin. Needs `plugins.manage` for its sector.")
    async def enable_plugin(self, info: Info, input: PluginInput) -> PluginPayload:
        return await _switch(info, input.name, True)

    @strawberry.mutation(
        description="Disable a plugin; its records are kept. Needs `plugins.manage`."
    )
    async def disable_plugin(self, info: Info, input: PluginInput) -> PluginPayload:
        return await _switch(info, input.name, False)
