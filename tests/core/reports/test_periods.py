"""Report periods: parsing, bounds, deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from core.reports import periods
from core.reports.periods import Period, PeriodError


def test_parse_each_type() -> None:
    assert periods.parse("2026", "YEARLY") == Period(2026, 1, "YEARLY")
    assert periods.parse("2026Q2", "QUARTERLY").code == "2026Q2"
    assert periods.parse("2026-05", "MONTHLY").end == dt.date(2026, 5, 31)


@pytest.mark.parametrize("text", ["2026Q5", "26Q1", "2026-13", "2026Q1 ", "abc", "", "2026-5"])
def test_malformed_quarters_and_months_are_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        periods.parse(text, "QUARTERLY" if "Q" in text or not text[:1].isdigit() else "MONTHLY")


def test_bounds_and_neighbours() -> None:
    q1 = periods.parse("2026Q1", "QUARTERLY")
    assert (q1.start, q1.end, q1.elapsed, q1.quarter) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
        0.25,
        1,
    )
    assert q1.previous().code == "2025Q4" and q1.next().code == "2026Q2"
    assert [p.code for p in periods.parse("2026Q3", "QUARTERLY").year_so_far()] == [
        "2026Q1",
        "2026Q2",
        "2026Q3",
    ]


def test_deadlines_count_from_the_start_for_targets_and_the_end_otherwise() -> None:
    year = periods.parse("2026", "YEARLY")
    assert periods.deadline(year, "TARGET", 31) == dt.date(2026, 2, 1)
    assert periods.deadline(year, "RESULT", 20) == dt.date(2027, 1, 20)
    q2 = periods.parse("2026Q2", "QUARTERLY")
    assert periods.deadline(q2, "PROGRESS", 10) == dt.date(2026, 7, 10)
    assert periods.kind_of_phase("TARGET", "QUARTERLY") == "YEARLY"
