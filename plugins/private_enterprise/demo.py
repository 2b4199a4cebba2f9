"""The non-public enterprise part of the demo city: enterprises move to the plugin's
category and get a profile (set-based, seeded)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.specs import DemoContext
from plugins.private_enterprise import catalogue as cat
from plugins.private_enterprise.models import EnterpriseProfile
from plugins.private_enterprise.parks import add_parks
from plugins.private_enterprise.schema import WORKFLOW_STEPS
from plugins.sector_kit.activity import ANY, Level, column
from plugins.sector_kit.demo import SectorOrg, insert_rows, reclassify, sector_orgs

INDUSTRIES = {
    "科技": "软件和信息技术服务业",
    "电子商务": "互联网和相关服务",
    "智能制造": "通用设备制造业",
    "生物医药": "医药制造业",
    "新材料": "化学原料和化学制品制造业",
    "纺织": "纺织业",
}


LEVELS = {  # the demo's DJBB values: members and talks by kind, coverage and steps as profiled
    "pe_members": Level(ranges={cat.PARK: (180, 420), ANY: (3, 30)}),
    "pe_org_covered": Level(source=column("organization_covered")),
    "pe_workflow_steps": Level(source=column("workflow_steps_done")),
    "pe_owner_talks": Level(ranges={ANY: (0.5, 2.5)}),
}
"""Where the demo's report values of each non-public enterprise indicator come from."""


def _industry(name: str) -> str:
    for key, industry in INDUSTRIES.items():
        if key in name:
            return industry
    return "批发和零售业"


def _profile(context: DemoContext, org: SectorOrg) -> dict[str, Any]:
    rng = context.rng
    employees = rng.randint(20, 1500)
    members = rng.randint(0, max(3, employees // 25))
    form = "单独组建" if members >= 3 else rng.choice(("联合组建", "挂靠组建", "未组建"))
    return {
        "organization_id": org.id,
        "industry": _industry(org.name),
        "employees": employees,
        "party_members": members,
        "revenue_wan": Decimal(employees * rng.randint(40, 160)),
        "party_org_form": form,
        "organization_covered": form != "未组建",
        "work_covered": form != "未组建" or rng.random() < 0.6,
        "workflow_steps_done": rng.randint(2, WORKFLOW_STEPS),
    }


async def load_demo(context: DemoContext) -> None:
    """Move the demo's enterprises to the plugin's category and give each a profile; add the
    industrial park and office building party committees under their streets."""
    orgs = await sector_orgs(context.session, cat.SECTOR_CODE)
    moved = await reclassify(
        context.session, orgs, choose=lambda _org: cat.ENTERPRISE, posts=cat.POSTS
    )
    rows = [_profile(context, org) for org in moved]
    rows += await add_parks(context)  # after the enterprises: their generator stays as it was
    await insert_rows(context.session, EnterpriseProfile, rows)
