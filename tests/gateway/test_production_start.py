"""Production refuses to start with a default or missing secret, naming each one."""

from __future__ import annotations

import itertools

import pytest
from typer.testing import CliRunner

from core.config import DEV_SECRET, ConfigError, Settings, from_env, production_problems
from gateway.app import create_runtime
from gateway.cli import app

GOOD = {
    "jwt_secret": "s" * 40,
    "jwt_jwks_url": "https://sso.example.org/certs",
    "audit_key": "k" * 40,
}
MISSING = {"jwt_secret": DEV_SECRET, "jwt_jwks_url": None, "audit_key": None}
NAMES = {
    "jwt_secret": "DUTYGRAPH_JWT_SECRET",
    "jwt_jwks_url": "DUTYGRAPH_JWT_JWKS_URL",
    "audit_key": "DUTYGRAPH_AUDIT_KEY",
}
COMBINATIONS = [set(chosen) for n in range(4) for chosen in itertools.combinations(sorted(GOOD), n)]


@pytest.mark.parametrize("bad", COMBINATIONS, ids=lambda bad: "+".join(sorted(bad)) or "none")
def test_each_missing_secret_is_named(bad: set[str]) -> None:
    values = {key: MISSING[key] if key in bad else GOOD[key] for key in GOOD}
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", env="production", **values)
    problems = production_problems(settings)
    assert len(problems) == len(bad)
    for key in bad:
        assert any(NAMES[key] in problem for problem in problems)
    if bad:
        with pytest.raises(ConfigError) as refused:
            create_runtime(settings)
        for key in bad:
            assert NAMES[key] in str(refused.value)
    assert production_problems(Settings(**values)) == []  # development starts anyway


def test_serve_exits_with_the_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    from core import config

    monkeypatch.setenv("DUTYGRAPH_ENV", "production")
    for name in NAMES.values():
        monkeypatch.delenv(name, raising=False)
    config.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
    finally:
        config.get_settings.cache_clear()
    assert result.exit_code == 1
    for name in NAMES.values():
        assert name in result.output
    assert from_env({"DUTYGRAPH_ENV": "production"}).production


def test_graphql_offers_no_websocket_upgrade() -> None:
    """No subscriptions and no websocket library: the app must not advertise an upgrade."""
    from starlette.routing import WebSocketRoute

    from gateway.app import create_app

    runtime = create_runtime(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    routes = create_app(runtime).routes
    assert not [r for r in routes if isinstance(r, WebSocketRoute)]
    assert runtime.schema._schema.subscription_type is None
