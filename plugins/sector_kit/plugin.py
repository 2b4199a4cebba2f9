"""A sector plugin's hook implementations, written from one `SectorPlugin` description.

A bundled plugin's `__init__.py` describes itself and adds the hooks to its namespace:

    PLUGIN = SectorPlugin(info=..., categories=..., profile=..., data=DATA)
    globals().update(PLUGIN.hookimpls())

pluggy finds them there like hand-written ones (their names are the hook names).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import hookimpl
from core.specs import (
    AssessmentInput,
    CategorySpec,
    DemoContext,
    FrameworkSpec,
    PluginInfo,
    PositionSpec,
)
from plugins.sector_kit.activity import Level, load_activity
from plugins.sector_kit.profiles import ProfileSpec, mutation_field, organization_field

DemoLoader = Callable[[DemoContext], Awaitable[None]]


@dataclass(frozen=True)
class SectorPlugin:
    """Everything a sector plugin contributes, as data."""

    info: PluginInfo
    categories: Sequence[CategorySpec]
    positions: Sequence[PositionSpec]
    frameworks: Sequence[FrameworkSpec]
    profile: ProfileSpec
    data: Path  # its library folder: every *.yaml directly in it, in name order
    migrations: Path
    demo: DemoLoader | None = None
    queries: Sequence[type] = field(default_factory=tuple)
    inputs: Sequence[AssessmentInput] = field(default_factory=tuple)
    levels: Mapping[str, Level] = field(default_factory=dict)
    """Where the demo's report values of each of its indicators come from (by code)."""

    def libraries(self) -> list[Path]:
        """The plugin's library files."""
        return sorted(self.data.glob("*.yaml"))

    def hookimpls(self) -> dict[str, Callable[..., Any]]:
        """The hook implementations, by hook name."""
        organization = organization_field(self.profile)
        mutation = mutation_field(self.profile)

        @hookimpl
        def dutygraph_plugin_info() -> PluginInfo:
            return self.info

        @hookimpl
        def dutygraph_org_categories() -> Sequence[CategorySpec]:
            return self.categories

        @hookimpl
        def dutygraph_positions() -> Sequence[PositionSpec]:
            return self.positions

        @hookimpl
        def dutygraph_staffing_frameworks() -> Sequence[FrameworkSpec]:
            return self.frameworks

        @hookimpl
        def dutygraph_type_extensions() -> Mapping[str, Sequence[type]]:
            return {"Organization": [organization]}

        @hookimpl
        def dutygraph_query_fields() -> Sequence[type]:
            return self.queries

        @hookimpl
        def dutygraph_mutation_fields() -> Sequence[type]:
            return [mutation]

        @hookimpl
        def dutygraph_libraries() -> Sequence[Path]:
            return self.libraries()

        @hookimpl
        def dutygraph_migrations() -> Path:
            return self.migrations

        @hookimpl
        def dutygraph_assessment_inputs() -> Sequence[AssessmentInput]:
            return self.inputs

        @hookimpl
        async def dutygraph_on_disable(session: AsyncSession, actor: str | None) -> None:
            """Nothing to do: disabling hides the plugin's data and keeps every record."""
            del session, actor

        @hookimpl
        async def dutygraph_load_demo_activity(context: DemoContext) -> None:
            await load_activity(
                context,
                plugin=self.info.name,
                sector_code=self.profile.sector_code,
                profile=self.profile.model,
                levels=self.levels,
            )

        hooks: dict[str, Callable[..., Any]] = {
            f.__name__: f
            for f in (
                dutygraph_plugin_info,
                dutygraph_org_categories,
                dutygraph_positions,
                dutygraph_staffing_frameworks,
                dutygraph_type_extensions,
                dutygraph_query_fields,
                dutygraph_mutation_fields,
                dutygraph_libraries,
                dutygraph_migrations,
                dutygraph_assessment_inputs,
                dutygraph_on_disable,
                dutygraph_load_demo_activity,
            )
        }
        if self.demo is not None:
            demo = self.demo

            @hookimpl
            async def dutygraph_load_demo(context: DemoContext) -> None:
                await demo(context)

            hooks["dutygraph_load_demo"] = dutygraph_load_demo
        return hooks
