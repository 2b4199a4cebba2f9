"""The /graphql body limit: checked while streaming, before authentication; 413."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import Runtime, create_runtime
from tests.conftest import client_for, settings_for, token_for

LIMIT = 4096
QUERY = b'{"query": "{ viewer { username } }", "variables": {"pad": "%s"}}'


@pytest.fixture
def runtime(minimal: AsyncEngine) -> Runtime:
    url = minimal.url.render_as_string(hide_password=False)
    return create_runtime(settings_for(url, max_body_bytes=LIMIT), engine=minimal)


def _body(size: int) -> bytes:
    """A valid GraphQL request of exactly `size` bytes."""
    frame = len(QUERY % b"")
    return QUERY % (b"x" * (size - frame))


class Counting:
    """A chunked body (no Content-Length) that counts how much the server pulled."""

    def __init__(self, chunks: int, size: int = 1024) -> None:
        self.chunks = chunks
        self.size = size
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"query": "{ viewer { username } }", "variables": {"pad": "'
        for _ in range(self.chunks):
            self.sent += 1
            yield b"x" * self.size
        yield b'"}}'


@pytest.mark.parametrize("user", ["admin", None, "bad-token"])
@pytest.mark.parametrize("size", [LIMIT - 1, LIMIT, LIMIT + 1, 10 * LIMIT])
async def test_declared_bodies_over_the_limit_are_413(
    runtime: Runtime, user: str | None, size: int
) -> None:
    headers = {"content-type": "application/json"}
    if user == "bad-token":
        headers["Authorization"] = "Bearer not-a-token"
    elif user is not None:
        headers["Authorization"] = f"Bearer {token_for(runtime, user)}"
    async with client_for(runtime) as client:
        response = await client.post("/graphql", content=_body(size), headers=headers)
    if size > LIMIT:  # refused before authentication: a bad token does not matter
        assert response.status_code == 413, response.text
        error = orjson.loads(response.content)["errors"][0]
        assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        assert str(LIMIT) in error["message"]
    elif user == "bad-token":
        assert response.status_code == 401
    elif user is None:  # anonymous: answered (viewer needs a token), not refused for size
        assert response.status_code in (200, 401)
    else:
        assert response.status_code == 200, response.text
        assert response.json()["data"]["viewer"]["username"] == "admin"


async def test_streamed_bodies_stop_being_read_at_the_limit(runtime: Runtime) -> None:
    stream = Counting(chunks=1000)  # about 1 MB, 250 times the limit
    async with client_for(runtime) as client:
        response = await client.post(
            "/graphql", content=stream, headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert stream.sent <= LIMIT // stream.size + 2  # read no further than the limit


async def test_small_streamed_bodies_pass(runtime: Runtime) -> None:
    stream = Counting(chunks=2)
    headers = {
        "content-type": "application/json",
        "Authorization": f"Bearer {token_for(runtime, 'xihu')}",
    }
    async with client_for(runtime) as client:
        response = await client.post("/graphql", content=stream, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"]["username"] == "xihu"


def test_default_limit_is_one_mebibyte() -> None:
    from core.config import Settings, from_env

    assert Settings().max_body_bytes == 1024 * 1024
    assert from_env({"DUTYGRAPH_MAX_BODY_BYTES": "2048"}).max_body_bytes == 2048
