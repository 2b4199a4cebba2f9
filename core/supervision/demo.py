"""The demo's process control: a published city-wide spot check with findings in every state
of their rectification, and a district's spot check still being worked on.

Cheap at any scale: two draws (one query each), a few dozen findings, one bulletin. The
draws and the bulletin go through the services (audited like any other); the findings'
past (dates before today) is written directly, each step with its audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.principal import Principal
from core.auth.service import load_principal
from core.calendar.models import Task, TaskRecord
from core.orgs.models import Organization, OrgCategory, OrgClosure
from core.supervision import bulletins, campaigns, inspections, meetings, spotchecks
from core.supervision.findings import (
    IDENTIFIED,
    RECTIFIED,
    RECTIFYING,
    REOPENED,
    VERIFIED,
)
from core.supervision.loading import load_core_libraries
from core.supervision.models import (
    CampaignItem,
    CampaignTask,
    Finding,
    FindingStep,
    SpotCheck,
    SpotCheckOrg,
)

YEAR = 2026
TIMEZONE = "Asia/Shanghai"
CITY_CHECK = spotchecks.DrawRequest(
    title="2026年第二季度城市社区党建工作随机抽查",
    within_code="330100",
    category_code="COMMUNITY",
    sample_size=24,
    seed="20260512",
    exclude_months=0,
)
DISTRICT_CHECK = spotchecks.DrawRequest(
    title="西湖区2026年第四季度基层党组织“三会一课”随机抽查",
    within_code="330106",
    category_code=None,
    sample_size=10,
    seed="20261015",
    exclude_months=6,
)
PROBLEMS = [
    ("MEDIUM", "“三会一课”记录不完整，支部委员会会议缺少 3 个月的记录"),
    ("HIGH", "主题党日未按月开展，缺少活动签到表和照片"),
    ("MEDIUM", "党费收缴台账未及时更新，2 名党员连续 6 个月未交党费"),
    ("LOW", "党务公开栏内容未及时更新"),
    ("HIGH", "发展党员材料缺少公示环节记录"),
    ("MEDIUM", "组织生活会未开展批评与自我批评，会议记录流于形式"),
    ("LOW", "党员教育培训学时台账不全"),
    ("MEDIUM", "党群服务中心功能室被挪作他用"),
    ("HIGH", "民主评议党员结果未报上级党组织备案"),
    ("LOW", "流动党员管理台账缺失"),
]
NOTES = {
    RECTIFYING: "已制定整改方案，明确责任人和整改时限",
    RECTIFIED: "已完成整改，补齐台账并上传佐证材料",
    VERIFIED: "经现场复核，整改到位，同意销号",
    REOPENED: "复核发现整改不彻底，退回重新整改",
}
PATHS = [
    [IDENTIFIED],
    [IDENTIFIED, RECTIFYING],
    [IDENTIFIED, RECTIFYING, RECTIFIED],
    [IDENTIFIED, RECTIFYING, RECTIFIED, VERIFIED],
    [IDENTIFIED, RECTIFYING, RECTIFIED, REOPENED],
]
"""The walk of each demo finding: every state of the lifecycle is reached."""


async def _principal(session: AsyncSession, username: str) -> Principal:
    found = await load_principal(conn=await session.connection(), username=username)
    assert found is not None, f"demo account {username} missing"
    return found


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC)


async def _drawn(session: AsyncSession, check: SpotCheck) -> list[int]:
    return list(
        await session.scalars(
            select(SpotCheckOrg.organization_id)
            .where(SpotCheckOrg.spot_check_id == check.id)
            .order_by(SpotCheckOrg.position)
        )
    )


async def _findings(
    session: AsyncSession,
    principal: Principal,
    check: SpotCheck,
    *,
    found_on: dt.date,
    rectify_by: dt.date,
    paths: list[list[str]],
) -> int:
    """Findings on the first drawn organisations, each walked along its path."""
    events: list[tuple[str, str, str, dict[str, Any]]] = []
    orgs = await _drawn(session, check)
    codes = dict(
        (
            await session.execute(
                select(Organization.id, Organization.code).where(Organization.id.in_(orgs))
            )
        ).all()
    )
    for index, (org_id, path) in enumerate(zip(orgs, paths, strict=False)):
        severity, description = PROBLEMS[index % len(PROBLEMS)]
        finding = Finding(
            source="SPOT_CHECK",
            spot_check_id=check.id,
            organization_id=org_id,
            severity=severity,
            description=description,
            rectify_by=rectify_by,
            status=path[-1],
            version=len(path),
            found_on=found_on,
            created_by=principal.account_id,
            created_at=_at(found_on),
            updated_at=_at(found_on + dt.timedelta(days=10 * (len(path) - 1))),
            rectified_on=found_on + dt.timedelta(days=20)
            if path[-1] in (RECTIFIED, VERIFIED)
            else None,
            verified_on=found_on + dt.timedelta(days=30) if path[-1] == VERIFIED else None,
        )
        session.add(finding)
        await session.flush()
        previous: str | None = None
        for step, status in enumerate(path):
            session.add(
                FindingStep(
                    finding_id=finding.id,
                    from_status=previous,
                    to_status=status,
                    note=description if previous is None else NOTES[status],
                    attachments=[],
                    actor_id=principal.account_id,
                    actor_username=principal.username,
                    at=_at(found_on + dt.timedelta(days=10 * step)),
                )
            )
            action = "finding.record" if previous is None else "finding.advance"
            changes: dict[str, Any] = {"status": [previous, status], "version": step + 1}
            if previous is None:
                changes.update(organization=codes[org_id], severity=severity)
            events.append((action, "Finding", str(finding.id), changes))
            previous = status
    await audit.append_many(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        events=events,
    )
    return len(events)


async def seed(*, session: AsyncSession) -> None:
    """The demo's procedures, spot checks, findings and bulletin (needs the demo accounts)."""
    await load_core_libraries(session=session, actor=None)
    admin = await _principal(session, "admin")
    city = await spotchecks.draw_spot_check(
        session=session,
        principal=admin,
        request=CITY_CHECK,
        default_exclude_months=0,
        at=_at(dt.date(YEAR, 5, 12)),
    )
    await _findings(
        session,
        admin,
        city,
        found_on=dt.date(YEAR, 5, 20),
        rectify_by=dt.date(YEAR, 6, 30),
        paths=[PATHS[i % len(PATHS)] for i in range(10)],
    )
    await bulletins.publish(
        session=session, principal=admin, spot_check_id=city.id, timezone=TIMEZONE
    )
    xihu = await _principal(session, "xihu")
    district = await spotchecks.draw_spot_check(
        session=session,
        principal=xihu,
        request=DISTRICT_CHECK,
        default_exclude_months=6,
        at=_at(dt.date(YEAR, 10, 15)),
    )
    await _findings(
        session,
        xihu,
        district,
        found_on=dt.date(YEAR, 10, 20),
        rectify_by=dt.date(YEAR, 11, 30),
        paths=[PATHS[0], PATHS[1], PATHS[2]],
    )
    await _inspection(session)
    await _campaign(session)
    await _meetings(session)


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


async def _inspection(session: AsyncSession) -> None:
    """西湖区's fixed-activity-day inspection: six teams of retired cadres, one per group of
    streets (communities come with their street), and a visit to a dozen communities."""
    xihu = await _principal(session, "xihu")
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


async def _campaign(session: AsyncSession) -> None:
    admin = await _principal(session, "admin")
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


async def _meetings(session: AsyncSession) -> None:
    """The quarterly town-secretary teleconference of 2026 (Q1–Q3): every town and street is
    expected; a seeded few miss one (the assessment reads the attendance rate)."""
    admin = await _principal(session, "admin")
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
