"""Report sheets as Excel workbooks (xlsxwriter): the fill-in template of a form for many
organisations, and the flags of a slice.

The template's data sheet has one row per organisation: code, name and category locked,
one column per indicator with its unit in the header and the indicator codes (locked) in
the second row; yes/no columns get a 是/否 drop-down, numbers a range check; cells of
indicators that do not apply to the organisation are locked and grey. A hidden sheet
`_meta` names the form, period and phase, so an upload into another one is refused.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from core.reports.catalog import FormDef, IndicatorDef
from core.reports.flags import Flag

DATA_SHEET = "填报"
META_SHEET = "_meta"
FIXED_COLUMNS = (("code", "组织编码"), ("name", "组织名称"), ("category", "组织类别"))
YES, NO = "是", "否"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class TemplateRow:
    """One organisation of a template, with the values it already has."""

    code: str
    name: str
    category: str
    category_name: str
    values: dict[str, float]


def column(index: int) -> str:
    """The Excel letter of a 0-based column."""
    return str(xl_col_to_name(index))


def _validation(indicator: IndicatorDef) -> dict[str, object]:
    if indicator.value_type == "YES_NO":
        return {"validate": "list", "source": [YES, NO]}
    kind = "integer" if indicator.value_type == "COUNT" else "decimal"
    low = indicator.min_value if indicator.min_value is not None else -1e15
    high = indicator.max_value if indicator.max_value is not None else 1e15
    return {
        "validate": kind,
        "criteria": "between",
        "minimum": low,
        "maximum": high,
        "error_message": f"{indicator.name}：应在 {low:g} 到 {high:g} 之间",
    }


def template(form: FormDef, period: str, phase: str, rows: Sequence[TemplateRow]) -> bytes:
    """The fill-in workbook of a form's period and phase for the given organisations."""
    columns = [i for i in form.indicators if phase in i.phases]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    header = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "locked": True, "border": 1}
    )
    codes = book.add_format({"font_color": "#7F7F7F", "bg_color": "#F2F2F2", "locked": True})
    fixed = book.add_format({"locked": True, "bg_color": "#F2F2F2"})
    editable = book.add_format({"locked": False})
    closed = book.add_format({"locked": True, "bg_color": "#D9D9D9"})
    sheet = book.add_worksheet(DATA_SHEET)
    for index, (code, title) in enumerate(FIXED_COLUMNS):
        sheet.write(0, index, title, header)
        sheet.write(1, index, code, codes)
    for offset, indicator in enumerate(columns, start=len(FIXED_COLUMNS)):
        unit = f"（{indicator.unit}）" if indicator.unit else ""
        sheet.write(0, offset, f"{indicator.name}{unit}", header)
        sheet.write(1, offset, indicator.code, codes)
        sheet.set_column(offset, offset, 14)
        if rows:
            sheet.data_validation(2, offset, 1 + len(rows), offset, _validation(indicator))
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 12)
    sheet.set_row(0, 42)
    for r, row in enumerate(rows, start=2):
        sheet.write_string(r, 0, row.code, fixed)
        sheet.write_string(r, 1, row.name, fixed)
        sheet.write_string(r, 2, row.category_name, fixed)
        for c, indicator in enumerate(columns, start=len(FIXED_COLUMNS)):
            if row.category not in indicator.categories:
                sheet.write_blank(r, c, None, closed)
                continue
            value = row.values.get(indicator.code)
            if value is None:
                sheet.write_blank(r, c, None, editable)
            elif indicator.value_type == "YES_NO":
                sheet.write_string(r, c, YES if value else NO, editable)
            else:
                sheet.write_number(r, c, value, editable)
    sheet.freeze_panes(2, len(FIXED_COLUMNS))
    sheet.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True})
    meta = book.add_worksheet(META_SHEET)
    for r, (key, text) in enumerate((("form", form.code), ("period", period), ("phase", phase))):
        meta.write_string(r, 0, key)
        meta.write_string(r, 1, text)
    meta.hide()
    book.close()
    return out.getvalue()


def flags_workbook(
    form: FormDef, period: str, phase: str, flags: Sequence[Flag], names: dict[str, str]
) -> bytes:
    """The flags of a slice, one row each."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    sheet = book.add_worksheet("标记")
    titles = (
        "组织编码",
        "组织名称",
        "指标编码",
        "指标名称",
        "类型",
        "规则",
        "值",
        "期望下限",
        "期望上限",
        "得分",
    )
    for c, title in enumerate(titles):
        sheet.write(0, c, title, bold)
    indicator_names = {i.code: i.name for i in form.indicators}
    for r, flag in enumerate(flags, start=1):
        kind = "违反规则" if flag.kind == "RULE_VIOLATION" else "偏离平均值"
        cells = (
            flag.organization_code,
            names.get(flag.organization_code, ""),
            flag.indicator,
            indicator_names.get(flag.indicator, ""),
            kind,
            flag.rule_code or "",
            flag.value,
            flag.expected_low,
            flag.expected_high,
            flag.score,
        )
        for c, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    sheet.set_column(0, 3, 16)
    note = book.add_worksheet("说明")
    note.write_string(0, 0, f"{form.title}（{form.code}） {period} {phase}：共 {len(flags)} 个标记")
    book.close()
    return out.getvalue()
