"""Bottom-up approval (as in DHIS2): the parent's scope approves a child's sheet once the
child's own children's sheets are approved; approved data is locked until un-approved, with
a reason, top-down. Follow-up marks on flagged values. Everything audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode
from core.orgs.models import Organization
from core.reports import access
from core.reports.entry import APPROVED, SUBMITTED, Target, resolve, sheet_of
from core.reports.models import ReportFollowUp, ReportSheet
from core.reports.values import refusal

MAX_TEXT = 2000


def _text(value: str, field: str, what: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise refusal(field, f"请填写{what}", ErrorCode.REQUIRED)
    if len(cleaned) > MAX_TEXT:
        raise refusal(field, f"{what}不能超过 {MAX_TEXT} 个字符")
    return cleaned


async def _sheet(
    session: AsyncSession, target: Target, expected_version: int | None
) -> ReportSheet:
    sheet = await sheet_of(session, target, lock=True)
    if sheet is None:
        raise refusal("organizationCode", "该组织尚未报送这份报表 (no sheet)", ErrorCode.NOT_FOUND)
    if expected_version is not None and expected_version != sheet.version:
        raise refusal(
            "expectedVersion",
            f"报表已被修改（当前版本 {sheet.version}），请刷新后重试",
            ErrorCode.CONFLICT,
        )
    return sheet


async def _check_approver(session: AsyncSession, principal: Principal, target: Target) -> None:
    if not await access.reaches(session, principal, Permission.REPORTS_APPROVE, target.parent_id):
        raise refusal(
            "organizationCode", "没有权限 reports.approve：报表由上级组织审核", ErrorCode.FORBIDDEN
        )


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: str,
    sheet: ReportSheet,
    target: Target,
    extra: dict[str, Any],
) -> None:
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action=action,
        entity_type="ReportSheet",
        entity_id=str(sheet.id),
        changes={
            "form": target.form.code,
            "period": target.period.code,
            "phase": target.phase,
            "organization": target.org_code,
            **extra,
        },
    )


async def approve(
    *,
    session: AsyncSession,
    principal: Principal,
    form_code: str,
    period: str,
    phase: str,
    org_code: str,
    expected_version: int | None,
) -> ReportSheet:
    """Approve a child's submitted sheet (its own children's sheets approved first)."""
    target = await resolve(
        session, principal, form_code=form_code, period=period, phase=phase, org_code=org_code
    )
    sheet = await _sheet(session, target, expected_version)
    await _check_approver(session, principal, target)
    if sheet.status == APPROVED:
        raise refusal("organizationCode", "该报表已审核 (already approved)")
    pending = await session.scalar(
        select(func.count())
        .select_from(ReportSheet)
        .join(Organization, Organization.id == ReportSheet.organization_id)
        .where(
            Organization.parent_id == target.org_id,
            ReportSheet.form_id == target.form.id,
            ReportSheet.period == target.period.code,
            ReportSheet.phase == phase,
            ReportSheet.status != APPROVED,
        )
    )
    if pending:
        raise refusal(
            "organizationCode",
            f"下级还有 {pending} 份报表未审核，须自下而上逐级审核 (children first)",
        )
    sheet.status, sheet.approved_at, sheet.approved_by = APPROVED, utcnow(), principal.account_id
    sheet.version += 1
    await session.flush()
    await _audit(
        session, principal, "report.approve", sheet, target, {"status": [SUBMITTED, APPROVED]}
    )
    return sheet


async def unapprove(
    *,
    session: AsyncSession,
    principal: Principal,
    form_code: str,
    period: str,
    phase: str,
    org_code: str,
    reason: str,
    expected_version: int | None,
) -> ReportSheet:
    """Return an approved sheet for correction, with a reason (the parent's not approved)."""
    target = await resolve(
        session, principal, form_code=form_code, period=period, phase=phase, org_code=org_code
    )
    sheet = await _sheet(session, target, expected_version)
    await _check_approver(session, principal, target)
    if sheet.status != APPROVED:
        raise refusal("organizationCode", "该报表未审核，无需退回 (not approved)")
    cleaned = _text(reason, "reason", "退回原因")
    parent = await session.scalar(
        select(ReportSheet.status).where(
            ReportSheet.organization_id == (target.parent_id or -1),
            ReportSheet.form_id == target.form.id,
            ReportSheet.period == target.period.code,
            ReportSheet.phase == phase,
        )
    )
    if parent == APPROVED:
        raise refusal(
            "organizationCode", "上级报表已审核，须先由更上一级退回上级报表 (parent approved)"
        )
    sheet.status, sheet.approved_at, sheet.approved_by = SUBMITTED, None, None
    sheet.version += 1
    await session.flush()
    await _audit(
        session,
        principal,
        "report.unapprove",
        sheet,
        target,
        {"status": [APPROVED, SUBMITTED], "reason": cleaned},
    )
    return sheet


async def follow_up(
    *,
    session: AsyncSession,
    principal: Principal,
    form_code: str,
    period: str,
    phase: str,
    org_code: str,
    indicator: str,
    comment: str,
    resolve_it: bool,
    today: dt.date,
) -> ReportFollowUp:
    """Mark a flagged value for follow-up with a comment, or resolve the mark."""
    del today
    target = await resolve(
        session, principal, form_code=form_code, period=period, phase=phase, org_code=org_code
    )
    sheet = await _sheet(session, target, None)
    if not await access.reaches(session, principal, Permission.REPORTS_APPROVE, target.org_id):
        raise refusal(
            "organizationCode",
            "没有权限 reports.approve：只有审核方可以标记跟进",
            ErrorCode.FORBIDDEN,
        )
    if target.form.indicator(indicator) is None or indicator not in sheet.data:
        raise refusal("indicatorCode", f"该报表没有指标 {indicator!r} 的值", ErrorCode.NOT_FOUND)
    text = _text(comment, "comment", "说明")
    mark = (
        (
            await session.execute(
                select(ReportFollowUp)
                .where(
                    ReportFollowUp.sheet_id == sheet.id, ReportFollowUp.indicator_code == indicator
                )
                .with_for_update()
            )
        )
        .scalars()
        .first()
    )
    now = utcnow()
    if resolve_it:
        if mark is None or mark.resolved_at is not None:
            raise refusal(
                "indicatorCode", "该值没有待跟进的标记 (no open follow-up)", ErrorCode.NOT_FOUND
            )
        mark.resolved_at, mark.resolved_by, mark.resolution = now, principal.account_id, text
        mark.version += 1
        action = "report.follow_up_resolve"
    else:
        if mark is None:
            mark = ReportFollowUp(
                sheet_id=sheet.id,
                indicator_code=indicator,
                comment=text,
                marked_by=principal.account_id,
                marked_at=now,
                version=0,
            )
            session.add(mark)
        mark.comment, mark.marked_by, mark.marked_at = text, principal.account_id, now
        mark.resolved_at = mark.resolved_by = mark.resolution = None
        mark.version += 1
        action = "report.follow_up"
    await session.flush()
    await _audit(
        session, principal, action, sheet, target, {"indicator": indicator, "comment": text}
    )
    return mark
