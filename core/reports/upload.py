"""Applying an uploaded sheet: every row checked against the database (organisations in
reach and expected by the form, values of the right type and range, sheets not approved,
the phase open), nothing written unless the whole sheet passes; audited.

The workbook itself is read by `core.reports.workbook`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.orgs.models import Organization, OrgCategory
from core.orgs.scope import manageable, visible
from core.reports import access, catalog, validation
from core.reports.catalog import FormDef
from core.reports.entry import APPROVED, SUBMITTED, Target, changes_of, check_open
from core.reports.excel import column
from core.reports.models import ReportSheet
from core.reports.periods import Period, PeriodError
from core.reports.values import ValuesRefused, check
from core.reports.workbook import (
    CellError,
    Parsed,
    UploadRefused,
    cell_number,
    parse_workbook,
    refuse,
)

CHUNK = 900
"""Organisations per `IN (...)` (SQLite allows 999 parameters)."""


@dataclass(frozen=True)
class UploadResult:
    """What an upload did."""

    rows: int
    created: int
    updated: int
    unchanged: int
    values: int

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "values": self.values,
        }


async def _orgs(
    session: AsyncSession, principal: Principal, codes: list[str]
) -> dict[str, tuple[int, str, bool]]:
    """Visible organisations by code: (id, category, may submit)."""
    out: dict[str, tuple[int, str, bool]] = {}
    reach = manageable(principal, Permission.REPORTS_SUBMIT)
    for start in range(0, len(codes), CHUNK):
        rows = await session.execute(
            select(Organization.code, Organization.id, OrgCategory.code, reach)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(Organization.code.in_(codes[start : start + CHUNK]), visible(principal))
        )
        out.update({code: (org_id, category, bool(may)) for code, org_id, category, may in rows})
    return out


async def _existing(
    session: AsyncSession, form: FormDef, period: Period, phase: str, org_ids: list[int]
) -> dict[int, ReportSheet]:
    out: dict[int, ReportSheet] = {}
    for start in range(0, len(org_ids), CHUNK):
        rows = await session.execute(
            select(ReportSheet)
            .where(
                ReportSheet.form_id == form.id,
                ReportSheet.period == period.code,
                ReportSheet.phase == phase,
                ReportSheet.organization_id.in_(org_ids[start : start + CHUNK]),
            )
            .with_for_update()
        )
        out.update({s.organization_id: s for s in rows.scalars()})
    return out


async def apply_upload(
    *,
    session: AsyncSession,
    principal: Principal,
    form_code: str,
    period: str,
    phase: str,
    data: bytes,
    filename: str,
    today: dt.date,
) -> UploadResult:
    """Check a whole uploaded sheet and write it (all or nothing), audited."""
    form = await catalog.form_def(session, code=form_code)
    if form is None:
        raise refuse(f"报表 {form_code!r} 不存在 (unknown report form)", status=404)
    try:
        parsed_period = form.period(period, phase)
    except PeriodError as exc:
        raise refuse(str(exc), status=400) from None
    probe = Target(form, parsed_period, phase, 0, "", None, "")
    try:
        check_open(probe, today)
    except ValuesRefused as exc:
        raise refuse(exc.errors[0].message) from None
    parsed = parse_workbook(data, form, period, phase)
    orgs = await _orgs(session, principal, sorted({code for _n, code, _r in parsed.rows if code}))
    root = await access.form_root(session, form)
    inside = await _inside(session, root, [v[0] for v in orgs.values()])
    errors: list[CellError] = []
    wanted: dict[int, tuple[int, str, dict[str, float]]] = {}
    seen: dict[str, int] = {}
    for number, code, cells in parsed.rows:
        where = (parsed.sheet, number)
        if code in seen:
            errors.append(
                CellError(*where, "A", f"组织 {code} 在第 {seen[code]} 行已出现 (given twice)")
            )
            continue
        seen[code] = number
        org = orgs.get(code)
        if org is None or not org[2]:
            errors.append(
                CellError(
                    *where,
                    "A",
                    f"组织编码 {code!r} 不存在、不可见或无权填报 (organization not found)",
                )
            )
            continue
        if org[1] not in form.reporters or org[0] not in inside:
            errors.append(
                CellError(
                    *where,
                    "A",
                    f"组织 {code} 不需要填报 {form.code} (not a reporting organization)",
                )
            )
            continue
        pairs: list[tuple[str, float]] = []
        columns: list[int] = []
        for index, indicator in parsed.codes.items():
            raw = cell_number(cells[index] if index < len(cells) else None)
            if raw is None:
                continue
            if isinstance(raw, str):
                errors.append(
                    CellError(
                        *where, column(index), f"{indicator}: {raw!r} 不是数值 (not a number)"
                    )
                )
                continue
            pairs.append((indicator, raw))
            columns.append(index)
        clean, problems = check(form, org[1], phase, pairs)
        errors += [CellError(*where, column(columns[p.index]), p.reason) for p in problems]
        if clean:
            wanted[org[0]] = (number, code, clean)
    existing = await _existing(session, form, parsed_period, phase, sorted(wanted))
    for org_id, sheet in existing.items():
        if sheet.status == APPROVED:
            number, code, _clean = wanted[org_id]
            errors.append(
                CellError(
                    parsed.sheet,
                    number,
                    "A",
                    f"组织 {code} 的报表已审核，须先退回 (approved: locked)",
                )
            )
    if errors:
        raise UploadRefused(sorted(errors, key=lambda e: (e.row, len(e.column), e.column)))
    return await _write(
        session,
        principal,
        form,
        parsed_period,
        phase,
        wanted,
        existing,
        parsed,
        filename,
        today,
        data,
    )


async def _inside(session: AsyncSession, root: int | None, org_ids: list[int]) -> set[int]:
    if root is None:
        return set(org_ids)
    from core.orgs.models import OrgClosure

    out: set[int] = set()
    for start in range(0, len(org_ids), CHUNK):
        rows = await session.execute(
            select(OrgClosure.descendant_id).where(
                OrgClosure.ancestor_id == root,
                OrgClosure.descendant_id.in_(org_ids[start : start + CHUNK]),
            )
        )
        out |= set(rows.scalars())
    return out


async def _write(
    session: AsyncSession,
    principal: Principal,
    form: FormDef,
    period: Period,
    phase: str,
    wanted: dict[int, tuple[int, str, dict[str, float]]],
    existing: dict[int, ReportSheet],
    parsed: Parsed,
    filename: str,
    today: dt.date,
    data: bytes,
) -> UploadResult:
    now = utcnow()
    on_time = today <= form.on_time_until(period, phase)
    created = updated = unchanged = values = 0
    changed: list[tuple[ReportSheet, str, dict[str, Any]]] = []
    for org_id, (_number, code, clean) in wanted.items():
        sheet = existing.get(org_id)
        old = dict(sheet.data) if sheet is not None else {}
        delta = changes_of(old, clean)
        values += len(clean)
        if sheet is not None and not delta:
            unchanged += 1
            continue
        if sheet is None:
            sheet = ReportSheet(
                form_id=form.id,
                organization_id=org_id,
                period=period.code,
                phase=phase,
                data={},
                status=SUBMITTED,
                version=0,
                submitted_at=now,
                submitted_by=principal.account_id,
                on_time=on_time,
            )
            session.add(sheet)
            created += 1
        else:
            updated += 1
        sheet.data = {**old, **clean}
        sheet.version += 1
        sheet.updated_at = now
        changed.append((sheet, code, delta))
    await session.flush()
    touched = sorted({s.organization_id for s, _c, _d in changed})
    for start in range(0, len(touched), CHUNK):
        where = validation.touched(
            ReportSheet.organization_id.in_(touched[start : start + CHUNK]), period, phase
        )
        await validation.validate(session, form, where)
    events: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            "report.submit",
            "ReportSheet",
            str(sheet.id),
            {
                "form": form.code,
                "period": period.code,
                "phase": phase,
                "organization": code,
                "values": delta,
                "upload": filename,
            },
        )
        for sheet, code, delta in changed
    ]
    result = UploadResult(len(parsed.rows), created, updated, unchanged, values)
    events.append(
        (
            "report.upload",
            "ReportForm",
            form.code,
            {
                "period": period.code,
                "phase": phase,
                "filename": filename,
                "bytes": len(data),
                **result.as_dict(),
            },
        )
    )
    await audit.append_many(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        events=events,
    )
    return result
