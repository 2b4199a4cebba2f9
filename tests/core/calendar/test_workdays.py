"""Working days: weekends rest, official holidays and 调休 from the data, city overrides win."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit.models import AuditEvent
from core.calendar import workdays
from core.calendar.models import CalendarDay
from core.db import session_factory
from gateway import cli

D = dt.date


def official_2026() -> workdays.WorkCalendar:
    found = workdays.official_exceptions(2026)
    assert found is not None
    return workdays.WorkCalendar({day: working for day, (working, _) in found.items()})


def test_weekends_move_back_to_friday() -> None:
    calendar = workdays.WorkCalendar({})
    assert calendar.on_or_before(D(2027, 1, 31)) == D(2027, 1, 29)  # Sunday → Friday
    assert calendar.on_or_before(D(2027, 1, 29)) == D(2027, 1, 29)


def test_official_holidays_and_make_up_working_weekends() -> None:
    calendar = official_2026()
    # National Day 2026: Oct 1–7 off; Saturday Oct 10 is a make-up working day (调休)
    assert calendar.on_or_before(D(2026, 10, 5)) == D(2026, 9, 30)
    assert calendar.is_working(D(2026, 10, 10)) and calendar.on_or_before(D(2026, 10, 10)) == D(
        2026, 10, 10
    )
    # Spring Festival 2026: Saturday Feb 14 works; the holiday runs Feb 15–23
    assert calendar.is_working(D(2026, 2, 14))
    assert calendar.on_or_before(D(2026, 2, 20)) == D(2026, 2, 14)
    # New Year's Day: Jan 1 off (Thursday) → Dec 31
    assert calendar.on_or_before(D(2026, 1, 1)) == D(2025, 12, 31)


def test_unpublished_years_have_no_official_data() -> None:
    assert workdays.official_exceptions(2099) is None


async def test_seeding_keeps_city_overrides(engine: AsyncEngine) -> None:
    async with session_factory(engine).begin() as session:
        await workdays.set_day(session=session, day=D(2026, 10, 8), working=False, note="本市调整")
        await workdays.set_day(session=session, day=D(2026, 10, 10), working=False, note="本市")
        count = await workdays.seed_official(session=session, year=2026)
    assert count is not None and count > 20
    async with session_factory(engine).begin() as session:
        again = await workdays.seed_official(session=session, year=2026)
        assert again == count  # re-seeding replaces official rows, adds no duplicates
        rows = {
            r.day: (r.working, r.source)
            for r in await session.execute(
                select(CalendarDay.day, CalendarDay.working, CalendarDay.source)
            )
        }
        calendar = await workdays.load(session, D(2026, 1, 1), D(2026, 12, 31))
    assert rows[D(2026, 10, 10)] == (False, "city")
    assert rows[D(2026, 10, 1)] == (False, "official")
    assert not calendar.is_working(D(2026, 10, 10))
    assert calendar.on_or_before(D(2026, 10, 11)) == D(2026, 10, 9)


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch, url: str) -> int:
    monkeypatch.setenv("DUTYGRAPH_DATABASE_URL", url)
    cli.get_settings.cache_clear()
    try:
        return cli.main(args)
    finally:
        cli.get_settings.cache_clear()


async def test_cli_holidays_and_city_days(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    args = ["calendar", "holidays", "--year", "2026"]
    assert await asyncio.to_thread(run_cli, args, monkeypatch, url) == 0
    assert "个官方调整日" in capsys.readouterr().out
    args = ["calendar", "holidays", "--year", "2099"]
    assert await asyncio.to_thread(run_cli, args, monkeypatch, url) == 1
    assert "2099" in capsys.readouterr().err
    args = ["calendar", "day", "2026-12-31", "--off", "--note", "市委决定"]
    assert await asyncio.to_thread(run_cli, args, monkeypatch, url) == 0
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(CalendarDay).where(CalendarDay.day == D(2026, 12, 31)))
        ).one()
        actions = list(
            (await conn.execute(select(AuditEvent.action).order_by(AuditEvent.seq))).scalars()
        )
    assert (row.working, row.source, row.note) == (False, "city", "市委决定")
    assert actions == ["calendar.holidays", "calendar.day"]
