"""The demo's campaign (the source's 双基十条: 156 tasks across the 13 districts) and the
quarterly town-secretary teleconferences with their attendance."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar.models import Task, TaskRecord
from core.orgs.models import Organization, OrgCategory
from core.supervision import campaigns, meetings
from core.supervision.demo_base import YEAR, demo_principal
from core.supervision.models import (
    CampaignItem,
    CampaignTask,
)

DOUBLE_BASE = [
    ("A01", "完成基层党组织设置调整，做到应建尽建", "组织部", (3, 31)),
    ("A02", "督促到期党组织按期换届", "组织部", (4, 30)),
    ("A03", "开展村（社区）党组织书记轮训", "组织部", (5, 31)),
    ("A04", "完成年度党员发展计划", "组织部", (6, 30)),
    ("A05", "推行党员积分管理", "组织部", (6, 30)),
    ("A06", "党群服务中心标准化建设", "组织部", (7, 31)),
    ("A07", "“三会一课”落实情况专项检查", "组织部", (8, 31)),
    ("A08", "落实村级组织运转经费和报酬待遇", "财政局", (9, 30)),
    ("A09", "软弱涣散党组织整顿", "组织部", (10, 31)),
    ("A10", "软弱涣散党组织整顿销号验收", "组织部", (11, 30)),
    ("A11", "推进网格党组织全覆盖", "组织部", (11, 30)),
    ("A12", "开展“双基”工作年度考核", "组织部", (12, 20)),
]
"""The source's 双基十条: ten articles in twelve tasks, for each of the 13 districts (156)."""


async def seed_campaign(session: AsyncSession) -> None:
    admin = await demo_principal(session, "admin")
    districts = list(
        await session.scalars(
            select(Organization.code)
            .where(Organization.depth == 1, Organization.code.like("3301__"))
            .order_by(Organization.code)
        )
    )
    campaign = await campaigns.create(
        session=session,
        principal=admin,
        request=campaigns.CampaignRequest(
            code="SJSHT-2026",
            title="“双基十条”专项行动",
            within_code="330100",
            starts_on=dt.date(YEAR, 3, 1),
            ends_on=dt.date(YEAR, 12, 31),
            items=[
                campaigns.ItemSpec(code, title, owner, dt.date(YEAR, *day))
                for code, title, owner, day in DOUBLE_BASE
            ],
            organization_codes=districts,
        ),
    )
    tasks = select(CampaignTask.task_id).join(CampaignItem, CampaignItem.id == CampaignTask.item_id)
    due = await session.execute(
        select(Task.id, Task.due_on).where(
            Task.id.in_(tasks.where(CampaignItem.campaign_id == campaign.id)),
            Task.due_on < dt.date(YEAR, 10, 1),
        )
    )
    records = []
    for task_id, due_on in due:
        if task_id % 6:  # most done on time, one in six still open (and so overdue)
            at = dt.datetime.combine(due_on, dt.time(2), tzinfo=dt.UTC)
            await session.execute(
                update(Task)
                .where(Task.id == task_id)
                .values(status="DONE", completed_at=at, completed_by=admin.account_id, version=2)
            )
            records.append(
                {
                    "task_id": task_id,
                    "kind": "COMPLETE",
                    "note": "已按“双基十条”要求完成，台账已归档",
                    "author_id": admin.account_id,
                    "at": at,
                }
            )
    if records:
        await session.execute(insert(TaskRecord), records)


async def seed_meetings(session: AsyncSession) -> None:
    """The quarterly town-secretary teleconference of 2026 (Q1–Q3): every town and street is
    expected; a seeded few miss one (the assessment reads the attendance rate)."""
    admin = await demo_principal(session, "admin")
    towns = list(
        await session.scalars(
            select(Organization.code)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(OrgCategory.code.in_(("TOWN", "STREET")))
            .order_by(Organization.code)
        )
    )
    for quarter, day in enumerate(
        (dt.date(YEAR, 3, 20), dt.date(YEAR, 6, 19), dt.date(YEAR, 9, 18))
    ):
        await meetings.record(
            session=session,
            principal=admin,
            kind="SECRETARY_TELECONFERENCE",
            title=f"{YEAR}年第{quarter + 1}季度乡镇（街道）党（工）委书记抓基层党建视频会",
            host_code="330100",
            held_on=day,
            minutes="通报上季度基层党建重点任务进展和随机抽查发现的问题，部署本季度工作。",
            attendance=[
                meetings.Attendance(
                    code,
                    present=(index * 7 + quarter) % 23 != 0,
                    note="" if (index * 7 + quarter) % 23 else "因防汛值班缺席，会后补学",
                )
                for index, code in enumerate(towns)
            ],
        )
