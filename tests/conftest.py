"""Shared fixtures: every database test runs on SQLite and, when configured, PostgreSQL.

PostgreSQL runs when DUTYGRAPH_TEST_DATABASE_URL is set (any database on the server: tests
create and drop their own). With CI=true it is mandatory: unreachable means failure.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core import migrate
from core.auth import tokens
from core.config import Settings
from core.db import create_engine, reset_sequences, session_factory
from core.plugins import create_manager
from gateway.app import Runtime, create_app, create_runtime

PG_ENV = "DUTYGRAPH_TEST_DATABASE_URL"
IN_CI = os.environ.get("CI", "").lower() == "true"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def backends() -> list[Any]:
    """SQLite always; PostgreSQL when configured (mandatory under CI)."""
    params: list[Any] = ["sqlite"]
    if os.environ.get(PG_ENV) or IN_CI:
        params.append("postgresql")
    else:
        params.append(
            pytest.param("postgresql", marks=pytest.mark.skip(reason=f"{PG_ENV} not set"))
        )
    return params


def city_today() -> dt.date:
    """Today in the city's time zone: what the server calls today (it differs from the
    machine's UTC date for eight hours of every day)."""
    return dt.datetime.now(ZoneInfo(Settings.timezone)).date()


def shared_dir() -> Path:
    """../shared, or a clean skip when absent (never under CI)."""
    if not SHARED.is_dir():
        if IN_CI:
            pytest.fail(f"{SHARED} is missing under CI")
        pytest.skip("../shared is not present in this checkout")
    return SHARED


async def _create_pg_database(server_url: str, template: str | None = None) -> str:
    url = make_url(server_url)
    name = f"dutygraph_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at {url.render_as_string()} is unreachable: {exc}")
    finally:
        await admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(db_url: str) -> None:
    url = make_url(db_url)
    admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    await admin.dispose()


class Databases:
    """Creates and drops throw-away databases of one backend."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend = backend
        self.tmp = tmp
        self.created: list[str] = []

    async def new(self) -> str:
        if self.backend == "sqlite":
            url = f"sqlite+aiosqlite:///{self.tmp / (uuid.uuid4().hex + '.db')}"
        else:
            server = (
                os.environ.get(PG_ENV) or "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
            )
            url = await _create_pg_database(server)
        self.created.append(url)
        return url

    async def clone(self, template: str) -> str:
        """A new database holding a copy of the template's (which nobody may be using)."""
        if self.backend == "sqlite":
            source = Path(make_url(template).database or "")
            target = self.tmp / (uuid.uuid4().hex + ".db")
            shutil.copyfile(source, target)
            url = f"sqlite+aiosqlite:///{target}"
        else:
            url = await _create_pg_database(
                template, template=make_url(template).database or "postgres"
            )
        self.created.append(url)
        return url

    async def drop_all(self) -> None:
        for url in self.created:
            if url.startswith("postgresql"):
                await _drop_pg_database(url)


@pytest.fixture(scope="session", params=backends())
async def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Databases]:
    dbs = Databases(request.param, tmp_path_factory.mktemp(request.param))
    yield dbs
    await dbs.drop_all()


def settings_for(url: str, **overrides: Any) -> Settings:
    """Test settings for a database URL.

    Rate limits are off unless a test turns them on: suites that send hundreds of requests
    as one account (the leak test) would otherwise test the limiter instead of their subject;
    tests/gateway/test_ratelimit.py covers the limiter with it on.
    """
    overrides.setdefault("rate_limit_enabled", False)
    return Settings(database_url=url, **overrides)


def production_settings(url: str, **overrides: Any) -> Settings:
    """Test settings of a production deployment: its own secrets, a JWKS URL, an audit key."""
    overrides.setdefault("jwt_secret", "test-production-secret-" + "x" * 32)
    overrides.setdefault("jwt_jwks_url", "http://127.0.0.1:9/jwks.json")
    overrides.setdefault("audit_key", "test-audit-key-" + "k" * 32)
    return settings_for(url, env="production", **overrides)


