"""POST /uploads: bearer auth, size limit (413), content stored once by SHA-256."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.calendar.models import Attachment
from gateway.app import create_runtime
from tests.conftest import client_for, settings_for, token_for


async def body_chunks() -> AsyncIterator[bytes]:
    yield b"x" * 600
    yield b"y" * 600


def stored_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


async def test_upload_limits_and_hash(
    minimal: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUTYGRAPH_UPLOAD_DIR", str(tmp_path))
    monkeypatch.setenv("DUTYGRAPH_UPLOAD_MAX_BYTES", "1000")
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    auth = {
        "Authorization": f"Bearer {token_for(runtime, 'xihu')}",
        "X-Filename": quote("../../会议记录.txt"),
    }
    content = "会议记录：学习《中国共产党支部工作条例（试行）》".encode()
    async with client_for(runtime) as client:
        assert (await client.post("/uploads", content=content)).status_code == 401
        bad = {"Authorization": "Bearer nonsense"}
        assert (await client.post("/uploads", content=content, headers=bad)).status_code == 401
        first = await client.post(
            "/uploads", content=content, headers={**auth, "Content-Type": "text/plain"}
        )
        second = await client.post("/uploads", content=content, headers=auth)
        too_big = await client.post("/uploads", content=b"x" * 1001, headers=auth)
        chunks = await client.post("/uploads", content=body_chunks(), headers=auth)
    assert first.status_code == 201 and second.status_code == 201
    body = first.json()
    sha = hashlib.sha256(content).hexdigest()
    assert body["sha256"] == sha and body["size"] == len(content)
    assert body["filename"] == "会议记录.txt" and body["contentType"] == "text/plain"
    assert second.json()["id"] != body["id"] and second.json()["sha256"] == sha
    assert hashlib.sha256(content).hexdigest() in stored_files(tmp_path)
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "TOO_LARGE"
    assert chunks.status_code == 413  # no Content-Length: the stream is counted
    assert stored_files(tmp_path) == [sha]
    async with minimal.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(Attachment)) == 2
