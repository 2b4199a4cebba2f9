"""Excel over HTTP: the template, an upload (all or nothing, cell-level errors), flags."""

from __future__ import annotations

import io
from typing import Any

import python_calamine
import xlsxwriter

from gateway.app import Runtime
from tests.conftest import GQL, client_for, token_for
from tests.core.reports.helpers import count, open_quarter

TOWN = "330106001"


def _table(body: bytes, sheet: str = "填报") -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(body))
    rows: list[list[Any]] = book.get_sheet_by_name(sheet).to_python()
    return rows


def _workbook(
    rows: list[list[Any]],
    *,
    merge: bool = False,
    formula: bool = False,
    meta: tuple[str, str, str] | None = None,
) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("填报")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    if merge:
        sheet.merge_range(0, 3, 0, 4, "合并")
    if formula:
        sheet.write_formula(2, 3, "=1+2", None, 3)
    if meta:
        info = book.add_worksheet("_meta")
        for r, (k, v) in enumerate(zip(("form", "period", "phase"), meta, strict=True)):
            info.write(r, 0, k)
            info.write(r, 1, v)
    book.close()
    return out.getvalue()


async def test_template_upload_and_flags_export(fresh: tuple[Runtime, GQL]) -> None:
    runtime, _gql = fresh
    period = open_quarter()
    headers = {"Authorization": f"Bearer {token_for(runtime, f'sec-{TOWN}')}"}
    async with client_for(runtime) as client:
        got = await client.get(
            "/reports/DJBB/template.xlsx",
            params={"period": period, "phase": "PROGRESS"},
            headers=headers,
        )
        assert got.status_code == 200 and got.headers["content-type"].startswith(
            "application/vnd.openxml"
        )
        table = _table(got.content)
        assert table[1][:3] == ["code", "name", "category"]
        assert "党员总数（人）" in table[0] and "members_total" in table[1]
        codes = [row[0] for row in table[2:]]
        assert codes[0] == TOWN and all(code.startswith(TOWN) for code in codes) and len(codes) > 5
        column = table[1].index("members_total")
        yes_no = table[1].index("venue_standard")
        filled = [list(row) for row in table]
        for row in filled[2:]:
            row[column] = 77
            row[yes_no] = "是"
        before = await count(runtime.engine, "SELECT count(*) FROM audit_event")
        body = _workbook(filled, meta=("DJBB", period, "PROGRESS"))
        up = await client.post(
            "/reports/DJBB/upload",
            params={"period": period, "phase": "PROGRESS"},
            content=body,
            headers={**headers, "X-Filename": "town.xlsx"},
        )
        assert up.status_code == 200, up.text
        assert up.json()["rows"] == len(codes) and up.json()["created"] == len(codes)
        assert (
            await count(runtime.engine, "SELECT count(*) FROM audit_event")
            == before + len(codes) + 1
        )
        again = _table(
            (
                await client.get(
                    "/reports/DJBB/template.xlsx",
                    params={"period": period, "phase": "PROGRESS"},
                    headers=headers,
                )
            ).content
        )
        assert {row[column] for row in again[2:]} == {77.0}
        assert {row[yes_no] for row in again[2:]} == {"是"}
        exported = await client.get(
            "/reports/DJBB/flags.xlsx",
            params={"period": "2026Q1", "phase": "PROGRESS"},
            headers=headers,
        )
        assert exported.status_code == 200
        assert _table(exported.content, "标记")[0][:3] == ["组织编码", "组织名称", "指标编码"]


async def test_bad_uploads_name_the_place_and_write_nothing(fresh: tuple[Runtime, GQL]) -> None:
    runtime, _gql = fresh
    period = open_quarter()
    headers = {"Authorization": f"Bearer {token_for(runtime, f'sec-{TOWN}')}"}
    params = {"period": period, "phase": "PROGRESS"}
    head = [
        ["组织编码", "组织名称", "组织类别", "党员总数（人）", "主题党日（次）"],
        ["code", "name", "category", "members_total", "fixed_days"],
    ]
    async with client_for(runtime) as client:
        sheets = await count(runtime.engine, "SELECT count(*) FROM report_sheet")

        async def post(body: bytes) -> tuple[int, dict[str, Any]]:
            answer = await client.post(
                "/reports/DJBB/upload", params=params, content=body, headers=headers
            )
            return answer.status_code, answer.json()

        status, body = await post(b"")
        assert status == 400 and "空" in body["error"]["message"]
        status, body = await post(b"%PDF-1.4 not a workbook")
        assert status == 415
        status, body = await post(_workbook([*head, [f"{TOWN}001", "", "", 10, 3]], merge=True))
        assert (
            status == 422
            and body["errors"][0]["row"] == 1
            and "合并" in body["errors"][0]["reason"]
        )
        status, body = await post(_workbook([*head, [f"{TOWN}001", "", "", 10, 3]], formula=True))
        assert (
            status == 422
            and body["errors"][0]["column"] == "D"
            and "公式" in body["errors"][0]["reason"]
        )
        rows = [
            *head,
            ["330102001001", "", "", 10, 3],
            [f"{TOWN}001", "", "", 10.5, "三"],
            [f"{TOWN}001", "", "", 1, 3],
        ]
        status, body = await post(_workbook(rows))
        assert status == 422
        assert [(e["row"], e["column"]) for e in body["errors"]] == [
            (3, "A"),
            (4, "D"),
            (4, "E"),
            (5, "A"),
        ]
        status, body = await post(
            _workbook(
                [*head[:1], ["code", "name", "category", "no_such"], [f"{TOWN}001", "", "", 1]]
            )
        )
        assert status == 422 and (body["errors"][0]["row"], body["errors"][0]["column"]) == (2, "D")
        status, body = await post(
            _workbook([*head, [f"{TOWN}001", "", "", 1, 3]], meta=("DJBB", "2020Q1", "PROGRESS"))
        )
        assert status == 422 and body["errors"][0]["sheet"] == "_meta"
        many = [*head, *([f"X{i}", "", "", 1, 3] for i in range(50_000))]
        status, body = await post(_workbook(many))
        assert status == 413 and "10000" in body["errors"][0]["reason"]
        assert await count(runtime.engine, "SELECT count(*) FROM report_sheet") == sheets
        anonymous = await client.post("/reports/DJBB/upload", params=params, content=b"x")
        assert anonymous.status_code == 401
