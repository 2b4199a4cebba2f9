"""The HTTP edge: health, readiness, authentication, GraphiQL."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from core.config import Settings
from core.db import create_engine
from gateway.app import create_app, create_runtime
from tests.conftest import Databases, client_for, production_settings, settings_for, token_for


def url_of(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def test_healthz_and_readyz_when_migrated(minimal: AsyncEngine) -> None:
    runtime = create_runtime(settings_for(url_of(minimal)), engine=minimal)
    async with client_for(runtime) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


async def test_readyz_503_when_not_migrated(databases: Databases) -> None:
    url = await databases.new()
    runtime = create_runtime(settings_for(url))
    async with client_for(runtime) as client:
        response = await client.get("/readyz")
        assert (await client.get("/healthz")).status_code == 200
    await runtime.engine.dispose()
    assert response.status_code == 503
    assert "not migrated" in response.json()["reason"]


async def test_readyz_503_when_database_unreachable() -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"
    runtime = create_runtime(Settings(database_url=url), engine=create_engine(url))
    async with client_for(runtime) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert "unreachable" in response.json()["reason"]


async def test_request_without_token_is_unauthenticated(minimal: AsyncEngine) -> None:
    runtime = create_runtime(settings_for(url_of(minimal)), engine=minimal)
    async with client_for(runtime) as client:
        response = await client.post("/graphql", json={"query": "{ viewer { username } }"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_bad_or_foreign_token_is_401(minimal: AsyncEngine) -> None:
    runtime = create_runtime(settings_for(url_of(minimal)), engine=minimal)
    other = Settings(
        database_url=url_of(minimal), jwt_secret="another-secret-that-is-long-enough-for-hs256"
    )
    forged = token_for(create_runtime(other, engine=minimal), "admin")
    async with client_for(runtime) as client:
        for token in ["garbage", forged]:
            response = await client.post(
                "/graphql",
                json={"query": "{ viewer { username } }"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 401
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_token_for_unknown_account_is_401(minimal: AsyncEngine) -> None:
    runtime = create_runtime(settings_for(url_of(minimal)), engine=minimal)
    async with client_for(runtime) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ viewer { username } }"},
            headers={"Authorization": f"Bearer {token_for(runtime, 'ghost')}"},
        )
    assert response.status_code == 401
    assert "ghost" in response.json()["errors"][0]["message"]


async def test_viewer_with_valid_token(minimal: AsyncEngine) -> None:
    runtime = create_runtime(settings_for(url_of(minimal)), engine=minimal)
    async with client_for(runtime) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ viewer { username permissions } }"},
            headers={"Authorization": f"Bearer {token_for(runtime, 'xihu')}"},
        )
    viewer = response.json()["data"]["viewer"]
    assert viewer["username"] == "xihu"
    assert "orgs.manage" in viewer["permissions"] and "plugins.manage" not in viewer["permissions"]


async def test_graphiql_in_development_not_in_production(minimal: AsyncEngine) -> None:
    dev = create_runtime(settings_for(url_of(minimal)), engine=minimal)
    prod = create_runtime(production_settings(url_of(minimal)), engine=minimal)
    headers = {"Accept": "text/html"}
    async with client_for(dev) as client:
        page = await client.get("/graphql", headers=headers)
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    transport = httpx.ASGITransport(app=create_app(prod))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        page = await client.get("/graphql", headers=headers)
    assert "graphiql" not in page.text.lower()
