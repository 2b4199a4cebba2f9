"""Entering a sheet: one organisation, period and phase at a time, all or nothing, audited.

Who: a grant carrying `reports.submit` that reaches the organisation, for organisations the
form says must report; while the phase is open for the period and the sheet is not approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode, UserError
from core.reports import access, catalog, validation
from core.reports.catalog import FormDef
from core.reports.models import ReportSheet
from core.reports.periods import TARGET, Period, PeriodError
from core.reports.values import ValuesRefused, check, refusal

SUBMITTED, APPROVED = "SUBMITTED", "APPROVED"
MAX_VALUES = 500
TARGET_OPENS_EARLY = dt.timedelta(days=62)
"""A target sheet may be filled from November of the year before."""


@dataclass(frozen=True)
class Target:
    """What a sheet write points at, checked: the form, the period, the organisation."""

    form: FormDef
    period: Period
    phase: str
    org_id: int
    org_code: str
    parent_id: int | None
    category: str


async def resolve(
    session: AsyncSession,
    principal: Principal,
    *,
    form_code: str,
    period: str,
    phase: str,
    org_code: str,
) -> Target:
    """The form, period and visible organisation of a write (refusals name the field)."""
    form = await catalog.form_def(session, code=form_code)
    if form is None:
        raise refusal(
            "reportCode", f"报表 {form_code!r} 不存在 (unknown report form)", ErrorCode.NOT_FOUND
        )
    try:
        parsed = form.period(period, phase)
    except PeriodError as exc:
        raise refusal("period", str(exc)) from None
    org = await access.org_by_code(session, principal, org_code)
    if org is None:
        raise refusal("organizationCode", access.NOT_FOUND, ErrorCode.NOT_FOUND)
    return Target(form, parsed, phase, org[0], org[1], org[2], org[3])


def check_open(target: Target, today: dt.date) -> None:
    """The phase takes values for the period today."""
    opens = target.period.start - (TARGET_OPENS_EARLY if target.phase == TARGET else dt.timedelta())
    closes = target.form.closes_on(target.period, target.phase)
    if today < opens:
        raise refusal(
            "period",
            f"{target.period.code} {target.phase} 尚未开放填报（{opens} 起）(not open yet)",
        )
    if today > closes:
        raise refusal(
            "period", f"{target.period.code} {target.phase} 已于 {closes} 截止填报 (phase closed)"
        )


async def check_submitter(session: AsyncSession, principal: Principal, target: Target) -> None:
    """`reports.submit` over the organisation, and the form says it reports."""
    if not await access.reaches(session, principal, Permission.REPORTS_SUBMIT, target.org_id):
        raise refusal(
            "organizationCode",
            "没有权限 reports.submit：只能填报本组织（及下级）的报表",
            ErrorCode.FORBIDDEN,
        )
    if not await access.is_reporter(session, target.form, target.org_id, target.category):
        raise refusal(
            "organizationCode",
            f"该组织不需要填报 {target.form.code} (not a reporting organization)",
        )


async def sheet_of(
    session: AsyncSession, target: Target, *, lock: bool = False
) -> ReportSheet | None:
    stmt = select(ReportSheet).where(
        ReportSheet.form_id == target.form.id,
        ReportSheet.phase == target.phase,
        ReportSheet.period == target.period.code,
        ReportSheet.organization_id == target.org_id,
    )
    return (await session.execute(stmt.with_for_update() if lock else stmt)).scalars().first()


def changes_of(old: dict[str, float], new: dict[str, float]) -> dict[str, list[float | None]]:
    """The values that change: code → [before, after]."""
    return {
        code: [old.get(code), value]
        for code, value in sorted(new.items())
        if old.get(code) != value
    }


def write(
    session: AsyncSession,
    principal: Principal,
    target: Target,
    sheet: ReportSheet | None,
    clean: dict[str, float],
    today: dt.date,
) -> ReportSheet:
    """Merge the values into the sheet (created on first submission, on time or not)."""
    now = utcnow()
    if sheet is None:
        sheet = ReportSheet(
            form_id=target.form.id,
            organization_id=target.org_id,
            period=target.period.code,
            phase=target.phase,
            data={},
            status=SUBMITTED,
            version=0,
            submitted_at=now,
            submitted_by=principal.account_id,
            on_time=today <= target.form.on_time_until(target.period, target.phase),
        )
        session.add(sheet)
    sheet.data = {**(sheet.data or {}), **clean}
    sheet.version += 1
    sheet.updated_at = now
    return sheet


async def submit(
    *,
    session: AsyncSession,
    principal: Principal,
    form_code: str,
    period: str,
    phase: str,
    org_code: str,
    values: Sequence[tuple[str, float]],
    expected_version: int | None,
    today: dt.date,
) -> tuple[ReportSheet, int]:
    """Write a sheet's values (all or none) and re-evaluate its rules; (sheet, values taken)."""
    target = await resolve(
        session, principal, form_code=form_code, period=period, phase=phase, org_code=org_code
    )
    await check_submitter(session, principal, target)
    check_open(target, today)
    if not values:
        raise refusal("values", "请至少填报一个指标值 (no values)", ErrorCode.REQUIRED)
    if len(values) > MAX_VALUES:
        raise refusal("values", f"一次最多填报 {MAX_VALUES} 个值")
    sheet = await sheet_of(session, target, lock=True)
    if sheet is not None and sheet.status == APPROVED:
        raise refusal("organizationCode", "该报表已审核，修改前须由上级退回 (approved: locked)")
    current = 0 if sheet is None else sheet.version
    if expected_version is not None and expected_version != current:
        raise refusal(
            "expectedVersion",
            f"报表已被他人修改（当前版本 {current}，你提交的是 {expected_version}），请刷新后重试",
            ErrorCode.CONFLICT,
        )
    clean, problems = check(target.form, target.category, phase, values)
    if problems:
        raise ValuesRefused(
            [
                UserError(field=f"values[{p.index}].{p.field}", message=p.reason, code=p.code)
                for p in problems
            ]
        )
    old = dict(sheet.data) if sheet is not None else {}
    sheet = write(session, principal, target, sheet, clean, today)
    await session.flush()
    await validation.validate(
        session,
        target.form,
        validation.touched(
            ReportSheet.organization_id == target.org_id, target.period, target.phase
        ),
    )
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="report.submit",
        entity_type="ReportSheet",
        entity_id=str(sheet.id),
        changes=_changes(target, old, clean),
    )
    return sheet, len(clean)


def _changes(target: Target, old: dict[str, float], clean: dict[str, float]) -> dict[str, Any]:
    return {
        "form": target.form.code,
        "period": target.period.code,
        "phase": target.phase,
        "organization": target.org_code,
        "values": changes_of(old, clean),
    }
