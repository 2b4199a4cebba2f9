"""`dutygraph demo` end to end: the city, its plugins enabled, a year with a past that
differs by district, records with evidence; then a first `dutygraph remind` over it."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.calendar.backlog import DIGEST_AFTER
from core.calendar.models import Attachment, OutboxMessage, Task, TaskRecord
from core.demo.city import standings
from core.plugin_admin.models import PluginState
from gateway.cli import invoke
from tests.conftest import settings_for

DEMO_DATE = "2026-06-30"


async def cli(engine: AsyncEngine, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    settings = settings_for(engine.url.render_as_string(hide_password=False))
    capsys.readouterr()
    assert await asyncio.to_thread(invoke, list(argv), settings) == 0, capsys.readouterr()
    return capsys.readouterr().out


async def test_demo_city_has_a_past_and_a_calm_first_reminder_run(
    engine: AsyncEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DUTYGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    out = await cli(engine, capsys, "demo", "--today", DEMO_DATE)
    # 3,978 core organisations, the SOEs and six park (building) committees; every installed
    # sector plugin enabled
    assert "演示城市已载入：4,037 个组织" in out
    assert "已启用插件：education、health、private_enterprise、social_org、soe" in out
    assert (
        "行业检查记录和报表数据已载入：education、health、private_enterprise、social_org、soe"
        in out
    )
    assert "DemoSummary(" not in out  # a summary for people, not a repr
    assert "西湖区 330106" in out and "按时率" in out

    async with engine.connect() as conn:
        enabled = set(
            (await conn.execute(select(PluginState.name).where(PluginState.enabled))).scalars()
        )
        per_district = await standings(conn, dt.date.fromisoformat(DEMO_DATE))
        done = await conn.scalar(
            select(func.count()).select_from(Task).where(Task.status == "DONE")
        )
        records = await conn.scalar(select(func.count()).select_from(TaskRecord))
        attachments = await conn.scalar(select(func.count()).select_from(Attachment))
    assert enabled == {"soe", "education", "health", "social_org", "private_enterprise"}
    assert len(per_district) == 13
    assert all(d.on_time and d.late and d.missed and d.open for d in per_district)
    rates = [d.on_time_rate or 0.0 for d in per_district]
    assert 0.7 < sum(d.on_time for d in per_district) / sum(d.due for d in per_district) < 0.95
    assert max(rates) - min(rates) > 0.05  # the districts tell different stories
    assert done == records and records and attachments
    assert abs(attachments - records / 6) < records * 0.01

    # a first reminder run over half a year of history floods nobody
    out = await cli(engine, capsys, "remind", "--today", DEMO_DATE)
    assert "逾期积压" in out and "人各收到一条汇总消息" in out
    async with engine.connect() as conn:
        per_person = (
            await conn.execute(
                select(OutboxMessage.recipient_id, OutboxMessage.kind, func.count()).group_by(
                    OutboxMessage.recipient_id, OutboxMessage.kind
                )
            )
        ).all()
    overdue_each: dict[int | None, int] = {}
    for recipient, kind, n in per_person:
        if kind in ("OVERDUE", "ESCALATED"):
            overdue_each[recipient] = overdue_each.get(recipient, 0) + n
        if kind == "BACKLOG":
            assert n == 1
    assert all(n <= DIGEST_AFTER for n in overdue_each.values())
    assert any(kind == "BACKLOG" for _, kind, _ in per_person)
