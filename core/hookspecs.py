"""Every hook a plugin may implement. Each is documented in docs/plugin_hooks.md."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.calendar.notify import Notifier
    from core.specs import (
        AssessmentInput,
        CategorySpec,
        DemoContext,
        FrameworkSpec,
        PluginInfo,
        PositionSpec,
    )

PROJECT = "dutygraph"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def dutygraph_plugin_info() -> PluginInfo:
    """Name, title, version, sector and lead department of this plugin."""
    raise NotImplementedError


@hookspec
def dutygraph_org_categories() -> Sequence[CategorySpec]:
    """Organisation categories this plugin adds to the catalogue."""
    raise NotImplementedError


@hookspec
def dutygraph_positions() -> Sequence[PositionSpec]:
    """Positions (post types) this plugin adds, each belonging to a category."""
    raise NotImplementedError


@hookspec
def dutygraph_staffing_frameworks() -> Sequence[FrameworkSpec]:
    """Staffing frameworks (required positions per category) this plugin adds."""
    raise NotImplementedError


@hookspec
def dutygraph_graphql_types() -> Sequence[type]:
    """Extra strawberry types that no field reaches on its own (interfaces' implementors)."""
    raise NotImplementedError


@hookspec
def dutygraph_type_extensions() -> Mapping[str, Sequence[type]]:
    """Strawberry field mixins to compose into core types, keyed by GraphQL type name."""
    raise NotImplementedError


@hookspec
def dutygraph_query_fields() -> Sequence[type]:
    """Strawberry mixins whose fields are added to the Query type."""
    raise NotImplementedError


@hookspec
def dutygraph_mutation_fields() -> Sequence[type]:
    """Strawberry mixins whose fields are added to the Mutation type."""
    raise NotImplementedError


@hookspec
def dutygraph_libraries() -> Sequence[Path]:
    """Versioned data library files (YAML) loaded when the plugin is enabled."""
    raise NotImplementedError


@hookspec
def dutygraph_migrations() -> Path:
    """The folder of this plugin's alembic revisions (its own branch)."""
    raise NotImplementedError


@hookspec
def dutygraph_on_enable(session: AsyncSession, actor: str | None) -> Awaitable[None] | None:
    """Called in the enabling transaction when the lead department enables the plugin."""
    raise NotImplementedError


@hookspec
def dutygraph_on_disable(session: AsyncSession, actor: str | None) -> Awaitable[None] | None:
    """Called in the disabling transaction; must keep every record."""
    raise NotImplementedError


@hookspec
def dutygraph_load_demo(context: DemoContext) -> Awaitable[None] | None:
    """Add this plugin's organisations, people and data to the demo city."""
    raise NotImplementedError


@hookspec
def dutygraph_load_demo_activity(context: DemoContext) -> Awaitable[None] | None:
    """Add the demo city's records that need this plugin enabled (its libraries loaded):
    checklist runs of its procedures, report values of its indicators."""
    raise NotImplementedError


@hookspec
def dutygraph_notifiers() -> Sequence[Notifier]:
    """Notifiers that deliver reminders (SMS, messaging app) besides the built-in outbox."""
    raise NotImplementedError


@hookspec
def dutygraph_assessment_inputs() -> Sequence[AssessmentInput]:
    """Named inputs (`<plugin>.<name>`) that assessment items of any scheme may read."""
    raise NotImplementedError
