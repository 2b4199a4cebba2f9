"""Meetings (M4): the leading group's meetings, the joint conference and the quarterly
town-secretary teleconference, with minutes and attendance (the assessment reads
`meetings.attendance_rate`).

Recording needs `supervision.manage` over the host; the expected attendees are visible
organisations of the host's subtree, checked in one statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization, OrgClosure
from core.orgs.scope import visible
from core.supervision.access import require, require_reach, visible_org
from core.supervision.findings import clean_text
from core.supervision.models import Meeting, MeetingAttendance

KINDS = {
    "LEADING_GROUP": "领导小组会议",
    "JOINT_CONFERENCE": "联席会议",
    "SECRETARY_TELECONFERENCE": "乡镇（街道）党（工）委书记季度视频会",
}
MAX_ATTENDEES = 5000


@dataclass(frozen=True)
class Attendance:
    organization_code: str
    present: bool
    note: str


async def record(
    *,
    session: AsyncSession,
    principal: Principal,
    kind: str,
    title: str,
    host_code: str,
    held_on: dt.date,
    minutes: str,
    attendance: list[Attendance],
) -> Meeting:
    """Record a meeting with the attendance of each expected organisation."""
    require(principal, Permission.SUPERVISION_MANAGE)
    if kind not in KINDS:
        raise ServiceError(ErrorCode.INVALID, f"未知的会议类型 {kind}", "kind")
    host = await visible_org(session, principal, host_code, "organizationCode")
    await require_reach(
        session, principal, Permission.SUPERVISION_MANAGE, host.id, "organizationCode"
    )
    cleaned = clean_text(title, "title", "会议名称")[:300]
    if not 1 <= len(attendance) <= MAX_ATTENDEES:
        raise ServiceError(ErrorCode.INVALID, f"应到组织应为 1–{MAX_ATTENDEES} 个", "attendance")
    codes = [a.organization_code for a in attendance]
    if len(set(codes)) != len(codes):
        raise ServiceError(ErrorCode.INVALID, "同一组织出现了两次", "attendance")
    found = dict(
        (
            await session.execute(
                select(Organization.code, Organization.id)
                .join(OrgClosure, OrgClosure.descendant_id == Organization.id)
                .where(
                    OrgClosure.ancestor_id == host.id,
                    Organization.code.in_(codes),
                    visible(principal),
                )
            )
        ).all()
    )
    for index, code in enumerate(codes):
        if code not in found:
            raise ServiceError(
                ErrorCode.NOT_FOUND,
                f"组织 {code} 不存在或不在{host.name}范围内",
                f"attendance[{index}].organizationCode",
            )
    meeting = Meeting(
        kind=kind,
        title=cleaned,
        organization_id=host.id,
        held_on=held_on,
        minutes=minutes.strip()[:20000],
        recorded_by=principal.account_id,
        version=1,
    )
    session.add(meeting)
    await session.flush()
    await session.execute(
        insert(MeetingAttendance),
        [
            {
                "meeting_id": meeting.id,
                "organization_id": found[a.organization_code],
                "present": a.present,
                "note": a.note.strip()[:300],
            }
            for a in attendance
        ],
    )
    present = sum(1 for a in attendance if a.present)
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="meeting.record",
        entity_type="Meeting",
        entity_id=str(meeting.id),
        changes={
            "kind": kind,
            "host": host.code,
            "held_on": held_on.isoformat(),
            "expected": len(attendance),
            "present": present,
        },
    )
    return meeting
