"""Education sector plugin (教育系统党建): kindergartens, primary and secondary schools,
vocational schools and colleges with their posts and frameworks, `Organization.eduProfile`
and `updateEduProfile` (table `edu_profile`, alembic branch "education"), the education
system's duty list, its report indicators and its assessment items (data/*.yaml)."""

from __future__ import annotations

from pathlib import Path

from core.specs import PluginInfo
from plugins.education import catalogue, demo
from plugins.education import models as models  # registers the plugin's table
from plugins.education.schema import PROFILE
from plugins.sector_kit.inputs import profile_inputs
from plugins.sector_kit.plugin import SectorPlugin

HERE = Path(__file__).resolve().parent

PLUGIN = SectorPlugin(
    info=PluginInfo(
        name=catalogue.PLUGIN_NAME,
        title="教育系统党建",
        version="0.1.0",
        sector_code=catalogue.SECTOR_CODE,
        sector_name="教育",
        sector_name_en="Education",
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
            ("principal_system", "实行党组织领导的校长负责制（1 是 0 否）", "flag"),
            ("secretary_principal_separate", "书记、校长分设（1 是 0 否）", "flag"),
            ("branches_in_grade_groups", "党支部建在年级组、教研组上（1 是 0 否）", "flag"),
            ("ideology_teachers", "思政课专职教师数", "count"),
            ("party_members", "党员数", "count"),
        ],
    ),
)
globals().update(PLUGIN.hookimpls())
