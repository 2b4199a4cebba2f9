"""The trail of one record: scoped per entity type, paged, empty when not visible."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit import scopes
from core.audit.trail import trail
from core.auth.principal import Principal
from core.auth.service import load_principal
from core.db import session_factory
from core.graphql import ids
from core.orgs import staffing
from core.orgs.models import OrgCategory, Person, Position
from tests.core.audit.helpers import append_events


async def principal(engine: AsyncEngine, username: str) -> Principal:
    async with engine.connect() as conn:
        found = await load_principal(conn=conn, username=username)
    assert found is not None
    return found


async def assign_two(engine: AsyncEngine) -> tuple[int, int]:
    """A secretary in 北山街道 (xihu's subtree) and one in 清波街道 (outside it)."""
    admin = await principal(engine, "admin")
    async with session_factory(engine).begin() as session:
        street = (
            await session.execute(select(OrgCategory.id).where(OrgCategory.code == "STREET"))
        ).scalar_one()
        session.add(Position(code="street-secretary", name="街道书记", category_id=street))
        session.add_all([Person(code="p1", name="张三"), Person(code="p2", name="李四")])
        await session.flush()
        inside, outside = [
            await staffing.assign(
                session=session,
                principal=admin,
                person_code=person,
                position_code="street-secretary",
                organization_code=org,
                since=dt.date(2026, 1, 1),
            )
            for person, org in [("p1", "330106001"), ("p2", "330102001")]
        ]
    return inside.id, outside.id


async def test_assignment_trails_follow_the_organisation_scope(minimal: AsyncEngine) -> None:
    inside, outside = await assign_two(minimal)
    xihu = await principal(minimal, "xihu")
    async with minimal.connect() as conn:
        own, own_total = await trail(
            conn=conn,
            principal=xihu,
            entity_id=ids.encode("Assignment", inside),
            offset=0,
            limit=50,
        )
        foreign = await trail(
            conn=conn,
            principal=xihu,
            entity_id=ids.encode("Assignment", outside),
            offset=0,
            limit=50,
        )
    assert own_total == 1 and own[0].action == "assignment.create"
    assert own[0].changes["organization"] == [None, "330106001"]
    assert own[0].entity_id == ids.encode("Assignment", inside)
    assert foreign == ([], 0)


async def test_pages_are_in_seq_order(minimal: AsyncEngine) -> None:
    await append_events(minimal, 5, entity_id="4")
    admin = await principal(minimal, "admin")
    org = ids.encode("Organization", 4)
    async with minimal.connect() as conn:
        first, total = await trail(conn=conn, principal=admin, entity_id=org, offset=0, limit=2)
        rest, _ = await trail(conn=conn, principal=admin, entity_id=org, offset=2, limit=2)
    assert total == 5
    assert [e.seq for e in first] == [1, 2, 3]  # limit + 1 rows: the page helper trims
    assert [e.seq for e in rest] == [3, 4, 5]
    assert first[0].actor is not None and first[0].actor.username == "admin"
    assert first[0].at.tzinfo is not None


async def test_an_entity_type_without_a_scope_check_has_no_trail(minimal: AsyncEngine) -> None:
    admin = await principal(minimal, "admin")
    async with minimal.connect() as conn:
        assert not await scopes.entity_visible(
            conn=conn, principal=admin, entity_type="Unknown", key="1"
        )
        assert await trail(
            conn=conn, principal=admin, entity_id=ids.encode("Unknown", 1), offset=0, limit=5
        ) == ([], 0)
