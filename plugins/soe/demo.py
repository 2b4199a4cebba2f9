"""The SOE part of the demo city: municipal SOE groups under 市国资委, their subsidiaries,
profiles, people and assignments — deterministic from the demo's random generator."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Base, utcnow
from core.demo import data
from core.demo.names import Namer
from core.orgs.models import (
    Assignment,
    Organization,
    OrgCategory,
    OrgClosure,
    Person,
    Position,
    Sector,
)
from core.specs import DemoContext
from plugins.soe import credit
from plugins.soe.catalogue import FRAMEWORKS, SECTOR_CODE, SOE_GROUP, SOE_SUBSIDIARY
from plugins.soe.demo_data import (
    COMMON_UNITS,
    DISTRICTS,
    FILL_RATE,
    GROUP_STATE_SHARES,
    GROUPS,
    SUBSIDIARY_STATE_SHARES,
    GroupSeed,
    governance,
)
from plugins.soe.liaison_demo import key_subsidiaries, link_leaders
from plugins.soe.loaders import SupervisionLevel
from plugins.soe.models import SoeProfile

# where the core demo files 市国资委 in context.org_ids (the department key, then the lead)
PARENT_KEYS = ("SASAC", "LEAD:SOE")
CITY_REGION = "330100"


class DemoDataError(RuntimeError):
    """The demo database lacks what the SOE demo builds on (catalogue, parent org)."""


@dataclass
class _Ids:
    """The next free id of each table the demo inserts into (explicit ids, bulk inserts)."""

    org: int
    person: int
    assignment: int

    def take(self, kind: str) -> int:
        value: int = getattr(self, kind)
        setattr(self, kind, value + 1)
        return value


@dataclass
class _Batch:
    """Rows to insert, in dependency order."""

    groups: list[dict[str, Any]] = field(default_factory=list)
    subsidiaries: list[dict[str, Any]] = field(default_factory=list)
    closure: list[dict[str, Any]] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Catalogue:
    sector_id: int
    group_category_id: int
    subsidiary_category_id: int
    seats: dict[str, list[tuple[int, int]]]  # category code -> [(position id, head count)]


@dataclass
class _Builder:
    """Builds every row of the SOE demo in memory from one random generator."""

    context: DemoContext
    catalogue: _Catalogue
    ids: _Ids
    now: dt.datetime
    batch: _Batch = field(default_factory=_Batch)
    codes: set[str] = field(default_factory=set)

    @property
    def rng(self) -> random.Random:
        return self.context.rng

    def org(
        self,
        *,
        name: str,
        region: str,
        category_id: int,
        parent_id: int,
        depth: int,
        ancestors: Sequence[tuple[int, int]],
    ) -> tuple[int, str, list[tuple[int, int]]]:
        """An organisation row and its closure rows; (id, code, its own ancestor chain)."""
        org_id = self.ids.take("org")
        code = credit.new_code(self.rng, region=region, taken=self.codes)
        row = {
            "id": org_id,
            "code": code,
            "name": name,
            "category_id": category_id,
            "sector_id": self.catalogue.sector_id,
            "parent_id": parent_id,
            "depth": depth,
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }
        target = (
            self.batch.groups
            if category_id == self.catalogue.group_category_id
            else self.batch.subsidiaries
        )
        target.append(row)
        chain = [(org_id, 0), *((anc, dist + 1) for anc, dist in ancestors)]
        self.batch.closure.extend(
            {"ancestor_id": anc, "descendant_id": org_id, "distance": dist} for anc, dist in chain
        )
        return org_id, code, chain

    def profile(
        self,
        *,
        org_id: int,
        code: str,
        capital_wan: int,
        state_share: Decimal,
        industry: str,
        employees: int,
        listed: bool,
        supervisor: SupervisionLevel = SupervisionLevel.MUNICIPAL,
    ) -> None:
        party_share = self.rng.uniform(0.12, 0.32)
        self.batch.profiles.append(
            {
                **governance(code, employees),
                "organization_id": org_id,
                "unified_credit_code": code,
                "registered_capital_wan": Decimal(capital_wan).quantize(Decimal("0.01")),
                "state_share_pct": state_share,
                "industry": industry,
                "supervisor": supervisor.value,
                "employees": employees,
                "party_members": max(3, round(employees * party_share)),
                "listed": listed,
                "version": 1,
                "updated_at": self.now,
            }
        )

    def staff(self, org_id: int, category: str) -> None:
        """People in the organisation's required seats, leaving some vacancies."""
        for position_id, count in self.catalogue.seats[category]:
            for _ in range(count):
                if self.rng.random() >= FILL_RATE:
                    continue
                person_id = self.ids.take("person")
                self.batch.people.append(
                    {
                        "id": person_id,
                        "code": f"SOEP{person_id:07d}",
                        "name": Namer(self.rng).person()[0],
                        "gender": None,
                        "created_at": self.now,
                    }
                )
                self.batch.assignments.append(
                    {
                        "id": self.ids.take("assignment"),
                        "person_id": person_id,
                        "position_id": position_id,
                        "organization_id": org_id,
                        "since": _since(self.rng, self.context.year),
                        "until": None,
                        "version": 1,
                    }
                )

    def group(
        self,
        seed: GroupSeed,
        parent: tuple[int, int, Sequence[tuple[int, int]]],
        *,
        region: str = CITY_REGION,
        supervisor: SupervisionLevel = SupervisionLevel.MUNICIPAL,
        subsidiaries: tuple[int, int] = (3, 8),
    ) -> None:
        parent_id, parent_depth, parent_chain = parent
        group_id, code, chain = self.org(
            name=seed.name,
            region=region,
            category_id=self.catalogue.group_category_id,
            parent_id=parent_id,
            depth=parent_depth + 1,
            ancestors=parent_chain,
        )
        self.profile(
            org_id=group_id,
            code=code,
            capital_wan=round(seed.capital_yi * 10_000 * self.rng.uniform(0.8, 1.2)),
            state_share=self.rng.choice(GROUP_STATE_SHARES),
            industry=seed.industry,
            employees=round(seed.employees * self.rng.uniform(0.85, 1.15)),
            listed=False,
            supervisor=supervisor,
        )
        self.staff(group_id, SOE_GROUP)
        count = self.rng.randint(*subsidiaries) * max(1, self.context.scale)
        for name, sub_region in _subsidiary_names(seed, count, region):
            sub_id, sub_code, _ = self.org(
                name=name,
                region=sub_region,
                category_id=self.catalogue.subsidiary_category_id,
                parent_id=group_id,
                depth=parent_depth + 2,
                ancestors=chain,
            )
            self.profile(
                org_id=sub_id,
                code=sub_code,
                capital_wan=self.rng.randint(1_000, 200_000),
                state_share=self.rng.choice(SUBSIDIARY_STATE_SHARES),
                industry=seed.industry,
                employees=self.rng.randint(60, 3_000),
                listed=self.rng.random() < 0.06,
                supervisor=supervisor,
            )
            self.staff(sub_id, SOE_SUBSIDIARY)


