"""Reading a filled-in template (python-calamine): the data sheet's rows and indicator
columns, every bad cell named (sheet, row, column, reason).

Refused here: an empty file, a file that is not xlsx, no data sheet, merged cells, formulas
(values only), a header that is not the template's, unknown indicator codes, more than
MAX_ROWS rows. `core.reports.upload` checks the rows against the database and writes them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from core.reports.catalog import FormDef
from core.reports.excel import DATA_SHEET, FIXED_COLUMNS, META_SHEET, NO, YES, column

MAX_ROWS = 10_000
MAX_ERRORS = 1000


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


def refuse(
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
        raise refuse("文件为空 (empty file)", status=400)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse("不是 xlsx 文件 (not an xlsx file)", status=415)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        formulas = _formulas(data)
    except (python_calamine.CalamineError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise refuse(f"无法读取 xlsx 文件: {exc} (unreadable xlsx)", status=415) from None
    names = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")]
    sheet_name = DATA_SHEET if DATA_SHEET in book.sheet_names else (names[0] if names else "")
    if not sheet_name:
        raise refuse("没有可读取的工作表 (no sheet)")
    if META_SHEET in book.sheet_names:
        meta = {
            (_text(r[0]) if r else ""): (_text(r[1]) if len(r) > 1 else "")
            for r in book.get_sheet_by_name(META_SHEET).to_python()
        }
        wanted = {"form": form.code, "period": period, "phase": phase}
        for key, value in wanted.items():
            if meta.get(key, value) != value:
                raise refuse(
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
        raise refuse("缺少表头（第1行名称、第2行编码） (no header)", sheet=sheet_name, row=1)
    if len(table) - 2 > MAX_ROWS:
        raise refuse(
            f"数据行超过 {MAX_ROWS} 行（{len(table) - 2} 行），请分表上传 (too many rows)",
            sheet=sheet_name,
            status=413,
        )
    head = [_text(v) for v in table[1]]
    expected = [code for code, _title in FIXED_COLUMNS]
    if head[: len(expected)] != expected:
        raise refuse(
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
        raise refuse("没有数据行 (no rows)", sheet=sheet_name, row=3)
    return parsed


def cell_number(raw: Any) -> float | str | None:
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
