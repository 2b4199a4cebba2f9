"""The demo's process control: a published city-wide spot check with findings in every state
of their rectification, and a district's spot check still being worked on.

Cheap at any scale: two draws (one query each), a few dozen findings, one bulletin. The
draws and the bulletin go through the services (audited like any other); the findings'
past (dates before today) is written directly, each step with its audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.principal import Principal
from core.clock import DEFAULT_TIMEZONE
from core.orgs.models import Organization
from core.supervision import bulletins, spotchecks
from core.supervision.demo_base import YEAR, demo_at, demo_principal
from core.supervision.demo_campaign import seed_campaign, seed_meetings
from core.supervision.demo_inspection import seed_inspection
from core.supervision.findings import (
    IDENTIFIED,
    RECTIFIED,
    RECTIFYING,
    REOPENED,
    VERIFIED,
)
from core.supervision.loading import load_core_libraries
from core.supervision.models import (
    Finding,
    FindingStep,
    SpotCheck,
    SpotCheckOrg,
)

TIMEZONE = DEFAULT_TIMEZONE
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
            created_at=demo_at(found_on),
            updated_at=demo_at(found_on + dt.timedelta(days=10 * (len(path) - 1))),
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
                    at=demo_at(found_on + dt.timedelta(days=10 * step)),
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
    admin = await demo_principal(session, "admin")
    city = await spotchecks.draw_spot_check(
        session=session,
        principal=admin,
        request=CITY_CHECK,
        default_exclude_months=0,
        at=demo_at(dt.date(YEAR, 5, 12)),
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
    xihu = await demo_principal(session, "xihu")
    district = await spotchecks.draw_spot_check(
        session=session,
        principal=xihu,
        request=DISTRICT_CHECK,
        default_exclude_months=6,
        at=demo_at(dt.date(YEAR, 10, 15)),
    )
    await _findings(
        session,
        xihu,
        district,
        found_on=dt.date(YEAR, 10, 20),
        rectify_by=dt.date(YEAR, 11, 30),
        paths=[PATHS[0], PATHS[1], PATHS[2]],
    )
    await seed_inspection(session)
    await seed_campaign(session)
    await seed_meetings(session)
