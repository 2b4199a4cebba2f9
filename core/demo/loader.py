"""Load the demo city into a database: catalogue, tree, people, leading groups, accounts,
then each plugin's part. One transaction; bulk Core inserts with ids assigned in Python.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pluggy
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.assessment.demo import seed as seed_assessment
from core.auth.models import Account, AccountGrant
from core.db import Base, reset_sequences, session_factory, utcnow
from core.demo import data
from core.demo.access import AccessPlan, build_access
from core.demo.staffing import StaffPlan, build_staff
from core.demo.tree import TreePlan, build_tree
from core.duties.service import load_core_libraries
from core.orgs import catalogue_data as cat
from core.orgs.catalogue import sync_catalogue
from core.orgs.models import (
    Assignment,
    FrameworkRequirement,
    LeadingGroup,
    LeadingGroupMember,
    Organization,
    OrgCategory,
    OrgClosure,
    Person,
    Position,
    Sector,
    SectorLead,
    StaffingFramework,
)
from core.reports.demo import load_reports_demo
from core.specs import DemoContext
from core.supervision.demo import seed as seed_supervision

DEFAULT_SEED = 20261127
DEMO_YEAR = 2026
CHUNK = 5000

Progress = Callable[[str, int, int], None]

_ID_TABLES = (
    Organization,
    Person,
    Assignment,
    LeadingGroup,
    LeadingGroupMember,
    Account,
    AccountGrant,
)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo loaded, counted: the core part, plus the organisations plugins added."""

    organizations: int
    districts: int
    towns_streets: int
    villages_communities: int
    departments: int
    sector_organizations: int
    plugin_organizations: int
    closure_rows: int
    persons: int
    assignments: int
    ended_assignments: int
    vacancies: int
    leading_groups: int
    leading_group_members: int
    accounts: int


@dataclass(frozen=True)
class _Catalogue:
    categories: dict[str, int]
    sectors: dict[str, int]
    positions: dict[str, int]
    requirements: dict[str, list[tuple[str, int]]]


async def is_empty(engine: AsyncEngine) -> bool:
    """True when the database holds no organisation yet."""
    async with engine.connect() as conn:
        return (await conn.execute(select(Organization.id).limit(1))).first() is None


async def _catalogue(session: AsyncSession) -> _Catalogue:
    categories = {
        r.code: r.id for r in await session.execute(select(OrgCategory.code, OrgCategory.id))
    }
    sectors = {r.code: r.id for r in await session.execute(select(Sector.code, Sector.id))}
    positions = {r.code: r.id for r in await session.execute(select(Position.code, Position.id))}
    rows = await session.execute(
        select(
            OrgCategory.code.label("category"), Position.code, FrameworkRequirement.required_count
        )
        .join(StaffingFramework, StaffingFramework.category_id == OrgCategory.id)
        .join(FrameworkRequirement, FrameworkRequirement.framework_id == StaffingFramework.id)
        .join(Position, Position.id == FrameworkRequirement.position_id)
        .order_by(OrgCategory.code, StaffingFramework.code, Position.sort_order, Position.code)
    )
    merged: dict[str, dict[str, int]] = {}
    for category, position, count in rows:  # two frameworks of a category: the larger count
        posts = merged.setdefault(category, {})
        posts[position] = max(count, posts.get(position, 0))
    requirements = {category: list(posts.items()) for category, posts in merged.items()}
    return _Catalogue(categories, sectors, positions, requirements)


async def _first_ids(session: AsyncSession) -> dict[str, int]:
    """For each table the demo fills: the first free id (after the current maximum)."""
    out: dict[str, int] = {}
    for model in _ID_TABLES:
        table = _table(model)
        top = await session.scalar(select(func.max(table.c.id)))
        out[table.name] = (top or 0) + 1
    return out


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


