"""The source's story, planted into the demo's 2026 quarters (PROGRESS).

2026Q1: 116 values across 27 indicators break a rule or deviate from their peers (62 rule
breaks over 11 indicators, 54 outliers over 16). 2026Q2, three months later: 10 of them are
still flagged, the other 106 resolved, and 7 values are newly flagged. Each planted value
breaks exactly one thing: a rule break stays inside its peers' spread, an outlier (eight
standard deviations out) touches no rule.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass

Values = dict[str, float]
Change = Callable[[random.Random, Values, "Peers"], bool]


@dataclass(frozen=True)
class Peers:
    """Mean and sd of an indicator's natural values in one category (before planting)."""

    mean: float
    sd: float


def _set(code: str, value: float) -> Change:
    def change(rng: random.Random, values: Values, peers: Peers) -> bool:
        values[code] = value
        return True

    return change


def _between(code: str, low: float, high: float) -> Change:
    def change(rng: random.Random, values: Values, peers: Peers) -> bool:
        values[code] = round(rng.uniform(low, high), 1)
        return True

    return change


def _activists(rng: random.Random, values: Values, peers: Peers) -> bool:
    if values.get("applicants", 99) > 4:
        return False
    values["activists"] = values["applicants"] + 1
    return True


def _issues(rng: random.Random, values: Values, peers: Peers) -> bool:
    if values.get("issues_found", 99) > 4:
        return False
    values["issues_fixed"] = values["issues_found"] + 1
    return True


def _drop_pct(rng: random.Random, values: Values, peers: Peers) -> bool:
    values.pop("fixed_day_pct", None)
    return True


def _outlier(code: str, direction: str, decimals: int) -> Change:
    def change(rng: random.Random, values: Values, peers: Peers) -> bool:
        sign = 1 if direction == "high" else -1
        value = peers.mean + sign * rng.uniform(8.0, 10.0) * peers.sd
        values[code] = (
            float(round(max(value, 0.0), decimals)) if decimals else float(round(max(value, 0.0)))
        )
        return True

    return change


@dataclass(frozen=True)
class Plant:
    """How many values of an indicator to plant, in which class of organisation, and how."""

    indicator: str
    count: int
    cls: str
    change: Change


RULE_BREAKS = (
    Plant("fixed_days", 9, "V", _set("fixed_days", 2.0)),
    Plant("committee_meetings", 7, "V", _set("committee_meetings", 2.0)),
    Plant("general_meetings", 6, "V", _set("general_meetings", 0.0)),
    Plant("party_lectures", 5, "V", _set("party_lectures", 0.0)),
    Plant("group_meetings", 5, "V", _set("group_meetings", 2.0)),
    Plant("fixed_day_pct", 4, "V", _between("fixed_day_pct", 64.0, 69.0)),
    Plant("fixed_day_pct", 2, "T", _drop_pct),
    Plant("dues_rate", 6, "V", _between("dues_rate", 93.5, 94.8)),
    Plant("activists", 5, "V", _activists),
    Plant("issues_fixed", 6, "V", _issues),
    Plant("committee_size", 4, "V", _set("committee_size", 2.0)),
    Plant("center_group_studies", 3, "T", _set("center_group_studies", 1.0)),
)
OUTLIERS = (
    Plant("members_young_pct", 4, "V", _outlier("members_young_pct", "high", 1)),
    Plant("members_college_pct", 3, "V", _outlier("members_college_pct", "low", 1)),
    Plant("mobile_contact_pct", 4, "V", _outlier("mobile_contact_pct", "low", 1)),
    Plant("appraisal_pct", 3, "V", _outlier("appraisal_pct", "low", 1)),
    Plant("secretary_lectures", 3, "V", _set("secretary_lectures", 6.0)),
    Plant("online_study_pct", 4, "V", _outlier("online_study_pct", "low", 1)),
    Plant("venue_area", 4, "V", _outlier("venue_area", "high", 0)),
    Plant("venue_open_days", 3, "V", _outlier("venue_open_days", "low", 0)),
    Plant("service_events", 4, "V", _outlier("service_events", "high", 0)),
    Plant("volunteer_hours", 5, "V", _outlier("volunteer_hours", "high", 0)),
    Plant("funds_per_member", 4, "V", _outlier("funds_per_member", "high", 1)),
    Plant("service_funds", 3, "V", _outlier("service_funds", "high", 1)),
    Plant("collective_income", 3, "V", _outlier("collective_income", "high", 1)),
    Plant("reserve_cadres", 3, "V", _outlier("reserve_cadres", "high", 0)),
    Plant("secretary_training_pct", 2, "T", _outlier("secretary_training_pct", "low", 1)),
    Plant("inspection_pct", 2, "T", _outlier("inspection_pct", "low", 1)),
)
STILL = {
    "fixed_days": 3,
    "dues_rate": 2,
    "venue_area": 2,
    "service_funds": 1,
    "funds_per_member": 2,
}
"""Q1 plants repeated in Q2 (still flagged): 10."""
NEW = (
    Plant("committee_meetings", 2, "V", _set("committee_meetings", 2.0)),
    Plant("volunteer_hours", 2, "V", _outlier("volunteer_hours", "high", 0)),
    Plant("online_study_pct", 1, "V", _outlier("online_study_pct", "low", 1)),
    Plant("activists", 1, "V", _activists),
    Plant("party_lectures", 1, "V", _set("party_lectures", 0.0)),
)
"""Values newly flagged in Q2: 7."""


