"""Expanding the RRULE subset: last days, ordinals, intervals, COUNT/UNTIL, period labels."""

from __future__ import annotations

import datetime as dt

import pytest

from core.calendar.recurrence import RRuleError, expand, rule_for

JAN1 = dt.date(2027, 1, 1)


def days(rule: str, year: int = 2027, start: dt.date = JAN1) -> list[tuple[str, str]]:
    return [(o.period, o.day.isoformat()) for o in expand(rule, starts_on=start, year=year)]


def test_yearly_default_is_one_task_due_on_the_last_day_of_the_year() -> None:
    rule = rule_for(rrule=None, frequency="YEARLY")
    assert rule is not None and days(rule) == [("2027", "2027-12-31")]


def test_quarterly_default_gives_quarter_ends_labelled_by_quarter() -> None:
    rule = rule_for(rrule=None, frequency="QUARTERLY")
    assert rule is not None
    assert days(rule) == [
        ("2027Q1", "2027-03-31"),
        ("2027Q2", "2027-06-30"),
        ("2027Q3", "2027-09-30"),
        ("2027Q4", "2027-12-31"),
    ]


def test_monthly_last_day_handles_february_and_leap_years() -> None:
    assert days("FREQ=MONTHLY;BYMONTHDAY=-1")[1] == ("2027-02", "2027-02-28")
    assert days("FREQ=MONTHLY;BYMONTHDAY=-1", 2028, dt.date(2028, 1, 1))[1] == (
        "2028-02",
        "2028-02-29",
    )
    assert len(days("FREQ=MONTHLY;BYMONTHDAY=-1")) == 12


def test_ordinal_weekdays() -> None:
    last_fridays = days("FREQ=MONTHLY;BYDAY=-1FR")
    assert last_fridays[0] == ("2027-01", "2027-01-29")
    assert all(dt.date.fromisoformat(d).weekday() == 4 for _, d in last_fridays)
    first_mondays = days("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO")
    assert first_mondays == [
        ("2027Q1", "2027-01-04"),
        ("2027Q2", "2027-04-05"),
        ("2027Q3", "2027-07-05"),
        ("2027Q4", "2027-10-04"),
    ]


def test_weekly_and_daily_are_labelled_by_date() -> None:
    fridays = days("FREQ=WEEKLY;BYDAY=FR")
    assert fridays[0] == ("2027-01-01", "2027-01-01") and len(fridays) == 53
    assert len(days("FREQ=DAILY;INTERVAL=7")) == 53


def test_count_and_until_bound_the_series() -> None:
    start = dt.date(2026, 11, 1)
    assert days("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=4", 2027, start) == [
        ("2027-01", "2027-01-15"),
        ("2027-02", "2027-02-15"),
    ]
    assert days("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2", 2027, start) == []
    assert [p for p, _ in days("FREQ=MONTHLY;BYMONTHDAY=10;UNTIL=20270401")] == [
        "2027-01",
        "2027-02",
        "2027-03",
    ]


def test_yearly_interval_follows_the_start() -> None:
    rule = "FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYMONTHDAY=30"
    start = dt.date(2026, 1, 1)
    assert days(rule, 2026, start) == [("2026", "2026-06-30")]
    assert days(rule, 2027, start) == []
    assert days(rule, 2028, start) == [("2028", "2028-06-30")]


def test_labels_fall_back_to_finer_periods_when_needed() -> None:
    assert [p for p, _ in days("FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1")] == ["2027Q2", "2027Q4"]
    assert [p for p, _ in days("FREQ=MONTHLY;BYMONTHDAY=1,15")][:2] == ["2027-01-01", "2027-01-15"]


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("FREQ=HOURLY", "FREQ=HOURLY"),
        ("FREQ=MONTHLY;BYHOUR=9", "BYHOUR"),
        ("BYMONTHDAY=1", "FREQ"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH"),
        ("FREQ=MONTHLY;BYDAY=XX", "BYDAY"),
        ("FREQ=WEEKLY;BYDAY=1MO", "BYDAY"),
        ("FREQ=MONTHLY;BYDAY=6FR", "BYDAY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY"),
        ("FREQ=MONTHLY;COUNT=2;UNTIL=20271231", "COUNT"),
        ("FREQ=MONTHLY;UNTIL=2027-12-31", "UNTIL"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "BYMONTHDAY"),
        ("FREQ=MONTHLY;FREQ=YEARLY", "FREQ"),
    ],
)
def test_rules_outside_the_subset_are_refused_with_the_reason(rule: str, fragment: str) -> None:
    with pytest.raises(RRuleError) as caught:
        expand(rule, starts_on=JAN1, year=2027)
    assert fragment in str(caught.value)


def test_frequencies_without_a_calendar_have_no_rule() -> None:
    assert rule_for(rrule=None, frequency="ON_DEMAND") is None
    assert rule_for(rrule=" FREQ=DAILY ", frequency="ON_DEMAND") == "FREQ=DAILY"
