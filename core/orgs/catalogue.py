"""The core catalogue (sectors, categories, positions, staffing frameworks) and its sync.

The catalogue is data: plain `core.specs` records. `sync_catalogue` upserts it, together with
what the installed plugins contribute through hooks, by code — idempotent, never deleting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pluggy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.orgs.catalogue_data import (
    CATEGORIES,
    FRAMEWORKS,
    POSITIONS,
    SECRETARY_POSITION,
    SECTORS,
    SectorSpec,
)
from core.orgs.models import (
    FrameworkRequirement,
    Organization,
    OrgCategory,
    Position,
    Sector,
    SectorLead,
    StaffingFramework,
)
from core.plugins import call_each, flatten
from core.specs import CategorySpec, FrameworkSpec, PluginInfo, PositionSpec

__all__ = [
    "CATEGORIES",
    "FRAMEWORKS",
    "POSITIONS",
    "SECRETARY_POSITION",
    "SECTORS",
    "CatalogueError",
    "SectorSpec",
    "catalogue_specs",
    "sync_catalogue",
]

_Row = TypeVar("_Row", Sector, OrgCategory, Position, StaffingFramework)
_Spec = TypeVar("_Spec", SectorSpec, CategorySpec, PositionSpec, FrameworkSpec)
_T = TypeVar("_T")


class CatalogueError(ValueError):
    """A catalogue entry is duplicated or refers to an unknown code; names the plugin."""


@dataclass(frozen=True)
class Owned(Generic[_T]):
    """A catalogue spec with its owner: None for the core, else the plugin name."""

    plugin: str | None
    spec: _T


def _owner(plugin: str | None) -> str:
    return "core" if plugin is None else f"plugin {plugin!r}"


def _unique(kind: str, items: Iterable[Owned[_Spec]]) -> list[Owned[_Spec]]:
    """The items in order; a code given twice (by the core or any plugin) is an error."""
    seen: dict[str, Owned[_Spec]] = {}
    for item in items:
        first = seen.get(item.spec.code)
        if first is not None:
            raise CatalogueError(
                f"{kind} {item.spec.code!r} is defined by both {_owner(first.plugin)} "
                f"and {_owner(item.plugin)}"
            )
        seen[item.spec.code] = item
    return list(seen.values())


def _typed(
    kind: str, spec_type: type[_Spec], pairs: Sequence[tuple[str, Any]]
) -> list[Owned[_Spec]]:
    out: list[Owned[_Spec]] = []
    for plugin, spec in pairs:
        if not isinstance(spec, spec_type):
            raise CatalogueError(
                f"plugin {plugin!r}: {kind} hook returned {type(spec).__name__}, "
                f"expected {spec_type.__name__}"
            )
        out.append(Owned(plugin, spec))
    return out


def _plugin_infos(pm: pluggy.PluginManager) -> list[tuple[str, PluginInfo]]:
    infos: list[tuple[str, PluginInfo]] = []
    for plugin, info in call_each(pm, "dutygraph_plugin_info"):
        if isinstance(info, PluginInfo):
            infos.append((plugin, info))
    return sorted(infos, key=lambda pair: pair[0])


def catalogue_specs(
    pm: pluggy.PluginManager,
) -> tuple[list[Owned[CategorySpec]], list[Owned[PositionSpec]], list[Owned[FrameworkSpec]]]:
    """Core plus plugin categories, positions and frameworks, checked for duplicate codes."""
    categories = _unique(
        "category",
        [Owned(None, c) for c in CATEGORIES]
        + _typed("category", CategorySpec, flatten(call_each(pm, "dutygraph_org_categories"))),
    )
    positions = _unique(
        "position",
        [Owned(None, p) for p in POSITIONS]
        + _typed("position", PositionSpec, flatten(call_each(pm, "dutygraph_positions"))),
    )
    frameworks = _unique(
        "framework",
        [Owned(None, f) for f in FRAMEWORKS]
        + _typed(
            "framework", FrameworkSpec, flatten(call_each(pm, "dutygraph_staffing_frameworks"))
        ),
    )
    return categories, positions, frameworks


async def _by_code(session: AsyncSession, model: type[_Row]) -> dict[str, _Row]:
    rows = (await session.scalars(select(model))).all()
    return {row.code: row for row in rows}


def _upsert(
    session: AsyncSession,
    existing: dict[str, _Row],
    model: type[_Row],
    code: str,
    values: dict[str, Any],
) -> _Row:
    """Create the row with this code, or update only the fields that differ."""
    row = existing.get(code)
    if row is None:
        row = model(code=code, **values)
        session.add(row)
        existing[code] = row
        return row
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    return row


def _lookup(ids: dict[str, _Row], code: str, what: str, owner: str | None, entry: str) -> _Row:
    row = ids.get(code)
    if row is None:
        raise CatalogueError(f"{_owner(owner)}: {entry} refers to unknown {what} {code!r}")
    return row


async def _sync_sectors(session: AsyncSession, pm: pluggy.PluginManager) -> dict[str, Sector]:
    sectors = await _by_code(session, Sector)
    for spec in SECTORS:
        _upsert(
            session,
            sectors,
            Sector,
            spec.code,
            {"name": spec.name, "name_en": spec.name_en, "plugin": spec.plugin},
        )
    for plugin, info in _plugin_infos(pm):
        if info.sector_code is None:
            continue
        current = sectors.get(info.sector_code)
        values: dict[str, Any] = {
            "name": info.sector_name or (current.name if current else info.sector_code),
            "name_en": info.sector_name_en or (current.name_en if current else ""),
            "plugin": plugin,
        }
        if info.lead_department_code is not None:
            lead = await session.scalar(
                select(Organization.id).where(Organization.code == info.lead_department_code)
            )
            if lead is not None:
                values["lead_department_id"] = lead
        _upsert(session, sectors, Sector, info.sector_code, values)
    await session.flush()
    for _plugin, info in _plugin_infos(pm):
        if info.sector_code is not None:
            codes = (info.lead_department_code, *info.lead_department_codes)
            await add_leads(session, sectors[info.sector_code], [c for c in codes if c])
    return sectors


async def add_leads(session: AsyncSession, sector: Sector, codes: Sequence[str]) -> None:
    """Make the organisations of these codes lead departments of a sector (those that exist;
    kept when already there). The first lead of a sector also becomes its principal one."""
    if not codes:
        return
    found = dict(
        (await session.execute(
            select(Organization.code, Organization.id).where(Organization.code.in_(codes))
        )).all()
    )  # fmt: skip
    current = set(
        (await session.scalars(
            select(SectorLead.organization_id).where(SectorLead.sector_id == sector.id)
        )).all()
    )  # fmt: skip
    for order, code in enumerate(codes, start=len(current)):
        org_id = found.get(code)
        if org_id is not None and org_id not in current:
            session.add(SectorLead(sector_id=sector.id, organization_id=org_id, sort_order=order))
            current.add(org_id)
            if sector.lead_department_id is None:
                sector.lead_department_id = org_id
    await session.flush()


async def _sync_requirements(
    session: AsyncSession,
    frameworks: list[tuple[StaffingFramework, FrameworkSpec, str | None]],
    positions: dict[str, Position],
) -> None:
    current = {
        (r.framework_id, r.position_id): r
        for r in (await session.scalars(select(FrameworkRequirement))).all()
    }
    for framework, spec, plugin in frameworks:
        for code, count in spec.requirements.items():
            position = _lookup(positions, code, "position", plugin, f"framework {spec.code!r}")
            row = current.get((framework.id, position.id))
            if row is None:
                row = FrameworkRequirement(framework_id=framework.id, position_id=position.id)
                session.add(row)
                current[(framework.id, position.id)] = row
            if row.required_count != count:
                row.required_count = count
            if row.principal != position.principal:
                row.principal = position.principal


async def sync_catalogue(*, session: AsyncSession, pm: pluggy.PluginManager) -> None:
    """Upsert the core and plugin catalogue by code (idempotent, never deletes); caller commits."""
    category_specs, position_specs, framework_specs = catalogue_specs(pm)
    sectors = await _sync_sectors(session, pm)

    categories = await _by_code(session, OrgCategory)
    for item in category_specs:
        c = item.spec
        sector = (
            _lookup(sectors, c.sector_code, "sector", item.plugin, f"category {c.code!r}")
            if c.sector_code is not None
            else None
        )
        _upsert(
            session,
            categories,
            OrgCategory,
            c.code,
            {
                "name": c.name,
                "name_en": c.name_en,
                "sector_id": sector.id if sector is not None else None,
                "plugin": item.plugin,
                "sort_order": c.sort_order,
            },
        )
    await session.flush()

    positions = await _by_code(session, Position)
    for pos_item in position_specs:
        p = pos_item.spec
        category = _lookup(
            categories, p.category_code, "category", pos_item.plugin, f"position {p.code!r}"
        )
        _upsert(
            session,
            positions,
            Position,
            p.code,
            {
                "name": p.name,
                "name_en": p.name_en,
                "category_id": category.id,
                "principal": p.principal,
                "plugin": pos_item.plugin,
                "sort_order": p.sort_order,
            },
        )

    frameworks = await _by_code(session, StaffingFramework)
    synced: list[tuple[StaffingFramework, FrameworkSpec, str | None]] = []
    for fw_item in framework_specs:
        f = fw_item.spec
        category = _lookup(
            categories, f.category_code, "category", fw_item.plugin, f"framework {f.code!r}"
        )
        row = _upsert(
            session,
            frameworks,
            StaffingFramework,
            f.code,
            {"name": f.name, "category_id": category.id, "description": f.description},
        )
        synced.append((row, f, fw_item.plugin))
    await session.flush()
    await _sync_requirements(session, synced, positions)
    await session.flush()
