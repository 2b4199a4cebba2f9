"""What the education plugin adds to the catalogue: school categories, posts, frameworks."""

from __future__ import annotations

from core.specs import CategorySpec, FrameworkSpec, PositionSpec
from plugins.sector_kit.catalogue import positions

PLUGIN_NAME = "education"
SECTOR_CODE = "EDUCATION"
KINDERGARTEN = "EDU_KINDERGARTEN"
PRIMARY = "EDU_PRIMARY_SCHOOL"
SECONDARY = "EDU_SECONDARY_SCHOOL"
VOCATIONAL = "EDU_VOCATIONAL_SCHOOL"
COLLEGE = "EDU_COLLEGE"
SCHOOLS = (KINDERGARTEN, PRIMARY, SECONDARY, VOCATIONAL)

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(KINDERGARTEN, "幼儿园", "Kindergarten", SECTOR_CODE, 130),
    CategorySpec(PRIMARY, "小学", "Primary school", SECTOR_CODE, 131),
    CategorySpec(SECONDARY, "中学", "Secondary school", SECTOR_CODE, 132),
    CategorySpec(VOCATIONAL, "中等职业学校", "Vocational school", SECTOR_CODE, 133),
    CategorySpec(COLLEGE, "高等学校", "University or college", SECTOR_CODE, 134),
)


def _school_posts(category: str, prefix: str) -> list[PositionSpec]:
    return positions(category, [
        (f"{prefix}_SECRETARY", "党组织书记", "Party secretary", True),
        (f"{prefix}_PRINCIPAL", "校（园）长、党组织副书记", "Principal and deputy secretary", True),
        (f"{prefix}_COMMITTEE_MEMBER", "党组织委员", "Committee member", False),
        (f"{prefix}_PARTY_WORKER", "专（兼）职党务工作者", "Party affairs worker", False),
    ])  # fmt: skip


# fmt: off
POSITIONS: tuple[PositionSpec, ...] = tuple(
    _school_posts(KINDERGARTEN, "EDU_KG")
    + _school_posts(PRIMARY, "EDU_PRIMARY")
    + _school_posts(SECONDARY, "EDU_SECONDARY")
    + _school_posts(VOCATIONAL, "EDU_VOCATIONAL")
    + positions(COLLEGE, [
        ("EDU_COLLEGE_SECRETARY", "党委书记", "Party committee secretary", True),
        ("EDU_COLLEGE_PRESIDENT", "校长、党委副书记", "President and deputy secretary", True),
        ("EDU_COLLEGE_DEPUTY_SECRETARY", "党委副书记", "Deputy party secretary", False),
        ("EDU_COLLEGE_DISCIPLINE_SECRETARY", "纪委书记", "Discipline committee secretary", True),
        ("EDU_COLLEGE_COMMITTEE_MEMBER", "党委委员", "Committee member", False),
        ("EDU_COLLEGE_ORG_DIRECTOR", "党委组织部部长", "Director, organisation department", True),
        ("EDU_COLLEGE_PARTY_WORKER", "院系专职组织员", "Full-time organiser of a school", False),
    ])
)

_PRINCIPAL_SYSTEM = (
    "实行党组织领导的校长负责制：书记、校长分设，校长担任党组织副书记，"
    "依据《关于建立中小学校党组织领导的校长负责制的意见（试行）》（2022）。"
)

FRAMEWORKS: tuple[FrameworkSpec, ...] = (
    FrameworkSpec("EDU_KG_STANDARD", "幼儿园党组织班子配备", KINDERGARTEN, {
        "EDU_KG_SECRETARY": 1, "EDU_KG_PRINCIPAL": 1, "EDU_KG_PARTY_WORKER": 1,
    }, "规模较小的幼儿园可书记、园长一人兼任，配备兼职党务工作者。"),
    FrameworkSpec("EDU_PRIMARY_STANDARD", "小学党组织班子配备", PRIMARY, {
        "EDU_PRIMARY_SECRETARY": 1, "EDU_PRIMARY_PRINCIPAL": 1,
        "EDU_PRIMARY_COMMITTEE_MEMBER": 2, "EDU_PRIMARY_PARTY_WORKER": 1,
    }, _PRINCIPAL_SYSTEM),
    FrameworkSpec("EDU_SECONDARY_STANDARD", "中学党组织班子配备", SECONDARY, {
        "EDU_SECONDARY_SECRETARY": 1, "EDU_SECONDARY_PRINCIPAL": 1,
        "EDU_SECONDARY_COMMITTEE_MEMBER": 3, "EDU_SECONDARY_PARTY_WORKER": 1,
    }, _PRINCIPAL_SYSTEM),
    FrameworkSpec("EDU_VOCATIONAL_STANDARD", "中等职业学校党组织班子配备", VOCATIONAL, {
        "EDU_VOCATIONAL_SECRETARY": 1, "EDU_VOCATIONAL_PRINCIPAL": 1,
        "EDU_VOCATIONAL_COMMITTEE_MEMBER": 3, "EDU_VOCATIONAL_PARTY_WORKER": 1,
    }, _PRINCIPAL_SYSTEM),
    FrameworkSpec("EDU_COLLEGE_STANDARD", "高等学校党委班子及组织员配备", COLLEGE, {
        "EDU_COLLEGE_SECRETARY": 1, "EDU_COLLEGE_PRESIDENT": 1,
        "EDU_COLLEGE_DEPUTY_SECRETARY": 1, "EDU_COLLEGE_DISCIPLINE_SECRETARY": 1,
        "EDU_COLLEGE_COMMITTEE_MEMBER": 3, "EDU_COLLEGE_ORG_DIRECTOR": 1,
        "EDU_COLLEGE_PARTY_WORKER": 2,
    }, "依据《中国共产党普通高等学校基层组织工作条例》（2021）：党委领导下的校长负责制，"
       "院系按师生党员数配备专职组织员。"),
)
# fmt: on

# the demo's schools were public institutions: which post each holder moves to
PUBLIC_POSTS = ("SECRETARY", "DEPUTY_SECRETARY", "COMMITTEE_MEMBER", "PARTY_WORKER")


def post_map(prefix: str) -> dict[str, str]:
    """PUBLIC_INSTITUTION_* post → the school category's post."""
    targets = ("SECRETARY", "PRINCIPAL", "COMMITTEE_MEMBER", "PARTY_WORKER")
    return {
        f"PUBLIC_INSTITUTION_{old}": f"{prefix}_{new}"
        for old, new in zip(PUBLIC_POSTS, targets, strict=True)
    }
