"""Bearer JWTs: HS256 in development, RS256/ES256 against the city's JWKS in production."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt

from core.config import Settings

ASYMMETRIC = ["RS256", "ES256"]


class TokenError(Exception):
    """The bearer token is missing, malformed, expired or not trusted."""


def mint(*, settings: Settings, username: str, ttl_seconds: int | None = None) -> str:
    """A development token (HS256) for a username; refused in production."""
    if settings.production:
        raise TokenError("生产环境不签发开发令牌 (tokens come from the city's single sign-on)")
    now = dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {
        "sub": username,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + dt.timedelta(seconds=ttl_seconds or settings.jwt_ttl_seconds),
    }
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


_jwks_clients: dict[str, jwt.PyJWKClient] = {}


def _jwks_key(settings: Settings, token: str) -> Any:
    url = settings.jwt_jwks_url
    if url is None:
        raise TokenError("未配置 DUTYGRAPH_JWT_JWKS_URL，无法验证令牌")
    client = _jwks_clients.setdefault(url, jwt.PyJWKClient(url, cache_keys=True))
    try:
        return client.get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientError as exc:
        raise TokenError(f"无法取得签名密钥: {exc}") from exc


def verify(*, settings: Settings, token: str) -> str:
    """The username (`sub`) of a valid token; TokenError otherwise."""
    options: Any = {"require": ["exp", "sub", "iss"]}
    try:
        if settings.production or settings.jwt_jwks_url:
            key = _jwks_key(settings, token)
            claims = jwt.decode(
                token,
                key,
                algorithms=ASYMMETRIC,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                options=options,
            )
        else:
            claims = jwt.decode(
                token,
                settings.jwt_secret,
                algorithms=["HS256"],
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                options=options,
            )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("令牌已过期 (token expired)") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError(f"令牌无效 (invalid token): {exc}") from exc
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise TokenError("令牌缺少 sub")
    return subject
