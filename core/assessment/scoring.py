"""The maths of a result, free of the database: item ratios, sections, scores, ranks.

- An item's score is clipped to [0, max]; an item without a score (not applicable to the
  organisation's category, a missing input, not yet entered) takes no part.
- A section's ratio (0–1): WEIGHTED (default) = Σ weight × score/max ÷ Σ weight over the
  scored items; SUM = min(Σ score, section maximum) ÷ section maximum (the maximum defaults
  to Σ max of the scored items); ROLLUP = the mean performance ratio of the organisation's
  assessed children (tree roll-up). A section with nothing scored is empty.
- Sections combine by weight; empty sections drop out and the others' weights are rescaled
  to 100, so nobody loses points for what does not apply to them. A section's
  `score` is its share of the 100 points: the section scores add up to the total.
- Ranks: competition ranking on the rounded score (ties share a rank: 1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WEIGHTED, SUM, ROLLUP = "WEIGHTED", "SUM", "ROLLUP"
METHODS = (WEIGHTED, SUM, ROLLUP)
PLACES = 2


@dataclass(frozen=True)
class Scored:
    """An item as the maths sees it: weight, maximum and score (None: not scored)."""

    weight: float
    maximum: float
    score: float | None


def clip(score: float, maximum: float) -> float:
    """The score within [0, maximum]."""
    return min(max(score, 0.0), maximum)


def section_ratio(
    method: str, items: Sequence[Scored], max_points: float | None = None
) -> float | None:
    """The section's ratio 0–1 from its items (None when no item is scored)."""
    scored = [i for i in items if i.score is not None and i.maximum > 0]
    if not scored:
        return None
    if method == SUM:
        total = sum(clip(i.score or 0.0, i.maximum) for i in scored)
        cap = max_points if max_points is not None else sum(i.maximum for i in scored)
        return min(total, cap) / cap if cap > 0 else None
    weights = sum(i.weight for i in scored)
    if weights <= 0:
        return None
    earned = sum(i.weight * clip(i.score or 0.0, i.maximum) / i.maximum for i in scored)
    return min(1.0, earned / weights)  # min: w × 1 ÷ w may round to 1 + 2⁻⁵²


def rollup_ratio(children: Sequence[float | None]) -> float | None:
    """The mean of the children's ratios (None when no child has one)."""
    known = [c for c in children if c is not None]
    return sum(known) / len(known) if known else None


def combine(
    sections: Sequence[tuple[float, float | None]],
) -> tuple[float | None, list[float | None]]:
    """(total 0–100, each section's share of it) from (weight, ratio) pairs.

    Empty sections (ratio None) drop out and the weights of the others are rescaled.
    """
    applicable = sum(w for w, r in sections if r is not None and w > 0)
    if applicable <= 0:
        return None, [None for _ in sections]
    shares: list[float | None] = [
        None if r is None or w <= 0 else w * r / applicable * 100.0 for w, r in sections
    ]
    return sum(s for s in shares if s is not None), shares


def blend(performance: float | None, satisfaction: float | None, weight: float) -> float | None:
    """Performance and satisfaction (both 0–100) blended by the satisfaction weight (0–100)."""
    parts = [(100.0 - weight, performance), (weight, satisfaction)]
    return combine([(w, None if s is None else s / 100.0) for w, s in parts])[0]


def rounded(value: float | None) -> float | None:
    """A score as stored and shown: two decimals."""
    return None if value is None else round(value + 0.0, PLACES)


def competition_ranks(scores: Sequence[float | None]) -> list[int | None]:
    """Rank 1 for the highest; equal scores share a rank and the next rank skips (1, 2, 2, 4)."""
    order = sorted((s, i) for i, s in enumerate(scores) if s is not None)
    order.reverse()
    ranks: list[int | None] = [None] * len(scores)
    previous: float | None = None
    rank = 0
    for position, (score, index) in enumerate(order, start=1):
        if score != previous:
            rank, previous = position, score
        ranks[index] = rank
    return ranks