def _subsidiary_names(
    seed: GroupSeed, count: int, home: str = CITY_REGION
) -> Iterable[tuple[str, str]]:
    """(name, registration region) of a group's subsidiaries: distinct, home region first."""
    units = list(dict.fromkeys((*seed.units, *COMMON_UNITS)))
    for i in range(count):
        unit = units[i % len(units)]
        lap = i // len(units)
        if lap == 0:
            yield f"{seed.short}{unit}有限公司", home
        else:
            region, district = DISTRICTS[(lap - 1) % len(DISTRICTS)]
            suffix = "" if lap <= len(DISTRICTS) else str(lap)
            yield f"{seed.short}{unit}（{district}{suffix}）有限公司", region


def _since(rng: random.Random, year: int) -> dt.date:
    return dt.date(year - rng.randint(0, 6), rng.randint(1, 12), rng.randint(1, 28))


async def _next_id(session: AsyncSession, column: Any) -> int:
    return int((await session.execute(select(func.max(column)))).scalar() or 0) + 1


async def _codes_to_ids(session: AsyncSession, model: Any, codes: Iterable[str]) -> dict[str, int]:
    rows = await session.execute(select(model.code, model.id).where(model.code.in_(set(codes))))
    return {code: row_id for code, row_id in rows}


async def _catalogue(session: AsyncSession) -> _Catalogue:
    sector_id = await session.scalar(select(Sector.id).where(Sector.code == SECTOR_CODE))
    categories = await _codes_to_ids(session, OrgCategory, (SOE_GROUP, SOE_SUBSIDIARY))
    codes = {code for f in FRAMEWORKS for code in f.requirements}
    positions = await _codes_to_ids(session, Position, codes)
    if sector_id is None or len(categories) < 2 or len(positions) < len(codes):
        raise DemoDataError("the SOE catalogue is not synced (run sync_catalogue first)")
    seats = {
        f.category_code: [(positions[code], count) for code, count in f.requirements.items()]
        for f in FRAMEWORKS
    }
    return _Catalogue(sector_id, categories[SOE_GROUP], categories[SOE_SUBSIDIARY], seats)


