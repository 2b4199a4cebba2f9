"""Which category an organisation may have, given where it sits (level and sector).

The territorial and government categories form the tree's levels: a city at the root,
districts and city departments under it, towns and streets (and district departments)
under a district, villages and communities under a town or street; none of them belongs to
a sector. Every other category (sector organisations, institutions, the plugins' kinds)
sits under some parent, and a category that names a sector requires that sector.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.orgs import catalogue_data as cat

LEVEL_PARENTS: dict[str, frozenset[str]] = {
    cat.CITY: frozenset(),
    cat.DISTRICT: frozenset({cat.CITY}),
    cat.DEPARTMENT: frozenset({cat.CITY, cat.DISTRICT}),
    cat.TOWN: frozenset({cat.DISTRICT}),
    cat.STREET: frozenset({cat.DISTRICT}),
    cat.VILLAGE: frozenset({cat.TOWN, cat.STREET}),
    cat.COMMUNITY: frozenset({cat.TOWN, cat.STREET}),
    cat.VILLAGE_COMMUNITY: frozenset({cat.TOWN, cat.STREET}),
}
"""The level categories and the categories their parent may have (empty: the root only)."""


@dataclass(frozen=True)
class Kind:
    """A category as the rules see it: its code and the sector it requires (if any)."""

    code: str
    sector_id: int | None = None


def misfit(kind: Kind, *, parent: str | None, sector_id: int | None) -> str | None:
    """Why an organisation of `kind` cannot sit under a parent of category `parent` with
    sector `sector_id` (None when it can)."""
    allowed = LEVEL_PARENTS.get(kind.code)
    if allowed is not None:
        if parent is None and allowed:
            return f"类别 {kind.code} 必须有上级组织 (needs a parent)"
        if parent is not None and parent not in allowed:
            where = "、".join(sorted(allowed)) or "无（只能是根组织）"
            return (
                f"类别 {kind.code} 不能设在 {parent} 之下，上级只能是：{where} "
                f"({kind.code} cannot sit under {parent})"
            )
        if sector_id is not None:
            return f"类别 {kind.code} 不属于任何行业 ({kind.code} has no sector)"
        return None
    if parent is None:
        return f"类别 {kind.code} 必须有上级组织 (needs a parent)"
    if kind.sector_id is not None and sector_id != kind.sector_id:
        return f"类别 {kind.code} 只属于它自己的行业 ({kind.code} requires its own sector)"
    return None


def is_level(category: str) -> bool:
    """True for the territorial and government categories (no sector, fixed level)."""
    return category in LEVEL_PARENTS
