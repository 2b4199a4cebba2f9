"""The iCalendar RRULE subset the work calendar understands: checking and normalising."""

from __future__ import annotations

import datetime as dt
import re

FREQS = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY"})
KEYS = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "COUNT", "UNTIL")
WEEKDAYS = frozenset({"MO", "TU", "WE", "TH", "FR", "SA", "SU"})
_BYDAY = re.compile(r"^([+-]?\d{1,2})?([A-Z]{2})$")
_UNTIL = re.compile(r"^\d{8}(T\d{6}Z?)?$")


class RRuleError(ValueError):
    """The rule is outside the supported subset; the message says which part and why."""


def _ints(key: str, value: str, low: int, high: int, *, signed: bool = False) -> None:
    for item in value.split(","):
        try:
            number = int(item)
        except ValueError:
            raise RRuleError(f"{key}={value}: {item!r} 不是整数 (not an integer)") from None
        if not (low <= abs(number) <= high if signed else low <= number <= high):
            raise RRuleError(f"{key}={value}: {item} 超出范围 {low}–{high} (out of range)")


def _byday(value: str) -> None:
    for item in value.split(","):
        match = _BYDAY.match(item)
        if match is None or match.group(2) not in WEEKDAYS:
            raise RRuleError(f"BYDAY={value}: {item!r} 不是星期代码 (MO…SU, optional ±n)")
        if match.group(1) is not None and not 1 <= abs(int(match.group(1))) <= 53:
            raise RRuleError(f"BYDAY={value}: {item!r} 序号超出范围 (ordinal out of range)")


def _until(value: str) -> None:
    if _UNTIL.match(value) is None:
        raise RRuleError(f"UNTIL={value}: 应为 YYYYMMDD 或 YYYYMMDDTHHMMSSZ")
    try:
        dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise RRuleError(f"UNTIL={value}: 不是有效日期 (not a date)") from None


def _check(key: str, value: str) -> None:
    if key == "FREQ" and value not in FREQS:
        raise RRuleError(f"FREQ={value}: 只支持 {', '.join(sorted(FREQS))}")
    if key in ("INTERVAL", "COUNT"):
        _ints(key, value, 1, 1000)
        if "," in value:
            raise RRuleError(f"{key}={value}: 只能是一个整数 (a single integer)")
    if key == "BYMONTH":
        _ints(key, value, 1, 12)
    if key == "BYMONTHDAY":
        _ints(key, value, 1, 31, signed=True)
    if key == "BYDAY":
        _byday(value)
    if key == "UNTIL":
        _until(value)


def parse(text: str) -> dict[str, str]:
    """The rule's parts (KEY -> value), checked against the subset; RRuleError otherwise."""
    body = text.strip().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for piece in filter(None, body.split(";")):
        key, sep, value = piece.partition("=")
        key = key.strip().upper()
        if not sep or not value.strip():
            raise RRuleError(f"{piece!r}: 应为 KEY=VALUE (expected KEY=VALUE)")
        if key not in KEYS:
            raise RRuleError(f"{key}: 不支持的规则项，只支持 {', '.join(KEYS)} (unsupported part)")
        if key in parts:
            raise RRuleError(f"{key}: 重复出现 (given twice)")
        parts[key] = value.strip().upper()
        _check(key, parts[key])
    if "FREQ" not in parts:
        raise RRuleError("缺少 FREQ (FREQ is required)")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RRuleError("COUNT 和 UNTIL 不能同时使用 (COUNT and UNTIL are exclusive)")
    return parts


def normalise(text: str) -> str:
    """The rule in canonical form: FREQ first, then the other parts in a fixed order."""
    parts = parse(text)
    return ";".join(f"{key}={parts[key]}" for key in KEYS if key in parts)
