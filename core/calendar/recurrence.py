"""Expanding a duty's recurrence (an iCalendar RRULE subset) into dated, labelled occurrences.

The subset is checked by `core.duties.rrule.parse` (shared with the library loader); the
checks that depend on FREQ are added here. Each occurrence gets a period label: `2027`,
`2027Q2`, `2027-05` or an ISO date, the coarsest level at or below the rule's natural one
that still tells the occurrences of a year apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal, NamedTuple

from dateutil import rrule as du

from core.duties.rrule import RRuleError, parse

__all__ = ["FREQUENCY_RULES", "Occurrence", "RRuleError", "check", "expand", "rule_for"]

FREQUENCY_RULES: dict[str, str] = {
    "YEARLY": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
    "ANNUAL": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
    "HALF_YEARLY": "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1",
    "SEMIANNUAL": "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1",
    "QUARTERLY": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
    "MONTHLY": "FREQ=MONTHLY;BYMONTHDAY=-1",
    "WEEKLY": "FREQ=WEEKLY;BYDAY=FR",
    "DAILY": "FREQ=DAILY",
}
"""The rule a duty gets from its frequency code when it has no `rrule` of its own."""

_FREQ: dict[str, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    "YEARLY": du.YEARLY,
    "MONTHLY": du.MONTHLY,
    "WEEKLY": du.WEEKLY,
    "DAILY": du.DAILY,
}
_DAYS = {"MO": du.MO, "TU": du.TU, "WE": du.WE, "TH": du.TH, "FR": du.FR, "SA": du.SA, "SU": du.SU}
MAX_PER_YEAR = 366


class Occurrence(NamedTuple):
    period: str
    day: dt.date


def rule_for(*, rrule: str | None, frequency: str) -> str | None:
    """The rule of a duty: its own `rrule`, else its frequency's default (None: no calendar)."""
    if rrule and rrule.strip():
        return rrule.strip()
    return FREQUENCY_RULES.get(frequency.strip().upper())


def check(text: str) -> dict[str, str]:
    """The rule's parts when it is inside the supported subset; RRuleError otherwise."""
    parts = parse(text)
    freq = parts["FREQ"]
    ordinals = any(item[-2:] != item for item in parts.get("BYDAY", "").split(",") if item)
    if ordinals and freq in ("WEEKLY", "DAILY"):
        raise RRuleError(f"BYDAY={parts['BYDAY']}: 序号（如 1MO、-1FR）只用于 MONTHLY/YEARLY")
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        raise RRuleError("BYMONTHDAY 不能与 FREQ=WEEKLY 一起使用 (not with WEEKLY)")
    if freq == "MONTHLY" and "BYDAY" in parts:
        for item in parts["BYDAY"].split(","):
            if item[:-2] and not 1 <= abs(int(item[:-2])) <= 5:
                raise RRuleError(f"BYDAY={parts['BYDAY']}: 每月的序号只能是 ±1 到 ±5")
    _check_possible(parts)
    return parts


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _check_possible(parts: dict[str, str]) -> None:
    """Refuse a rule that never happens (e.g. BYMONTH=2;BYMONTHDAY=30): it would never end."""
    if "BYMONTHDAY" not in parts:
        return
    months = [int(m) for m in parts.get("BYMONTH", "1,2,3,4,5,6,7,8,9,10,11,12").split(",")]
    days = [abs(int(d)) for d in parts["BYMONTHDAY"].split(",")]
    if not any(day <= _MONTH_DAYS[month - 1] for month in months for day in days):
        raise RRuleError(
            f"BYMONTH={parts.get('BYMONTH')};BYMONTHDAY={parts['BYMONTHDAY']}: 这样的日期不存在"
        )


def _weekdays(value: str) -> list[du.weekday]:
    out = []
    for item in value.split(","):
        day = _DAYS[item[-2:]]
        out.append(day(int(item[:-2])) if item[:-2] else day)
    return out


def _until(value: str) -> dt.datetime:
    return dt.datetime(int(value[:4]), int(value[4:6]), int(value[6:8]), 23, 59, 59)


def _build(parts: dict[str, str], starts_on: dt.date) -> du.rrule:
    def ints(key: str) -> list[int] | None:
        return [int(v) for v in parts[key].split(",")] if key in parts else None

    return du.rrule(
        _FREQ[parts["FREQ"]],
        dtstart=dt.datetime.combine(starts_on, dt.time()),
        interval=int(parts.get("INTERVAL", "1")),
        bymonth=ints("BYMONTH"),
        bymonthday=ints("BYMONTHDAY"),
        byweekday=_weekdays(parts["BYDAY"]) if "BYDAY" in parts else None,
        count=int(parts["COUNT"]) if "COUNT" in parts else None,
        until=_until(parts["UNTIL"]) if "UNTIL" in parts else None,
    )


def _quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


_LEVELS: list[Callable[[dt.date], str]] = [
    lambda d: str(d.year),
    _quarter,
    lambda d: f"{d.year}-{d.month:02d}",
    lambda d: d.isoformat(),
]


def _natural_level(parts: dict[str, str]) -> int:
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    if freq == "YEARLY":
        return 0
    if freq == "MONTHLY":
        return 0 if interval % 12 == 0 else 1 if interval % 3 == 0 else 2
    return 3


def expand(text: str, *, starts_on: dt.date, year: int) -> list[Occurrence]:
    """The occurrences of a rule within a calendar year, in date order, with period labels."""
    parts = check(text)
    rule = _build(parts, starts_on)
    days: list[dt.date] = []
    for moment in rule.xafter(dt.datetime(year, 1, 1) - dt.timedelta(seconds=1)):
        if moment.year > year:
            break
        days.append(moment.date())
        if len(days) > MAX_PER_YEAR:
            break
    for level in range(_natural_level(parts), len(_LEVELS)):
        labels = [_LEVELS[level](day) for day in days]
        if len(set(labels)) == len(labels):
            return [Occurrence(label, day) for label, day in zip(labels, days, strict=True)]
    raise AssertionError("ISO dates of distinct days are always distinct")
