"""Building the per-request context: bearer token → principal."""

from __future__ import annotations

import re
import uuid

import pluggy
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request

from core.auth import tokens
from core.auth.principal import Principal
from core.auth.service import load_principal
from core.config import Settings
from core.graphql.context import RequestContext

SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")  # anything else could forge log lines


class AuthError(Exception):
    """A bearer token was sent but is not valid (the request gets a 401)."""


def bearer(request: Request) -> str | None:
    """The bearer token of a request, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(
    request: Request, settings: Settings, engine: AsyncEngine
) -> Principal | None:
    """The principal of a request: None without a token, AuthError for a bad one."""
    token = bearer(request)
    if token is None:
        return None
    try:
        username = tokens.verify(settings=settings, token=token)
    except tokens.TokenError as exc:
        raise AuthError(str(exc)) from exc
    async with engine.connect() as conn:
        principal = await load_principal(conn=conn, username=username)
    if principal is None:
        raise AuthError(f"账号不存在或已停用: {username}")
    return principal


def build_context(
    *,
    request: Request,
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    pm: pluggy.PluginManager,
    principal: Principal | None,
) -> RequestContext:
    """A fresh context for one request."""
    offered = request.headers.get("x-request-id", "")
    request_id = offered if SAFE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    return RequestContext(
        engine=engine,
        sessions=sessions,
        settings=settings,
        pm=pm,
        principal=principal,
        request_id=request_id,
    )
