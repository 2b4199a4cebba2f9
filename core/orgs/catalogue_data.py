"""The core catalogue as data: sectors, organisation categories, positions, frameworks.

Plugins add their own through hooks; `core.orgs.catalogue.sync_catalogue` stores both.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.specs import CategorySpec, FrameworkSpec, PositionSpec


@dataclass(frozen=True)
class SectorSpec:
    """A sector of the core catalogue and the plugin that serves it."""

    code: str
    name: str
    name_en: str
    plugin: str


SECTOR_SOE = "SOE"
SECTOR_EDUCATION = "EDUCATION"
SECTOR_HEALTH = "HEALTH"
SECTOR_SOCIAL_ORG = "SOCIAL_ORG"
SECTOR_PRIVATE_ENTERPRISE = "PRIVATE_ENTERPRISE"

SECTORS: tuple[SectorSpec, ...] = (
    SectorSpec(SECTOR_SOE, "国有企业", "State-owned enterprises", "soe"),
    SectorSpec(SECTOR_EDUCATION, "教育", "Education", "education"),
    SectorSpec(SECTOR_HEALTH, "卫生健康", "Health", "health"),
    SectorSpec(SECTOR_SOCIAL_ORG, "社会组织", "Social organisations", "social_org"),
    SectorSpec(
        SECTOR_PRIVATE_ENTERPRISE, "非公有制企业", "Non-public enterprises", "private_enterprise"
    ),
)

CITY = "CITY"
DISTRICT = "DISTRICT"
DEPARTMENT = "DEPARTMENT"
TOWN = "TOWN"
STREET = "STREET"
VILLAGE = "VILLAGE"
COMMUNITY = "COMMUNITY"
VILLAGE_COMMUNITY = "VILLAGE_COMMUNITY"
SOE = "SOE"
SOCIAL_ORG = "SOCIAL_ORG"
PUBLIC_INSTITUTION = "PUBLIC_INSTITUTION"
PRIVATE_ENTERPRISE = "PRIVATE_ENTERPRISE"

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(CITY, "市", "City", sort_order=10),
    CategorySpec(DISTRICT, "县（市、区）", "District / county", sort_order=20),
    CategorySpec(DEPARTMENT, "机关部门", "City department", sort_order=30),
    CategorySpec(TOWN, "乡镇", "Town / township", sort_order=40),
    CategorySpec(STREET, "街道", "Street (sub-district)", sort_order=50),
    CategorySpec(VILLAGE, "行政村", "Administrative village", sort_order=60),
    CategorySpec(COMMUNITY, "社区", "Community", sort_order=70),
    CategorySpec(
        VILLAGE_COMMUNITY, "村改社区", "Community converted from a village", sort_order=80
    ),
    CategorySpec(SOE, "国有企业", "State-owned enterprise", SECTOR_SOE, sort_order=90),
    CategorySpec(SOCIAL_ORG, "社会组织", "Social organisation", SECTOR_SOCIAL_ORG, sort_order=100),
    CategorySpec(PUBLIC_INSTITUTION, "事业单位", "Public institution", sort_order=110),
    CategorySpec(
        PRIVATE_ENTERPRISE,
        "非公企业",
        "Non-public enterprise",
        SECTOR_PRIVATE_ENTERPRISE,
        sort_order=120,
    ),
)


def _positions(category: str, rows: list[tuple[str, str, str, bool]]) -> list[PositionSpec]:
    """Positions of one category from (code, zh-CN name, English name, principal) rows."""
    return [
        PositionSpec(code, name, category, name_en, principal, sort_order=(i + 1) * 10)
        for i, (code, name, name_en, principal) in enumerate(rows)
    ]


# fmt: off
POSITIONS: tuple[PositionSpec, ...] = tuple(
    _positions(CITY, [
        ("CITY_SECRETARY", "市委书记", "City party secretary", True),
        ("CITY_DEPUTY_SECRETARY", "市委副书记", "Deputy city party secretary", False),
        ("CITY_ORG_DIRECTOR", "市委常委、组织部部长", "Head of the organisation department", True),
        ("CITY_ORG_EXEC_DEPUTY", "市委组织部常务副部长", "Executive deputy head, organisation department", False),  # noqa: E501
        ("CITY_GRASSROOTS_DIRECTOR", "市委组织部组织二处处长", "Director, grassroots division", False),  # noqa: E501
    ])
    + _positions(DISTRICT, [
        ("DISTRICT_SECRETARY", "区（县、市）委书记", "District party secretary", True),
        ("DISTRICT_DEPUTY_SECRETARY", "区（县、市）委副书记", "Deputy district party secretary", False),  # noqa: E501
        ("DISTRICT_ORG_DIRECTOR", "区（县、市）委组织部部长", "Head of the district organisation department", True),  # noqa: E501
        ("DISTRICT_ORG_EXEC_DEPUTY", "组织部常务副部长", "Executive deputy head, organisation department", False),  # noqa: E501
        ("DISTRICT_GRASSROOTS_CHIEF", "组织部组织科科长", "Chief, grassroots section", False),
        ("DISTRICT_ORGANISER", "组织部组织员", "Organiser", False),
        ("DISTRICT_NEW_SECTOR_DEPUTY", "两新工委专职副书记", "Full-time deputy secretary, new-economy work committee", False),  # noqa: E501
    ])
    + _positions(DEPARTMENT, [
        ("DEPT_PARTY_GROUP_SECRETARY", "党组（党委）书记", "Secretary of the leading party group", True),  # noqa: E501
        ("DEPT_COMMITTEE_SECRETARY", "机关党委书记", "Secretary of the department party committee", True),  # noqa: E501
        ("DEPT_FULLTIME_DEPUTY", "机关党委专职副书记", "Full-time deputy secretary", True),
        ("DEPT_DISCIPLINE_SECRETARY", "机关纪委书记", "Discipline committee secretary", False),
        ("DEPT_PARTY_OFFICE_DIRECTOR", "机关党委办公室主任", "Director, party committee office", False),  # noqa: E501
        ("DEPT_PARTY_WORKER", "专职党务干部", "Full-time party affairs officer", False),
    ])
    + _positions(TOWN, [
        ("TOWN_SECRETARY", "镇（乡）党委书记", "Town party secretary", True),
        ("TOWN_ORG_MEMBER", "党委组织委员", "Organisation committee member", True),
        ("TOWN_ORGANISER", "组织员", "Organiser", True),
        ("TOWN_DEPUTY_SECRETARY", "党委副书记", "Deputy party secretary", False),
        ("TOWN_TEAM_MEMBER", "其他班子成员", "Other leadership team member", False),
        ("TOWN_VILLAGE_CADRE", "驻村干部", "Village-contact cadre", False),
        ("TOWN_PARTY_OFFICE_STAFF", "党建办工作人员", "Party-building office staff", False),
    ])
    + _positions(STREET, [
        ("STREET_SECRETARY", "街道党工委书记", "Street party working committee secretary", True),
        ("STREET_ORG_MEMBER", "党工委组织委员", "Organisation committee member", True),
        ("STREET_ORGANISER", "组织员", "Organiser", True),
        ("STREET_DEPUTY_SECRETARY", "党工委副书记", "Deputy secretary", False),
        ("STREET_TEAM_MEMBER", "其他班子成员", "Other leadership team member", False),
        ("STREET_COMMUNITY_CADRE", "驻社区干部", "Community-contact cadre", False),
        ("STREET_PARTY_OFFICE_STAFF", "党建办工作人员", "Party-building office staff", False),
    ])
    + _positions(VILLAGE, [
        ("VILLAGE_SECRETARY", "村党组织书记", "Village party secretary", True),
        ("VILLAGE_DEPUTY_SECRETARY", "村党组织副书记", "Deputy village party secretary", False),
        ("VILLAGE_ORG_MEMBER", "组织委员", "Organisation committee member", False),
        ("VILLAGE_PROPAGANDA_MEMBER", "宣传委员", "Propaganda committee member", False),
        ("VILLAGE_DISCIPLINE_MEMBER", "纪检委员", "Discipline committee member", False),
        ("VILLAGE_RESERVE_CADRE", "村级后备干部", "Reserve cadre", False),
    ])
    + _positions(COMMUNITY, [
        ("COMMUNITY_SECRETARY", "社区党组织书记", "Community party secretary", True),
        ("COMMUNITY_DEPUTY_SECRETARY", "社区党组织副书记", "Deputy community party secretary", False),  # noqa: E501
        ("COMMUNITY_ORG_MEMBER", "组织委员", "Organisation committee member", False),
        ("COMMUNITY_PROPAGANDA_MEMBER", "宣传委员", "Propaganda committee member", False),
        ("COMMUNITY_PARTY_WORKER", "专职党务工作者", "Full-time party worker", False),
        ("COMMUNITY_GRID_SECRETARY", "网格党支部书记", "Grid party branch secretary", False),
        ("COMMUNITY_DISCIPLINE_MEMBER", "纪检委员", "Discipline committee member", False),
    ])
    + _positions(VILLAGE_COMMUNITY, [
        ("VILLAGE_COMMUNITY_SECRETARY", "村改社区党组织书记", "Party secretary", True),
        ("VILLAGE_COMMUNITY_DEPUTY_SECRETARY", "村改社区党组织副书记", "Deputy party secretary", False),  # noqa: E501
        ("VILLAGE_COMMUNITY_COMMITTEE_MEMBER", "党组织委员", "Committee member", False),
        ("VILLAGE_COMMUNITY_PARTY_WORKER", "党务工作者", "Party worker", False),
    ])
    + _positions(SOE, [
        ("SOE_SECRETARY", "企业党委书记", "Enterprise party secretary", True),
        ("SOE_DEPUTY_SECRETARY", "党委专职副书记", "Full-time deputy party secretary", True),
        ("SOE_DISCIPLINE_SECRETARY", "纪委书记", "Discipline committee secretary", False),
        ("SOE_PARTY_WORKER", "专职党务工作者", "Full-time party worker", False),
    ])
    + _positions(SOCIAL_ORG, [
        ("SOCIAL_ORG_SECRETARY", "社会组织党组织书记", "Party secretary", True),
        ("SOCIAL_ORG_DEPUTY_SECRETARY", "党组织副书记", "Deputy party secretary", False),
        ("SOCIAL_ORG_PARTY_WORKER", "党务工作者", "Party worker", False),
        ("SOCIAL_ORG_INSTRUCTOR", "党建指导员", "Party-building instructor", False),
    ])
    + _positions(PUBLIC_INSTITUTION, [
        ("PUBLIC_INSTITUTION_SECRETARY", "党委（总支、支部）书记", "Party secretary", True),
        ("PUBLIC_INSTITUTION_DEPUTY_SECRETARY", "党组织副书记", "Deputy party secretary", False),
        ("PUBLIC_INSTITUTION_COMMITTEE_MEMBER", "党组织委员", "Committee member", False),
        ("PUBLIC_INSTITUTION_PARTY_WORKER", "专职党务工作者", "Full-time party worker", False),
    ])
    + _positions(PRIVATE_ENTERPRISE, [
        ("PRIVATE_ENTERPRISE_SECRETARY", "非公企业党组织书记", "Party secretary", True),
        ("PRIVATE_ENTERPRISE_DEPUTY_SECRETARY", "党组织副书记", "Deputy party secretary", False),
        ("PRIVATE_ENTERPRISE_PARTY_WORKER", "党务工作者", "Party worker", False),
        ("PRIVATE_ENTERPRISE_INSTRUCTOR", "党建指导员", "Party-building instructor", False),
    ])
)

# fmt: on

SECRETARY_POSITION: dict[str, str] = {
    CITY: "CITY_SECRETARY",
    DISTRICT: "DISTRICT_SECRETARY",
    DEPARTMENT: "DEPT_COMMITTEE_SECRETARY",
    TOWN: "TOWN_SECRETARY",
    STREET: "STREET_SECRETARY",
    VILLAGE: "VILLAGE_SECRETARY",
    COMMUNITY: "COMMUNITY_SECRETARY",
    VILLAGE_COMMUNITY: "VILLAGE_COMMUNITY_SECRETARY",
    SOE: "SOE_SECRETARY",
    SOCIAL_ORG: "SOCIAL_ORG_SECRETARY",
    PUBLIC_INSTITUTION: "PUBLIC_INSTITUTION_SECRETARY",
    PRIVATE_ENTERPRISE: "PRIVATE_ENTERPRISE_SECRETARY",
}
"""The post of the "first responsible person" of each core category."""

_3_3 = "三项主要职务（书记、组织委员、组织员）加三项辅助职务（副书记、其他班子成员、驻点干部）。"

# fmt: off
FRAMEWORKS: tuple[FrameworkSpec, ...] = (
    FrameworkSpec("CITY_STANDARD", "市委抓党建工作配备", CITY, {
        "CITY_SECRETARY": 1, "CITY_DEPUTY_SECRETARY": 2, "CITY_ORG_DIRECTOR": 1,
        "CITY_ORG_EXEC_DEPUTY": 1, "CITY_GRASSROOTS_DIRECTOR": 1,
    }),
    FrameworkSpec("DISTRICT_STANDARD", "县（市、区）委抓党建工作配备", DISTRICT, {
        "DISTRICT_SECRETARY": 1, "DISTRICT_DEPUTY_SECRETARY": 2, "DISTRICT_ORG_DIRECTOR": 1,
        "DISTRICT_ORG_EXEC_DEPUTY": 1, "DISTRICT_GRASSROOTS_CHIEF": 1, "DISTRICT_ORGANISER": 2,
        "DISTRICT_NEW_SECTOR_DEPUTY": 1,
    }),
    FrameworkSpec("DEPARTMENT_STANDARD", "市直机关党组织配备", DEPARTMENT, {
        "DEPT_PARTY_GROUP_SECRETARY": 1, "DEPT_COMMITTEE_SECRETARY": 1,
        "DEPT_FULLTIME_DEPUTY": 1, "DEPT_DISCIPLINE_SECRETARY": 1,
        "DEPT_PARTY_OFFICE_DIRECTOR": 1, "DEPT_PARTY_WORKER": 2,
    }),
    FrameworkSpec("TOWN_3_3", "乡镇“3+3”党建工作力量配备", TOWN, {
        "TOWN_SECRETARY": 1, "TOWN_ORG_MEMBER": 1, "TOWN_ORGANISER": 1,
        "TOWN_DEPUTY_SECRETARY": 2, "TOWN_TEAM_MEMBER": 3, "TOWN_VILLAGE_CADRE": 4,
    }, _3_3),
    FrameworkSpec("STREET_3_3", "街道“3+3”党建工作力量配备", STREET, {
        "STREET_SECRETARY": 1, "STREET_ORG_MEMBER": 1, "STREET_ORGANISER": 1,
        "STREET_DEPUTY_SECRETARY": 2, "STREET_TEAM_MEMBER": 3, "STREET_COMMUNITY_CADRE": 4,
    }, _3_3),
    FrameworkSpec("VILLAGE_STANDARD", "行政村党组织班子配备", VILLAGE, {
        "VILLAGE_SECRETARY": 1, "VILLAGE_DEPUTY_SECRETARY": 1, "VILLAGE_ORG_MEMBER": 1,
        "VILLAGE_PROPAGANDA_MEMBER": 1, "VILLAGE_DISCIPLINE_MEMBER": 1,
    }),
    FrameworkSpec("COMMUNITY_STANDARD", "社区党组织班子配备", COMMUNITY, {
        "COMMUNITY_SECRETARY": 1, "COMMUNITY_DEPUTY_SECRETARY": 1, "COMMUNITY_ORG_MEMBER": 1,
        "COMMUNITY_PROPAGANDA_MEMBER": 1, "COMMUNITY_PARTY_WORKER": 1,
        "COMMUNITY_GRID_SECRETARY": 1,
    }),
    FrameworkSpec("VILLAGE_COMMUNITY_STANDARD", "村改社区党组织班子配备", VILLAGE_COMMUNITY, {
        "VILLAGE_COMMUNITY_SECRETARY": 1, "VILLAGE_COMMUNITY_DEPUTY_SECRETARY": 1,
        "VILLAGE_COMMUNITY_COMMITTEE_MEMBER": 2, "VILLAGE_COMMUNITY_PARTY_WORKER": 1,
    }),
    FrameworkSpec("SOE_STANDARD", "国有企业党组织配备", SOE, {
        "SOE_SECRETARY": 1, "SOE_DEPUTY_SECRETARY": 1, "SOE_DISCIPLINE_SECRETARY": 1,
        "SOE_PARTY_WORKER": 2,
    }),
    FrameworkSpec("SOCIAL_ORG_STANDARD", "社会组织党组织配备", SOCIAL_ORG, {
        "SOCIAL_ORG_SECRETARY": 1, "SOCIAL_ORG_PARTY_WORKER": 1, "SOCIAL_ORG_INSTRUCTOR": 1,
    }),
    FrameworkSpec("PUBLIC_INSTITUTION_STANDARD", "事业单位党组织配备", PUBLIC_INSTITUTION, {
        "PUBLIC_INSTITUTION_SECRETARY": 1, "PUBLIC_INSTITUTION_DEPUTY_SECRETARY": 1,
        "PUBLIC_INSTITUTION_COMMITTEE_MEMBER": 2, "PUBLIC_INSTITUTION_PARTY_WORKER": 1,
    }),
    FrameworkSpec("PRIVATE_ENTERPRISE_STANDARD", "非公企业党组织配备", PRIVATE_ENTERPRISE, {
        "PRIVATE_ENTERPRISE_SECRETARY": 1, "PRIVATE_ENTERPRISE_PARTY_WORKER": 1,
        "PRIVATE_ENTERPRISE_INSTRUCTOR": 1,
    }),
)

# fmt: on

FRAMEWORK_BY_CATEGORY: dict[str, str] = {f.category_code: f.code for f in FRAMEWORKS}
"""The core staffing framework of each core category."""
