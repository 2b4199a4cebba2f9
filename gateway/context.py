"""Building the per-request context: bearer token → principal."""

from __future__ import annotations

import base64
import re
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator

import orjson
import pluggy
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from strawberry.extensions import SchemaExtension

from core.auth import tokens
from core.auth.principal import Principal
from core.auth.service import load_principal, on_grants_changed
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


class PrincipalCache:
    """Principals by username for a few seconds (a request saves its principal's statement).

    Dropped at once for an account whose grants change in this process
    (`core.auth.service.grants_changed`); other processes see the change within `ttl`.
    Unknown or inactive accounts are never cached.
    """

    def __init__(self, *, ttl: float = 5.0, maxsize: int = 10_000) -> None:
        self.ttl = ttl
        self.maxsize = maxsize
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def get(self, username: str) -> Principal | None:
        """The cached principal, if still fresh."""
        entry = self._entries.get(username)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > self.ttl:
            del self._entries[username]
            return None
        return entry[1]

    def put(self, username: str, principal: Principal) -> None:
        """Remember a principal just loaded."""
        self._entries[username] = (time.monotonic(), principal)
        self._entries.move_to_end(username)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)

    def forget(self, username: str | None = None) -> None:
        """Drop one account's principal (None: every account's)."""
        if username is None:
            self._entries.clear()
        else:
            self._entries.pop(username, None)


class VerifiedTokens:
    """Tokens whose signature was checked, with their subject, until they expire (bounded):
    a client sending the same bearer token again is not verified again."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, Settings], tuple[str, float]] = OrderedDict()

    def get(self, key: tuple[str, Settings]) -> str | None:
        """The subject of a verified token that has not expired yet."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time.time() >= entry[1]:
            del self._entries[key]
            return None
        return entry[0]

    def put(self, key: tuple[str, Settings], subject: str, expires: float | None) -> None:
        """Remember a token just verified (not when its expiry cannot be read)."""
        if expires is None:
            return
        self._entries[key] = (subject, expires)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)


_verified = VerifiedTokens()


def _expiry(token: str) -> float | None:
    """The `exp` claim of a token whose signature was just verified."""
    try:
        payload = token.split(".")[1]
        claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        expires = claims.get("exp")
    except (IndexError, ValueError, orjson.JSONDecodeError, AttributeError):
        return None
    return float(expires) if isinstance(expires, int | float) else None


_caches: weakref.WeakKeyDictionary[AsyncEngine, PrincipalCache] = weakref.WeakKeyDictionary()


def _forget_everywhere(username: str | None) -> None:
    for cache in list(_caches.values()):
        cache.forget(username)


on_grants_changed(_forget_everywhere)


def principal_cache(engine: AsyncEngine) -> PrincipalCache:
    """The principal cache of a database (one per engine: principals never cross databases)."""
    cache = _caches.get(engine)
    if cache is None:
        cache = _caches[engine] = PrincipalCache()
    return cache


MAX_SUBJECT = 100


def _plausible_subject(username: str) -> bool:
    """A subject that can name an account: printable, valid UTF-8 text, at most 100 chars.

    A signed token may still carry a NUL or a lone surrogate, which no query can hold.
    """
    return (
        0 < len(username) <= MAX_SUBJECT
        and username.isprintable()
        and not any("\ud800" <= ch <= "\udfff" for ch in username)
    )


async def authenticate(
    request: Request, settings: Settings, engine: AsyncEngine
) -> Principal | None:
    """The principal of a request: None without a token, AuthError for a bad one."""
    token = bearer(request)
    if token is None:
        return None
    username = _verified.get((token, settings))
    if username is None:
        try:
            username = tokens.verify(settings=settings, token=token)
        except tokens.TokenError as exc:
            raise AuthError(str(exc)) from exc
        _verified.put((token, settings), username, _expiry(token))
    if not _plausible_subject(username):
        raise AuthError("令牌的主体无效 (invalid token subject)")
    cache = principal_cache(engine)
    principal = cache.get(username)
    if principal is not None:
        return principal
    async with engine.connect() as conn:
        principal = await load_principal(conn=conn, username=username)
    if principal is None:
        raise AuthError(f"账号不存在或已停用: {username}")
    cache.put(username, principal)
    return principal


class ReleaseConnection(SchemaExtension):
    """Returns the request's read connection to the pool when an operation ends."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, RequestContext):
                await context.release()


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
        compiled_reads=settings.compiled_reads and engine.dialect.name == "postgresql",
    )
