"""The demo organisation tree as plain rows: city, departments, districts, towns, villages
and the sector organisations, with ids assigned here and closure rows derived from paths.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from core.demo import data
from core.demo.names import (
    CITY_HOSPITALS,
    CITY_SCHOOLS,
    HOSPITAL_KINDS,
    USCC_ENTERPRISE,
    USCC_PUBLIC_INSTITUTION,
    Namer,
)
from core.orgs import catalogue_data as cat

TOTAL_UNITS = 3000
"""Villages and communities at scale 1."""

MAX_UNITS_PER_TOWN = 999
"""Three digits of a 12-digit code under a 9-digit town code."""

# Sector organisations at scale 1: (at city level, per district).
SCHOOLS = (12, 8)
HOSPITALS = (10, 5)
SOCIAL_ORGS = (15, 6)
ENTERPRISES = (0, 10)

_UNIT_ORDER = (cat.COMMUNITY, cat.VILLAGE_COMMUNITY, cat.VILLAGE)


@dataclass(slots=True)
class PlannedOrg:
    """One organisation of the plan: its row values and its path from the root."""

    id: int
    code: str
    name: str
    category: str
    sector: str | None
    parent_id: int | None
    path: tuple[int, ...]

    @property
    def depth(self) -> int:
        """0 for the city, 1 for districts and city departments, …"""
        return len(self.path) - 1


@dataclass
class TreePlan:
    """Every planned organisation in insertion order (parents first) and named ids."""

    next_id: int
    orgs: list[PlannedOrg] = field(default_factory=list)
    keys: dict[str, PlannedOrg] = field(default_factory=dict)
    by_code: dict[str, PlannedOrg] = field(default_factory=dict)

    def add(
        self,
        code: str,
        name: str,
        category: str,
        parent: PlannedOrg | None,
        sector: str | None = None,
    ) -> PlannedOrg:
        """Plan one organisation under a parent (None for the root)."""
        if code in self.by_code:
            raise ValueError(f"duplicate organisation code {code}")
        org_id = self.next_id
        self.next_id += 1
        path = (*parent.path, org_id) if parent is not None else (org_id,)
        org = PlannedOrg(org_id, code, name, category, sector, parent.id if parent else None, path)
        self.orgs.append(org)
        self.by_code[code] = org
        return org

    def rows(
        self, *, now: dt.datetime, category_ids: dict[str, int], sector_ids: dict[str, int]
    ) -> list[dict[str, Any]]:
        """The `organization` rows of the plan."""
        return [
            {
                "id": o.id,
                "code": o.code,
                "name": o.name,
                "category_id": category_ids[o.category],
                "sector_id": sector_ids[o.sector] if o.sector else None,
                "parent_id": o.parent_id,
                "depth": o.depth,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for o in self.orgs
        ]

    def closure_rows(self) -> list[dict[str, int]]:
        """One (ancestor, descendant, distance) row per ancestor, self at distance 0."""
        return [
            {"ancestor_id": ancestor, "descendant_id": o.id, "distance": distance}
            for o in self.orgs
            for distance, ancestor in enumerate(reversed(o.path))
        ]


def _town_code(district: data.District, name: str, counters: dict[str, int]) -> str:
    """0xx for streets, 1xx for towns, 2xx for townships."""
    kind = "0" if name.endswith("街道") else "2" if name.endswith("乡") else "1"
    counters[kind] = counters.get(kind, 0) + 1
    return f"{district.code}{kind}{counters[kind]:02d}"


def unit_counts(rng: random.Random, towns: list[tuple[data.District, str]]) -> list[int]:
    """Villages and communities per town at scale 1, summing to exactly TOTAL_UNITS."""
    weights: list[int] = []
    for district, name in towns:
        if name.endswith("街道"):
            weights.append(rng.randint(6, 22) if district.urban else rng.randint(8, 24))
        elif name.endswith("乡"):
            weights.append(rng.randint(6, 16))
        else:
            weights.append(rng.randint(10, 30))
    total = sum(weights)
    exact = [w * TOTAL_UNITS / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: TOTAL_UNITS - sum(counts)]:
        counts[i] += 1
    return counts


def _unit_category(rng: random.Random, district: data.District, town: str) -> str:
    roll = rng.random()
    if town.endswith("街道"):
        if district.urban:
            return cat.COMMUNITY if roll < 0.85 else cat.VILLAGE_COMMUNITY
        return (
            cat.COMMUNITY if roll < 0.6 else cat.VILLAGE_COMMUNITY if roll < 0.85 else cat.VILLAGE
        )
    return cat.VILLAGE if roll < 0.8 else cat.COMMUNITY if roll < 0.92 else cat.VILLAGE_COMMUNITY


def _add_units(
    plan: TreePlan, rng: random.Random, town: PlannedOrg, district: data.District, count: int
) -> None:
    kinds = sorted(
        (_unit_category(rng, district, town.name) for _ in range(count)), key=_UNIT_ORDER.index
    )
    namer, used = Namer(rng), set[str]()
    for i, kind in enumerate(kinds, start=1):
        make = namer.village if kind == cat.VILLAGE else namer.community
        plan.add(f"{town.code}{i:03d}", namer.unique(make, used), kind, town)


def _add_departments(plan: TreePlan, city: PlannedOrg) -> None:
    for i, (key, name) in enumerate(data.DEPARTMENTS):
        org = plan.add(data.department_code(i), name, cat.DEPARTMENT, city)
        plan.keys[key] = org


def _add_district(plan: TreePlan, district: data.District, city: PlannedOrg) -> list[PlannedOrg]:
    org = plan.add(district.code, district.name, cat.DISTRICT, city)
    plan.keys[district.code] = org
    for i, (key, suffix) in enumerate(data.DISTRICT_DEPARTMENTS):
        code = data.district_department_code(district.code, i)
        plan.keys[f"{district.code}:{key}"] = plan.add(
            code, f"{district.name}{suffix}", cat.DEPARTMENT, org
        )
    counters: dict[str, int] = {}
    towns = []
    for name in (*district.streets, *district.towns):
        category = cat.STREET if name.endswith("街道") else cat.TOWN
        towns.append(plan.add(_town_code(district, name, counters), name, category, org))
    return towns


def build_tree(*, seed: int, scale: int, first_id: int) -> TreePlan:
    """The whole demo tree for a seed and a scale, ids from `first_id` on."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = random.Random(f"{seed}/tree")
    plan = TreePlan(next_id=first_id)
    city = plan.add(data.CITY_CODE, data.CITY_NAME, cat.CITY, None)
    plan.keys["CITY"] = city
    _add_departments(plan, city)
    towns: list[tuple[data.District, PlannedOrg]] = []
    for district in data.DISTRICTS:
        towns.extend((district, town) for town in _add_district(plan, district, city))
    counts = unit_counts(rng, [(d, t.name) for d, t in towns])
    if max(counts) * scale > MAX_UNITS_PER_TOWN:
        raise ValueError(f"scale {scale} gives more than {MAX_UNITS_PER_TOWN} units in a town")
    for (district, town), count in zip(towns, counts, strict=True):
        _add_units(plan, rng, town, district, count * scale)
    sectors = _Sectors(plan, random.Random(f"{seed}/sectors"))
    sectors.city(scale)
    for district in data.DISTRICTS:
        sectors.district(district, [t for d, t in towns if d is district], scale)
    return plan


