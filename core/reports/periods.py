"""Report periods: `2026` (year), `2026Q2` (quarter), `2026-05` (month), and the phases.

TARGET and RESULT sheets are yearly; PROGRESS sheets follow the form's period type. A
period's deadline counts days from its start (TARGET: the target sheet is due early in the
year) or from its end (PROGRESS, RESULT); "on time" allows the phase's grace days.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

YEARLY, QUARTERLY, MONTHLY = "YEARLY", "QUARTERLY", "MONTHLY"
PERIOD_TYPES = (YEARLY, QUARTERLY, MONTHLY)
TARGET, PROGRESS, RESULT = "TARGET", "PROGRESS", "RESULT"
PHASES = (TARGET, PROGRESS, RESULT)

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FORMATS = {YEARLY: "2026", QUARTERLY: "2026Q2", MONTHLY: "2026-05"}


class PeriodError(ValueError):
    """A period string that is not of the expected type."""


@dataclass(frozen=True, order=True)
class Period:
    """One period: its type, year and index within the year (1 for a year)."""

    year: int
    index: int
    kind: str

    @property
    def code(self) -> str:
        """The period as written: 2026, 2026Q2, 2026-05."""
        if self.kind == YEARLY:
            return f"{self.year}"
        if self.kind == QUARTERLY:
            return f"{self.year}Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    @property
    def per_year(self) -> int:
        return {YEARLY: 1, QUARTERLY: 4, MONTHLY: 12}[self.kind]

    @property
    def start(self) -> dt.date:
        """The first day of the period."""
        months = 12 // self.per_year
        return dt.date(self.year, (self.index - 1) * months + 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        following = self.next()
        return following.start - dt.timedelta(days=1)

    @property
    def elapsed(self) -> float:
        """The share of the year that has passed at the period's end (Q2: 0.5)."""
        return self.index / self.per_year

    @property
    def quarter(self) -> int:
        """The quarter the period ends in (a year: 4)."""
        return (self.end.month - 1) // 3 + 1

    def next(self) -> Period:
        """The period after this one."""
        if self.index == self.per_year:
            return Period(self.year + 1, 1, self.kind)
        return Period(self.year, self.index + 1, self.kind)

    def previous(self) -> Period:
        """The period before this one."""
        if self.index == 1:
            return Period(self.year - 1, self.per_year, self.kind)
        return Period(self.year, self.index - 1, self.kind)

    def year_so_far(self) -> list[Period]:
        """The periods of the same year up to and including this one."""
        return [Period(self.year, i, self.kind) for i in range(1, self.index + 1)]


def parse(text: str, kind: str) -> Period:
    """A period of the given type; PeriodError names the expected form."""
    pattern = {YEARLY: _YEAR, QUARTERLY: _QUARTER, MONTHLY: _MONTH}[kind]
    found = pattern.match(text) if isinstance(text, str) else None
    if found is None or not 1900 <= int(found.group(1)) <= 2999:
        raise PeriodError(
            f"期间 {text!r} 应形如 {FORMATS[kind]} (expected a {kind.lower()} period)"
        )
    index = int(found.group(2)) if kind != YEARLY else 1
    return Period(int(found.group(1)), index, kind)


def kind_of_phase(phase: str, progress_kind: str) -> str:
    """TARGET and RESULT are yearly; PROGRESS follows the form."""
    return progress_kind if phase == PROGRESS else YEARLY


def deadline(period: Period, phase: str, due_days: int) -> dt.date:
    """When a sheet is due: days after the year's start (TARGET) or the period's end."""
    if phase == TARGET:
        return period.start + dt.timedelta(days=due_days)
    return period.end + dt.timedelta(days=due_days)


def guess(text: str) -> Period | None:
    """A period of any type (None when the text is none of them)."""
    for kind in PERIOD_TYPES:
        try:
            return parse(text, kind)
        except PeriodError:
            continue
    return None
