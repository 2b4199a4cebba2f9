"""Assessment inputs read from a profile column (answered only while the plugin is on)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.plugin_admin.models import PluginState
from core.specs import AssessmentInput, InputValues
from plugins.sector_kit.profiles import ProfileSpec


def _reader(spec: ProfileSpec, column: str) -> InputValues:
    key = getattr(spec.model, "organization_id")  # noqa: B009 - a mapped column
    value = getattr(spec.model, column)

    async def values(session: AsyncSession, year: int, org_ids: Sequence[int]) -> dict[int, float]:
        del year  # a profile holds the current facts
        on = await session.scalar(
            select(PluginState.enabled).where(PluginState.name == spec.plugin)
        )
        if not on or not org_ids:
            return {}
        rows = await session.execute(select(key, value).where(key.in_(list(org_ids))))
        return {org_id: float(found) for org_id, found in rows if found is not None}

    return values


def profile_inputs(
    spec: ProfileSpec, columns: Sequence[tuple[str, str, str]]
) -> list[AssessmentInput]:
    """`<plugin>.<column>` inputs from (column, zh-CN label, unit) rows."""
    return [
        AssessmentInput(f"{spec.plugin}.{column}", label, unit, _reader(spec, column))
        for column, label, unit in columns
    ]