class _Sectors:
    """Adds the sector organisations. Schools and hospitals sit in their system, under the
    city lead department (市教育局, 市卫生健康委), with their district's area in the credit
    code; social organisations and private enterprises sit where they are (属地), under a
    town or street. None hangs directly under a district: its children are its towns/streets.
    """

    def __init__(self, plan: TreePlan, rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.namer = Namer(rng)
        self.used: set[str] = set()

    def add(
        self, parent: PlannedOrg, name: str, sector: str, category: str, uscc: str, area: str = ""
    ) -> None:
        """One organisation with a fresh credit code of its kind and area (default: parent's)."""
        code = self.namer.uscc(uscc, area or parent.code[:6])
        self.plan.add(code, self.namer.claim(name, self.used), category, parent, sector)

    def city(self, scale: int) -> None:
        """Schools, hospitals and social organisations under the city lead departments."""
        namer, keys = self.namer, self.plan.keys
        public = cat.PUBLIC_INSTITUTION, USCC_PUBLIC_INSTITUTION
        for i in range(SCHOOLS[0] * scale):
            name = CITY_SCHOOLS[i] if i < len(CITY_SCHOOLS) else namer.school(data.CITY_NAME)
            self.add(keys["EDUCATION"], name, cat.SECTOR_EDUCATION, *public)
        for i in range(HOSPITALS[0] * scale):
            kind = self.rng.choice(HOSPITAL_KINDS)
            name = CITY_HOSPITALS[i] if i < len(CITY_HOSPITALS) else f"杭州市{namer.place()}{kind}"
            self.add(keys["HEALTH"], name, cat.SECTOR_HEALTH, *public)
        for _ in range(SOCIAL_ORGS[0] * scale):
            name, uscc = namer.social_org(data.CITY_NAME)
            self.add(keys["CIVIL_AFFAIRS"], name, cat.SECTOR_SOCIAL_ORG, cat.SOCIAL_ORG, uscc)

    def district(self, district: data.District, towns: list[PlannedOrg], scale: int) -> None:
        """A district's schools, hospitals, social organisations and private enterprises."""
        namer, rng, prefix, keys = self.namer, self.rng, district.name, self.plan.keys
        public = cat.PUBLIC_INSTITUTION, USCC_PUBLIC_INSTITUTION, district.code
        for _ in range(SCHOOLS[1] * scale):
            self.add(keys["EDUCATION"], namer.school(prefix), cat.SECTOR_EDUCATION, *public)
        for i in range(HOSPITALS[1] * scale):
            centre = i - len(HOSPITAL_KINDS)
            if centre < 0:
                name = f"{prefix}{HOSPITAL_KINDS[i]}"
            elif centre < len(towns):
                name = f"{prefix}{towns[centre].name}社区卫生服务中心"
            else:
                name = f"{prefix}{rng.choice(towns).name}{namer.place()}社区卫生服务站"
            self.add(keys["HEALTH"], name, cat.SECTOR_HEALTH, *public)
        for _ in range(SOCIAL_ORGS[1] * scale):
            name, uscc = namer.social_org(prefix)
            self.add(rng.choice(towns), name, cat.SECTOR_SOCIAL_ORG, cat.SOCIAL_ORG, uscc)
        for _ in range(ENTERPRISES[1] * scale):
            self.add(
                rng.choice(towns),
                namer.enterprise(),
                cat.SECTOR_PRIVATE_ENTERPRISE,
                cat.PRIVATE_ENTERPRISE,
                USCC_ENTERPRISE,
            )
