"""What the health plugin adds to the catalogue: hospital and health-centre categories."""

from __future__ import annotations

from core.specs import CategorySpec, FrameworkSpec, PositionSpec
from plugins.sector_kit.catalogue import positions

PLUGIN_NAME = "health"
SECTOR_CODE = "HEALTH"
HOSPITAL = "HEALTH_HOSPITAL"
COMMUNITY_CENTRE = "HEALTH_COMMUNITY_CENTRE"
TOWNSHIP_CENTRE = "HEALTH_TOWNSHIP_CENTRE"

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(HOSPITAL, "公立医院", "Public hospital", SECTOR_CODE, 140),
    CategorySpec(
        COMMUNITY_CENTRE,
        "社区卫生服务中心（站）",
        "Community health service centre",
        SECTOR_CODE,
        141,
    ),
    CategorySpec(TOWNSHIP_CENTRE, "乡镇卫生院", "Township health centre", SECTOR_CODE, 142),
)

# fmt: off
POSITIONS: tuple[PositionSpec, ...] = tuple(
    positions(HOSPITAL, [
        ("HEALTH_HOSPITAL_SECRETARY", "医院党委书记", "Hospital party secretary", True),
        ("HEALTH_HOSPITAL_PRESIDENT", "院长、党委副书记", "President and deputy secretary", True),
        ("HEALTH_HOSPITAL_COMMITTEE_MEMBER", "党委委员", "Committee member", False),
        ("HEALTH_HOSPITAL_DISCIPLINE_SECRETARY", "纪委书记", "Discipline secretary", True),
        ("HEALTH_HOSPITAL_PARTY_DIRECTOR", "党委办公室（组织部）主任", "Director, party office", False),  # noqa: E501
    ])
    + positions(COMMUNITY_CENTRE, [
        ("HEALTH_CHC_SECRETARY", "党支部书记", "Branch secretary", True),
        ("HEALTH_CHC_DIRECTOR", "中心主任、党支部副书记", "Director and deputy secretary", True),
        ("HEALTH_CHC_COMMITTEE_MEMBER", "支部委员", "Branch committee member", False),
        ("HEALTH_CHC_PARTY_WORKER", "兼职党务工作者", "Part-time party worker", False),
    ])
    + positions(TOWNSHIP_CENTRE, [
        ("HEALTH_THC_SECRETARY", "党支部书记", "Branch secretary", True),
        ("HEALTH_THC_DIRECTOR", "院长、党支部副书记", "Director and deputy secretary", True),
        ("HEALTH_THC_COMMITTEE_MEMBER", "支部委员", "Branch committee member", False),
        ("HEALTH_THC_PARTY_WORKER", "兼职党务工作者", "Part-time party worker", False),
    ])
)

FRAMEWORKS: tuple[FrameworkSpec, ...] = (
    FrameworkSpec("HEALTH_HOSPITAL_STANDARD", "公立医院党委班子配备", HOSPITAL, {
        "HEALTH_HOSPITAL_SECRETARY": 1, "HEALTH_HOSPITAL_PRESIDENT": 1,
        "HEALTH_HOSPITAL_COMMITTEE_MEMBER": 2, "HEALTH_HOSPITAL_DISCIPLINE_SECRETARY": 1,
        "HEALTH_HOSPITAL_PARTY_DIRECTOR": 1,
    }, "实行党委领导下的院长负责制：书记、院长分设，院长是党员的任党委副书记，"
       "依据《关于加强公立医院党的建设工作的意见》（2018）。"),
    FrameworkSpec("HEALTH_CHC_STANDARD", "社区卫生服务中心党支部配备", COMMUNITY_CENTRE, {
        "HEALTH_CHC_SECRETARY": 1, "HEALTH_CHC_DIRECTOR": 1, "HEALTH_CHC_COMMITTEE_MEMBER": 1,
    }, "党支部书记一般由党员中心主任或业务骨干担任，推行“双带头人”。"),
    FrameworkSpec("HEALTH_THC_STANDARD", "乡镇卫生院党支部配备", TOWNSHIP_CENTRE, {
        "HEALTH_THC_SECRETARY": 1, "HEALTH_THC_DIRECTOR": 1, "HEALTH_THC_COMMITTEE_MEMBER": 1,
    }, "党支部书记一般由党员院长或业务骨干担任，推行“双带头人”。"),
)
# fmt: on

_OLD = ("SECRETARY", "DEPUTY_SECRETARY", "COMMITTEE_MEMBER", "PARTY_WORKER")
POSTS: dict[str, dict[str, str]] = {
    category: {
        f"PUBLIC_INSTITUTION_{old}": f"{prefix}_{new}" for old, new in zip(_OLD, news, strict=True)
    }
    for category, prefix, news in (
        (HOSPITAL, "HEALTH_HOSPITAL",
         ("SECRETARY", "PRESIDENT", "COMMITTEE_MEMBER", "PARTY_DIRECTOR")),
        (COMMUNITY_CENTRE, "HEALTH_CHC",
         ("SECRETARY", "DIRECTOR", "COMMITTEE_MEMBER", "PARTY_WORKER")),
        (TOWNSHIP_CENTRE, "HEALTH_THC",
         ("SECRETARY", "DIRECTOR", "COMMITTEE_MEMBER", "PARTY_WORKER")),
    )
}  # fmt: skip
"""The demo's hospitals were public institutions: which post each holder moves to."""
