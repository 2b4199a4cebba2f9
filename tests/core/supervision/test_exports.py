"""A bulletin printed (zh-CN HTML) and exported (.xlsx), scoped like `bulletin(id:)`."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from core.graphql import ids
from gateway.app import Runtime
from tests.conftest import token_for


async def _get(client: httpx.AsyncClient, runtime: Runtime, path: str, user: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token_for(runtime, user)}"}
    return await client.get(path, headers=headers)


async def test_the_demo_bulletin_prints_and_exports(
    demo_client: httpx.AsyncClient, demo_runtime: Runtime
) -> None:
    bulletin = ids.encode("Bulletin", 1)
    page = await _get(demo_client, demo_runtime, f"/bulletins/{bulletin}.html", "xihu")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert '<html lang="zh-CN">' in text and "城市社区党建工作随机抽查" in text
    assert "随机种子 20260512" in text and "整改状态" in text and "<script" not in text
    sheet = await _get(demo_client, demo_runtime, "/bulletins/1.xlsx", "admin")
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content), read_only=True)
    rows = list(book["通报"].iter_rows(values_only=True))
    assert rows[2][:3] == ("序号", "组织编码", "组织名称") and len(rows) == 3 + 10
    facts = {row[0]: row[1] for row in book["抽取"].iter_rows(values_only=True) if row[1]}
    assert facts["随机种子"] == "20260512"


async def test_exports_are_scoped(demo_client: httpx.AsyncClient, demo_runtime: Runtime) -> None:
    missing = await _get(demo_client, demo_runtime, "/bulletins/999.html", "admin")
    assert missing.status_code == 404
    anonymous = await demo_client.get("/bulletins/1.html")
    assert anonymous.status_code == 401
