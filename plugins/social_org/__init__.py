"""Social organisation plugin (社会组织党建): associations, foundations, private
non-enterprise units and hub organisations, `Organization.socialOrgProfile` and
`updateSocialOrgProfile` (table `social_org_profile`, alembic branch "social_org"), the
party-building work rules and evaluation system (测评体系) as duties, indicators and
assessment items (data/*.yaml)."""

from __future__ import annotations

from pathlib import Path

from core.specs import PluginInfo
from plugins.sector_kit.inputs import profile_inputs
from plugins.sector_kit.plugin import SectorPlugin
from plugins.social_org import catalogue, demo
from plugins.social_org import models as models  # registers the plugin's table
from plugins.social_org.schema import PROFILE

HERE = Path(__file__).resolve().parent

PLUGIN = SectorPlugin(
    info=PluginInfo(
        name=catalogue.PLUGIN_NAME,
        title="社会组织党建",
        version="0.1.0",
        sector_code=catalogue.SECTOR_CODE,
        sector_name="社会组织",
        sector_name_en="Social organisations",
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
            ("evaluation_score", "党建工作测评体系得分", "score"),
            ("charter_party_clause", "党建工作写入章程（1 是 0 否）", "flag"),
            ("party_members", "党员数", "count"),
        ],
    ),
)
globals().update(PLUGIN.hookimpls())
