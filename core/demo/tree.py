"""The demo organisation tree as plain rows: city, departments, districts, towns, villages
and the sector organisations, with ids assigned here and closure rows derived from paths.
"""

from __future__ import annotations

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
        self, *, now: Any, category_ids: dict[str, int], sector_ids: dict[str, int]
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


def _add_district(
    plan: TreePlan, district: data.District, city: PlannedOrg
) -> tuple[PlannedOrg, list[PlannedOrg]]:
    org = plan.add(district.code, district.name, cat.DISTRICT, city)
    plan.keys[district.code] = org
    for i, (key, pattern) in enumerate(data.DISTRICT_DEPARTMENTS):
        name = data.district_department_name(district, pattern)
        dept = plan.add(data.department_code(i, district.code), name, cat.DISTRICT_DEPARTMENT, org)
        plan.keys[f"{district.code}:{key}"] = dept
    counters: dict[str, int] = {}
    towns = []
    for name in (*district.streets, *district.towns):
        category = cat.STREET if name.endswith("街道") else cat.TOWN
        towns.append(plan.add(_town_code(district, name, counters), name, category, org))
    return org, towns


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
        _org, district_towns = _add_district(plan, district, city)
        towns.extend((district, town) for town in district_towns)
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
    """Adds the sector organisations (schools, hospitals, social organisations, firms)."""

    def __init__(self, plan: TreePlan, rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.namer = Namer(rng)
        self.used: set[str] = set()

    def add(
        self, kind: str, area: str, name: str, category: str, parent: str | PlannedOrg, sector: str
    ) -> None:
        """One organisation with a fresh credit code; `parent` is a key or an org."""
        under = self.plan.keys[parent] if isinstance(parent, str) else parent
        code = self.namer.uscc(kind, area)
        self.plan.add(code, self.namer.claim(name, self.used), category, under, sector)

    def city(self, scale: int) -> None:
        """Schools, hospitals and social organisations under the city lead departments."""
        namer, area = self.namer, data.CITY_CODE
        for i in range(SCHOOLS[0] * scale):
            name = CITY_SCHOOLS[i] if i < len(CITY_SCHOOLS) else namer.school(data.CITY_NAME)
            self.add(
                USCC_PUBLIC_INSTITUTION,
                area,
                name,
                cat.PUBLIC_INSTITUTION,
                "EDUCATION",
                cat.SECTOR_EDUCATION,
            )
        for i in range(HOSPITALS[0] * scale):
            kind = self.rng.choice(HOSPITAL_KINDS)
            name = CITY_HOSPITALS[i] if i < len(CITY_HOSPITALS) else f"杭州市{namer.place()}{kind}"
            self.add(
                USCC_PUBLIC_INSTITUTION,
                area,
                name,
                cat.PUBLIC_INSTITUTION,
                "HEALTH",
                cat.SECTOR_HEALTH,
            )
        for _ in range(SOCIAL_ORGS[0] * scale):
            name, kind = namer.social_org(data.CITY_NAME)
            self.add(kind, area, name, cat.SOCIAL_ORG, "CIVIL_AFFAIRS", cat.SECTOR_SOCIAL_ORG)

    def district(self, district: data.District, towns: list[PlannedOrg], scale: int) -> None:
        """A district's schools, hospitals, social organisations and private enterprises."""
        namer, d = self.namer, district.code
        for _ in range(SCHOOLS[1] * scale):
            self.add(
                USCC_PUBLIC_INSTITUTION,
                d,
                namer.school(district.name),
                cat.PUBLIC_INSTITUTION,
                f"{d}:EDUCATION",
                cat.SECTOR_EDUCATION,
            )
        for i in range(HOSPITALS[1] * scale):
            if i < len(HOSPITAL_KINDS):
                name = f"{district.name}{HOSPITAL_KINDS[i]}"
            elif i - len(HOSPITAL_KINDS) < len(towns):
                name = f"{district.name}{towns[i - len(HOSPITAL_KINDS)].name}社区卫生服务中心"
            else:
                name = f"{district.name}{namer.place()}社区卫生服务站"
            self.add(
                USCC_PUBLIC_INSTITUTION,
                d,
                name,
                cat.PUBLIC_INSTITUTION,
                f"{d}:HEALTH",
                cat.SECTOR_HEALTH,
            )
        for i in range(SOCIAL_ORGS[1] * scale):
            name, kind = namer.social_org(district.name)
            parent = f"{d}:CIVIL_AFFAIRS" if i % 2 == 0 else self.rng.choice(towns)
            self.add(kind, d, name, cat.SOCIAL_ORG, parent, cat.SECTOR_SOCIAL_ORG)
        for _ in range(ENTERPRISES[1] * scale):
            self.add(
                USCC_ENTERPRISE,
                d,
                namer.enterprise(),
                cat.PRIVATE_ENTERPRISE,
                self.rng.choice(towns),
                cat.SECTOR_PRIVATE_ENTERPRISE,
            )
