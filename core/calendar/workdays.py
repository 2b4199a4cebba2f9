"""The city's working-day calendar: weekdays work, weekends rest, `calendar_day` says otherwise.

Official exceptions (holidays on weekdays, make-up working weekends 调休) come from the
`chinese_calendar` package for the years it covers; the city's own overrides are rows with
source='city' and always win over official ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.calendar.models import CalendarDay

OFFICIAL = "official"
CITY = "city"
MAX_SHIFT = 60  # no real calendar has two months without a working day


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: the weekday rule with its exceptions."""

    exceptions: dict[dt.date, bool]

    def is_working(self, day: dt.date) -> bool:
        """True on a working day."""
        return self.exceptions.get(day, day.weekday() < 5)

    def on_or_before(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the previous working day."""
        for _ in range(MAX_SHIFT):
            if self.is_working(day):
                return day
            day -= dt.timedelta(days=1)
        raise ValueError(f"{MAX_SHIFT} 天内没有工作日：请检查 calendar_day 数据")


async def load(conn: AsyncConnection | AsyncSession, start: dt.date, end: dt.date) -> WorkCalendar:
    """The calendar with the exceptions between two dates (inclusive)."""
    rows = await conn.execute(
        select(CalendarDay.day, CalendarDay.working).where(
            CalendarDay.day >= start, CalendarDay.day <= end
        )
    )
    return WorkCalendar({row.day: row.working for row in rows})


def official_exceptions(year: int) -> dict[dt.date, tuple[bool, str]] | None:
    """The official exceptions of a year (day -> (working, note)), None when not published."""
    from chinese_calendar import constants  # type: ignore[import-untyped]  # no stubs

    if not any(day.year == year for day in constants.holidays):
        return None
    out: dict[dt.date, tuple[bool, str]] = {}
    for day, holiday in constants.holidays.items():
        if day.year == year and day.weekday() < 5:
            out[day] = (False, f"{_name(holiday)}（法定节假日）")
    for day, holiday in constants.workdays.items():
        if day.year == year:
            out[day] = (True, f"{_name(holiday)}调休上班")
    return out


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


def _name(holiday: object) -> str:
    english = str(getattr(holiday, "value", holiday))
    return _NAMES.get(english, english)


async def seed_official(*, session: AsyncSession, year: int) -> int | None:
    """Store a year's official exceptions (city rows kept); the count, None if unpublished."""
    days = official_exceptions(year)
    if days is None:
        return None
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    await session.execute(
        delete(CalendarDay).where(
            CalendarDay.day >= start, CalendarDay.day <= end, CalendarDay.source == OFFICIAL
        )
    )
    city = set(
        (
            await session.execute(
                select(CalendarDay.day).where(CalendarDay.day >= start, CalendarDay.day <= end)
            )
        ).scalars()
    )
    rows = [
        CalendarDay(day=day, working=working, note=note, source=OFFICIAL)
        for day, (working, note) in sorted(days.items())
        if day not in city
    ]
    session.add_all(rows)
    await session.flush()
    return len(rows)


async def has_year(conn: AsyncConnection | AsyncSession, year: int) -> bool:
    """True when any exception of the year is stored."""
    found = await conn.execute(
        select(CalendarDay.day)
        .where(CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31))
        .limit(1)
    )
    return found.first() is not None


async def set_day(*, session: AsyncSession, day: dt.date, working: bool, note: str) -> CalendarDay:
    """Record a city override for one day (replaces any official row for that day)."""
    existing = await session.get(CalendarDay, day)
    if existing is None:
        existing = CalendarDay(day=day, working=working, note=note[:100], source=CITY)
        session.add(existing)
    else:
        existing.working, existing.note, existing.source = working, note[:100], CITY
    await session.flush()
    return existing