async def _parent(session: AsyncSession, parent_id: int) -> tuple[int, int, list[tuple[int, int]]]:
    depth = (
        await session.execute(select(Organization.depth).where(Organization.id == parent_id))
    ).scalar()
    if depth is None:
        raise DemoDataError(f"the parent organisation {parent_id} of the SOE groups is missing")
    rows = await session.execute(
        select(OrgClosure.ancestor_id, OrgClosure.distance).where(
            OrgClosure.descendant_id == parent_id
        )
    )
    return parent_id, depth, [(ancestor, distance) for ancestor, distance in rows]


def district_seed(district: data.District) -> GroupSeed:
    """The district's own SOE group (区属国有企业), supervised by its 国资办."""
    short = district.name[:2]
    return GroupSeed(
        name=f"杭州市{district.name}国有资本投资运营集团有限公司",
        short=f"{short}国投",
        industry="国有资本投资运营",
        capital_yi=30,
        employees=1_200,
        units=("城市建设发展", "产业投资", "水务"),
    )


async def _district_parents(
    session: AsyncSession, context: DemoContext
) -> list[tuple[data.District, tuple[int, int, list[tuple[int, int]]]]]:
    """Each district's 国资办 (state assets office), where its SOE group hangs: in the
    district's subtree, so the district sees the companies it supervises."""
    found = []
    for district in data.DISTRICTS:
        office = context.org_ids.get(f"{district.code}:SASAC")
        if office is not None:
            found.append((district, await _parent(session, office)))
    return found


async def _credit_codes(session: AsyncSession) -> set[str]:
    """The enterprise credit codes already in use (other sectors' companies)."""
    like = f"{credit.ENTERPRISE_PREFIX}%"
    rows = await session.execute(select(Organization.code).where(Organization.code.like(like)))
    return set(rows.scalars())


async def _insert(session: AsyncSession, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(model), rows)


async def load_demo(context: DemoContext) -> None:
    """Add 20 municipal SOE groups under 市国资委 and one district SOE group under each
    district's 国资办, with subsidiaries, profiles and staff, and link SASAC's and the city's
    leaders to 2–3 municipal groups and their key subsidiaries (M3).

    Idempotent: does nothing when SOE groups exist. The caller resets id sequences.
    """
    session = context.session
    catalogue = await _catalogue(session)
    existing = await session.execute(
        select(Organization.id).where(Organization.category_id == catalogue.group_category_id)
    )
    if existing.first() is not None:
        return
    parent_id = next(
        (context.org_ids[key] for key in PARENT_KEYS if key in context.org_ids), context.city_id
    )
    parent = await _parent(session, parent_id)
    builder = _Builder(
        context=context,
        catalogue=catalogue,
        ids=_Ids(
            org=await _next_id(session, Organization.id),
            person=await _next_id(session, Person.id),
            assignment=await _next_id(session, Assignment.id),
        ),
        now=utcnow(),
        codes=await _credit_codes(session),
    )
    for seed in GROUPS:
        builder.group(seed, parent)
    for district, district_parent in await _district_parents(session, context):
        builder.group(
            district_seed(district),
            district_parent,
            region=district.code,
            supervisor=SupervisionLevel.DISTRICT,
            subsidiaries=(2, 4),
        )
    batch = builder.batch
    await _insert(session, Organization, batch.groups)
    await _insert(session, Organization, batch.subsidiaries)
    await _insert(session, OrgClosure, batch.closure)
    await _insert(session, SoeProfile, batch.profiles)
    await _insert(session, Person, batch.people)
    await _insert(session, Assignment, batch.assignments)
    await link_leaders(
        session,
        sasac_id=parent_id,
        city_id=context.city_id,
        groups=key_subsidiaries(batch.groups[: len(GROUPS)], batch.subsidiaries, batch.profiles),
        since=dt.date(context.year, 1, 1),
    )
