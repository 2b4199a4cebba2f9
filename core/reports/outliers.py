"""Outliers: values that deviate from their baseline, the portable way (any database).

Methods: Z_SCORE (|x − mean| / population sd, default threshold 3.0), MOD_Z_SCORE
(0.6745·|x − median| / MAD, default 3.5) and MIN_MAX (the indicator's stored bounds for the
category, else mean ± threshold·sd, default 2.0). Baselines: PEERS (same category, period
and phase within the subtree, the value itself included, as DHIS2 does) and HISTORY (the
organisation's own earlier periods of the phase, at most `history_periods`, the value
itself excluded). A baseline with fewer than `min_group` values, or no spread, flags
nothing. PostgreSQL computes the same in SQL (core.reports.outliers_sql).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Z_SCORE, MOD_Z_SCORE, MIN_MAX = "Z_SCORE", "MOD_Z_SCORE", "MIN_MAX"
PEERS, HISTORY = "PEERS", "HISTORY"
DEFAULT_THRESHOLD = {Z_SCORE: 3.0, MOD_Z_SCORE: 3.5, MIN_MAX: 2.0}
MAD_FACTOR = 0.6745
EPS = 1e-9
"""A score within this relative distance of the threshold is a tie, not an outlier (float
sums in SQL and Python differ in the last bits; small integer histories hit 3.0 exactly)."""


@dataclass(frozen=True)
class Analysis:
    """How to look for outliers."""

    method: str = Z_SCORE
    baseline: str = PEERS
    threshold: float = 3.0
    min_group: int = 5
    history_periods: int = 12


@dataclass(frozen=True)
class Item:
    """A value under test: its sheet, organisation, category and indicator."""

    sheet_id: int
    organization_id: int
    category_id: int
    indicator: str
    value: float


@dataclass(frozen=True)
class Outlier:
    """A flagged value with the range it was expected in and how far it is."""

    sheet_id: int
    organization_id: int
    indicator: str
    value: float
    expected_low: float | None
    expected_high: float | None
    score: float | None


Bounds = Mapping[tuple[int, str], tuple[float, float]]
"""Stored MIN_MAX bounds by (category id, indicator)."""


def _flag(item: Item, low: float | None, high: float | None, score: float | None) -> Outlier:
    return Outlier(
        item.sheet_id, item.organization_id, item.indicator, item.value, low, high, score
    )


@dataclass(frozen=True)
class Stats:
    """A baseline's size, mean, population sd, median and MAD (median and MAD computed only
    for MOD_Z_SCORE)."""

    n: int
    mean: float
    sd: float
    median: float
    mad: float

    @classmethod
    def of(cls, baseline: Sequence[float], method: str) -> Stats:
        n = len(baseline)
        if n == 0:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        mean = math.fsum(baseline) / n
        sd = math.sqrt(math.fsum((b - mean) ** 2 for b in baseline) / n)
        median = mad = 0.0
        if method == MOD_Z_SCORE:
            median = statistics.median(baseline)
            mad = statistics.median([abs(b - median) for b in baseline])
        return cls(n, mean, sd, median, mad)


def judge(item: Item, stats: Stats, analysis: Analysis, bounds: Bounds) -> Outlier | None:
    """The outlier, if the item deviates from its baseline's statistics."""
    x, t = item.value, analysis.threshold
    if analysis.method == MIN_MAX and (item.category_id, item.indicator) in bounds:
        low, high = bounds[(item.category_id, item.indicator)]
        if low <= x <= high:
            return None
        distance = low - x if x < low else x - high
        return _flag(item, low, high, distance / (high - low) if high > low else distance)
    if stats.n < analysis.min_group:
        return None
    if analysis.method == MOD_Z_SCORE:
        if stats.mad == 0:
            return None
        score = MAD_FACTOR * abs(x - stats.median) / stats.mad
        if score <= t * (1 + EPS):
            return None
        spread = t * stats.mad / MAD_FACTOR
        return _flag(item, stats.median - spread, stats.median + spread, score)
    if stats.sd == 0 or abs(x - stats.mean) <= t * (1 + EPS) * stats.sd:
        return None
    return _flag(
        item, stats.mean - t * stats.sd, stats.mean + t * stats.sd, abs(x - stats.mean) / stats.sd
    )


def peers(items: Iterable[Item], analysis: Analysis, bounds: Bounds) -> list[Outlier]:
    """Outliers against peers: same category and indicator (the slice is one period)."""
    groups: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.category_id, item.indicator)].append(item)
    out = []
    for members in groups.values():
        stats = Stats.of([m.value for m in members], analysis.method)
        out += [o for o in (judge(m, stats, analysis, bounds) for m in members) if o]
    return out


def history(
    items: Iterable[Item],
    earlier: Mapping[tuple[int, str], Sequence[float]],
    analysis: Analysis,
    bounds: Bounds,
) -> list[Outlier]:
    """Outliers against the organisation's own earlier values of the indicator."""
    out = []
    for item in items:
        baseline = earlier.get((item.organization_id, item.indicator), ())
        found = judge(item, Stats.of(baseline, analysis.method), analysis, bounds)
        if found is not None:
            out.append(found)
    return out


def items_of(
    rows: Iterable[tuple[int, int, int, Mapping[str, float]]], numeric: set[str]
) -> list[Item]:
    """Items from (sheet id, organisation id, category id, values) rows."""
    return [
        Item(sheet_id, org_id, category_id, code, float(value))
        for sheet_id, org_id, category_id, data in rows
        for code, value in (data or {}).items()
        if code in numeric
    ]