@pytest.fixture
async def engine(databases: Databases) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty, fully migrated database (function scope)."""
    url = await databases.new()
    eng = create_engine(url)
    await migrate.upgrade(eng, create_manager(settings_for(url)))
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
async def demo_template(databases: Databases) -> str:
    """A migrated database holding the demo city, never used itself: `fresh` copies it."""
    from core.demo.loader import load_demo

    url = await databases.new()
    eng = create_engine(url)
    try:
        pm = create_manager(settings_for(url))
        await migrate.upgrade(eng, pm)
        await load_demo(engine=eng, pm=pm, scale=1)
    finally:
        await eng.dispose()  # a template must have no connections
    return url


@pytest.fixture(scope="session")
async def demo_runtime(databases: Databases, demo_template: str) -> AsyncIterator[Runtime]:
    """A migrated database holding the demo city (scale 1), shared by read-only tests."""
    url = await databases.clone(demo_template)
    runtime = create_runtime(settings_for(url))
    yield runtime
    await runtime.engine.dispose()


def token_for(runtime: Runtime, username: str) -> str:
    """A development bearer token for a demo account."""
    return tokens.mint(settings=runtime.settings, username=username)


GQL = Callable[..., Awaitable[dict[str, Any]]]


def make_gql(client: httpx.AsyncClient, runtime: Runtime) -> GQL:
    """A helper posting GraphQL as a given user; returns the decoded JSON body."""

    async def gql(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: str | None = "admin",
        status: int = 200,
        operation: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token_for(runtime, user)}"} if user else {}
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation:
            body["operationName"] = operation
        response = await client.post("/graphql", json=body, headers=headers)
        assert response.status_code == status, response.text
        result: dict[str, Any] = response.json()
        return result

    return gql


@pytest.fixture(scope="session")
async def demo_client(demo_runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the demo city's gateway (ASGI, no network)."""
    app = create_app(demo_runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture(scope="session")
def gql(demo_client: httpx.AsyncClient, demo_runtime: Runtime) -> GQL:
    """Post GraphQL to the demo city: `await gql(query, variables, user="xihu")`."""
    return make_gql(demo_client, demo_runtime)


@pytest.fixture
async def fresh(databases: Databases, demo_template: str) -> AsyncIterator[tuple[Runtime, GQL]]:
    """A runtime + gql helper on a fresh copy of the demo city's database (for writes)."""
    url = await databases.clone(demo_template)
    eng = create_engine(url)
    runtime = create_runtime(settings_for(url), engine=eng)
    transport = httpx.ASGITransport(app=create_app(runtime))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield runtime, make_gql(client, runtime)
    finally:
        await eng.dispose()


MINIMAL_ORGS = [
    # id, code, name, category, parent
    (1, "330100", "杭州市", "CITY", None),
    (2, "330106", "西湖区", "DISTRICT", 1),
    (3, "330102", "上城区", "DISTRICT", 1),
    (4, "330106001", "北山街道", "STREET", 2),
    (5, "330102001", "清波街道", "STREET", 3),
]


async def seed_minimal(engine: AsyncEngine) -> None:
    """A five-organisation city with `admin` (everything) and `xihu` (330106 subtree)."""
    from sqlalchemy import insert

    from core.auth.models import Account, AccountGrant
    from core.orgs.models import Organization, OrgCategory, OrgClosure

    categories = ["CITY", "DISTRICT", "STREET", "COMMUNITY", "PUBLIC_INSTITUTION"]
    parents = {org[0]: org[4] for org in MINIMAL_ORGS}
    closure = []
    for org_id, *_ in MINIMAL_ORGS:
        node: int | None = org_id
        distance = 0
        while node is not None:
            closure.append({"ancestor_id": node, "descendant_id": org_id, "distance": distance})
            node, distance = parents[node], distance + 1
    async with engine.begin() as conn:
        existing = {
            row.code: row.id
            for row in await conn.execute(text("SELECT id, code FROM org_category"))
        }
        for i, code in enumerate(categories):
            if code not in existing:
                result = await conn.execute(
                    insert(OrgCategory).values(code=code, name=code, name_en=code, sort_order=i)
                )
                existing[code] = result.inserted_primary_key[0]
        await conn.execute(
            insert(Organization),
            [
                {
                    "id": org_id,
                    "code": code,
                    "name": name,
                    "category_id": existing[category],
                    "sector_id": None,
                    "parent_id": parent,
                    "depth": 0 if parent is None else (1 if parent == 1 else 2),
                    "version": 1,
                }
                for org_id, code, name, category, parent in MINIMAL_ORGS
            ],
        )
        await conn.execute(insert(OrgClosure), closure)
        await conn.execute(
            insert(Account),
            [
                {"id": 1, "username": "admin", "person_id": None, "active": True},
                {"id": 2, "username": "xihu", "person_id": None, "active": True},
            ],
        )
        await conn.execute(
            insert(AccountGrant),
            [
                {"account_id": 1, "role": "CITY_ADMIN", "organization_id": None, "sector_id": None},
                {"account_id": 2, "role": "ORG_MANAGER", "organization_id": 2, "sector_id": None},
            ],
        )
        await reset_sequences(conn)


@pytest.fixture
async def minimal(engine: AsyncEngine) -> AsyncEngine:
    """An engine on a fresh migrated database holding the minimal five-organisation city."""
    await seed_minimal(engine)
    return engine


def client_for(runtime: Runtime) -> httpx.AsyncClient:
    """An HTTP client on a runtime's app (ASGI, no network)."""
    transport = httpx.ASGITransport(app=create_app(runtime))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


__all__ = [
    "GQL",
    "client_for",
    "production_settings",
    "seed_minimal",
    "session_factory",
    "settings_for",
    "shared_dir",
    "token_for",
]