@dataclass(frozen=True)
class Sheet:
    """A PROGRESS sheet the story may plant into: its organisation and values."""

    org_id: int
    category: str
    cls: str
    values: Values


def peers_of(sheets: list[Sheet]) -> dict[tuple[str, str], Peers]:
    """Natural mean and sd by (category, indicator)."""
    grouped: dict[tuple[str, str], list[float]] = {}
    for sheet in sheets:
        for code, value in sheet.values.items():
            grouped.setdefault((sheet.category, code), []).append(value)
    return {
        key: Peers(statistics.fmean(v), statistics.pstdev(v))
        for key, v in grouped.items()
        if len(v) > 1
    }


def plant(
    rng: random.Random, sheets: list[Sheet], plants: tuple[Plant, ...], taken: set[tuple[int, str]]
) -> list[tuple[int, str, Plant]]:
    """Apply each plant to randomly drawn sheets of its class (one value per organisation and
    indicator, and one planted indicator per organisation); (org, indicator, plant) done."""
    peers = peers_of(sheets)
    busy = {org for org, _ in taken}
    done = []
    for item in plants:
        pool = [
            s
            for s in sheets
            if (s.cls == item.cls and item.indicator in s.values)
            or (s.cls == item.cls and item.change is _drop_pct)
        ]
        rng.shuffle(pool)
        planted = 0
        for sheet in pool:
            if planted == item.count:
                break
            if sheet.org_id in busy:
                continue
            stats = peers.get((sheet.category, item.indicator), Peers(0.0, 0.0))
            if item.change(rng, sheet.values, stats):
                busy.add(sheet.org_id)
                taken.add((sheet.org_id, item.indicator))
                done.append((sheet.org_id, item.indicator, item))
                planted += 1
    return done


def replant(
    rng: random.Random, q2: dict[int, Sheet], q1_done: list[tuple[int, str, Plant]]
) -> list[tuple[int, str, Plant]]:
    """Repeat some Q1 plants in Q2 (still flagged)."""
    peers = peers_of(list(q2.values()))
    wanted = dict(STILL)
    done = []
    for org_id, code, item in q1_done:
        if wanted.get(code, 0) > 0 and org_id in q2:
            sheet = q2[org_id]
            if item.change(rng, sheet.values, peers.get((sheet.category, code), Peers(0.0, 0.0))):
                wanted[code] -= 1
                done.append((org_id, code, item))
    return done


def settle(
    q1_done: list[tuple[int, str, Plant]], q2: dict[int, Sheet], still: set[tuple[int, str]]
) -> None:
    """Q2 of an organisation whose Q1 over-reported rectifications catches up (year to date
    rectified no more than found)."""
    for org_id, code, _item in q1_done:
        if code == "issues_fixed" and (org_id, code) not in still and org_id in q2:
            values = q2[org_id].values
            values["issues_fixed"] = max(0.0, values.get("issues_found", 0.0) - 1.0)
