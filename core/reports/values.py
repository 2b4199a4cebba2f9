"""Checking submitted values against the form: every bad value named, nothing written.

A value is refused for an unknown indicator, one that does not apply to the organisation's
category or this phase, a duplicate, or a value outside its type (count: a whole number,
percentage: 0–100, yes/no: 1 or 0) or its unit range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from core.graphql.errors import ErrorCode, UserError
from core.reports.catalog import FormDef, IndicatorDef

TYPE_NAMES = {
    "NUMBER": "数值",
    "PERCENTAGE": "百分比",
    "COUNT": "整数",
    "YES_NO": "是/否（1 或 0）",
}


class ValuesRefused(Exception):
    """A batch refused as a whole, with every reason."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("; ".join(e.message for e in errors[:5]))
        self.errors = errors


def refusal(field: str | None, message: str, code: ErrorCode = ErrorCode.INVALID) -> ValuesRefused:
    """A refusal with one reason."""
    return ValuesRefused([UserError(field=field, message=message, code=code)])


@dataclass(frozen=True)
class Problem:
    """One bad value: which indicator (as given), why, and the error code."""

    index: int
    indicator: str
    reason: str
    code: ErrorCode
    field: str = "indicatorCode"


def type_problem(indicator: IndicatorDef, value: float) -> str | None:
    """Why a value does not fit its indicator (None when it does)."""
    if not math.isfinite(value):
        return "不是有限数 (not a finite number)"
    if indicator.value_type == "YES_NO" and value not in (0.0, 1.0):
        return f"应为是/否（1 或 0），收到 {value:g}"
    if indicator.value_type == "COUNT" and value != int(value):
        return f"应为整数，收到 {value:g}"
    low, high = indicator.min_value, indicator.max_value
    if low is not None and value < low:
        return f"{value:g} 小于下限 {low:g}{indicator.unit}"
    if high is not None and value > high:
        return f"{value:g} 超过上限 {high:g}{indicator.unit}"
    return None


def check(
    form: FormDef, category: str, phase: str, pairs: Iterable[tuple[str, float]]
) -> tuple[dict[str, float], list[Problem]]:
    """The clean values by indicator code, and the problems of the bad ones."""
    allowed = {i.code: i for i in form.applicable(category, phase)}
    clean: dict[str, float] = {}
    problems: list[Problem] = []
    for index, (code, value) in enumerate(pairs):
        indicator = form.indicator(code)
        if indicator is None:
            problems.append(
                Problem(
                    index,
                    code,
                    f"指标 {code!r} 不在表单 {form.code} 上 (unknown indicator)",
                    ErrorCode.NOT_FOUND,
                )
            )
            continue
        if code not in allowed:
            reason = f"指标 {code}（{indicator.name}）不适用于该组织或 {phase} 阶段"
            problems.append(Problem(index, code, reason, ErrorCode.INVALID))
            continue
        if code in clean:
            problems.append(
                Problem(index, code, f"指标 {code} 重复填报 (given twice)", ErrorCode.DUPLICATE)
            )
            continue
        wrong = type_problem(indicator, float(value))
        if wrong is not None:
            message = f"{indicator.name}（{code}）: {wrong}"
            problems.append(Problem(index, code, message, ErrorCode.INVALID, "value"))
            continue
        clean[code] = float(value)
    return clean, problems
