"""Plain data that plugins hand to the core through hooks."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

InputValues = Callable[["AsyncSession", int, Sequence[int]], Awaitable[dict[int, float]]]
"""(session, year, organisation ids) → {organisation id: value}; a missing id has no value."""


@dataclass(frozen=True)
class PluginInfo:
    """Who a plugin is: name, title, version, its sector and the sector's lead department."""

    name: str
    title: str
    version: str
    sector_code: str | None = None
    sector_name: str | None = None
    sector_name_en: str = ""
    lead_department_code: str | None = None
    lead_department_codes: tuple[str, ...] = ()
    """Further lead departments of the sector (organisation codes), besides the principal."""


@dataclass(frozen=True)
class CategorySpec:
    """An organisation category a plugin brings."""

    code: str
    name: str
    name_en: str = ""
    sector_code: str | None = None
    sort_order: int = 100


@dataclass(frozen=True)
class PositionSpec:
    """A position (post type) of a category."""

    code: str
    name: str
    category_code: str
    name_en: str = ""
    principal: bool = False
    sort_order: int = 100


@dataclass(frozen=True)
class FrameworkSpec:
    """A staffing framework: required positions (code -> head count) for a category."""

    code: str
    name: str
    category_code: str
    requirements: dict[str, int] = field(default_factory=dict)
    description: str = ""


@dataclass
class DemoContext:
    """What a plugin needs to add its part of the demo city (deterministic)."""

    session: AsyncSession
    rng: random.Random
    scale: int
    city_id: int
    year: int
    org_ids: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AssessmentInput:
    """A named input a plugin adds for assessment items (`<plugin>.<name>`), set-based."""

    name: str
    label: str
    unit: str  # "count" | "rate" (0–1) | "score" (0–100) | "flag" (1 or 0)
    values: InputValues
