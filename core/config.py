"""Settings from DUTYGRAPH_* environment variables: one typed, frozen object."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache

from core.clock import DEFAULT_TIMEZONE

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./dutygraph.db"
DEV_SECRET = "dutygraph-development-secret-change-me-in-production"


class ConfigError(RuntimeError):
    """A setting is missing or invalid for this environment."""


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
    timezone: str = DEFAULT_TIMEZONE
    sql_echo: bool = False
    escalate_after_days: int = 7
    redis_url: str | None = None
    redis_prefix: str = "dutygraph:"
    rate_limit_enabled: bool = True
    rate_limit_capacity: int = 3_000
    rate_limit_refill_per_second: float = 60.0
    idempotency_ttl_seconds: int = 24 * 3600
    audit_key: str | None = None
    audit_checkpoint_file: str | None = None
    max_query_depth: int = 10
    max_query_aliases: int = 15
    max_query_tokens: int = 2_000
    max_query_cost: int = 3_000
    max_query_nodes: int = 50_000
    graphql_cache_size: int = 512
    graphql_get_queries: bool = True
    compiled_reads: bool = True
    rating_limit_capacity: int = 30
    rating_limit_per_hour: float = 30.0
    spot_check_exclude_months: int = 6
    """A spot check leaves out organisations drawn in the last N months (0: none)."""
    max_body_bytes: int = 1024 * 1024

    @property
    def production(self) -> bool:
        """True when running as the production service (no GraphiQL, RS/ES tokens only)."""
        return self.env == "production"

    def audit_signing_key(self) -> bytes:
        """The HMAC key of audit checkpoints: DUTYGRAPH_AUDIT_KEY (required in production).

        In development it is derived from the JWT secret so checkpoints work out of the box.
        """
        if self.audit_key:
            return self.audit_key.encode()
        if self.production:
            raise ConfigError("DUTYGRAPH_AUDIT_KEY must be set in production")
        return hashlib.sha256(b"dutygraph-audit-key:" + self.jwt_secret.encode()).digest()


def production_problems(settings: Settings) -> list[str]:
    """What keeps these settings from serving production (empty outside production)."""
    if not settings.production:
        return []
    problems = []
    if settings.jwt_secret == DEV_SECRET:
        problems.append(
            "DUTYGRAPH_JWT_SECRET 仍是开发用的默认值：请设置自己的密钥 "
            "(the JWT secret is the development default)"
        )
    if not settings.jwt_jwks_url:
        problems.append(
            "DUTYGRAPH_JWT_JWKS_URL 未设置：生产环境的令牌须由身份提供方签发 "
            "(no JWKS URL: production tokens come from the identity provider)"
        )
    if not settings.audit_key:
        problems.append(
            "DUTYGRAPH_AUDIT_KEY 未设置：审计检查点无法签名 "
            "(no audit checkpoint key: checkpoints cannot be signed)"
        )
    return problems


def require_production_ready(settings: Settings) -> None:
    """ConfigError naming every missing or default secret when running as production."""
    problems = production_problems(settings)
    if problems:
        raise ConfigError(
            "生产环境配置不完整，拒绝启动 (refusing to start in production):\n"
            + "\n".join(f"- {p}" for p in problems)
        )


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
        timezone=env.get("DUTYGRAPH_TIMEZONE", DEFAULT_TIMEZONE),
        sql_echo=env.get("DUTYGRAPH_SQL_ECHO", "") in {"1", "true", "yes"},
        escalate_after_days=int(env.get("DUTYGRAPH_ESCALATE_AFTER_DAYS", "7")),
        redis_url=env.get("DUTYGRAPH_REDIS_URL") or None,
        redis_prefix=env.get("DUTYGRAPH_REDIS_PREFIX", "dutygraph:"),
        rate_limit_enabled=env.get("DUTYGRAPH_RATE_LIMIT_ENABLED", "true").lower()
        not in {"0", "false", "no", "off"},
        rate_limit_capacity=int(env.get("DUTYGRAPH_RATE_LIMIT_CAPACITY", "3000")),
        rate_limit_refill_per_second=float(env.get("DUTYGRAPH_RATE_LIMIT_REFILL_PER_SECOND", "60")),
        idempotency_ttl_seconds=int(env.get("DUTYGRAPH_IDEMPOTENCY_TTL_SECONDS", str(24 * 3600))),
        audit_key=env.get("DUTYGRAPH_AUDIT_KEY") or None,
        audit_checkpoint_file=env.get("DUTYGRAPH_AUDIT_CHECKPOINT_FILE") or None,
        max_query_depth=int(env.get("DUTYGRAPH_MAX_QUERY_DEPTH", "10")),
        max_query_aliases=int(env.get("DUTYGRAPH_MAX_QUERY_ALIASES", "15")),
        max_query_tokens=int(env.get("DUTYGRAPH_MAX_QUERY_TOKENS", "2000")),
        max_query_cost=int(env.get("DUTYGRAPH_MAX_QUERY_COST", "3000")),
        max_query_nodes=int(env.get("DUTYGRAPH_MAX_QUERY_NODES", "50000")),
        graphql_cache_size=int(env.get("DUTYGRAPH_GRAPHQL_CACHE_SIZE", "512")),
        graphql_get_queries=env.get("DUTYGRAPH_GRAPHQL_GET_QUERIES", "true").lower()
        not in {"0", "false", "no", "off"},
        compiled_reads=env.get("DUTYGRAPH_COMPILED_READS", "true").lower()
        not in {"0", "false", "no", "off"},
        rating_limit_capacity=int(env.get("DUTYGRAPH_RATING_LIMIT_CAPACITY", "30")),
        rating_limit_per_hour=float(env.get("DUTYGRAPH_RATING_LIMIT_PER_HOUR", "30")),
        spot_check_exclude_months=int(env.get("DUTYGRAPH_SPOT_CHECK_EXCLUDE_MONTHS", "6")),
        max_body_bytes=int(env.get("DUTYGRAPH_MAX_BODY_BYTES", str(1024 * 1024))),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return from_env()
