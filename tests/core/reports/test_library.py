"""Report library files: kinds, versions, file:line refusals, CEL checked at load time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.libraries import kinds
from core.libraries.reader import LibraryError
from core.orgs.models import OrgCategory
from core.reports import catalog
from core.reports.library import parse
from core.reports.loading import core_library_files
from core.reports.models import ReportIndicator, ReportRule
from tests.conftest import session_factory

INDICATORS = """kind: report_indicators
urn: "urn:test:plugin-indicators"
version: "{version}"
title: 插件指标
indicators:
  - {{code: soe_meetings, name: 国企党委会, unit: 次, value_type: COUNT, aggregation: SUM, categories: [TOWN], forms: [DJBB]}}
{extra}
rules:
  - {{code: R-SOE, name: 党委会每季度至少1次, left: soe_meetings, operator: ">=", right: "1", phases: [PROGRESS]}}
"""


def test_kinds_are_dispatched() -> None:
    assert [kinds.kind_of(p) for p in core_library_files()] == ["report_indicators", "report_form"]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "kind: report_indicators\nurn: 'urn:a:b'\nversion: '1'\nindicators:\n  - {code: Bad-Code, name: x, value_type: COUNT, categories: [TOWN]}\n",
            5,
            "标识符",
        ),
        (
            "kind: report_indicators\nurn: 'urn:a:b'\nversion: '1'\nindicators:\n  - {code: target, name: x, value_type: COUNT, categories: [TOWN]}\n",
            5,
            "保留字",
        ),
        (
            "kind: report_indicators\nurn: 'urn:a:b'\nversion: '1'\nindicators:\n  - {code: a, name: x, value_type: MONEY, categories: [TOWN]}\n",
            5,
            "value_type",
        ),
        (
            "kind: report_indicators\nurn: 'urn:a:b'\nversion: '1'\nindicatorz: []\n",
            4,
            "unknown key",
        ),
        (
            "kind: report_indicators\nurn: 'urn:a:b'\nversion: '1'\nrules:\n  - {code: R, name: r, left: a, operator: '=>', right: b}\n",
            5,
            "operator",
        ),
        ("kind: report_form\nurn: 'urn:a:b'\nversion: '1'\n", 1, "form"),
    ],
)
def test_malformed_files_are_refused_with_their_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(LibraryError) as caught:
        parse(text, path="x.yaml")
    assert caught.value.line == line and reason in caught.value.reason


async def _load(engine: AsyncEngine, path: Path) -> list[kinds.LoadResult]:
    async with session_factory(engine).begin() as session:
        return await kinds.load_files(session=session, paths=[path], actor="test")


@pytest.fixture
async def with_djbb(minimal: AsyncEngine) -> AsyncEngine:
    async with session_factory(minimal).begin() as session:
        have = set((await session.scalars(select(OrgCategory.code))).all())
        for code in ("TOWN", "VILLAGE", "COMMUNITY", "VILLAGE_COMMUNITY", "DISTRICT", "STREET"):
            if code not in have:
                session.add(OrgCategory(code=code, name=code, name_en=code, sort_order=1))
    async with session_factory(minimal).begin() as session:
        await kinds.load_files(session=session, paths=core_library_files(), actor="test")
    return minimal


async def test_a_plugin_library_joins_the_form_with_its_rules(
    with_djbb: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "plugin.yaml"
    path.write_text(INDICATORS.format(version="1", extra=""), encoding="utf-8")
    [result] = await _load(with_djbb, path)
    assert result.status == "LOADED" and set(result.added) == {"soe_meetings", "R-SOE"}
    async with with_djbb.connect() as conn:
        form = await catalog.form_def(conn, code="DJBB")
        assert form is not None and form.indicator("soe_meetings") is not None
        assert "R-SOE" in {r.code for r in await catalog.form_rules(conn, form)}
    assert (await _load(with_djbb, path))[0].status == "UNCHANGED"
    path.write_text(INDICATORS.format(version="1", extra="  # changed"), encoding="utf-8")
    with pytest.raises(LibraryError, match="same version"):
        await _load(with_djbb, path)


async def test_a_newer_version_retires_what_it_drops(
    with_djbb: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "plugin.yaml"
    path.write_text(INDICATORS.format(version="1", extra=""), encoding="utf-8")
    await _load(with_djbb, path)
    newer = INDICATORS.format(version="2", extra="").replace(
        'rules:\n  - {code: R-SOE, name: 党委会每季度至少1次, left: soe_meetings, operator: ">=", right: "1", phases: [PROGRESS]}\n',
        "",
    )
    path.write_text(newer, encoding="utf-8")
    [result] = await _load(with_djbb, path)
    assert result.status == "UPGRADED" and result.retired == ("R-SOE",)
    async with with_djbb.connect() as conn:
        retired = (
            await conn.execute(select(ReportRule.retired_at).where(ReportRule.code == "R-SOE"))
        ).scalar_one()
        assert retired is not None
        still = (
            await conn.execute(
                select(ReportIndicator.retired_at).where(ReportIndicator.code == "soe_meetings")
            )
        ).scalar_one()
        assert still is None


async def test_a_malformed_expression_is_refused_at_load_with_its_line(
    with_djbb: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        INDICATORS.format(version="1", extra="").replace('right: "1"', 'right: "members_totl"'),
        encoding="utf-8",
    )
    with pytest.raises(LibraryError) as caught:
        await _load(with_djbb, path)
    assert caught.value.line == 9 and "members_totl" in caught.value.reason
    path.write_text(
        INDICATORS.format(version="1", extra="").replace(
            "categories: [TOWN]", "categories: [MOON]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(LibraryError, match="MOON"):
        await _load(with_djbb, path)
