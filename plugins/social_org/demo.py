"""The social organisation part of the demo city: each moves to its kind (association,
foundation, private non-enterprise unit, hub) and gets a profile with its evaluation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.specs import DemoContext
from plugins.sector_kit.activity import ANY, Level, column
from plugins.sector_kit.demo import SectorOrg, insert_rows, reclassify, sector_orgs
from plugins.social_org import catalogue as cat
from plugins.social_org.models import SocialOrgProfile

SUPERVISORS = ("市民政局", "市工商联", "市科协", "市社科联", "市文联", "市商务局", "市经信局")


def category_of(org: SectorOrg) -> str:
    """A social organisation's kind from its name."""
    if "基金会" in org.name:
        return cat.FOUNDATION
    if org.name.endswith("联合会"):
        return cat.HUB
    if org.name.endswith(("会", "商会")):
        return cat.ASSOCIATION
    return cat.NON_ENTERPRISE


LEVELS = {  # the demo's DJBB values: members and visits by kind, the rest as profiled
    "so_members": Level(ranges={cat.HUB: (12, 40), ANY: (3, 15)}),
    "so_instructor_visits": Level(ranges={cat.HUB: (1.5, 3), ANY: (0.5, 2)}),
    "so_evaluation_score": Level(source=column("evaluation_score")),
    "so_charter_clause": Level(source=column("charter_party_clause")),
}
"""Where the demo's report values of each social organisation indicator come from."""


def _profile(context: DemoContext, org: SectorOrg) -> dict[str, Any]:
    rng = context.rng
    employees = rng.randint(3, 60) if org.category != cat.HUB else rng.randint(10, 40)
    members = rng.randint(0, max(3, employees // 3))
    form = "单独组建" if members >= 3 else rng.choice(("联合组建", "选派党建工作指导员"))
    score = Decimal(str(round(rng.uniform(62, 98), 1)))
    city = org.name.startswith("杭州市")
    return {
        "organization_id": org.id,
        "registration_authority": "杭州市民政局" if city else f"{org.name[:3]}民政局",
        "supervising_unit": rng.choice(SUPERVISORS),
        "rating": rng.choice(("5A", "4A", "4A", "3A", "3A", "未评估")),
        "employees": employees,
        "party_members": members,
        "party_org_form": form,
        "charter_party_clause": rng.random() < 0.8,
        "evaluation_score": score,
    }


async def load_demo(context: DemoContext) -> None:
    """Sort the demo's social organisations into their kinds and give each a profile."""
    orgs = await sector_orgs(context.session, cat.SECTOR_CODE)
    moved = await reclassify(context.session, orgs, choose=category_of, posts=cat.POSTS)
    rows = [_profile(context, org) for org in moved]
    await insert_rows(context.session, SocialOrgProfile, rows)
