"""Settings from DUTYGRAPH_* environment variables: one typed, frozen object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./dutygraph.db"
DEV_SECRET = "dutygraph-development-secret-change-me-in-production"


def _csv(value: str | None) -> tuple[str, ...] | None:
    if value is None or value.strip() == "":
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once from the environment."""

    database_url: str = DEFAULT_DATABASE_URL
    env: str = "development"
    jwt_secret: str = DEV_SECRET
    jwt_issuer: str = "dutygraph"
    jwt_audience: str | None = None
    jwt_jwks_url: str | None = None
    jwt_ttl_seconds: int = 8 * 3600
    plugins_allow: tuple[str, ...] | None = None
    plugins_deny: tuple[str, ...] = field(default_factory=tuple)
    timezone: str = "Asia/Shanghai"
    sql_echo: bool = False

    @property
    def production(self) -> bool:
        """True when running as the production service (no GraphiQL, RS/ES tokens only)."""
        return self.env == "production"


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from an environment mapping (os.environ by default)."""
    env = dict(os.environ if environ is None else environ)
    return Settings(
        database_url=env.get("DUTYGRAPH_DATABASE_URL", DEFAULT_DATABASE_URL),
        env=env.get("DUTYGRAPH_ENV", "development"),
        jwt_secret=env.get("DUTYGRAPH_JWT_SECRET", DEV_SECRET),
        jwt_issuer=env.get("DUTYGRAPH_JWT_ISSUER", "dutygraph"),
        jwt_audience=env.get("DUTYGRAPH_JWT_AUDIENCE") or None,
        jwt_jwks_url=env.get("DUTYGRAPH_JWT_JWKS_URL") or None,
        jwt_ttl_seconds=int(env.get("DUTYGRAPH_JWT_TTL_SECONDS", str(8 * 3600))),
        plugins_allow=_csv(env.get("DUTYGRAPH_PLUGINS_ALLOW")),
        plugins_deny=_csv(env.get("DUTYGRAPH_PLUGINS_DENY")) or (),
        timezone=env.get("DUTYGRAPH_TIMEZONE", "Asia/Shanghai"),
        sql_echo=env.get("DUTYGRAPH_SQL_ECHO", "") in {"1", "true", "yes"},
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return from_env()
