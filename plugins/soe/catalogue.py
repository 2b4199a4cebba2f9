"""What the SOE plugin adds to the catalogue: its categories, positions and frameworks."""

from __future__ import annotations

from core.specs import CategorySpec, FrameworkSpec, PositionSpec

PLUGIN_NAME = "soe"
SECTOR_CODE = "SOE"
SOE_GROUP = "SOE_GROUP"
SOE_SUBSIDIARY = "SOE_SUBSIDIARY"

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(SOE_GROUP, "国有企业集团", "State-owned enterprise group", SECTOR_CODE, 91),
    CategorySpec(
        SOE_SUBSIDIARY, "国有企业子公司", "Subsidiary of a state-owned group", SECTOR_CODE, 92
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
    _positions(SOE_GROUP, [
        ("SOE_GROUP_SECRETARY", "党委书记、董事长", "Party secretary and chair of the board", True),
        ("SOE_GROUP_DEPUTY_SECRETARY", "党委副书记、总经理", "Deputy party secretary and general manager", False),  # noqa: E501
        ("SOE_GROUP_FULLTIME_DEPUTY", "党委专职副书记", "Full-time deputy party secretary", True),
        ("SOE_GROUP_DISCIPLINE_SECRETARY", "纪委书记", "Discipline committee secretary", True),
        ("SOE_GROUP_COMMITTEE_MEMBER", "党委委员", "Party committee member", False),
        ("SOE_GROUP_PARTY_AFFAIRS_DIRECTOR", "党群工作部部长", "Director, party and mass work department", True),  # noqa: E501
        ("SOE_GROUP_PARTY_WORKER", "党群工作部专职党务干部", "Full-time party affairs officer", False),  # noqa: E501
    ])
    + _positions(SOE_SUBSIDIARY, [
        ("SOE_SUB_SECRETARY", "党组织书记", "Party secretary of the subsidiary", True),
        ("SOE_SUB_DEPUTY_SECRETARY", "党组织副书记", "Deputy party secretary", False),
        ("SOE_SUB_DISCIPLINE_MEMBER", "纪检委员", "Discipline inspection member", False),
        ("SOE_SUB_COMMITTEE_MEMBER", "党组织委员", "Party committee member", False),
        ("SOE_SUB_PARTY_WORKER", "专（兼）职党务工作者", "Party affairs worker", True),
    ])
    + [
        # the liaison role of SASAC's and the city's leaders (M3): its duties' tasks go to
        # the companies each leader is linked to (plugins/soe/liaison.py)
        PositionSpec("SOE_LIAISON_LEADER", "联系企业领导", "DEPARTMENT",
                     "Leader linked to state-owned enterprises", False, 900),
    ]
)

FRAMEWORKS: tuple[FrameworkSpec, ...] = (
    FrameworkSpec(
        "SOE_GROUP_STANDARD", "国有企业集团党委班子及党建工作力量配备", SOE_GROUP,
        {
            "SOE_GROUP_SECRETARY": 1, "SOE_GROUP_DEPUTY_SECRETARY": 1,
            "SOE_GROUP_FULLTIME_DEPUTY": 1, "SOE_GROUP_DISCIPLINE_SECRETARY": 1,
            "SOE_GROUP_COMMITTEE_MEMBER": 3, "SOE_GROUP_PARTY_AFFAIRS_DIRECTOR": 1,
            "SOE_GROUP_PARTY_WORKER": 2,
        },
        "党委书记、董事长一人担任，党员总经理任副书记，配备专责抓党建的专职副书记；"
        "设党群工作部，专职党务干部按职工总数一定比例配备。",
    ),
    FrameworkSpec(
        "SOE_SUBSIDIARY_STANDARD", "国有企业子公司党组织班子配备", SOE_SUBSIDIARY,
        {
            "SOE_SUB_SECRETARY": 1, "SOE_SUB_DEPUTY_SECRETARY": 1,
            "SOE_SUB_DISCIPLINE_MEMBER": 1, "SOE_SUB_COMMITTEE_MEMBER": 2,
            "SOE_SUB_PARTY_WORKER": 1,
        },
        "子公司党组织书记、副书记、纪检委员和委员，另配备专（兼）职党务工作者。",
    ),
)
# fmt: on
