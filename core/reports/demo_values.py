"""Plausible values of the demo form DJBB, per organisation class (district, town/street,
village/community), deterministic for a seed.

Every natural distribution is bounded (uniform ranges, small discrete weights), so that no
natural value lies three standard deviations from its peers and none breaks a rule: the
flags the demo shows are the ones demo_story plants.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

D, T, V = "D", "T", "V"
CLASS_OF = {
    "DISTRICT": D,
    "TOWN": T,
    "STREET": T,
    "VILLAGE": V,
    "COMMUNITY": V,
    "VILLAGE_COMMUNITY": V,
}

# stocks and rates (LAST): (low, high) per class; decimals
STOCKS: dict[str, tuple[dict[str, tuple[float, float]], int]] = {
    "members_total": ({D: (40000, 90000), T: (1200, 4500), V: (30, 160)}, 0),
    "applicants": ({D: (1500, 4000), T: (40, 120), V: (3, 8)}, 0),
    "mobile_members": ({T: (60, 250), V: (2, 9)}, 0),
    "members_young_pct": ({D: (14, 24), T: (12, 26), V: (8, 24)}, 1),
    "members_college_pct": ({D: (45, 65), T: (35, 60), V: (20, 55)}, 1),
    "mobile_contact_pct": ({T: (88, 100), V: (85, 100)}, 1),
    "dues_rate": ({D: (95, 100), T: (95, 100), V: (95, 100)}, 1),
    "fixed_day_pct": ({T: (72, 99), V: (72, 99)}, 1),
    "appraisal_pct": ({V: (85, 100)}, 1),
    "secretary_training_pct": ({D: (90, 100), T: (85, 100)}, 1),
    "online_study_pct": ({T: (70, 95), V: (60, 95)}, 1),
    "venue_area": ({T: (800, 3000), V: (200, 800)}, 0),
    "party_workers": ({D: (20, 60), T: (3, 9)}, 0),
    "committee_size": ({T: (7, 11), V: (3, 7)}, 0),
    "reserve_cadres": ({T: (6, 15), V: (2, 6)}, 0),
    "weak_orgs": ({D: (5, 20), T: (0, 3)}, 0),
    "fix_rate": ({D: (75, 98), T: (70, 98), V: (70, 98)}, 1),
    "inspection_pct": ({D: (85, 100), T: (80, 100)}, 1),
}
# flows (SUM): the organisation's rate per quarter, (low, high) per class; decimals
FLOWS: dict[str, tuple[dict[str, tuple[float, float]], int]] = {
    "members_new": ({D: (150, 350), T: (5, 15)}, 0),
    "training_hours": ({D: (8, 12), T: (8, 12), V: (7, 11)}, 1),
    "venue_open_days": ({T: (70, 85), V: (55, 80)}, 0),
    "service_events": ({T: (20, 60), V: (6, 18)}, 0),
    "volunteer_hours": ({T: (2000, 6000), V: (150, 600)}, 0),
    "funds_per_member": ({D: (100, 250), T: (90, 220), V: (80, 200)}, 1),
    "service_funds": ({V: (2.5, 7.5)}, 1),
    "collective_income": ({V: (5, 40)}, 1),
    "issues_found": ({D: (60, 150), T: (8, 20), V: (2, 6)}, 0),
    "center_group_studies": ({}, 0),
    "weak_orgs_fixed": ({}, 0),
}
# small counts: a base per quarter plus the year's extras, each in a different quarter (so a
# quarter holds base or base + 1 and the year's total stays within a narrow band):
# code -> class -> (base, weights of the number of extras)
EXTRAS = {0: 0.2, 1: 0.3, 2: 0.3, 3: 0.2}
ANNUAL: dict[str, dict[str, tuple[int, dict[int, float]]]] = {
    "members_new": {V: (0, {1: 0.3, 2: 0.45, 3: 0.25})},
    "general_meetings": {V: (1, EXTRAS)},
    "committee_meetings": {V: (3, EXTRAS)},
    "group_meetings": {V: (3, EXTRAS)},
    "party_lectures": {D: (2, EXTRAS), T: (1, EXTRAS), V: (1, EXTRAS)},
    "fixed_days": {T: (3, EXTRAS), V: (3, EXTRAS)},
    "secretary_lectures": {
        D: (0, {1: 0.5, 2: 0.5}),
        T: (0, {1: 0.5, 2: 0.5}),
        V: (0, {1: 0.5, 2: 0.5}),
    },
    "center_group_studies": {D: (3, EXTRAS), T: (2, EXTRAS)},
    "weak_orgs_fixed": {D: (1, EXTRAS), T: (0, {1: 0.3, 2: 0.4, 3: 0.3})},
}
YES_NO = {"org_life_meeting": 1.0, "venue_standard": 0.9, "secretary_pay_ok": 0.95}
TARGETED = (
    "members_new",
    "fixed_days",
    "training_hours",
    "service_events",
    "collective_income",
    "weak_orgs_fixed",
    "issues_fixed",
)


@dataclass
class OrgProfile:
    """An organisation's stable levels: stocks and flow rates."""

    cls: str
    category: str
    stocks: dict[str, float]
    rates: dict[str, float]


