"""Outliers: Z_SCORE, MOD_Z_SCORE, MIN_MAX over PEERS and HISTORY; SQL and portable agree."""

from __future__ import annotations

import random

from sqlalchemy import true
from sqlalchemy.ext.asyncio import AsyncEngine

from core.reports import catalog, detection, flags
from core.reports.outliers import (
    HISTORY,
    MIN_MAX,
    MOD_Z_SCORE,
    Z_SCORE,
    Analysis,
    Item,
    history,
    peers,
)
from gateway.app import Runtime


def items(values: list[float], indicator: str = "x", category: int = 1) -> list[Item]:
    return [Item(i, 100 + i, category, indicator, v) for i, v in enumerate(values)]


def test_z_score_flags_beyond_the_threshold_with_range_and_score() -> None:
    values = [10.0] * 10 + [11.0] * 10 + [40.0]
    found = peers(items(values), Analysis(Z_SCORE, threshold=3.0), {})
    assert [o.value for o in found] == [40.0]
    outlier = found[0]
    assert outlier.score is not None and outlier.score > 3
    assert outlier.expected_low is not None and outlier.expected_high is not None
    assert outlier.expected_low < 10.5 < outlier.expected_high < 40.0


def test_zero_spread_and_small_groups_flag_nothing() -> None:
    assert peers(items([5.0] * 20), Analysis(Z_SCORE), {}) == []
    assert (
        peers(items([1.0, 1.0, 1.0, 100.0]), Analysis(Z_SCORE, threshold=1.0, min_group=5), {})
        == []
    )
    assert (
        peers(items([3.0] * 9 + [4.0, 90.0]), Analysis(MOD_Z_SCORE, threshold=3.5), {}) == []
    )  # MAD 0


def test_modified_z_score_uses_median_and_mad() -> None:
    values = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 100.0]
    found = peers(items(values), Analysis(MOD_Z_SCORE, threshold=3.5), {})
    assert [o.value for o in found] == [100.0]
    assert found[0].score is not None and abs(found[0].score - 0.6745 * (100 - 13.5) / 2.0) < 1e-9


def test_min_max_prefers_stored_bounds() -> None:
    values = [5.0, 6.0, 7.0, 8.0, 9.0, 30.0]
    found = peers(items(values), Analysis(MIN_MAX, threshold=2.0), {(1, "x"): (4.0, 8.5)})
    assert sorted(o.value for o in found) == [9.0, 30.0]
    assert found[0].expected_low == 4.0 and found[0].expected_high == 8.5
    computed = peers(items([10.0] * 10 + [20.0]), Analysis(MIN_MAX, threshold=2.0), {})
    assert [o.value for o in computed] == [20.0]


def test_history_compares_with_the_organisation_s_own_earlier_values() -> None:
    current = [Item(1, 7, 1, "x", 50.0), Item(2, 8, 1, "x", 12.0)]
    earlier = {(7, "x"): [10.0, 11.0, 12.0, 11.0, 10.0], (8, "x"): [10.0, 11.0, 12.0, 11.0, 10.0]}
    found = history(current, earlier, Analysis(Z_SCORE, baseline=HISTORY), {})
    assert [o.organization_id for o in found] == [7]
    assert history(current, {(7, "x"): [10.0, 30.0]}, Analysis(Z_SCORE, baseline=HISTORY), {}) == []


def test_peers_are_grouped_by_category_and_indicator() -> None:
    one = items([10.0] * 10 + [40.0], category=1)
    other = [Item(i + 50, 200 + i, 2, "x", v) for i, v in enumerate([40.0] * 11)]
    assert [o.organization_id for o in peers(one + other, Analysis(Z_SCORE), {})] == [110]


