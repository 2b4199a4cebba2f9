"""What the social organisation plugin adds: associations, foundations, private
non-enterprise units and hub organisations, with their posts and frameworks."""

from __future__ import annotations

from core.specs import CategorySpec, FrameworkSpec, PositionSpec
from plugins.sector_kit.catalogue import positions

PLUGIN_NAME = "social_org"
SECTOR_CODE = "SOCIAL_ORG"
ASSOCIATION = "SO_ASSOCIATION"
FOUNDATION = "SO_FOUNDATION"
NON_ENTERPRISE = "SO_PRIVATE_NON_ENTERPRISE"
HUB = "SO_HUB"
PREFIXES = {
    ASSOCIATION: "SO_ASSOC",
    FOUNDATION: "SO_FOUND",
    NON_ENTERPRISE: "SO_PNE",
    HUB: "SO_HUB",
}

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(ASSOCIATION, "社会团体（协会、商会）", "Association", SECTOR_CODE, 150),
    CategorySpec(FOUNDATION, "基金会", "Foundation", SECTOR_CODE, 151),
    CategorySpec(
        NON_ENTERPRISE,
        "民办非企业单位（社会服务机构）",
        "Private non-enterprise unit",
        SECTOR_CODE,
        152,
    ),
    CategorySpec(HUB, "枢纽型社会组织", "Hub organisation", SECTOR_CODE, 153),
)


def _posts(category: str, prefix: str) -> list[PositionSpec]:
    return positions(category, [
        (f"{prefix}_SECRETARY", "党组织书记", "Party secretary", True),
        (f"{prefix}_DEPUTY_SECRETARY", "党组织副书记", "Deputy party secretary", False),
        (f"{prefix}_PARTY_WORKER", "党务工作者", "Party worker", False),
        (f"{prefix}_INSTRUCTOR", "党建工作指导员", "Party-building instructor", True),
    ])  # fmt: skip


POSITIONS: tuple[PositionSpec, ...] = tuple(
    post for category, prefix in PREFIXES.items() for post in _posts(category, prefix)
)

FRAMEWORKS: tuple[FrameworkSpec, ...] = tuple(
    FrameworkSpec(
        f"{prefix}_STANDARD",
        f"{category.name}党组织配备",
        category.code,
        {f"{prefix}_SECRETARY": 1, f"{prefix}_PARTY_WORKER": 1, f"{prefix}_INSTRUCTOR": 1},
        "党组织书记一般从社会组织管理层党员中产生；未建党组织或党员不足的，由业务主管单位"
        "或属地党组织选派党建工作指导员，依据《关于加强社会组织党的建设工作的意见（试行）》（2015）。",
    )
    for category, prefix in ((c, PREFIXES[c.code]) for c in CATEGORIES)
)

_OLD = ("SECRETARY", "DEPUTY_SECRETARY", "PARTY_WORKER", "INSTRUCTOR")
POSTS: dict[str, dict[str, str]] = {
    category: {f"SOCIAL_ORG_{old}": f"{prefix}_{old}" for old in _OLD}
    for category, prefix in PREFIXES.items()
}
"""The demo's social organisations were of the core category: which post each holder takes."""
