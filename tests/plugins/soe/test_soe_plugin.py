"""plugins.soe: catalogue, migration branch, duty library, demo data (GraphQL: test_soe_graphql)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

import plugins.soe as soe_plugin
from core import migrate
from core.db import Base, create_engine, session_factory
from core.orgs.catalogue import catalogue_specs, sync_catalogue
from core.orgs.models import Organization, OrgCategory, OrgClosure, Position
from core.plugins import create_manager, plugin_info
from core.specs import DemoContext
from plugins.soe import catalogue, credit, library
from plugins.soe import demo as soe_demo
from plugins.soe.models import SoeProfile
from tests.conftest import Databases, settings_for


def url_of(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


# --------------------------------------------------------------------------- catalogue


def test_hook_dutygraph_plugin_info_through_the_entry_point() -> None:
    pm = create_manager(settings_for("sqlite+aiosqlite:///unused.db"))
    info = plugin_info(pm, "soe")
    assert (info.name, info.sector_code, info.sector_name) == ("soe", "SOE", "国有企业")
    assert info.title == "国有企业党建"


def test_hook_catalogue_hooks_add_consistent_codes() -> None:
    pm = create_manager(settings_for("sqlite+aiosqlite:///unused.db"))
    categories, positions, frameworks = catalogue_specs(pm)  # raises on duplicate codes
    ours = {c.spec.code: c.spec for c in categories if c.plugin == "soe"}
    assert set(ours) == {"SOE_GROUP", "SOE_SUBSIDIARY"}
    assert {c.sector_code for c in ours.values()} == {"SOE"}
    position_category = {p.spec.code: p.spec.category_code for p in positions}
    soe_frameworks = [f.spec for f in frameworks if f.plugin == "soe"]
    assert {f.category_code for f in soe_frameworks} == set(ours)
    for framework in soe_frameworks:
        for code in framework.requirements:
            assert position_category[code] == framework.category_code, code


# --------------------------------------------------------------------------- library


def test_hook_dutygraph_libraries_five_part_list() -> None:
    lib = library.soe_duties()
    assert library.LIBRARY_PATH.is_file()
    assert (lib.urn, lib.version) == ("urn:dutygraph:library:soe:duties", "2026.1")
    assert len(lib.duties) >= 15
    assert [p.code for p in lib.parts] == ["SUBJECT", "FIRST", "TEAM", "DISCIPLINE", "DEPARTMENT"]
    assert {d.part for d in lib.duties} == {p.code for p in lib.parts}
    known = {c.code for c in catalogue.CATEGORIES} | {p.code for p in catalogue.POSITIONS}
    library.check_owners(lib, known)
    assert all(d.source.startswith("《") for d in lib.duties)
    assert any("国有企业基层组织工作条例" in d.source for d in lib.duties)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["duties"].append(dict(d["duties"][0])), "given twice"),
        (lambda d: d["duties"][0].update(frequency="WEEKLYISH"), "unknown frequency"),
        (lambda d: d["duties"][0].update(part="NOPE"), "unknown part"),
        (lambda d: d["duties"][0].pop("source"), "lacks source"),
    ],
)
def test_library_refuses_broken_files(tmp_path: Path, change: Any, message: str) -> None:
    data = yaml.safe_load(library.LIBRARY_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(library.LibraryError, match=message):
        library.load(path)


def test_library_refuses_unknown_owner() -> None:
    with pytest.raises(library.LibraryError, match="SOE_GROUP_SECRETARY"):
        library.check_owners(library.soe_duties(), {"SOE_GROUP"})


# --------------------------------------------------------------------------- credit codes


def test_credit_codes_carry_both_check_characters() -> None:
    assert credit.is_valid("91330100716105852F")  # a published code (GB 32100 example data)
    assert not credit.is_valid("91330100716105852E")
    assert not credit.is_valid("913301007161058520")
    taken: set[str] = set()
    codes = [credit.new_code(random.Random(7), region="330100", taken=taken) for _ in range(3)]
    assert len(set(codes)) == 3 and all(credit.is_valid(c) for c in codes)
    assert all(c.startswith("91330100") and len(c) == 18 for c in codes)


# --------------------------------------------------------------------------- migrations


async def test_hook_dutygraph_migrations_branch(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        columns = await conn.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("soe_profile")}
        )
    assert columns == {
        "organization_id",
        "unified_credit_code",
        "registered_capital_wan",
        "state_share_pct",
        "industry",
        "supervisor",
        "employees",
        "party_members",
        "listed",
        "charter_party_building",
        "committee_members",
        "cross_appointed",
        "secretary_is_chairman",
        "version",
        "updated_at",
    }
    assert "soe0002" in await migrate.current_revisions(engine)  # soe0001, then governance
    pm = create_manager(settings_for(url_of(engine)))
    assert soe_plugin.MIGRATIONS in migrate.version_locations(pm)


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_soe_profile_model_matches_its_migration(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert [d for d in diff if "soe_profile" in repr(d)] == []


# --------------------------------------------------------------------------- demo data


async def _city_with_sasac(engine: AsyncEngine) -> tuple[int, int]:
    """A bare city with its 市国资委 (what the SOE demo hangs from); (city id, sasac id)."""
    pm = create_manager(settings_for(url_of(engine)))
    async with session_factory(engine)() as session, session.begin():
        await sync_catalogue(session=session, pm=pm)
        rows = await session.execute(select(OrgCategory.code, OrgCategory.id))
        ids: dict[str, int] = {code: row_id for code, row_id in rows}
        session.add_all(
            [
                Organization(id=1, code="330100", name="杭州市", category_id=ids["CITY"], depth=0),
                Organization(
                    id=2,
                    code="330100D047",
                    name="市国资委",
                    category_id=ids["DEPARTMENT"],
                    parent_id=1,
                    depth=1,
                ),
            ]
        )
        await session.flush()
        session.add_all(
            [
                OrgClosure(ancestor_id=1, descendant_id=1, distance=0),
                OrgClosure(ancestor_id=2, descendant_id=2, distance=0),
                OrgClosure(ancestor_id=1, descendant_id=2, distance=1),
            ]
        )
    return 1, 2


async def _load_soe_demo(engine: AsyncEngine, seed: int = 11) -> None:
    city_id, sasac_id = await _city_with_sasac(engine)
    async with session_factory(engine)() as session, session.begin():
        context = DemoContext(
            session=session,
            rng=random.Random(seed),
            scale=1,
            city_id=city_id,
            year=2026,
            org_ids={"CITY": city_id, "SASAC": sasac_id},
        )
        await soe_demo.load_demo(context)
        await soe_demo.load_demo(context)  # idempotent: the second call adds nothing


async def _soe_orgs(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(
                Organization.id,
                Organization.code,
                Organization.name,
                Organization.parent_id,
                Organization.depth,
                OrgCategory.code.label("category"),
            )
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(OrgCategory.code.in_(("SOE_GROUP", "SOE_SUBSIDIARY")))
            .order_by(Organization.id)
        )
        return list(rows)


async def test_hook_dutygraph_load_demo_builds_groups_and_subsidiaries(
    engine: AsyncEngine, databases: Databases
) -> None:
    await _load_soe_demo(engine)
    orgs = await _soe_orgs(engine)
    groups = [o for o in orgs if o.category == "SOE_GROUP"]
    subsidiaries = [o for o in orgs if o.category == "SOE_SUBSIDIARY"]
    assert len(groups) == len(soe_demo.GROUPS) == 20
    assert groups[0].name == "杭州市城市建设投资集团有限公司"
    assert all(g.parent_id == 2 and g.depth == 2 for g in groups)
    per_group = {g.id: sum(1 for s in subsidiaries if s.parent_id == g.id) for g in groups}
    assert all(3 <= n <= 8 for n in per_group.values())
    assert all(s.depth == 3 for s in subsidiaries)
    assert all(credit.is_valid(o.code) for o in orgs)
    assert len({o.name for o in orgs}) == len(orgs)
    async with engine.connect() as conn:
        closure = {
            (r.ancestor_id, r.descendant_id): r.distance
            for r in await conn.execute(select(OrgClosure))
        }
        profiles = (await conn.execute(select(func.count()).select_from(SoeProfile))).scalar()
        seats = (
            await conn.execute(
                select(func.count())
                .select_from(Position)
                .where(Position.code.like("SOE_%"), Position.plugin == "soe")
            )
        ).scalar()
    sub = subsidiaries[0]
    assert closure[(sub.id, sub.id)] == 0
    assert closure[(sub.parent_id, sub.id)] == 1
    assert closure[(2, sub.id)] == 2 and closure[(1, sub.id)] == 3
    assert profiles == len(orgs)
    assert seats == len(catalogue.POSITIONS)

    # the same seed gives the same companies and codes in another database
    other = create_engine(await databases.new())
    try:
        await migrate.upgrade(other, create_manager(settings_for(url_of(other))))
        await _load_soe_demo(other)
        assert [(o.code, o.name) for o in await _soe_orgs(other)] == [
            (o.code, o.name) for o in orgs
        ]
    finally:
        await other.dispose()
