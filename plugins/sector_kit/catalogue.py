"""Categories, positions and staffing frameworks from compact rows."""

from __future__ import annotations

from collections.abc import Sequence

from core.specs import PositionSpec

PositionRow = tuple[str, str, str, bool]
"""(code, zh-CN name, English name, principal post)."""


def positions(category: str, rows: Sequence[PositionRow]) -> list[PositionSpec]:
    """The positions of one category, in the order given."""
    return [
        PositionSpec(code, name, category, name_en, principal, sort_order=(i + 1) * 10)
        for i, (code, name, name_en, principal) in enumerate(rows)
    ]
