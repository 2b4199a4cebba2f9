"""core.duties.service: loading library files into the database (versions, retiring, audit)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.audit.models import AuditEvent
from core.db import session_factory
from core.duties import service
from core.duties.library import LibraryError
from core.duties.models import Duty, DutyDescription, DutyLibrary, DutyManual
from core.orgs.catalogue import sync_catalogue
from core.plugins import create_manager
from tests.conftest import settings_for

LIB = """\
urn: urn:dutygraph:library:test:duties
version: "{version}"
title: 测试库
descriptions:
  - category: TOWN
    title: 乡镇党委主要职责描述书
    duties:
{town}
manuals:
  - position: TOWN_SECRETARY
    title: 镇（乡）党委书记党建履职说明书
    duties:
      - code: T-SEC-1
        title: 抓基层党建工作述职
        detail: 年底向上级党委述职。
        source: 《中国共产党章程》第三十二条
        frequency: YEARLY
        rrule: FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20
"""


def town_duty(code: str, title: str, frequency: str = "MONTHLY") -> str:
    return (
        f"      - code: {code}\n        title: {title}\n        detail: 每月召开。\n"
        f"        source: 《中国共产党支部工作条例（试行）》第十九条\n"
        f"        frequency: {frequency}\n"
    )


def write(tmp_path: Path, version: str, *duties: str, name: str = "lib.yaml") -> Path:
    path = tmp_path / name
    path.write_text(LIB.format(version=version, town="".join(duties)), encoding="utf-8")
    return path


@pytest.fixture
async def catalogued(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An empty migrated database with the catalogue (categories and positions) stored."""
    pm = create_manager(settings_for(engine.url.render_as_string(hide_password=False)))
    async with session_factory(engine).begin() as session:
        await sync_catalogue(session=session, pm=pm)
    yield engine


async def load(engine: AsyncEngine, path: Path) -> service.LoadResult:
    async with session_factory(engine).begin() as session:
        return await service.load_library(session=session, path=path, actor="tester")


async def duties(engine: AsyncEngine) -> dict[str, Any]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Duty.code, Duty.id, Duty.title, Duty.version, Duty.retired_at, Duty.sort_order)
        )
        return {row.code: row for row in rows}


async def count(engine: AsyncEngine, model: Any) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(model)) or 0)


async def test_load_new_library(catalogued: AsyncEngine, tmp_path: Path) -> None:
    path = write(tmp_path, "2026.1", town_duty("T-1", "支委会"), town_duty("T-2", "党小组会"))
    result = await load(catalogued, path)
    assert (result.status, result.previous, result.added) == (
        "LOADED",
        None,
        ("T-1", "T-2", "T-SEC-1"),
    )
    assert "loaded: 3 added, 0 updated, 0 retired" in result.describe()
    found = await duties(catalogued)
    assert set(found) == {"T-1", "T-2", "T-SEC-1"}
    assert [found["T-1"].sort_order, found["T-2"].sort_order] == [10, 20]
    assert (await count(catalogued, DutyDescription), await count(catalogued, DutyManual)) == (1, 1)
    async with catalogued.connect() as conn:
        library = (await conn.execute(select(DutyLibrary))).one()
        event = (await conn.execute(select(AuditEvent))).one()
    assert (library.version, library.loaded_by) == ("2026.1", "tester")
    assert (event.action, event.entity_id, event.actor_username) == (
        "duty_library.load",
        "urn:dutygraph:library:test:duties",
        "tester",
    )


async def test_same_version_is_a_no_op_and_changed_content_is_refused(
    catalogued: AsyncEngine, tmp_path: Path
) -> None:
    path = write(tmp_path, "2026.1", town_duty("T-1", "支委会"))
    await load(catalogued, path)
    again = await load(catalogued, path)
    assert again.status == "UNCHANGED" and "nothing to do" in again.describe()
    assert await count(catalogued, AuditEvent) == 1
    changed = write(tmp_path, "2026.1", town_duty("T-1", "支部委员会会议"))
    with pytest.raises(LibraryError, match=r"lib.yaml:1: .*same version"):
        await load(catalogued, changed)


async def test_newer_version_updates_by_code_and_retires_dropped(
    catalogued: AsyncEngine, tmp_path: Path
) -> None:
    await load(
        catalogued,
        write(tmp_path, "2026.9", town_duty("T-1", "支委会"), town_duty("T-2", "党小组会")),
    )
    before = await duties(catalogued)
    newer = write(
        tmp_path, "2026.10", town_duty("T-3", "主题党日"), town_duty("T-1", "支部委员会会议")
    )
    result = await load(catalogued, newer)
    assert (result.status, result.previous) == ("UPGRADED", "2026.9")
    assert (result.added, result.updated, result.retired) == (("T-3",), ("T-1",), ("T-2",))
    after = await duties(catalogued)
    assert after["T-1"].id == before["T-1"].id  # tasks keep pointing at it
    assert (after["T-1"].title, after["T-1"].version, after["T-1"].sort_order) == (
        "支部委员会会议",
        2,
        20,
    )
    assert after["T-2"].retired_at is not None and after["T-2"].id == before["T-2"].id
    assert after["T-SEC-1"].version == 1 and after["T-SEC-1"].retired_at is None
    # the dropped duty comes back in a later edition: same row, active again
    again = write(
        tmp_path, "2026.11", town_duty("T-2", "党小组会"), town_duty("T-1", "支部委员会会议")
    )
    result = await load(catalogued, again)
    assert result.updated == ("T-2",) and result.retired == ("T-3",)
    assert (await duties(catalogued))["T-2"].retired_at is None


