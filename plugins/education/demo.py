"""The education part of the demo city: the schools move from the generic public
institution category to their own, and each gets a profile (set-based, seeded)."""

from __future__ import annotations

from typing import Any

from core.specs import DemoContext
from plugins.education import catalogue as cat
from plugins.education.models import EduProfile
from plugins.sector_kit.activity import Level, column
from plugins.sector_kit.demo import SectorOrg, insert_rows, reclassify, sector_orgs

PREFIXES = {
    cat.KINDERGARTEN: "EDU_KG",
    cat.PRIMARY: "EDU_PRIMARY",
    cat.SECONDARY: "EDU_SECONDARY",
    cat.VOCATIONAL: "EDU_VOCATIONAL",
}
SIZES = {  # students (low, high), students per member of staff
    cat.KINDERGARTEN: ((180, 600), 9),
    cat.PRIMARY: ((600, 2600), 17),
    cat.SECONDARY: ((800, 3200), 12),
    cat.VOCATIONAL: ((1200, 4000), 14),
    cat.COLLEGE: ((6000, 20000), 16),
}


LEVELS = {  # the demo's DJBB values: members and admissions by school kind, the rest as profiled
    "edu_teacher_members": Level(
        ranges={
            cat.KINDERGARTEN: (6, 18),
            cat.PRIMARY: (25, 60),
            cat.SECONDARY: (35, 90),
            cat.VOCATIONAL: (40, 100),
            cat.COLLEGE: (300, 800),
        }
    ),
    "edu_new_teacher_members": Level(
        ranges={
            cat.KINDERGARTEN: (0.6, 1.2),
            cat.PRIMARY: (0.8, 1.6),
            cat.SECONDARY: (0.6, 1.6),
            cat.VOCATIONAL: (0.8, 2.0),
            cat.COLLEGE: (4, 10),
        }
    ),
    "edu_ideology_teachers": Level(source=column("ideology_teachers")),
    "edu_principal_system": Level(source=column("principal_system")),
}
"""Where the demo's report values of each education indicator come from."""


def category_of(org: SectorOrg) -> str:
    """A school's category from its name."""
    name = org.name
    if "幼儿园" in name:
        return cat.KINDERGARTEN
    if "大学" in name or name.endswith("学院"):
        return cat.COLLEGE
    if "职业" in name or "职高" in name:
        return cat.VOCATIONAL
    if "小学" in name:
        return cat.PRIMARY
    return cat.SECONDARY


def _profile(context: DemoContext, org: SectorOrg) -> dict[str, Any]:
    rng = context.rng
    (low, high), ratio = SIZES.get(org.category, SIZES[cat.SECONDARY])
    students = rng.randint(low, high)
    staff = max(12, students // ratio)
    members = int(staff * rng.uniform(0.25, 0.55))
    form = "党委" if members >= 100 else "党总支" if members >= 50 else "党支部"
    if org.category == cat.KINDERGARTEN and members < 10:
        form = "联合党支部"
    system = rng.random() < 0.85
    return {
        "organization_id": org.id,
        "students": students,
        "staff": staff,
        "party_members": members,
        "party_org_form": form,
        "principal_system": system,
        "secretary_principal_separate": system and rng.random() < 0.8,
        "ideology_teachers": 0 if org.category == cat.KINDERGARTEN else max(1, staff // 25),
        "branches_in_grade_groups": members >= 30 and rng.random() < 0.7,
    }


async def load_demo(context: DemoContext) -> None:
    """Recategorise the demo's schools and give each a profile."""
    orgs = await sector_orgs(context.session, cat.SECTOR_CODE)
    schools = await reclassify(
        context.session,
        orgs,
        choose=category_of,
        posts={category: cat.post_map(prefix) for category, prefix in PREFIXES.items()},
    )
    await insert_rows(context.session, EduProfile, [_profile(context, org) for org in schools])
