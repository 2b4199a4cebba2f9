"""The workbooks the HTTP endpoints hand out: a form's template for the organisations one
may fill in, and the flags of a slice. Scoped and audited (who exported what)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.orgs.models import Organization, OrgCategory
from core.orgs.scope import manageable
from core.reports import access, catalog, excel, flags
from core.reports.models import ReportSheet
from core.reports.periods import PeriodError
from core.reports.workbook import MAX_ROWS, UploadRefused, refuse


async def _slice(
    session: AsyncSession,
    principal: Principal,
    form_code: str,
    period: str,
    phase: str,
    within_code: str | None,
) -> tuple[catalog.FormDef, ColumnElement[bool]]:
    form = await catalog.form_def(session, code=form_code)
    if form is None:
        raise refuse(f"报表 {form_code!r} 不存在 (unknown report form)", status=404)
    try:
        form.period(period, phase)
    except PeriodError as exc:
        raise refuse(str(exc), status=400) from None
    scope = await flags.scope_of(await session.connection(), principal, within_code)
    if scope is None:
        raise refuse(access.NOT_FOUND, status=404)
    return form, scope


async def template(
    *,
    session: AsyncSession,
    principal: Principal,
    form_code: str,
    period: str,
    phase: str,
    within_code: str | None,
) -> bytes:
    """The fill-in workbook for the reporting organisations one may submit for."""
    form, scope = await _slice(session, principal, form_code, period, phase, within_code)
    root = await access.form_root(session, form)
    categories = sorted(
        {c for i in form.indicators if phase in i.phases for c in i.categories} & form.reporters
    )
    rows = (
        await session.execute(
            select(
                Organization.id,
                Organization.code,
                Organization.name,
                OrgCategory.code,
                OrgCategory.name,
            )
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(
                OrgCategory.code.in_(categories),
                scope,  # type: ignore[arg-type]
                manageable(principal, Permission.REPORTS_SUBMIT),
                access.within_form(form, root),
            )
            .order_by(Organization.code)
            .limit(MAX_ROWS + 1)
        )
    ).all()
    if len(rows) > MAX_ROWS:
        raise refuse(f"超过 {MAX_ROWS} 个组织，请用 within 缩小范围 (too many rows)", status=413)
    ids = [r[0] for r in rows]
    values: dict[int, dict[str, float]] = {}
    for begin in range(0, len(ids), 900):
        found = await session.execute(
            select(ReportSheet.organization_id, ReportSheet.data).where(
                ReportSheet.form_id == form.id,
                ReportSheet.period == period,
                ReportSheet.phase == phase,
                ReportSheet.organization_id.in_(ids[begin : begin + 900]),
            )
        )
        values.update({org_id: dict(data or {}) for org_id, data in found.all()})
    body = excel.template(
        form,
        period,
        phase,
        [
            excel.TemplateRow(code, name, category, category_name, dict(values.get(org_id) or {}))
            for org_id, code, name, category, category_name in rows
        ],
    )
    await _audit(
        session,
        principal,
        "report.export_template",
        form.code,
        {"period": period, "phase": phase, "within": within_code, "rows": len(rows)},
    )
    return body


async def flags_export(
    *,
    session: AsyncSession,
    principal: Principal,
    form_code: str,
    period: str,
    phase: str,
    within_code: str | None,
    method: str | None,
    baseline: str | None,
    threshold: float | None,
) -> bytes:
    """The flags of a slice as a workbook."""
    form, scope = await _slice(session, principal, form_code, period, phase, within_code)
    analysis = flags.analysis_for(form, method, baseline, threshold)
    found = await flags.slice_flags(
        await session.connection(),
        form=form,
        period=form.period(period, phase),
        phase=phase,
        scope=scope,
        analysis=analysis,
    )  # type: ignore[arg-type]
    codes = sorted({f.organization_code for f in found})
    names = (
        dict(
            (
                await session.execute(
                    select(Organization.code, Organization.name).where(
                        Organization.code.in_(codes[:5000])
                    )
                )
            ).all()
        )
        if codes
        else {}
    )
    body = excel.flags_workbook(form, period, phase, found, names)
    await _audit(
        session,
        principal,
        "report.export_flags",
        form.code,
        {
            "period": period,
            "phase": phase,
            "within": within_code,
            "flags": len(found),
            "method": analysis.method,
            "baseline": analysis.baseline,
        },
    )
    return body


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: str,
    form_code: str,
    changes: dict[str, object],
) -> None:
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action=action,
        entity_type="ReportForm",
        entity_id=form_code,
        changes={**changes, "at": dt.datetime.now(dt.UTC).isoformat()},
    )


__all__ = ["UploadRefused", "flags_export", "template"]