async def test_sql_and_portable_paths_flag_the_same_values(demo_runtime: Runtime) -> None:
    """On PostgreSQL both paths run over the demo's sheets; on SQLite the portable one."""
    engine: AsyncEngine = demo_runtime.engine
    async with engine.connect() as conn:
        form = await catalog.form_def(conn, code="DJBB")
        assert form is not None
        sql = conn.dialect.name == "postgresql"
        for period, method, baseline in (
            ("2026Q1", Z_SCORE, None),
            ("2026Q1", MOD_Z_SCORE, None),
            ("2026Q2", MIN_MAX, None),
            ("2026Q3", Z_SCORE, HISTORY),
            ("2026Q3", MOD_Z_SCORE, HISTORY),
        ):
            analysis = flags.analysis_for(form, method, baseline, None)
            codes = [i.code for i in form.indicators if i.numeric]
            kwargs = dict(
                form_id=form.id,
                period=period,
                phase="PROGRESS",
                scope=true(),
                codes=codes,
                analysis=analysis,
                bounds=await flags._bounds(conn, form, "PROGRESS"),
            )
            portable = await detection.detect(conn, use_sql=False, **kwargs)
            assert portable or method != Z_SCORE or baseline is not None
            if not sql:
                continue
            in_sql = await detection.detect(conn, use_sql=True, **kwargs)
            key = lambda o: (o.sheet_id, o.indicator)  # noqa: E731
            assert sorted(map(key, in_sql)) == sorted(map(key, portable)), (
                period,
                method,
                baseline,
            )
            by_key = {key(o): o for o in portable}
            for o in in_sql:
                p = by_key[key(o)]
                for a, b in (
                    (o.score, p.score),
                    (o.expected_low, p.expected_low),
                    (o.expected_high, p.expected_high),
                ):
                    assert a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))


async def test_sql_and_portable_agree_on_random_data(engine: AsyncEngine) -> None:
    """Random values with heavy tails, ties and small groups, written as sheets."""
    from sqlalchemy import insert, select

    from core.orgs.models import Organization, OrgCategory
    from core.reports.loading import load_core_reports
    from core.reports.models import ReportSheet
    from tests.conftest import seed_minimal, session_factory

    await seed_minimal(engine)
    rng = random.Random(7)
    async with session_factory(engine).begin() as session:
        seeded = set((await session.execute(select(OrgCategory.code))).scalars())
        await session.execute(
            insert(OrgCategory),
            [
                {"code": code, "name": code, "name_en": code, "sort_order": 10 + i}
                for i, code in enumerate(("TOWN", "VILLAGE", "COMMUNITY", "VILLAGE_COMMUNITY"))
                if code not in seeded  # seed_minimal has some of them
            ],
        )
        await load_core_reports(session=session, actor=None)
        form = await catalog.form_def(session, code="DJBB")
        assert form is not None
        ids = list(
            (await session.execute(select(OrgCategory.id).order_by(OrgCategory.id))).scalars()
        )
        orgs = [
            {
                "id": 100 + i,
                "code": f"T{i:04d}",
                "name": f"组织{i}",
                "category_id": ids[i % 3],
                "parent_id": 1,
                "depth": 1,
                "version": 1,
            }
            for i in range(120)
        ]
        await session.execute(insert(Organization), orgs)
        sheets = []
        for period in ("2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"):
            for org in orgs:
                data = {
                    "members_total": float(
                        rng.choice([30, 31, 32, 500])
                        if rng.random() < 0.1
                        else round(rng.gauss(60, 8))
                    ),
                    "training_hours": round(rng.expovariate(0.1), 1),
                    "dues_rate": float(rng.choice([95, 100, 100, 100])),
                }
                sheets.append(
                    {
                        "form_id": form.id,
                        "organization_id": org["id"],
                        "period": period,
                        "phase": "PROGRESS",
                        "data": data,
                        "status": "SUBMITTED",
                        "version": 1,
                        "on_time": True,
                    }
                )
        await session.execute(insert(ReportSheet), sheets)
    async with engine.connect() as conn:
        form = await catalog.form_def(conn, code="DJBB")
        assert form is not None
        ids = list((await conn.execute(select(OrgCategory.id).order_by(OrgCategory.id))).scalars())
        codes = ["members_total", "training_hours", "dues_rate"]
        for method in (Z_SCORE, MOD_Z_SCORE, MIN_MAX):
            for baseline in (None, HISTORY):
                analysis = flags.analysis_for(form, method, baseline, None)
                kwargs = dict(
                    form_id=form.id,
                    period="2026Q4",
                    phase="PROGRESS",
                    scope=true(),
                    codes=codes,
                    analysis=analysis,
                    bounds={(ids[0], "training_hours"): (0.0, 20.0)},
                )
                portable = await detection.detect(conn, use_sql=False, **kwargs)
                if conn.dialect.name != "postgresql":
                    continue
                in_sql = await detection.detect(conn, use_sql=True, **kwargs)
                assert sorted((o.sheet_id, o.indicator) for o in in_sql) == sorted(
                    (o.sheet_id, o.indicator) for o in portable
                ), (method, baseline)
