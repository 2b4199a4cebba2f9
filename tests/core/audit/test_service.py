"""Appending to the chain: linked hashes, serialised writers, rollback, the append-only guard."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import orjson
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit import service as audit
from core.audit.models import AuditEvent
from core.audit.verify import walk
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import session_factory
from core.graphql.context import RequestContext
from core.graphql.errors import ErrorCode, ServiceError
from core.graphql.mutations import transact
from core.orgs import tree
from core.plugins import create_manager
from tests.conftest import settings_for
from tests.core.audit.helpers import append_events

ADMIN = Principal(
    account_id=1,
    username="admin",
    person_id=None,
    permissions=frozenset(Permission),
    everything=True,
)


async def events(engine: AsyncEngine) -> list[AuditEvent]:
    async with session_factory(engine)() as session:
        return list((await session.execute(select(AuditEvent).order_by(AuditEvent.seq))).scalars())


async def test_events_link_by_hash_and_verify(engine: AsyncEngine) -> None:
    await append_events(engine, 3)
    chain = await events(engine)
    assert [e.seq for e in chain] == [1, 2, 3]
    assert chain[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert orjson.loads(chain[2].changes) == {"name": ["名称2", "名称3"]}
    assert chain[0].at.tzinfo is not None or engine.dialect.name == "sqlite"
    async with engine.connect() as conn:
        outcome = await walk(conn=conn)
    assert outcome.ok and outcome.events == 3 and outcome.head_hash == chain[2].hash


async def test_hash_is_sha256_of_prev_hash_and_canonical_json(engine: AsyncEngine) -> None:
    """The documented form (docs/audit.md), recomputed by hand as an auditor would."""
    await append_events(engine, 1)
    (event,) = await events(engine)
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
    body = (
        '{"action":"organization.update","actor":"admin","at":"' + at.isoformat() + '",'
        '"changes":{"name":["名称0","名称1"]},"entity_id":"2","entity_type":"Organization",'
        '"seq":1}'
    )
    expected = hashlib.sha256(("0" * 64 + body).encode()).hexdigest()
    assert event.hash == expected


async def test_concurrent_writers_never_fork_the_chain(engine: AsyncEngine) -> None:
    """Twenty transactions appending at once (no earlier write): seq 1..20, one chain."""
    sessions = session_factory(engine)

    async def one(i: int) -> None:
        async with sessions.begin() as session:
            await session.execute(select(AuditEvent.seq).limit(1))  # a read before the append
            await audit.append(
                session=session,
                actor_id=1,
                actor_username="admin",
                action="test.concurrent",
                entity_type="Organization",
                entity_id=str(i),
                changes={"i": [None, i]},
            )
            await asyncio.sleep(0.01)  # hold the transaction open: others must wait

    await asyncio.gather(*(one(i) for i in range(20)))
    chain = await events(engine)
    assert [e.seq for e in chain] == list(range(1, 21))
    assert sorted(e.entity_id for e in chain) == sorted(str(i) for i in range(20))
    async with engine.connect() as conn:
        assert (await walk(conn=conn)).ok


async def test_a_rolled_back_mutation_leaves_no_event(minimal: AsyncEngine) -> None:
    url = minimal.url.render_as_string(hide_password=False)
    settings = settings_for(url)
    ctx = RequestContext(
        engine=minimal,
        sessions=session_factory(minimal),
        settings=settings,
        pm=create_manager(settings),
        principal=ADMIN,
        request_id="test",
    )

    async def rename_then_fail(session: object) -> None:
        await tree.update_org(
            session=session,  # type: ignore[arg-type]
            principal=ADMIN,
            org_id=2,
            expected_version=1,
            name="西湖区（改）",
        )
        raise ServiceError(ErrorCode.INVALID, "后续校验失败")  # after the audit append

    result, errors = await transact(ctx, rename_then_fail)  # type: ignore[arg-type]
    assert result is None and errors[0].code == ErrorCode.INVALID
    assert await events(minimal) == []
    async with minimal.connect() as conn:
        name, version = (
            await conn.execute(text("SELECT name, version FROM organization WHERE id = 2"))
        ).one()
    assert (name, version) == ("西湖区", 1)


async def test_the_guard_forbids_update_and_delete(engine: AsyncEngine) -> None:
    await append_events(engine, 2)
    for statement in [
        "UPDATE audit_event SET changes = '{}' WHERE seq = 1",
        "DELETE FROM audit_event WHERE seq = 2",
        "DELETE FROM audit_event",
    ]:
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text(statement))
    assert [e.seq for e in await events(engine)] == [1, 2]


async def test_the_guard_forbids_truncate_on_postgresql(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE FROM is guarded, see above)")
    await append_events(engine, 1)
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text("TRUNCATE audit_event"))
    assert len(await events(engine)) == 1


async def test_an_auditor_can_reverify_with_the_standard_library(minimal: AsyncEngine) -> None:
    """The recipe of docs/audit.md, with json instead of orjson, over real mutations."""
    import json

    async with session_factory(minimal).begin() as session:
        await tree.update_org(
            session=session, principal=ADMIN, org_id=2, expected_version=1, name='西湖区 "新"\n'
        )
        await tree.create(
            session=session,
            principal=ADMIN,
            code="330106999",
            name="测试街道",
            category_code="STREET",
            parent_id=2,
        )
    async with minimal.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT seq, at, actor_username, action, entity_type, entity_id, changes,"
                    " prev_hash, hash FROM audit_event ORDER BY seq"
                )
            )
        ).all()
    assert len(rows) == 2
    prev = "0" * 64
    for seq, at, actor, action, etype, eid, changes, prev_hash, stored in rows:
        if isinstance(at, str):  # raw SQLite text
            at = dt.datetime.fromisoformat(at)
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        body = {
            "seq": seq,
            "at": at.astimezone(dt.UTC).isoformat(),
            "actor": actor,
            "action": action,
            "entity_type": etype,
            "entity_id": eid,
            "changes": json.loads(changes),
        }
        canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert prev_hash == prev
        assert hashlib.sha256((prev + canon).encode()).hexdigest() == stored
        prev = stored
