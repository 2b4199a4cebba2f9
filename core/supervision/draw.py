"""The stratified random draw of a spot check: reproducible and verifiable by anyone.

Algorithm `stratified-sha256-v1`, written so that it can be re-implemented in a few lines
in any language from a published population list:

1. The population is a list of (organisation code, stratum code) pairs; its snapshot is
   the lines `code<TAB>stratum` sorted by code, joined by `\\n`, and its hash the SHA-256
   of that text (UTF-8, lowercase hex).
2. Each stratum's quota is its proportional share of the sample, rounded by the largest
   remainder method (Hamilton): floor(n × size ÷ N) each, then one more to the strata with
   the largest remainders, ties broken by stratum code.
3. Within a stratum, every member is ranked by SHA-256 of `seed:code` (the seed written as
   a decimal integer); the quota lowest ranks are drawn. No member is drawn twice.
4. The sample is listed by stratum code, then organisation code.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

ALGORITHM = "stratified-sha256-v1"
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Member:
    """One organisation of the population and the stratum (the root's child) it is in."""

    code: str
    stratum: str


def snapshot(population: Sequence[Member]) -> str:
    """The population as text: `code<TAB>stratum` lines sorted by code."""
    return "\n".join(f"{m.code}\t{m.stratum}" for m in sorted(population, key=lambda m: m.code))


def parse_snapshot(text: str) -> list[Member]:
    """The members of a snapshot text."""
    out = []
    for line in text.split("\n"):
        if line:
            code, _, stratum = line.partition("\t")
            out.append(Member(code, stratum))
    return out


def digest(text: str) -> str:
    """SHA-256 (lowercase hex) of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quotas(sizes: dict[str, int], sample_size: int) -> dict[str, int]:
    """Each stratum's share of the sample (largest remainder, ties by stratum code)."""
    total = sum(sizes.values())
    if total == 0:
        return {}
    base = {s: sample_size * n // total for s, n in sizes.items()}
    remainders = sorted(sizes, key=lambda s: (-(sample_size * sizes[s] % total), s))
    left = sample_size - sum(base.values())
    for stratum in remainders[:left]:
        base[stratum] += 1
    return base


def rank(seed: int, code: str) -> str:
    """The member's rank key under a seed: SHA-256 of `seed:code`."""
    return hashlib.sha256(f"{seed}:{code}".encode()).hexdigest()


def draw(population: Sequence[Member], sample_size: int, seed: int) -> list[Member]:
    """The sample: `sample_size` members (at most the population), stratified by stratum."""
    strata: dict[str, list[Member]] = defaultdict(list)
    for member in population:
        strata[member.stratum].append(member)
    wanted = quotas({s: len(m) for s, m in strata.items()}, min(sample_size, len(population)))
    sample: list[Member] = []
    for stratum in sorted(strata):
        ranked = sorted(strata[stratum], key=lambda m: rank(seed, m.code))
        sample += sorted(ranked[: wanted[stratum]], key=lambda m: m.code)
    return sample


def parse_seed(text: str) -> int | None:
    """A seed written as a decimal integer 0 … 2^63−1, else None."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 19:
        return None
    value = int(cleaned)
    return value if value <= MAX_SEED else None
