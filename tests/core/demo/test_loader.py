"""The demo city: deterministic, the expected sizes, a correct closure, accounts, vacancies."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import aliased

from core import hookimpl, migrate
from core.auth.models import Account, AccountGrant
from core.db import create_engine
from core.demo import data, is_empty, load_demo
from core.demo.data import DEPARTMENT_CODES, DISTRICTS
from core.demo.names import uscc_check
from core.demo.tree import build_tree
from core.orgs.catalogue import SECRETARY_POSITION
from core.orgs.models import (
    Assignment,
    LeadingGroup,
    LeadingGroupMember,
    Organization,
    OrgCategory,
    OrgClosure,
    Person,
    Position,
    Sector,
)
from core.plugins import new_manager, register
from core.specs import DemoContext, PluginInfo
from gateway.app import Runtime
from tests.conftest import Databases

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
async def demo(demo_runtime: Runtime) -> AsyncIterator[AsyncConnection]:
    """A connection on the shared, read-only demo city."""
    async with demo_runtime.engine.connect() as conn:
        yield conn


async def _scalar(conn: AsyncConnection, query: Any) -> Any:
    return (await conn.execute(query)).scalar_one()


async def _by_category(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(
        select(OrgCategory.code, func.count(Organization.id))
        .join(Organization, Organization.category_id == OrgCategory.id)
        .group_by(OrgCategory.code)
    )
    return {code: count for code, count in rows}


def test_plan_is_deterministic() -> None:
    def fingerprint(seed: int) -> list[tuple[str, str, str, int | None]]:
        plan = build_tree(seed=seed, scale=1, first_id=1)
        return [(o.code, o.name, o.category, o.parent_id) for o in plan.orgs]

    same = fingerprint(7)
    assert same == fingerprint(7)
    assert same != fingerprint(8)
    assert [o[:1] for o in same[:3]] == [("330100",), ("330100D001",), ("330100D002",)]


def test_scale_multiplies_units_and_sector_organisations() -> None:
    plan = build_tree(seed=1, scale=15, first_id=1)
    assert 48_000 <= len(plan.orgs) <= 55_000
    with pytest.raises(ValueError, match="scale"):
        build_tree(seed=1, scale=100, first_id=1)


async def _snapshot(engine: AsyncEngine) -> tuple[list[Any], list[Any], list[Any]]:
    parent = aliased(Organization)
    async with engine.connect() as conn:
        orgs = (
            await conn.execute(
                select(Organization.code, Organization.name, OrgCategory.code, parent.code)
                .join(OrgCategory, OrgCategory.id == Organization.category_id)
                .outerjoin(parent, parent.id == Organization.parent_id)
                .order_by(Organization.code)
            )
        ).all()
        people = (await conn.execute(select(Person.code, Person.name).order_by(Person.code))).all()
        posts = (
            await conn.execute(
                select(
                    Person.code,
                    Position.code,
                    Organization.code,
                    Assignment.since,
                    Assignment.until,
                )
                .join(Person, Person.id == Assignment.person_id)
                .join(Position, Position.id == Assignment.position_id)
                .join(Organization, Organization.id == Assignment.organization_id)
                .order_by(Person.code, Position.code)
            )
        ).all()
    return [tuple(r) for r in orgs], [tuple(r) for r in people], [tuple(r) for r in posts]


async def test_two_loads_with_one_seed_give_the_same_city(
    engine: AsyncEngine, databases: Databases
) -> None:
    url = await databases.new()
    other = create_engine(url)
    try:
        await migrate.upgrade(other, new_manager())
        assert await is_empty(engine) and await is_empty(other)
        first = await load_demo(engine=engine, pm=new_manager())
        second = await load_demo(engine=other, pm=new_manager())
        assert first == second
        assert not await is_empty(engine)
        assert await _snapshot(engine) == await _snapshot(other)
    finally:
        await other.dispose()


async def test_sizes_of_the_demo_city(demo: AsyncConnection) -> None:
    counts = await _by_category(demo)
    assert counts["CITY"] == 1 and counts["DISTRICT"] == 13
    assert 180 <= counts["TOWN"] + counts["STREET"] <= 200
    assert 2_800 <= counts["VILLAGE"] + counts["COMMUNITY"] + counts["VILLAGE_COMMUNITY"] <= 3_200
    # 111 city departments and each district's own departments
    assert counts["DEPARTMENT"] == 111 + 13 * len(data.DISTRICT_DEPARTMENTS)
    districts = await demo.execute(
        select(Organization.code, Organization.name, Organization.depth).where(
            Organization.code.in_([d.code for d in DISTRICTS])
        )
    )
    assert sorted(tuple(r) for r in districts) == sorted((d.code, d.name, 1) for d in DISTRICTS)
    parent, parent_category = aliased(Organization), aliased(OrgCategory)
    district_children = await demo.execute(
        select(OrgCategory.code)
        .join(Organization, Organization.category_id == OrgCategory.id)
        .join(parent, parent.id == Organization.parent_id)
        .join(parent_category, parent_category.id == parent.category_id)
        .where(parent_category.code == "DISTRICT")
        .distinct()
    )
    assert {code for (code,) in district_children} == {"DEPARTMENT", "TOWN", "STREET"}
    city = (await demo.execute(select(Organization).where(Organization.code == "330100"))).one()
    assert (city.name, city.depth, city.parent_id) == ("杭州市", 0, None)


async def test_codes_extend_the_parent_code(demo: AsyncConnection) -> None:
    parent = aliased(Organization)
    rows = await demo.execute(
        select(Organization.code, parent.code, OrgCategory.code)
        .join(parent, parent.id == Organization.parent_id)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(
            OrgCategory.code.in_(["TOWN", "STREET", "VILLAGE", "COMMUNITY", "VILLAGE_COMMUNITY"])
        )
    )
    for code, parent_code, category in rows:
        assert code.startswith(parent_code)
        assert len(code) == (9 if category in ("TOWN", "STREET") else 12)


async def test_closure_has_self_and_every_ancestor(demo: AsyncConnection) -> None:
    orgs = await _scalar(demo, select(func.count()).select_from(Organization))
    selves = await _scalar(
        demo,
        select(func.count())
        .select_from(OrgClosure)
        .where(OrgClosure.distance == 0, OrgClosure.ancestor_id == OrgClosure.descendant_id),
    )
    assert selves == orgs
    rows_per_org = (
        select(OrgClosure.descendant_id, func.count().label("n"))
        .group_by(OrgClosure.descendant_id)
        .subquery()
    )
    wrong = await _scalar(
        demo,
        select(func.count())
        .select_from(Organization)
        .join(rows_per_org, rows_per_org.c.descendant_id == Organization.id)
        .where(rows_per_org.c.n != Organization.depth + 1),
    )
    assert wrong == 0
    ancestor = aliased(Organization)
    mismatched = await _scalar(
        demo,
        select(func.count())
        .select_from(OrgClosure)
        .join(Organization, Organization.id == OrgClosure.descendant_id)
        .join(ancestor, ancestor.id == OrgClosure.ancestor_id)
        .where(ancestor.depth != Organization.depth - OrgClosure.distance),
    )
    assert mismatched == 0
    parents = await _scalar(
        demo,
        select(func.count())
        .select_from(Organization)
        .join(
            OrgClosure,
            and_(
                OrgClosure.descendant_id == Organization.id,
                OrgClosure.ancestor_id == Organization.parent_id,
                OrgClosure.distance == 1,
            ),
        ),
    )
    assert parents == orgs - 1


async def _grants(
    conn: AsyncConnection,
) -> dict[str, tuple[str, str | None, str | None, int | None]]:
    rows = await conn.execute(
        select(
            Account.username, AccountGrant.role, Organization.code, Sector.code, Account.person_id
        )
        .join(AccountGrant, AccountGrant.account_id == Account.id)
        .outerjoin(Organization, Organization.id == AccountGrant.organization_id)
        .outerjoin(Sector, Sector.id == AccountGrant.sector_id)
    )
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


async def test_demo_accounts_and_grants(demo: AsyncConnection) -> None:
    grants = await _grants(demo)
    assert grants["admin"][:3] == ("CITY_ADMIN", None, None)
    assert grants["xihu"][:3] == ("ORG_MANAGER", "330106", None)
    assert grants["soe-lead"][:3] == ("SECTOR_LEAD", DEPARTMENT_CODES["SASAC"], "SOE")
    soe_lead_org = await _scalar(
        demo,
        select(Organization.code)
        .join(Assignment, Assignment.organization_id == Organization.id)
        .where(Assignment.person_id == grants["soe-lead"][3], Assignment.until.is_(None)),
    )
    assert soe_lead_org == DEPARTMENT_CODES["SASAC"]
    towns = (
        await demo.execute(
            select(Organization.code, OrgCategory.code)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(OrgCategory.code.in_(["DISTRICT", "TOWN", "STREET"]))
        )
    ).all()
    assert len(towns) >= 13 + 180
    for code, category in towns:
        role, org, _sector, person = grants[f"sec-{code}"]
        assert (role, org) == ("SECRETARY", code)
        held = await _scalar(
            demo,
            select(Position.code)
            .join(Assignment, Assignment.position_id == Position.id)
            .join(Organization, Organization.id == Assignment.organization_id)
            .where(Assignment.person_id == person, Organization.code == code),
        )
        assert held == SECRETARY_POSITION[category]


async def test_vacancies_and_history(demo: AsyncConnection) -> None:
    current = Assignment.until.is_(None)
    filled = await _scalar(demo, select(func.count()).select_from(Assignment).where(current))
    ended = (
        await demo.execute(
            select(
                Assignment.since,
                Assignment.until,
                Assignment.organization_id,
                Assignment.position_id,
            ).where(Assignment.until.is_not(None))
        )
    ).all()
    assert ended and all(r.since < r.until < TODAY for r in ended)
    successor = await _scalar(
        demo,
        select(Assignment.since)
        .where(
            current,
            Assignment.organization_id == ended[0].organization_id,
            Assignment.position_id == ended[0].position_id,
        )
        .limit(1),
    )
    assert successor == ended[0].until + dt.timedelta(days=1)
    village = await _scalar(
        demo,
        select(func.count())
        .select_from(Organization)
        .join(OrgCategory)
        .where(OrgCategory.code == "VILLAGE"),
    )
    assert filled > 5 * village
    vacant_secretaries = await _scalar(
        demo,
        select(func.count())
        .select_from(Organization)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(
            OrgCategory.code == "VILLAGE",
            ~select(Assignment.id)
            .join(Position, Position.id == Assignment.position_id)
            .where(
                Assignment.organization_id == Organization.id,
                Position.code == "VILLAGE_SECRETARY",
                current,
            )
            .exists(),
        ),
    )
    assert 0.03 * village < vacant_secretaries < 0.15 * village


async def test_leading_groups_and_sector_leads(demo: AsyncConnection) -> None:
    rows = await demo.execute(
        select(LeadingGroup.code, LeadingGroupMember.role, func.count())
        .join(LeadingGroupMember, LeadingGroupMember.leading_group_id == LeadingGroup.id)
        .group_by(LeadingGroup.code, LeadingGroupMember.role)
    )
    seats: dict[str, dict[str, int]] = {}
    for code, role, count in rows:
        seats.setdefault(code, {})[role] = count
    people = {"CHAIR": 1, "VICE_CHAIR": 2, "OFFICE_DIRECTOR": 1, "OFFICE_DEPUTY": 1}
    assert set(seats) == {"LG-330100", *(f"LG-{d.code}" for d in DISTRICTS)}
    assert seats.pop("LG-330100") == {**people, "MEMBER_UNIT": 16}
    district_units = len(data.DISTRICT_DEPARTMENTS)
    assert all(s == {**people, "MEMBER_UNIT": district_units} for s in seats.values())
    office = aliased(Organization)
    offices = dict(
        (
            await demo.execute(
                select(LeadingGroup.code, office.code).join(
                    office, office.id == LeadingGroup.office_id
                )
            )
        ).all()
    )
    assert offices["LG-330106"] == data.district_department_code("330106", 0)  # 组织部
    assert len(offices) == 14
    lead = aliased(Organization)
    leads = dict(
        (
            await demo.execute(
                select(Sector.code, lead.code).join(lead, lead.id == Sector.lead_department_id)
            )
        ).all()
    )
    assert leads["SOE"] == DEPARTMENT_CODES["SASAC"]
    assert leads["EDUCATION"] == DEPARTMENT_CODES["EDUCATION"]
    assert set(leads) >= {"SOE", "EDUCATION", "HEALTH", "SOCIAL_ORG", "PRIVATE_ENTERPRISE"}


async def test_sector_organisations_carry_credit_codes(demo: AsyncConnection) -> None:
    rows = (
        await demo.execute(
            select(Sector.code, Organization.code, Organization.depth)
            .join(Sector, Sector.id == Organization.sector_id)
            .where(Sector.code.in_(["EDUCATION", "HEALTH", "SOCIAL_ORG", "PRIVATE_ENTERPRISE"]))
        )
    ).all()
    assert {r[0] for r in rows} == {"EDUCATION", "HEALTH", "SOCIAL_ORG", "PRIVATE_ENTERPRISE"}
    for _sector, code, depth in rows:
        assert len(code) == 18 and uscc_check(code[:17]) == code[17] and depth >= 2


async def test_plugins_add_their_part_after_the_core(engine: AsyncEngine) -> None:
    seen: list[DemoContext] = []

    async def demo_hook(context: DemoContext) -> None:
        seen.append(context)
        category = await context.session.scalar(
            select(OrgCategory.id).where(OrgCategory.code == "SOE")
        )
        sector = await context.session.scalar(select(Sector.id).where(Sector.code == "SOE"))
        assert category is not None
        org = Organization(
            code="913301000000000000",
            name="杭州市测试集团有限公司",
            category_id=category,
            sector_id=sector,
            parent_id=context.org_ids["SASAC"],
            depth=2,
        )
        context.session.add(org)
        await context.session.flush()
        assert org.id > context.org_ids["CITY"]

    module = types.ModuleType("demo_plugin")
    info = PluginInfo(name="demo_soe", title="测试", version="1", sector_code="SOE")
    module.dutygraph_plugin_info = hookimpl(lambda: info)  # type: ignore[attr-defined]
    module.dutygraph_load_demo = hookimpl(demo_hook)  # type: ignore[attr-defined]
    pm = new_manager()
    register(pm, "demo_soe", module)
    summary = await load_demo(engine=engine, pm=pm, scale=1, seed=3)
    assert len(seen) == 1 and seen[0].year == 2026 and seen[0].scale == 1
    assert summary.plugin_organizations == 1
    core_parts = (
        1,
        summary.departments,
        summary.districts,
        summary.towns_streets,
        summary.villages_communities,
        summary.sector_organizations,
    )
    assert summary.organizations == sum(core_parts) + 1
