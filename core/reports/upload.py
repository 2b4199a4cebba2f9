"""Reading a filled-in template (python-calamine) and applying it: every bad cell named
(sheet, row, column, reason), nothing written unless the whole sheet passes.

Refused: an empty file, a file that is not xlsx, no data sheet, merged cells, formulas
(values only), a header that is not the template's, unknown indicator codes, more than
MAX_ROWS rows, an unknown or foreign organisation, one the form does not expect, one given
twice, a value of the wrong type or range, an approved sheet, a closed phase.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import python_calamine
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
from core.reports.excel import DATA_SHEET, FIXED_COLUMNS, META_SHEET, NO, YES, column
from core.reports.models import ReportSheet
from core.reports.periods import Period, PeriodError
from core.reports.values import ValuesRefused, check

MAX_ROWS = 10_000
MAX_ERRORS = 1000
CHUNK = 900


@dataclass(frozen=True)
class CellError:
    """Where an upload is wrong and why."""

    sheet: str
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


class UploadRefused(Exception):
    """An upload refused as a whole, with every reason (at most MAX_ERRORS)."""

    def __init__(self, errors: list[CellError], status: int = 422) -> None:
        super().__init__(errors[0].reason if errors else "refused")
        self.errors = errors[:MAX_ERRORS]
        self.total = len(errors)
        self.status = status


def _refuse(
    reason: str, *, sheet: str = "", row: int = 0, col: str = "", status: int = 422
) -> UploadRefused:
    return UploadRefused([CellError(sheet, row, col, reason)], status)


@dataclass
class Parsed:
    """The data sheet: indicator codes by column, and (row number, org code, cells) rows."""

    sheet: str
    codes: dict[int, str]
    rows: list[tuple[int, str, list[Any]]] = field(default_factory=list)


def _formulas(data: bytes) -> dict[str, list[str]]:
    """Cells holding formulas, by sheet name (read from the sheets' XML)."""
    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = (
            archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            if "xl/_rels/workbook.xml.rels" in names
            else ""
        )
        targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets.update(
            {
                k: v
                for v, k in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)
            }
        )
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book):
            target = targets.get(rid, "").lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            if path in names:
                xml = archive.read(path)
                cells = re.findall(rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f[ >/]', xml)
                if cells:
                    out[name] = [c.decode() for c in cells]
    return out


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_workbook(data: bytes, form: FormDef, period: str, phase: str) -> Parsed:
    """The data sheet of an uploaded template (UploadRefused names what is wrong)."""
    if not data:
        raise _refuse("文件为空 (empty file)", status=400)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse("不是 xlsx 文件 (not an xlsx file)", status=415)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        formulas = _formulas(data)
    except (python_calamine.CalamineError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _refuse(f"无法读取 xlsx 文件: {exc} (unreadable xlsx)", status=415) from None
    names = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")]
    sheet_name = DATA_SHEET if DATA_SHEET in book.sheet_names else (names[0] if names else "")
    if not sheet_name:
        raise _refuse("没有可读取的工作表 (no sheet)")
    if META_SHEET in book.sheet_names:
        meta = {
            (_text(r[0]) if r else ""): (_text(r[1]) if len(r) > 1 else "")
            for r in book.get_sheet_by_name(META_SHEET).to_python()
        }
        wanted = {"form": form.code, "period": period, "phase": phase}
        for key, value in wanted.items():
            if meta.get(key, value) != value:
                raise _refuse(
                    f"这是 {meta.get('form')} {meta.get('period')} {meta.get('phase')} 的模板，"
                    f"不能上传到 {form.code} {period} {phase} (template of another sheet)",
                    sheet=META_SHEET,
                )
    sheet = book.get_sheet_by_name(sheet_name)
    errors = [
        CellError(
            sheet_name,
            r0 + 1,
            f"{column(c0)}:{column(c1)}",
            f"不能有合并单元格 {column(c0)}{r0 + 1}:{column(c1)}{r1 + 1} (merged cells)",
        )
        for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
    ]
    errors += [
        CellError(
            sheet_name,
            int(re.sub(r"[A-Z]", "", cell)),
            re.sub(r"[0-9]", "", cell),
            f"单元格 {cell} 是公式，请粘贴为数值 (formula)",
        )
        for cell in formulas.get(sheet_name, [])
    ]
    if errors:
        raise UploadRefused(errors)
    table = sheet.to_python(skip_empty_area=False)
    if len(table) < 2:
        raise _refuse("缺少表头（第1行名称、第2行编码） (no header)", sheet=sheet_name, row=1)
    if len(table) - 2 > MAX_ROWS:
        raise _refuse(
            f"数据行超过 {MAX_ROWS} 行（{len(table) - 2} 行），请分表上传 (too many rows)",
            sheet=sheet_name,
            status=413,
        )
    head = [_text(v) for v in table[1]]
    expected = [code for code, _title in FIXED_COLUMNS]
    if head[: len(expected)] != expected:
        raise _refuse(
            f"第2行应以 {', '.join(expected)} 开头（模板的编码行） (not the template's header)",
            sheet=sheet_name,
            row=2,
            col="A",
        )
    known = {i.code for i in form.indicators}
    codes: dict[int, str] = {}
    problems = []
    for index, code in enumerate(head[len(expected) :], start=len(expected)):
        if not code:
            continue
        if code not in known:
            problems.append(
                CellError(
                    sheet_name, 2, column(index), f"未知的指标编码 {code!r} (unknown indicator)"
                )
            )
        codes[index] = code
    if problems:
        raise UploadRefused(problems)
    parsed = Parsed(sheet_name, codes)
    for number, row in enumerate(table[2:], start=3):
        code = _text(row[0]) if row else ""
        if not code and not any(_text(v) for v in row):
            continue
        parsed.rows.append((number, code, list(row)))
    if not parsed.rows:
        raise _refuse("没有数据行 (no rows)", sheet=sheet_name, row=3)
    return parsed


def _number(raw: Any) -> float | str | None:
    """A cell as a number (是/否 as 1/0), None when blank, the text when it is none."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, dt.date | dt.datetime | dt.time | dt.timedelta):
        return str(raw)
    text = str(raw).strip()
    if text in (YES, NO):
        return 1.0 if text == YES else 0.0
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text


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
        raise _refuse(f"报表 {form_code!r} 不存在 (unknown report form)", status=404)
    try:
        parsed_period = form.period(period, phase)
    except PeriodError as exc:
        raise _refuse(str(exc), status=400) from None
    probe = Target(form, parsed_period, phase, 0, "", None, "")
    try:
        check_open(probe, today)
    except ValuesRefused as exc:
        raise _refuse(exc.errors[0].message) from None
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
            raw = _number(cells[index] if index < len(cells) else None)
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
