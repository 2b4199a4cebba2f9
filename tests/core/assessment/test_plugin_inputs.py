"""Plugins add named inputs that assessment items read (`dutygraph_assessment_inputs`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.assessment import inputs, library
from core.db import session_factory
from core.specs import AssessmentInput
from tests.core.test_hooks import make_plugin, manager_with, url_of

ITEMS = """urn: "urn:dutygraph:assessment:DJKH-2026:tmp"
version: "1"
kind: assessment_items
plugin: tmp
extends: DJKH-2026
categories: [TOWN]
items:
  - {section: ORG, code: TMP-SHARE, title: 临时份额, max: 10, score: "10 * tmp.share"}
"""


async def _share(session: AsyncSession, year: int, org_ids: Sequence[int]) -> dict[int, float]:
    return {org_id: 0.25 * org_id for org_id in org_ids if org_id <= 2}


async def test_hook_dutygraph_assessment_inputs(minimal: AsyncEngine, tmp_path: Path) -> None:
    share = AssessmentInput("tmp.share", "临时份额", "rate", _share)
    manager_with(url_of(minimal), make_plugin(dutygraph_assessment_inputs=lambda: [share]))
    assert inputs.BY_NAME["tmp.share"].label == "临时份额" and "tmp.share" in inputs.NAMES
    path = tmp_path / "items.yaml"
    path.write_text(ITEMS, encoding="utf-8")
    parsed = library.read(path)
    assert [item.code for item in parsed.items] == ["TMP-SHARE"]
    async with session_factory(minimal)() as session:
        asked = inputs.Inputs(
            session=session,
            year=2026,
            as_of=dt.date(2026, 11, 30),
            today=dt.date(2026, 11, 30),
            timezone="Asia/Shanghai",
            org_ids=[1, 2, 3],
        )
        values = await inputs.gather(asked, {"tmp.share"})
    assert values == {1: {"tmp.share": 0.25}, 2: {"tmp.share": 0.5}}  # 3: no value
