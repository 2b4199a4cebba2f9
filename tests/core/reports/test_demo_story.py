"""The demo's DJBB: the source's story in 2026Q1 → 2026Q2, clean data elsewhere, stored
rule violations equal to a fresh evaluation, and the figures the assessment reads."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select, true

from core.db import session_factory
from core.reports import catalog, figures, flags, validation
from core.reports.models import ReportSheet, ReportViolation
from gateway.app import Runtime


async def test_the_story_and_nothing_else(demo_runtime: Runtime) -> None:
    async with demo_runtime.engine.connect() as conn:
        form = await catalog.form_def(conn, code="DJBB")
        assert form is not None
        analysis = flags.analysis_for(form, None, None, None)
        counts = {}
        for phase, period in [("PROGRESS", f"2025Q{q}") for q in range(1, 5)] + [
            ("PROGRESS", "2026Q1"),
            ("PROGRESS", "2026Q2"),
            ("PROGRESS", "2026Q3"),
            ("TARGET", "2025"),
            ("RESULT", "2025"),
            ("TARGET", "2026"),
        ]:
            found = await flags.slice_flags(
                conn,
                form=form,
                period=form.period(period, phase),
                phase=phase,
                scope=true(),
                analysis=analysis,
            )
            counts[(phase, period)] = found
    q1, q2 = counts.pop(("PROGRESS", "2026Q1")), counts.pop(("PROGRESS", "2026Q2"))
    assert {key: len(found) for key, found in counts.items()} == dict.fromkeys(counts, 0)
    assert (len(q1), len({f.indicator for f in q1})) == (116, 27)
    assert Counter(f.kind for f in q1) == {"RULE_VIOLATION": 62, "OUTLIER": 54}
    assert len({(f.organization_id, f.indicator) for f in q1}) == 116  # one flag per value
    assert flags.improvement(q1, q2) == flags.Improvement(116, 106, 10, 7, 17)


async def test_stored_violations_are_what_the_rules_say(demo_runtime: Runtime) -> None:
    async with session_factory(demo_runtime.engine)() as session:
        form = await catalog.form_def(session, code="DJBB")
        assert form is not None
        sheets = await validation._sheets(session, form, true())
        fresh = validation.evaluate(
            form,
            await catalog.form_rules(session, form),
            sheets,
            await validation._data(session, form, sheets),
        )
        stored = set(
            (
                await session.execute(
                    select(
                        ReportViolation.sheet_id,
                        ReportViolation.rule_code,
                        ReportViolation.indicator_code,
                    )
                )
            ).all()
        )
    assert {
        (sheet_id, v.rule_code, v.indicator_code)
        for sheet_id, found in fresh.items()
        for v in found
    } == stored
    assert len(stored) == 62 + 9


async def test_figures_for_the_assessment(demo_runtime: Runtime) -> None:
    async with session_factory(demo_runtime.engine)() as session:
        form = await catalog.form_def(session, code="DJBB")
        assert form is not None
        q1 = await flags.slice_flags(
            await session.connection(),
            form=form,
            period=form.period("2026Q1", "PROGRESS"),
            phase="PROGRESS",
            scope=true(),
            analysis=flags.analysis_for(form, None, None, None),
        )
        flagged = q1[0].organization_id
        clean = (
            await session.execute(
                select(ReportSheet.organization_id)
                .where(ReportSheet.organization_id.not_in({f.organization_id for f in q1}))
                .limit(1)
            )
        ).scalar_one()
        found = await figures.org_figures(
            session=session, year=2026, org_ids=[flagged, clean], today=dt.date(2026, 11, 30)
        )
        assert set(found) == {flagged, clean}
        assert found[flagged]["reports.flags_total"] >= 1
        assert found[flagged]["reports.flags_open"] == found[flagged]["reports.flags_total"]
        assert 0 < found[clean]["reports.submitted_rate"] <= 1
        assert 0 <= found[clean]["reports.on_time_rate"] <= found[clean]["reports.submitted_rate"]
        records = await figures.org_records(
            session=session,
            year=2026,
            org_id=flagged,
            name="reports.flags_open",
            today=dt.date(2026, 11, 30),
        )
        assert len(records) == found[flagged]["reports.flags_open"]
        assert records[0].kind == "flag" and "2026Q" in records[0].detail
        names = [
            "reports.flags_open",
            "reports.flags_total",
            "reports.submitted_rate",
            "reports.on_time_rate",
        ]
        many = await figures.org_records_many(
            session=session,
            year=2026,
            wanted={flagged: names, clean: names},
            today=dt.date(2026, 11, 30),
        )
        for org_id in (flagged, clean):  # one pass for many answers what each asks alone
            for name in names:
                alone = await figures.org_records(
                    session=session,
                    year=2026,
                    org_id=org_id,
                    name=name,
                    today=dt.date(2026, 11, 30),
                )
                assert many[(org_id, name)] == alone, (org_id, name)
        assert many[(flagged, "reports.flags_open")] == records
