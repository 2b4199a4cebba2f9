"""/uploads refuses what it cannot keep safely and serves files back only as downloads.

Generated over media types in every case, file names that try to escape or vanish, empty
and chunked bodies; uploads charge the rate-limit bucket; GET /uploads/{id} answers the
uploader and nobody else (ids past 2³¹ and of other types read as not found).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit.models import AuditEvent
from core.calendar.models import Attachment
from core.graphql import ids
from gateway.app import Runtime, create_runtime
from tests.conftest import client_for, settings_for, token_for

CONTENT = "整改台账：第一季度主题党日签到表".encode()


@pytest.fixture
def runtime(minimal: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("DUTYGRAPH_UPLOAD_DIR", str(tmp_path))
    monkeypatch.setenv("DUTYGRAPH_UPLOAD_MAX_BYTES", "10000")
    url = minimal.url.render_as_string(hide_password=False)
    return create_runtime(settings_for(url), engine=minimal)


def _auth(runtime: Runtime, user: str = "xihu") -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(runtime, user)}"}


async def _counts(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as conn:
        attachments = await conn.scalar(select(func.count()).select_from(Attachment))
        events = await conn.scalar(select(func.count()).select_from(AuditEvent))
    return int(attachments or 0), int(events or 0)


def _cases(word: str) -> list[str]:
    """A word in lower, upper, title and alternating case."""
    alternating = "".join(c.upper() if i % 2 else c for i, c in enumerate(word))
    return sorted({word.lower(), word.upper(), word.title(), alternating})


MULTIPART = [
    f"{kind}/{sub}{params}"
    for kind, sub, params in itertools.product(
        _cases("multipart"), ["form-data", "FORM-DATA", "mixed", "related"], ["", "; boundary=x"]
    )
]


async def test_multipart_in_any_case_is_415(runtime: Runtime, minimal: AsyncEngine) -> None:
    before = await _counts(minimal)
    async with client_for(runtime) as client:
        for content_type in MULTIPART:
            response = await client.post(
                "/uploads",
                content=CONTENT,
                headers={**_auth(runtime), "Content-Type": content_type},
            )
            assert response.status_code == 415, (content_type, response.text)
    assert await _counts(minimal) == before
    print(f"{len(MULTIPART)} generated multipart media types")


@pytest.mark.parametrize(
    ("header", "stored"),
    [
        ("TEXT/PLAIN", "text/plain"),
        ("Application/PDF; charset=binary", "application/pdf"),
        ("image/png", "image/png"),
        ("text/html", "text/html"),
        ("not a type", "application/octet-stream"),
        ("text/plain\x00", "application/octet-stream"),
        ("", "application/octet-stream"),
        ("a/" + "b" * 200, "application/octet-stream"),
    ],
)
async def test_media_types_are_stored_lower_case_or_as_octet_stream(
    runtime: Runtime, header: str, stored: str
) -> None:
    async with client_for(runtime) as client:
        response = await client.post(
            "/uploads", content=CONTENT, headers={**_auth(runtime), "Content-Type": header}
        )
    assert response.status_code == 201, response.text
    assert response.json()["contentType"] == stored


NAMES = {
    ".": "upload.bin",
    "..": "upload.bin",
    "...": "upload.bin",
    "../..": "upload.bin",
    "/": "upload.bin",
    "\\..\\..\\": "upload.bin",
    " . ": "upload.bin",
    "": "upload.bin",
    "\x00": "upload.bin",
    "\x1b[31m": "[31m",
    "../../etc/passwd": "passwd",
    "..\\..\\win.ini": "win.ini",
    ".hidden": "hidden",
    "签到表.pdf.": "签到表.pdf",
    "a\nb.txt": "ab.txt",
    "x" * 300: "x" * 255,
}


@pytest.mark.parametrize("raw", sorted(NAMES))
async def test_file_names_are_sanitised(runtime: Runtime, raw: str) -> None:
    async with client_for(runtime) as client:
        response = await client.post(
            "/uploads", content=CONTENT, headers={**_auth(runtime), "X-Filename": quote(raw)}
        )
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == NAMES[raw]


async def test_empty_files_are_refused(runtime: Runtime, minimal: AsyncEngine) -> None:
    async def nothing() -> object:
        for chunk in (b"", b""):
            yield chunk

    before = await _counts(minimal)
    async with client_for(runtime) as client:
        declared = await client.post("/uploads", content=b"", headers=_auth(runtime))
        streamed = await client.post("/uploads", content=nothing(), headers=_auth(runtime))
    for response in (declared, streamed):
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "EMPTY"
    assert await _counts(minimal) == before


async def test_uploads_charge_the_rate_limit(
    minimal: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUTYGRAPH_UPLOAD_DIR", str(tmp_path))
    url = minimal.url.render_as_string(hide_password=False)
    runtime = create_runtime(
        settings_for(
            url,
            rate_limit_enabled=True,
            rate_limit_capacity=500,
            rate_limit_refill_per_second=0.001,
        ),
        engine=minimal,
    )
    before = await _counts(minimal)
    async with client_for(runtime) as client:
        answers = [
            (await client.post("/uploads", content=CONTENT, headers=_auth(runtime))).status_code
            for _ in range(100)
        ]
        other = await client.post("/uploads", content=CONTENT, headers=_auth(runtime, "admin"))
    assert answers[:10] == [201] * 10  # 500 units, 50 an upload
    assert set(answers[10:]) == {429}
    assert other.status_code == 201  # each account has its own bucket
    attachments, events = await _counts(minimal)
    assert (attachments - before[0], events - before[1]) == (11, 11)


async def test_downloads_are_scoped_attachments(runtime: Runtime) -> None:
    async with client_for(runtime) as client:
        made = await client.post(
            "/uploads",
            content=b"<html><script>alert(1)</script></html>",
            headers={
                **_auth(runtime),
                "Content-Type": "text/html",
                "X-Filename": quote("页面.html"),
            },
        )
        key = made.json()["id"]
        own = await client.get(f"/uploads/{key}", headers=_auth(runtime))
        other = await client.get(f"/uploads/{key}", headers=_auth(runtime, "admin"))
        anonymous = await client.get(f"/uploads/{key}")
        strange = [
            await client.get(f"/uploads/{quote(bad)}", headers=_auth(runtime))
            for bad in (
                ids.encode("Attachment", 2**31),
                ids.encode("Attachment", 2**63),
                ids.encode("Organization", 1),
                ids.encode("Attachment", "²"),
                "nonsense",
            )
        ]
    assert own.status_code == 200 and own.content.startswith(b"<html>")
    assert own.headers["content-disposition"].startswith("attachment;")
    assert own.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in own.headers["content-security-policy"]
    assert other.status_code == 404  # not the uploader, not linked to a task it sees
    assert anonymous.status_code == 401
    assert [r.status_code for r in strange] == [404] * 5
