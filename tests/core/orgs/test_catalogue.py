"""The core catalogue as data, and its idempotent sync with plugin contributions."""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Callable
from typing import Any

import pluggy
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core import hookimpl
from core.db import session_factory
from core.orgs.catalogue import (
    CATEGORIES,
    FRAMEWORKS,
    POSITIONS,
    SECRETARY_POSITION,
    SECTORS,
    CatalogueError,
    sync_catalogue,
)
from core.orgs.models import (
    FrameworkRequirement,
    OrgCategory,
    Position,
    Sector,
    StaffingFramework,
)
from core.plugins import new_manager, register
from core.specs import CategorySpec, FrameworkSpec, PluginInfo, PositionSpec


def _plugin(name: str, **impls: Callable[..., Any]) -> types.ModuleType:
    module = types.ModuleType(f"catalogue_plugin_{name}")
    info = PluginInfo(
        name=name, title="测试", version="1", sector_code="SHOP", sector_name="商店行业"
    )
    module.dutygraph_plugin_info = hookimpl(lambda: info)  # type: ignore[attr-defined]
    for hook, func_ in impls.items():
        setattr(module, hook, hookimpl(func_))
    return module


def _manager(*plugins: types.ModuleType) -> pluggy.PluginManager:
    pm = new_manager()
    for plugin in plugins:
        register(pm, plugin.__name__.removeprefix("catalogue_plugin_"), plugin)
    return pm


async def _sync(engine: AsyncEngine, pm: pluggy.PluginManager) -> None:
    async with session_factory(engine).begin() as session:
        await sync_catalogue(session=session, pm=pm)


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            model.__tablename__: (
                await conn.execute(select(func.count()).select_from(model))
            ).scalar_one()
            for model in (Sector, OrgCategory, Position, StaffingFramework, FrameworkRequirement)
        }


def test_core_catalogue_is_consistent() -> None:
    categories = {c.code for c in CATEGORIES}
    positions = {p.code: p for p in POSITIONS}
    assert {s.code: s.plugin for s in SECTORS} == {
        "SOE": "soe",
        "EDUCATION": "education",
        "HEALTH": "health",
        "SOCIAL_ORG": "social_org",
        "PRIVATE_ENTERPRISE": "private_enterprise",
    }
    assert len(POSITIONS) >= 45 and len(positions) == len(POSITIONS)
    assert {p.category_code for p in POSITIONS} == categories
    assert all(c.name and c.name_en for c in CATEGORIES)
    for category, position in SECRETARY_POSITION.items():
        assert positions[position].category_code == category and positions[position].principal
    for framework in FRAMEWORKS:
        assert framework.category_code in categories
        for code, count in framework.requirements.items():
            assert positions[code].category_code == framework.category_code and count >= 1


@pytest.mark.parametrize("code", ["TOWN_3_3", "STREET_3_3"])
def test_towns_and_streets_use_the_3_plus_3_framework(code: str) -> None:
    framework = next(f for f in FRAMEWORKS if f.code == code)
    positions = {p.code: p for p in POSITIONS}
    principal = Counter(positions[c].principal for c in framework.requirements)
    assert principal == {True: 3, False: 3}
    assert "3+3" in framework.name


async def test_sync_catalogue_is_idempotent_and_never_deletes(engine: AsyncEngine) -> None:
    pm = new_manager()
    await _sync(engine, pm)
    first = await _counts(engine)
    assert first["sector"] == 5 and first["position"] == len(POSITIONS)
    assert first["framework_requirement"] == sum(len(f.requirements) for f in FRAMEWORKS)
    async with session_factory(engine).begin() as session:
        session.add(OrgCategory(code="LOCAL_EXTRA", name="本地类别", name_en="", sort_order=999))
        await session.execute(
            update(Position).where(Position.code == "TOWN_SECRETARY").values(name="改过的名称")
        )
    await _sync(engine, pm)
    await _sync(engine, pm)
    after = await _counts(engine)
    assert after == {**first, "org_category": first["org_category"] + 1}
    async with engine.connect() as conn:
        name = await conn.scalar(select(Position.name).where(Position.code == "TOWN_SECRETARY"))
        extra = await conn.scalar(select(OrgCategory.id).where(OrgCategory.code == "LOCAL_EXTRA"))
    assert name == "镇（乡）党委书记" and extra is not None


async def test_sync_catalogue_stores_plugin_contributions(engine: AsyncEngine) -> None:
    plugin = _plugin(
        "shop",
        dutygraph_org_categories=lambda: [CategorySpec("SHOP", "商店", sector_code="SHOP")],
        dutygraph_positions=lambda: [
            PositionSpec("SHOP_MANAGER", "店长", "SHOP", principal=True),
            PositionSpec("TOWN_SHOP_LIAISON", "乡镇商店联络员", "TOWN"),
        ],
        dutygraph_staffing_frameworks=lambda: [
            FrameworkSpec("SHOP_STANDARD", "商店配备", "SHOP", {"SHOP_MANAGER": 1})
        ],
    )
    pm = _manager(plugin)
    await _sync(engine, pm)
    await _sync(engine, pm)
    async with engine.connect() as conn:
        sector = (
            await conn.execute(select(Sector.name, Sector.plugin).where(Sector.code == "SHOP"))
        ).one()
        category = (
            await conn.execute(
                select(OrgCategory.plugin, Sector.code)
                .join(Sector, Sector.id == OrgCategory.sector_id)
                .where(OrgCategory.code == "SHOP")
            )
        ).one()
        plugins = dict(
            (
                await conn.execute(
                    select(Position.code, Position.plugin).where(Position.plugin.is_not(None))
                )
            ).all()
        )
        requirement = (
            await conn.execute(
                select(FrameworkRequirement.required_count, FrameworkRequirement.principal)
                .join(StaffingFramework, StaffingFramework.id == FrameworkRequirement.framework_id)
                .where(StaffingFramework.code == "SHOP_STANDARD")
            )
        ).all()
    assert tuple(sector) == ("商店行业", "shop")
    assert tuple(category) == ("shop", "SHOP")
    assert plugins == {"SHOP_MANAGER": "shop", "TOWN_SHOP_LIAISON": "shop"}
    assert [tuple(r) for r in requirement] == [(1, True)]


async def test_core_sector_taken_over_by_its_plugin(engine: AsyncEngine) -> None:
    module = types.ModuleType("catalogue_plugin_soe")
    info = PluginInfo(name="soe", title="国企", version="1", sector_code="SOE")
    module.dutygraph_plugin_info = hookimpl(lambda: info)  # type: ignore[attr-defined]
    await _sync(engine, _manager(module))
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(Sector.name, Sector.plugin).where(Sector.code == "SOE"))
        ).one()
    assert tuple(row) == ("国有企业", "soe")


async def test_duplicate_code_names_the_plugin(engine: AsyncEngine) -> None:
    plugin = _plugin(
        "clash", dutygraph_positions=lambda: [PositionSpec("TOWN_SECRETARY", "重复", "TOWN")]
    )
    with pytest.raises(CatalogueError, match=r"TOWN_SECRETARY.*core.*'clash'"):
        await _sync(engine, _manager(plugin))


async def test_unknown_category_names_the_plugin(engine: AsyncEngine) -> None:
    plugin = _plugin(
        "lost", dutygraph_positions=lambda: [PositionSpec("LOST_POST", "岗位", "NO_SUCH")]
    )
    with pytest.raises(CatalogueError, match=r"plugin 'lost'.*NO_SUCH"):
        await _sync(engine, _manager(plugin))