async def test_older_version_is_skipped(catalogued: AsyncEngine, tmp_path: Path) -> None:
    await load(catalogued, write(tmp_path, "2026.10", town_duty("T-1", "支委会")))
    result = await load(catalogued, write(tmp_path, "2026.9", town_duty("T-9", "别的")))
    assert result.status == "OLDER" and "older than the loaded 2026.10" in result.describe()
    assert set(await duties(catalogued)) == {"T-1", "T-SEC-1"}


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda t: t.replace("category: TOWN", "category: TOWNSHIP"), "lib.yaml:5: "),
        (lambda t: t.replace("position: TOWN_SECRETARY", "position: MAYOR"), "lib.yaml:15: "),
        (lambda t: t.replace("frequency: YEARLY", "frequency: YEARLYISH"), "lib.yaml:22: "),
    ],
)
async def test_refused_file_writes_nothing(
    catalogued: AsyncEngine, tmp_path: Path, edit: Any, where: str
) -> None:
    path = write(tmp_path, "2026.1", town_duty("T-1", "支委会"))
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        await load(catalogued, path)
    assert str(caught.value).startswith(str(tmp_path / where))
    for model in (DutyLibrary, DutyDescription, DutyManual, Duty, AuditEvent):
        assert await count(catalogued, model) == 0


async def test_a_code_or_category_of_another_library_is_refused(
    catalogued: AsyncEngine, tmp_path: Path
) -> None:
    await load(catalogued, write(tmp_path, "1", town_duty("T-1", "支委会")))
    other = write(tmp_path, "1", town_duty("T-1", "支委会"), name="other.yaml")
    other.write_text(
        other.read_text(encoding="utf-8").replace("library:test:", "library:other:"),
        encoding="utf-8",
    )
    with pytest.raises(LibraryError, match=r"other.yaml:8: .*code taken"):
        await load(catalogued, other)
    other.write_text(
        other.read_text(encoding="utf-8").replace("T-1", "O-1").replace("T-SEC-1", "O-2"),
        encoding="utf-8",
    )
    with pytest.raises(LibraryError, match=r"other.yaml:5: .*owned by another library"):
        await load(catalogued, other)


async def test_core_and_plugin_libraries_load(catalogued: AsyncEngine) -> None:
    pm = create_manager(settings_for(catalogued.url.render_as_string(hide_password=False)))
    async with session_factory(catalogued).begin() as session:
        core = await service.load_core_libraries(session=session, actor=None)
        soe = await service.load_plugin_libraries(
            session=session, pm=pm, name="soe", actor="soe-lead"
        )
    # the core's two; soe's duties, operating procedure and inspection checklist (its
    # indicators and items wait for the form and the scheme, which are not loaded here)
    assert [r.status for r in core + soe] == ["LOADED"] * 5
    assert soe[0].urn == "urn:dutygraph:library:soe:duties"
    assert {r.urn.split(":")[3] for r in soe} == {"soe"}
    assert sum(len(r.added) for r in core) >= 400
    async with catalogued.connect() as conn:
        plugins = dict((await conn.execute(select(DutyLibrary.urn, DutyLibrary.plugin))).all())
        soe_manuals = await conn.scalar(
            select(func.count())
            .select_from(DutyManual)
            .join(DutyLibrary)
            .where(DutyLibrary.plugin == "soe")
        )
    assert plugins["urn:dutygraph:library:soe:duties"] == "soe"
    assert plugins["urn:dutygraph:library:core:manuals"] is None
    assert soe_manuals and soe_manuals >= 5


async def test_plugin_library_refusal_is_a_service_error(
    catalogued: AsyncEngine, tmp_path: Path
) -> None:
    from core.graphql.errors import ErrorCode, ServiceError
    from core.hookspecs import hookimpl

    bad = tmp_path / "bad.yaml"
    bad.write_text("urn: urn:x:y\nversion: '1'\nduties: [\n", encoding="utf-8")

    class Tmp:
        @hookimpl
        def dutygraph_libraries(self) -> list[Path]:
            return [bad]

    pm = create_manager(settings_for(catalogued.url.render_as_string(hide_password=False)))
    pm.register(Tmp(), name="tmp")
    async with session_factory(catalogued)() as session:
        with pytest.raises(ServiceError) as caught:
            await service.load_plugin_libraries(session=session, pm=pm, name="tmp", actor=None)
    assert caught.value.code is ErrorCode.INVALID and "bad.yaml:4" in caught.value.message
