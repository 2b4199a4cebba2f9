"""What the non-public enterprise plugin adds: enterprises and park (building) committees."""

from __future__ import annotations

from core.specs import CategorySpec, FrameworkSpec, PositionSpec
from plugins.sector_kit.catalogue import positions

PLUGIN_NAME = "private_enterprise"
SECTOR_CODE = "PRIVATE_ENTERPRISE"
ENTERPRISE = "PE_ENTERPRISE"
PARK = "PE_PARK_COMMITTEE"

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(ENTERPRISE, "非公有制企业", "Non-public enterprise", SECTOR_CODE, 160),
    CategorySpec(
        PARK,
        "园区（楼宇）党委",
        "Industrial park or office building party committee",
        SECTOR_CODE,
        161,
    ),
)

# fmt: off
POSITIONS: tuple[PositionSpec, ...] = tuple(
    positions(ENTERPRISE, [
        ("PE_SECRETARY", "企业党组织书记", "Party secretary of the enterprise", True),
        ("PE_DEPUTY_SECRETARY", "党组织副书记", "Deputy party secretary", False),
        ("PE_PARTY_WORKER", "党务工作者", "Party worker", False),
        ("PE_INSTRUCTOR", "党建工作指导员", "Party-building instructor", True),
    ])
    + positions(PARK, [
        ("PE_PARK_SECRETARY", "园区（楼宇）党委书记", "Secretary of the park committee", True),
        ("PE_PARK_FULLTIME_DEPUTY", "专职副书记", "Full-time deputy secretary", True),
        ("PE_PARK_COMMITTEE_MEMBER", "党委委员", "Committee member", False),
        ("PE_PARK_ORGANISER", "专职党务工作者（组织员）", "Full-time organiser", False),
    ])
)

FRAMEWORKS: tuple[FrameworkSpec, ...] = (
    FrameworkSpec("PE_ENTERPRISE_STANDARD", "非公有制企业党组织配备", ENTERPRISE, {
        "PE_SECRETARY": 1, "PE_PARTY_WORKER": 1, "PE_INSTRUCTOR": 1,
    }, "党组织书记一般从企业管理层或职工中的党员骨干中产生，未建党组织的企业由属地选派"
       "党建工作指导员，依据《关于加强和改进非公有制企业党的建设工作的意见（试行）》（2012）。"),
    FrameworkSpec("PE_PARK_STANDARD", "园区（楼宇）党委班子配备", PARK, {
        "PE_PARK_SECRETARY": 1, "PE_PARK_FULLTIME_DEPUTY": 1,
        "PE_PARK_COMMITTEE_MEMBER": 3, "PE_PARK_ORGANISER": 2,
    }, "园区（楼宇）党委对区域内企业党组织实行兜底管理，按每30家左右企业配备1名专职党务工作者。"),
)
# fmt: on

POSTS: dict[str, dict[str, str]] = {
    ENTERPRISE: {
        "PRIVATE_ENTERPRISE_SECRETARY": "PE_SECRETARY",
        "PRIVATE_ENTERPRISE_DEPUTY_SECRETARY": "PE_DEPUTY_SECRETARY",
        "PRIVATE_ENTERPRISE_PARTY_WORKER": "PE_PARTY_WORKER",
        "PRIVATE_ENTERPRISE_INSTRUCTOR": "PE_INSTRUCTOR",
    }
}
"""The demo's enterprises were of the core category: which post each holder takes."""