class _Writer:
    """Chunked executemany inserts with a progress report per chunk."""

    def __init__(self, session: AsyncSession, progress: Progress | None) -> None:
        self.session = session
        self.progress = progress

    def report(self, phase: str, done: int, total: int) -> None:
        """Tell the caller how far a phase is."""
        if self.progress is not None:
            self.progress(phase, done, total)

    async def insert(self, phase: str, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
        """Insert the rows in chunks of CHUNK."""
        table = _table(model)
        self.report(phase, 0, len(rows))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            await self.session.execute(insert(table), chunk)
            self.report(phase, start + len(chunk), len(rows))


async def _set_sector_leads(session: AsyncSession, tree: TreePlan, sectors: dict[str, int]) -> None:
    for sector, key in data.SECTOR_LEADS.items():
        if sector in sectors:
            await session.execute(
                update(Sector)
                .where(Sector.id == sectors[sector])
                .values(lead_department_id=tree.keys[key].id)
            )
    leads = [
        {"sector_id": sectors[sector], "organization_id": tree.keys[key].id, "sort_order": i}
        for sector, keys in data.SECTOR_LEAD_DEPARTMENTS.items()
        if sector in sectors
        for i, key in enumerate(keys)
    ]
    await session.execute(insert(SectorLead), leads)


async def _run_plugins(
    session: AsyncSession, pm: pluggy.PluginManager, tree: TreePlan, *, seed: int, scale: int
) -> None:
    """Each plugin's `dutygraph_load_demo`, in plugin-name order, awaited when async.

    `context.org_ids` names: "CITY", each district by code ("330106"), each city department
    by its key in `core.demo.data.DEPARTMENTS` ("SASAC", "EDUCATION", …) and each sector's
    lead department as "LEAD:<sector code>". Each plugin gets its own seeded `rng`.
    """
    org_ids = {key: org.id for key, org in tree.keys.items()}
    org_ids.update(
        {f"LEAD:{sector}": tree.keys[key].id for sector, key in data.SECTOR_LEADS.items()}
    )
    impls = [
        (pm.get_name(impl.plugin) or impl.plugin_name, impl)
        for impl in pm.hook.dutygraph_load_demo.get_hookimpls()
    ]
    for name, impl in sorted(impls, key=lambda pair: pair[0]):
        context = DemoContext(
            session=session,
            rng=random.Random(f"{seed}/plugin/{name}"),
            scale=scale,
            city_id=tree.keys["CITY"].id,
            year=DEMO_YEAR,
            org_ids=org_ids,
        )
        result = impl.function(**({"context": context} if "context" in impl.argnames else {}))
        if inspect.isawaitable(result):
            await result
        await session.flush()


def _count(tree: TreePlan, *categories: str) -> int:
    return sum(1 for org in tree.orgs if org.category in categories)


async def _org_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Organization)) or 0


def _summary(
    tree: TreePlan, staff: StaffPlan, access: AccessPlan, closure: int, plugin_orgs: int
) -> DemoSummary:
    return DemoSummary(
        organizations=len(tree.orgs) + plugin_orgs,
        districts=_count(tree, cat.DISTRICT),
        towns_streets=_count(tree, cat.TOWN, cat.STREET),
        villages_communities=_count(tree, cat.VILLAGE, cat.COMMUNITY, cat.VILLAGE_COMMUNITY),
        departments=_count(tree, cat.DEPARTMENT),
        sector_organizations=sum(1 for org in tree.orgs if org.sector is not None),
        plugin_organizations=plugin_orgs,
        closure_rows=closure,
        persons=len(staff.persons),
        assignments=len(staff.assignments),
        ended_assignments=staff.ended,
        vacancies=staff.vacancies,
        leading_groups=len(access.groups),
        leading_group_members=len(access.members),
        accounts=len(access.accounts),
    )


async def load_demo(
    *,
    engine: AsyncEngine,
    pm: pluggy.PluginManager,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> DemoSummary:
    """Load the demo city (same seed, same data) and each plugin's part, in one transaction."""
    async with session_factory(engine)() as session, session.begin():
        writer = _Writer(session, progress)
        writer.report("catalogue", 0, 1)
        await sync_catalogue(session=session, pm=pm)
        catalogue = await _catalogue(session)
        first = await _first_ids(session)
        writer.report("catalogue", 1, 1)

        writer.report("plan", 0, 1)
        now = utcnow()
        tree = build_tree(seed=seed, scale=scale, first_id=first["organization"])
        staff = build_staff(
            orgs=tree.orgs,
            requirements=catalogue.requirements,
            position_ids=catalogue.positions,
            seed=seed,
            first_person_id=first["person"],
            first_assignment_id=first["assignment"],
            now=now,
        )
        access = build_access(tree=tree, staff=staff, sector_ids=catalogue.sectors, first_ids=first)
        writer.report("plan", 1, 1)

        orgs = tree.rows(now=now, category_ids=catalogue.categories, sector_ids=catalogue.sectors)
        await writer.insert("organizations", Organization, orgs)
        closure = tree.closure_rows()
        await writer.insert("closure", OrgClosure, closure)
        await writer.insert("persons", Person, staff.persons)
        await writer.insert("assignments", Assignment, staff.assignments)
        await writer.insert("leading groups", LeadingGroup, access.groups)
        await writer.insert("leading group members", LeadingGroupMember, access.members)
        await writer.insert("accounts", Account, access.accounts)
        await writer.insert("grants", AccountGrant, access.grants)
        await _set_sector_leads(session, tree, catalogue.sectors)
        await sync_catalogue(session=session, pm=pm)  # resolves plugins' lead departments
        await reset_sequences(await session.connection())

        writer.report("plugins", 0, 1)
        before = await _org_count(session)
        await _run_plugins(session, pm, tree, seed=seed, scale=scale)
        await reset_sequences(await session.connection())
        plugin_orgs = await _org_count(session) - before
        writer.report("plugins", 1, 1)
        await load_core_libraries(session=session, actor=None)  # duty descriptions, manuals
        await load_reports_demo(session=session, seed=seed)  # report DJBB, 2025-2026Q3
        await seed_supervision(session=session)  # spot checks, findings, a bulletin
        await seed_assessment(session=session, seed=seed)  # DJKH-2026, satisfaction, results
    return _summary(tree, staff, access, len(closure), plugin_orgs)