def _round(value: float, decimals: int) -> float:
    return float(round(value, decimals)) if decimals else float(round(value))


def profile(rng: random.Random, category: str, codes: set[str]) -> OrgProfile:
    """The stable levels of one organisation."""
    cls = CLASS_OF[category]
    stocks = {c: rng.uniform(*r[cls]) for c, (r, _d) in STOCKS.items() if cls in r and c in codes}
    for code, (_r, decimals) in STOCKS.items():
        if code in stocks and decimals == 0 and stocks[code] < 200:
            stocks[code] = float(round(stocks[code]))  # a small count stays put
    rates = {c: rng.uniform(*r[cls]) for c, (r, _d) in FLOWS.items() if cls in r and c in codes}
    return OrgProfile(cls, category, stocks, rates)


def _pick(rng: random.Random, weights: dict[int, float]) -> int:
    return int(rng.choices(list(weights), weights=list(weights.values()))[0])


def annual(rng: random.Random, org: OrgProfile, codes: set[str]) -> dict[str, list[float]]:
    """The year's small counts, quarter by quarter."""
    out: dict[str, list[float]] = {}
    for code, by_class in ANNUAL.items():
        if org.cls in by_class and code in codes:
            base, weights = by_class[org.cls]
            extra = set(rng.sample(range(4), _pick(rng, weights)))
            out[code] = [float(base + (1 if q in extra else 0)) for q in range(4)]
    return out


def quarter(
    rng: random.Random, org: OrgProfile, codes: set[str], small: dict[str, list[float]], index: int
) -> dict[str, float]:
    """One quarter's PROGRESS values (flows of the quarter, stocks at its end)."""
    out: dict[str, float] = {}
    for code, (_r, decimals) in STOCKS.items():
        if code in org.stocks:
            if decimals == 0:
                base = org.stocks[code]
                value = base if base < 200 else base * rng.uniform(0.98, 1.02)
            else:
                value = org.stocks[code] + rng.uniform(-1.0, 1.0)
            out[code] = _round(value, decimals)
    for code, (_r, decimals) in FLOWS.items():
        if code in org.rates:
            out[code] = _round(org.rates[code] * rng.uniform(0.85, 1.15), decimals)
    for code, values in small.items():
        out[code] = values[index - 1]
    _derived(rng, org, out, codes)
    for code, p_yes in YES_NO.items():
        if code in codes:
            out[code] = 1.0 if rng.random() < p_yes else 0.0
    return {
        k: min(v, 100.0) if k.endswith(("_pct", "_rate")) else v
        for k, v in out.items()
        if k in codes
    }


def _derived(rng: random.Random, org: OrgProfile, out: dict[str, float], codes: set[str]) -> None:
    if "applicants" in out:
        ceiling = {D: 900.0, T: 50.0, V: 4.0}[org.cls]
        low = {D: 400.0, T: 15.0, V: 1.0}[org.cls]
        out["activists"] = float(min(round(rng.uniform(low, ceiling)), out["applicants"]))
    if "issues_found" in out:
        found = out["issues_found"]
        if org.cls == V:
            fixed = max(0.0, found - rng.choice((0, 1, 2)))
        else:
            fixed = round(found * rng.uniform(0.7, 0.9))
        out["issues_fixed"] = float(fixed)
    if "dues_rate" in out:
        out["dues_rate"] = max(95.0, out["dues_rate"])
    if "fixed_day_pct" in out:
        out["fixed_day_pct"] = max(72.0, out["fixed_day_pct"])


def year_result(quarters: list[dict[str, float]], sums: set[str]) -> dict[str, float]:
    """A RESULT sheet: flows added up over the year, stocks as at the last quarter."""
    out = dict(quarters[-1])
    for code in sums:
        present = [q[code] for q in quarters if code in q]
        if present:
            out[code] = float(round(sum(present), 1))
    return out


def targets(
    rng: random.Random, org: OrgProfile, result: dict[str, float] | None, codes: set[str]
) -> dict[str, float]:
    """A TARGET sheet: below the year's result when it is known (so the result meets it),
    otherwise about four quarters of the organisation's rate."""
    out: dict[str, float] = {}
    for code in TARGETED:
        if code not in codes:
            continue
        if code == "fixed_days":
            out[code] = 12.0
        elif result is not None and code in result:
            out[code] = float(round(result[code] * rng.uniform(0.88, 1.0)))
        elif code in org.rates:
            out[code] = float(round(4 * org.rates[code] * rng.uniform(0.9, 1.0)))
        elif code in ANNUAL and org.cls in ANNUAL[code]:
            base, weights = ANNUAL[code][org.cls]
            out[code] = float(round(4 * base + sum(k * w for k, w in weights.items())))
        elif code == "issues_fixed" and "issues_found" in org.rates:
            out[code] = float(round(4 * org.rates["issues_found"] * 0.7))
        elif code == "issues_fixed":
            out[code] = 8.0
    return out
