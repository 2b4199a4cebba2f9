"""Findings and their rectification (整改): recording, and each step of the lifecycle.

IDENTIFIED → RECTIFYING → RECTIFIED → VERIFIED, and REOPENED (a rectification refused, or
a verified finding found again) → RECTIFYING. The organisation moves its own findings on
(`supervision.rectify` over it, with evidence); the inspector verifies or reopens
(`supervision.inspect` over it). Every step carries a note, checks the version the caller
read, and appends an audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.calendar.models import Attachment
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization
from core.orgs.scope import visible
from core.supervision.access import NOT_FOUND, require, require_reach, root_visible, visible_org
from core.supervision.models import Finding, FindingStep, SpotCheck, SpotCheckOrg

IDENTIFIED, RECTIFYING, RECTIFIED, VERIFIED, REOPENED = (
    "IDENTIFIED",
    "RECTIFYING",
    "RECTIFIED",
    "VERIFIED",
    "REOPENED",
)
STATUSES = (IDENTIFIED, RECTIFYING, RECTIFIED, VERIFIED, REOPENED)
OPEN_STATUSES = (IDENTIFIED, RECTIFYING, REOPENED)
"""Not yet rectified: these count as open, and overdue after their rectify-by date."""
SEVERITIES = ("LOW", "MEDIUM", "HIGH")
TRANSITIONS: dict[tuple[str, str], Permission] = {
    (IDENTIFIED, RECTIFYING): Permission.SUPERVISION_RECTIFY,
    (REOPENED, RECTIFYING): Permission.SUPERVISION_RECTIFY,
    (RECTIFYING, RECTIFIED): Permission.SUPERVISION_RECTIFY,
    (RECTIFIED, VERIFIED): Permission.SUPERVISION_INSPECT,
    (RECTIFIED, REOPENED): Permission.SUPERVISION_INSPECT,
    (VERIFIED, REOPENED): Permission.SUPERVISION_INSPECT,
}
"""The legal steps and who may take each."""
STATUS_NAMES = {
    IDENTIFIED: "已发现",
    RECTIFYING: "整改中",
    RECTIFIED: "已整改",
    VERIFIED: "已验收",
    REOPENED: "重新整改",
}
SEVERITY_NAMES = {"LOW": "一般", "MEDIUM": "较重", "HIGH": "严重"}
MAX_TEXT = 2000
MAX_ATTACHMENTS = 20


def clean_text(value: str, field: str, what: str) -> str:
    """A required text of at most MAX_TEXT characters."""
    cleaned = value.strip()
    if not cleaned:
        raise ServiceError(ErrorCode.REQUIRED, f"请填写{what} ({field} required)", field)
    if len(cleaned) > MAX_TEXT:
        raise ServiceError(ErrorCode.INVALID, f"{what}不能超过 {MAX_TEXT} 个字符", field)
    return cleaned


def is_overdue(status: str, rectify_by: dt.date, today: dt.date) -> bool:
    """Not rectified and past its rectify-by date."""
    return status in OPEN_STATUSES and rectify_by < today


async def check_attachments(
    session: AsyncSession, principal: Principal, attachment_ids: tuple[int, ...]
) -> None:
    """Evidence must be files the caller uploaded through /uploads."""
    if len(attachment_ids) > MAX_ATTACHMENTS:
        raise ServiceError(ErrorCode.INVALID, f"最多 {MAX_ATTACHMENTS} 个附件", "attachmentIds")
    wanted = set(attachment_ids)
    if not wanted:
        return
    found = await session.scalars(
        select(Attachment.id).where(
            Attachment.id.in_(wanted), Attachment.uploaded_by == principal.account_id
        )
    )
    if len(set(found)) != len(wanted):
        raise ServiceError(
            ErrorCode.NOT_FOUND, "附件不存在或不是你上传的 (attachment not found)", "attachmentIds"
        )


@dataclass(frozen=True)
class FindingRequest:
    """What `recordFinding` asks for."""

    spot_check_id: int | None
    organization_code: str
    severity: str
    description: str
    rectify_by: dt.date


async def _spot_check(session: AsyncSession, principal: Principal, key: int | None) -> SpotCheck:
    found = None
    if key is not None:
        found = await session.scalar(
            select(SpotCheck).where(SpotCheck.id == key, root_visible(principal, SpotCheck.root_id))
        )
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, NOT_FOUND, "spotCheckId")
    return found


async def record_finding(
    *, session: AsyncSession, principal: Principal, request: FindingRequest, today: dt.date
) -> Finding:
    """Record a finding of a spot check on one of the organisations it drew."""
    require(principal, Permission.SUPERVISION_INSPECT)
    check = await _spot_check(session, principal, request.spot_check_id)
    org = await visible_org(session, principal, request.organization_code, "organizationCode")
    drawn = await session.scalar(
        select(SpotCheckOrg.organization_id).where(
            SpotCheckOrg.spot_check_id == check.id, SpotCheckOrg.organization_id == org.id
        )
    )
    if drawn is None:
        raise ServiceError(
            ErrorCode.INVALID,
            f"{org.name}（{org.code}）不在本次抽查的样本中 (not in the draw)",
            "organizationCode",
        )
    await require_reach(
        session, principal, Permission.SUPERVISION_INSPECT, org.id, "organizationCode"
    )
    if request.severity not in SEVERITIES:
        raise ServiceError(ErrorCode.INVALID, f"未知的严重程度 {request.severity}", "severity")
    description = clean_text(request.description, "description", "问题描述")
    if request.rectify_by < today:
        raise ServiceError(
            ErrorCode.INVALID,
            f"整改期限 {request.rectify_by} 早于今天 {today} (rectify-by in the past)",
            "rectifyBy",
        )
    finding = Finding(
        source="SPOT_CHECK",
        spot_check_id=check.id,
        organization_id=org.id,
        severity=request.severity,
        description=description,
        rectify_by=request.rectify_by,
        status=IDENTIFIED,
        version=1,
        found_on=today,
        created_by=principal.account_id,
    )
    session.add(finding)
    await session.flush()
    session.add(
        FindingStep(
            finding_id=finding.id,
            from_status=None,
            to_status=IDENTIFIED,
            note=description,
            attachments=[],
            actor_id=principal.account_id,
            actor_username=principal.username,
        )
    )
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="finding.record",
        entity_type="Finding",
        entity_id=str(finding.id),
        changes={
            "spot_check": check.id,
            "organization": org.code,
            "severity": request.severity,
            "rectify_by": request.rectify_by.isoformat(),
            "status": [None, IDENTIFIED],
        },
    )
    return finding


async def visible_finding(
    session: AsyncSession, principal: Principal, key: int | None, *, lock: bool = False
) -> Finding | None:
    """A finding of an organisation the principal sees (None for missing and foreign)."""
    if key is None:
        return None
    stmt = select(Finding).where(
        Finding.id == key,
        Finding.organization_id.in_(select(Organization.id).where(visible(principal))),
    )
    if lock:
        stmt = stmt.with_for_update()
    found: Finding | None = await session.scalar(stmt)
    return found


@dataclass(frozen=True)
class AdvanceRequest:
    """What `advanceFinding` asks for."""

    finding_id: int | None
    status: str
    note: str
    expected_version: int
    attachment_ids: tuple[int, ...] = ()


async def advance(
    *, session: AsyncSession, principal: Principal, request: AdvanceRequest, today: dt.date
) -> Finding:
    """Move a finding one legal step on, by the role that step needs, with a note."""
    finding = await visible_finding(session, principal, request.finding_id, lock=True)
    if finding is None:
        raise ServiceError(ErrorCode.NOT_FOUND, NOT_FOUND, "id")
    if finding.version != request.expected_version:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"问题记录已被他人修改（当前版本 {finding.version}，你提交的是 "
            f"{request.expected_version}）(stale version)",
            "expectedVersion",
        )
    needed = TRANSITIONS.get((finding.status, request.status))
    if needed is None:
        raise ServiceError(
            ErrorCode.INVALID,
            f"不能从「{STATUS_NAMES.get(finding.status, finding.status)}」改为"
            f"「{STATUS_NAMES.get(request.status, request.status)}」"
            f" (illegal transition {finding.status} -> {request.status})",
            "status",
        )
    await require_reach(session, principal, needed, finding.organization_id, "status")
    note = clean_text(request.note, "note", "说明")
    await check_attachments(session, principal, request.attachment_ids)
    before = finding.status
    finding.status = request.status
    finding.version += 1
    finding.updated_at = utcnow()
    if request.status == RECTIFIED:
        finding.rectified_on = today
    elif request.status == VERIFIED:
        finding.verified_on = today
    elif request.status == REOPENED:
        finding.rectified_on, finding.verified_on = None, None
    session.add(
        FindingStep(
            finding_id=finding.id,
            from_status=before,
            to_status=request.status,
            note=note,
            attachments=list(request.attachment_ids),
            actor_id=principal.account_id,
            actor_username=principal.username,
        )
    )
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="finding.advance",
        entity_type="Finding",
        entity_id=str(finding.id),
        changes={
            "status": [before, request.status],
            "version": finding.version,
            "note": note,
            "attachments": list(request.attachment_ids),
        },
    )
    return finding
