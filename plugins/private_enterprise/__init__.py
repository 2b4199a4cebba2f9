"""Non-public enterprise plugin (非公有制企业党建): enterprises and industrial park /
office building party committees, `Organization.enterpriseProfile` and
`updateEnterpriseProfile` (table `enterprise_profile`, alembic branch
"private_enterprise"), the workflow guide (流程化运作指引) as duties, indicators and
assessment items (data/*.yaml)."""

from __future__ import annotations

from pathlib import Path

from core.specs import PluginInfo
from plugins.private_enterprise import catalogue, demo
from plugins.private_enterprise import models as models  # registers the plugin's table
from plugins.private_enterprise.schema import PROFILE
from plugins.sector_kit.inputs import profile_inputs
from plugins.sector_kit.plugin import SectorPlugin

HERE = Path(__file__).resolve().parent

PLUGIN = SectorPlugin(
    info=PluginInfo(
        name=catalogue.PLUGIN_NAME,
        title="非公有制企业党建",
        version="0.1.0",
        sector_code=catalogue.SECTOR_CODE,
        sector_name="非公有制企业",
        sector_name_en="Non-public enterprises",
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
            ("organization_covered", "党的组织覆盖（1 是 0 否）", "flag"),
            ("work_covered", "党的工作覆盖（1 是 0 否）", "flag"),
            ("workflow_steps_done", "流程化运作指引完成步骤", "count"),
            ("party_members", "党员数", "count"),
        ],
    ),
)
globals().update(PLUGIN.hookimpls())
