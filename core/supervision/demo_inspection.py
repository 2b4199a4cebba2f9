"""The demo's special inspection: 西湖区's fixed-activity-day inspection by six teams of
retired cadres, with visits and the findings they raise."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.orgs.models import Organization, OrgClosure
from core.supervision import inspections
from core.supervision.demo_base import YEAR, demo_principal

TEAMS = ["第一督查组", "第二督查组", "第三督查组", "第四督查组", "第五督查组", "第六督查组"]
VETERANS = [
    "王建国",
    "李秀英",
    "张志强",
    "刘桂兰",
    "陈德明",
    "杨淑珍",
    "赵永福",
    "黄丽华",
    "周树人",
    "吴国平",
    "徐卫东",
    "孙美玲",
]
GAPS = {
    "F01": "7 月、8 月未开展主题党日",
    "F02": "活动计划未提前通知党员",
    "F03": "党员参加率仅 62%，缺席人员未补学",
    "F04": "活动照片未归档",
}


async def seed_inspection(session: AsyncSession) -> None:
    """西湖区's fixed-activity-day inspection: six teams of retired cadres, one per group of
    streets (communities come with their street), and a visit to a dozen communities."""
    xihu = await demo_principal(session, "xihu")
    inspection = await inspections.create(
        session=session,
        principal=xihu,
        request=inspections.InspectionRequest(
            code="XH-2026-FIXED-DAY",
            title="西湖区2026年主题党日专项督查",
            checklist_code="FIXED-DAY-INSPECTION",
            within_code="330106",
            category_code="COMMUNITY",
            period="2026Q3",
            starts_on=dt.date(YEAR, 9, 1),
            ends_on=dt.date(YEAR, 9, 30),
        ),
    )
    streets = list(
        await session.scalars(
            select(Organization.code)
            .where(
                Organization.parent_id == inspection.root_id, Organization.code.like("330106___")
            )
            .order_by(Organization.code)
        )
    )
    for index, name in enumerate(TEAMS):
        mine = streets[index :: len(TEAMS)]
        if not mine:
            continue
        await inspections.add_team(
            session=session,
            principal=xihu,
            inspection_code=inspection.code,
            code=f"T{index + 1}",
            name=f"西湖区退休老干部{name}",
            leader=VETERANS[2 * index],
            members=[VETERANS[2 * index], VETERANS[2 * index + 1]],
            organization_codes=mine,
        )
    communities = list(
        await session.scalars(
            select(Organization.code)
            .join(OrgClosure, OrgClosure.descendant_id == Organization.id)
            .where(
                OrgClosure.ancestor_id == inspection.root_id,
                Organization.category_id == inspection.category_id,
            )
            .order_by(Organization.code)
            .limit(12)
        )
    )
    for number, code in enumerate(communities):
        failing = {"F01", "F03"} if number % 4 == 0 else ({"F04"} if number % 3 == 0 else set())
        results = [
            inspections.ItemResult(
                item,
                "NON_COMPLIANT" if item in failing else "COMPLIANT",
                GAPS[item] if item in failing else "",
            )
            for item in ("F01", "F02", "F03", "F04")
        ]
        await inspections.record_visit(
            session=session,
            principal=xihu,
            inspection_code=inspection.code,
            organization_code=code,
            visited_on=dt.date(YEAR, 9, 3 + number),
            note="查阅活动记录、签到表和照片，走访党员",
            results=results,
            rectify_by=dt.date(YEAR, 10, 31),
            expected_version=0,
        )
