"""The stratified draw itself: reproducible, without replacement, proportional per stratum."""

from __future__ import annotations

import hashlib
from collections import Counter

from core.supervision import draw
from core.supervision.draw import Member


def _population() -> list[Member]:
    sizes = {"A": 500, "B": 300, "C": 150, "D": 50}
    return [Member(f"{s}{i:04d}", s) for s, n in sizes.items() for i in range(n)]


def test_same_seed_same_sample_and_order_does_not_matter() -> None:
    people = _population()
    first = draw.draw(people, 40, 20260512)
    shuffled = list(reversed(people))
    assert draw.draw(shuffled, 40, 20260512) == first
    assert draw.draw(people, 40, 20260513) != first


def test_no_member_twice_and_each_stratum_in_proportion() -> None:
    sample = draw.draw(_population(), 40, 7)
    assert len({m.code for m in sample}) == len(sample) == 40
    assert Counter(m.stratum for m in sample) == {"A": 20, "B": 12, "C": 6, "D": 2}


def test_quotas_use_the_largest_remainder() -> None:
    assert draw.quotas({"A": 1, "B": 1, "C": 1}, 2) == {"A": 1, "B": 1, "C": 0}
    assert draw.quotas({"A": 7, "B": 2, "C": 1}, 5) == {"A": 4, "B": 1, "C": 0}
    assert sum(draw.quotas({"X": 3, "Y": 5, "Z": 11}, 19).values()) == 19
    assert draw.quotas({}, 3) == {}


def test_the_draw_is_the_documented_recipe() -> None:
    """Re-implemented from the module docstring: rank by SHA-256 of `seed:code`."""
    people = [Member(f"C{i}", "S") for i in range(30)]
    ranked = sorted(people, key=lambda m: hashlib.sha256(f"99:{m.code}".encode()).hexdigest())
    expected = sorted(m.code for m in ranked[:5])
    assert [m.code for m in draw.draw(people, 5, 99)] == expected


def test_snapshot_round_trip_and_digest() -> None:
    people = _population()
    text = draw.snapshot(people)
    assert text.split("\n")[0] == "A0000\tA"
    assert sorted(draw.parse_snapshot(text), key=lambda m: m.code) == sorted(
        people, key=lambda m: m.code
    )
    assert draw.digest(text) == hashlib.sha256(text.encode()).hexdigest()


def test_seeds_are_decimal_integers() -> None:
    assert draw.parse_seed(" 42 ") == 42
    assert draw.parse_seed(str(draw.MAX_SEED)) == draw.MAX_SEED
    for bad in ("", "-1", "1.5", "abc", "１２", "²", str(draw.MAX_SEED + 1)):
        assert draw.parse_seed(bad) is None, bad
