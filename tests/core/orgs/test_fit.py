"""The level and sector rule, exhaustively over every pair of core categories."""

from __future__ import annotations

import itertools

import pytest

from core.orgs import catalogue_data as cat
from core.orgs.fit import Kind, misfit

CORE = [spec.code for spec in cat.CATEGORIES]
SECTOR_OF = {spec.code: spec.sector_code for spec in cat.CATEGORIES}
SECTOR_IDS = {code.code: i for i, code in enumerate(cat.SECTORS, start=1)}
UNDER = {
    "CITY": (),
    "DISTRICT": ("CITY",),
    "DEPARTMENT": ("CITY", "DISTRICT"),
    "TOWN": ("DISTRICT",),
    "STREET": ("DISTRICT",),
    "VILLAGE": ("TOWN", "STREET"),
    "COMMUNITY": ("TOWN", "STREET"),
    "VILLAGE_COMMUNITY": ("TOWN", "STREET"),
}
CASES = list(itertools.product(CORE, [None, *CORE], [None, *SECTOR_IDS.values()]))


def expected(category: str, parent: str | None, sector: int | None) -> bool:
    if category in UNDER:  # the city alone is a root
        placed = parent in UNDER[category] or (parent is None and not UNDER[category])
        return placed and sector is None
    required = SECTOR_OF[category]
    return parent is not None and (required is None or sector == SECTOR_IDS[required])


@pytest.mark.parametrize("category", CORE)
def test_every_parent_and_sector(category: str) -> None:
    required = SECTOR_OF[category]
    kind = Kind(category, SECTOR_IDS[required] if required else None)
    cases = [c for c in CASES if c[0] == category]
    for _, parent, sector in cases:
        reason = misfit(kind, parent=parent, sector_id=sector)
        assert (reason is None) == expected(category, parent, sector), (parent, sector, reason)
        if reason is not None:
            assert category in reason  # the message names what was wrong


def test_the_demo_tree_fits() -> None:
    """Every parent → child pair the demo city builds is allowed."""
    pairs = [
        ("CITY", "DISTRICT"),
        ("CITY", "DEPARTMENT"),
        ("DISTRICT", "DEPARTMENT"),
        ("DISTRICT", "TOWN"),
        ("DISTRICT", "STREET"),
        ("TOWN", "VILLAGE"),
        ("STREET", "COMMUNITY"),
        ("STREET", "VILLAGE_COMMUNITY"),
        ("DEPARTMENT", "PUBLIC_INSTITUTION"),
        ("TOWN", "PRIVATE_ENTERPRISE"),
        ("STREET", "SOCIAL_ORG"),
    ]
    for parent, child in pairs:
        required = SECTOR_OF[child]
        sector = SECTOR_IDS[required] if required else None
        assert misfit(Kind(child, sector), parent=parent, sector_id=sector) is None
