"""Bearer tokens: HS256 for development, RS256/ES256 against a JWKS in production."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from core.auth import tokens
from core.config import Settings

SECRET = "a-test-secret-that-is-long-enough-for-hs256-signing"


def test_minted_token_verifies_to_its_username() -> None:
    settings = Settings(jwt_secret=SECRET)
    assert (
        tokens.verify(settings=settings, token=tokens.mint(settings=settings, username="xihu"))
        == "xihu"
    )


def test_expired_token_is_refused() -> None:
    settings = Settings(jwt_secret=SECRET)
    token = tokens.mint(settings=settings, username="xihu", ttl_seconds=-10)
    with pytest.raises(tokens.TokenError, match="过期"):
        tokens.verify(settings=settings, token=token)


def test_wrong_issuer_or_secret_is_refused() -> None:
    settings = Settings(jwt_secret=SECRET)
    other_issuer = tokens.mint(
        settings=Settings(jwt_secret=SECRET, jwt_issuer="evil"), username="a"
    )
    other_secret = tokens.mint(settings=Settings(jwt_secret=SECRET + "x"), username="a")
    for token in (other_issuer, other_secret, "not-a-token"):
        with pytest.raises(tokens.TokenError):
            tokens.verify(settings=settings, token=token)


def test_alg_none_is_refused() -> None:
    settings = Settings(jwt_secret=SECRET)
    now = dt.datetime.now(dt.UTC)
    unsigned = jwt.encode(
        {"sub": "admin", "iss": "dutygraph", "exp": now + dt.timedelta(hours=1)},
        key=None,
        algorithm="none",
    )
    with pytest.raises(tokens.TokenError):
        tokens.verify(settings=settings, token=unsigned)


def test_production_does_not_mint() -> None:
    with pytest.raises(tokens.TokenError):
        tokens.mint(settings=Settings(env="production"), username="admin")


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, dict[str, Any]]]:
    """A JWKS endpoint on loopback serving one RSA and one EC public key."""
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    keys = []
    for kid, key, alg in (("rsa-1", rsa_key, "RS256"), ("ec-1", ec_key, "ES256")):
        jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
        keys.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})
    body = json.dumps({"keys": keys}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json", {"rsa-1": rsa_key, "ec-1": ec_key}
    server.shutdown()


@pytest.mark.parametrize(("kid", "alg"), [("rsa-1", "RS256"), ("ec-1", "ES256")])
def test_production_verifies_against_jwks(
    jwks_server: tuple[str, dict[str, Any]], kid: str, alg: str
) -> None:
    url, keys = jwks_server
    settings = Settings(
        env="production", jwt_jwks_url=url, jwt_issuer="https://sso.hangzhou.example"
    )
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": "admin",
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + dt.timedelta(minutes=5),
    }
    token = jwt.encode(claims, keys[kid], algorithm=alg, headers={"kid": kid})
    assert tokens.verify(settings=settings, token=token) == "admin"
    # an HS256 token signed with the (public) dev secret is never accepted in production
    with pytest.raises(tokens.TokenError):
        tokens.verify(settings=settings, token=tokens.mint(settings=Settings(), username="admin"))
