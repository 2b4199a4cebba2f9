"""Property tests of the assessment maths (core/assessment/scoring.py)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from core.assessment import scoring
from core.assessment.scoring import Scored

maxima = st.floats(0.5, 100, allow_nan=False)
scores = st.one_of(st.none(), st.floats(-50, 150, allow_nan=False))
items = st.lists(
    st.builds(Scored, weight=st.floats(0.1, 10), maximum=maxima, score=scores), max_size=8
)
methods = st.sampled_from([scoring.WEIGHTED, scoring.SUM])
FAST = settings(max_examples=100, deadline=None)


@FAST
@given(items, methods)
def test_a_section_ratio_is_between_0_and_1_or_empty(section: list[Scored], method: str) -> None:
    ratio = scoring.section_ratio(method, section)
    if all(i.score is None for i in section):
        assert ratio is None
    else:
        assert ratio is not None and 0.0 <= ratio <= 1.0


@FAST
@given(items, methods)
def test_scores_are_clipped_at_the_maximum(section: list[Scored], method: str) -> None:
    clipped = [
        Scored(i.weight, i.maximum, None if i.score is None else min(max(i.score, 0), i.maximum))
        for i in section
    ]
    assert scoring.section_ratio(method, section) == scoring.section_ratio(method, clipped)


@FAST
@given(items, methods, st.lists(st.builds(Scored, st.floats(0.1, 10), maxima, st.none())))
def test_not_applicable_items_change_nothing(
    section: list[Scored], method: str, unscored: list[Scored]
) -> None:
    assert scoring.section_ratio(method, section) == scoring.section_ratio(
        method, section + unscored
    )


@FAST
@given(st.lists(st.tuples(st.floats(0.1, 10), maxima, st.floats(0, 1)), min_size=1, max_size=6))
def test_weighted_is_the_weighted_mean_of_ratios(rows: list[tuple[float, float, float]]) -> None:
    section = [Scored(w, m, share * m) for w, m, share in rows]
    expected = sum(w * share for w, _, share in rows) / sum(w for w, _, _ in rows)
    ratio = scoring.section_ratio(scoring.WEIGHTED, section)
    assert ratio is not None and math.isclose(ratio, expected, abs_tol=1e-9)


def test_sum_is_capped_by_the_section_maximum() -> None:
    section = [Scored(1, 10, 10), Scored(1, 10, 8)]
    assert scoring.section_ratio(scoring.SUM, section) == 0.9
    assert scoring.section_ratio(scoring.SUM, section, max_points=15) == 1.0
    assert scoring.section_ratio(scoring.SUM, section, max_points=36) == 0.5


weights = st.lists(st.floats(1, 50), min_size=1, max_size=6)


@FAST
@given(
    weights.flatmap(
        lambda ws: st.tuples(
            st.just(ws),
            st.lists(st.one_of(st.none(), st.floats(0, 1)), min_size=len(ws), max_size=len(ws)),
        )
    )
)
def test_empty_sections_drop_out_and_shares_add_up(
    case: tuple[list[float], list[float | None]],
) -> None:
    ws, ratios = case
    total, shares = scoring.combine(list(zip(ws, ratios, strict=True)))
    if all(r is None for r in ratios):
        assert total is None and shares == [None] * len(ws)
        return
    assert total is not None and 0 <= total <= 100 + 1e-9
    assert math.isclose(sum(s for s in shares if s is not None), total, abs_tol=1e-9)
    assert all((s is None) == (r is None) for s, r in zip(shares, ratios, strict=True))
    if all(r == 1 for r in ratios if r is not None):
        assert math.isclose(total, 100)


@FAST
@given(st.floats(0, 100), st.floats(0, 100), st.floats(1, 99))
def test_blend_is_the_weighted_mean(performance: float, satisfaction: float, weight: float) -> None:
    blended = scoring.blend(performance, satisfaction, weight)
    expected = performance * (100 - weight) / 100 + satisfaction * weight / 100
    assert blended is not None and math.isclose(blended, expected, abs_tol=1e-6)
    alone = scoring.blend(performance, None, weight)
    assert alone is not None and math.isclose(alone, performance, abs_tol=1e-9)


@FAST
@given(
    st.lists(st.one_of(st.none(), st.sampled_from([60.0, 75.5, 75.5, 80.0, 99.99])), max_size=12)
)
def test_ties_share_a_rank_and_the_next_rank_skips(values: list[float | None]) -> None:
    ranks = scoring.competition_ranks(values)
    for value, rank in zip(values, ranks, strict=True):
        if value is None:
            assert rank is None
        else:
            assert rank == 1 + sum(1 for other in values if other is not None and other > value)


def test_rollup_is_the_mean_of_the_known_children() -> None:
    assert scoring.rollup_ratio([0.5, None, 1.0]) == 0.75
    assert scoring.rollup_ratio([None]) is None
