"""The health part of the demo city: hospitals and health centres move from the generic
public institution category to their own, each with a profile (set-based, seeded)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.orgs.models import Organization, OrgCategory
from core.specs import DemoContext
from plugins.health import catalogue as cat
from plugins.health.models import HealthProfile
from plugins.sector_kit.activity import ANY, Level, column
from plugins.sector_kit.demo import SectorOrg, insert_rows, reclassify, sector_orgs

CENTRES = {"第二人民医院": "STREET", "康复医院": "TOWN"}
"""The core demo gives each district five hospitals; two of them stand for the district's
primary care: a street's community health service centre and a town's health centre."""


def category_of(org: SectorOrg) -> str:
    """A health organisation's category from its name (镇/乡 centres are township ones)."""
    name = org.name
    if "社区卫生服务" in name:
        town = name.split("社区卫生服务")[0]
        return cat.TOWNSHIP_CENTRE if town.endswith(("镇", "乡")) else cat.COMMUNITY_CENTRE
    if "卫生院" in name:
        return cat.TOWNSHIP_CENTRE
    return cat.HOSPITAL


LEVELS = {  # the demo's DJBB values: rates and counts by kind, the systems as profiled
    "health_dual_leader_pct": Level(
        ranges={
            cat.HOSPITAL: (72, 96),
            cat.COMMUNITY_CENTRE: (55, 90),
            cat.TOWNSHIP_CENTRE: (50, 85),
        }
    ),
    "health_expert_members_new": Level(ranges={cat.HOSPITAL: (1.5, 5)}),
    "health_ethics_cases": Level(
        ranges={cat.HOSPITAL: (0.5, 2.5), ANY: (0, 0.4)}  # centres: hardly ever
    ),
    "health_president_system": Level(source=column("president_system")),
}
"""Where the demo's report values of each health indicator come from."""


def _profile(context: DemoContext, org: SectorOrg) -> dict[str, Any]:
    rng = context.rng
    if org.category == cat.HOSPITAL:
        grade = rng.choice(("三级甲等", "三级甲等", "三级乙等", "二级甲等"))
        beds = rng.randint(300, 2400) if grade.startswith("三级") else rng.randint(150, 600)
        staff = int(beds * rng.uniform(1.2, 1.8))
    else:
        grade, beds = "未定级", rng.randint(0, 60)
        staff = rng.randint(40, 160)
    members = int(staff * rng.uniform(0.18, 0.35))
    branches = max(1, members // 40)
    return {
        "organization_id": org.id,
        "grade": grade,
        "beds": beds,
        "staff": staff,
        "party_members": members,
        "president_system": org.category == cat.HOSPITAL and rng.random() < 0.9,
        "dual_leader_secretaries": int(branches * rng.uniform(0.6, 1.0)),
        "branches": branches,
    }


async def _towns(session: AsyncSession) -> dict[str, dict[str, list[str]]]:
    """District name → {"STREET": [street names], "TOWN": [town names]}, by code."""
    district = aliased(Organization)
    rows = await session.execute(
        select(district.name, OrgCategory.code, Organization.name)
        .join(district, district.id == Organization.parent_id)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(OrgCategory.code.in_(("STREET", "TOWN")))
        .order_by(Organization.code)
    )
    found: dict[str, dict[str, list[str]]] = {}
    for name, kind, town in rows:
        found.setdefault(name, {"STREET": [], "TOWN": []})[kind].append(town)
    return found


async def primary_care(session: AsyncSession, orgs: list[SectorOrg]) -> list[SectorOrg]:
    """Rename two of each district's hospitals after a street's and a town's centre."""
    towns = await _towns(session)
    renamed: list[SectorOrg] = []
    for org in orgs:
        kind = next((k for suffix, k in CENTRES.items() if org.name.endswith(suffix)), None)
        places = towns.get(org.name[:3], {})
        chosen = places.get(kind or "", []) or places.get("STREET", [])
        if kind is None or org.name.startswith("杭州市") or not chosen:
            renamed.append(org)
            continue
        town = chosen[0] if kind == "TOWN" or len(chosen) < 2 else chosen[1]
        suffix = "卫生院" if town.endswith(("镇", "乡")) else "社区卫生服务中心"
        renamed.append(org._replace(name=f"{org.name[:3]}{town}{suffix}"))
    table = Organization.__table__
    assert isinstance(table, Table)
    changed = [
        {"oid": new.id, "new_name": new.name}
        for old, new in zip(orgs, renamed, strict=True)
        if old.name != new.name
    ]
    if changed:
        await session.execute(
            update(table).where(table.c.id == bindparam("oid")).values(name=bindparam("new_name")),
            changed,
        )
    return renamed


async def load_demo(context: DemoContext) -> None:
    """Recategorise the demo's hospitals and health centres and give each a profile."""
    orgs = await primary_care(context.session, await sector_orgs(context.session, cat.SECTOR_CODE))
    moved = await reclassify(context.session, orgs, choose=category_of, posts=cat.POSTS)
    await insert_rows(context.session, HealthProfile, [_profile(context, org) for org in moved])
