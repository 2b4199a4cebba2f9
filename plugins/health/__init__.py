"""Health sector plugin (卫生健康系统党建): public hospitals, community and township health
centres with their posts and frameworks, `Organization.healthProfile` and
`updateHealthProfile` (table `health_profile`, alembic branch "health"), the health
system's duty list, its report indicators and its assessment items (data/*.yaml)."""

from __future__ import annotations

from pathlib import Path

from core.specs import PluginInfo
from plugins.health import catalogue, demo
from plugins.health import models as models  # registers the plugin's table
from plugins.health.schema import PROFILE
from plugins.sector_kit.inputs import profile_inputs
from plugins.sector_kit.plugin import SectorPlugin

HERE = Path(__file__).resolve().parent

PLUGIN = SectorPlugin(
    info=PluginInfo(
        name=catalogue.PLUGIN_NAME,
        title="卫生健康系统党建",
        version="0.1.0",
        sector_code=catalogue.SECTOR_CODE,
        sector_name="卫生健康",
        sector_name_en="Health",
    ),
    categories=catalogue.CATEGORIES,
    positions=catalogue.POSITIONS,
    frameworks=catalogue.FRAMEWORKS,
    profile=PROFILE,
    data=HERE / "data",
    migrations=HERE / "migrations" / "versions",
    demo=demo.load_demo,
    levels=demo.LEVELS,
    inputs=profile_inputs(
        PROFILE,
        [
            ("president_system", "实行党委领导下的院长负责制（1 是 0 否）", "flag"),
            ("dual_leader_secretaries", "“双带头人”党支部书记数", "count"),
            ("branches", "党支部数", "count"),
            ("party_members", "党员数", "count"),
        ],
    ),
)
globals().update(PLUGIN.hookimpls())
