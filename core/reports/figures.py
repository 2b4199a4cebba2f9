"""What the annual assessment reads from the reports, for many organisations at once.

`org_figures` gives, per organisation and year: `reports.flags_total` (flags on its values
of that year: stored rule violations, and outliers of the default analysis — Z_SCORE over
PEERS city-wide — of every period and phase of the year), `reports.flags_open` (those not
resolved by a follow-up), `reports.submitted_rate` and `reports.on_time_rate` (submitted /
on-time sheets ÷ sheets due by today of the forms it must report). Organisations that
report no form get no figures (the inputs are missing). `org_records` names the records
behind a figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import city_today
from core.graphql import ids
from core.orgs.models import Organization, OrgCategory
from core.records import RecordRef
from core.reports import catalog, flags
from core.reports.catalog import FormDef
from core.reports.flags import Flag
from core.reports.models import ReportFollowUp, ReportSheet
from core.reports.periods import PROGRESS, RESULT, TARGET, Period
from core.reports.periods import parse as parse_period

NAMES = (
    "reports.flags_open",
    "reports.flags_total",
    "reports.submitted_rate",
    "reports.on_time_rate",
)
CHUNK = 900


def _year_slices(form: FormDef, year: int) -> Iterator[tuple[str, Period]]:
    for phase in form.phases:
        if phase == PROGRESS:
            kind = form.period_type
            first = parse_period(
                {"QUARTERLY": f"{year}Q1", "MONTHLY": f"{year}-01"}.get(kind, str(year)), kind
            )
            period = first
            while period.year == year:
                yield phase, period
                period = period.next()
        elif phase in (TARGET, RESULT):
            yield phase, parse_period(str(year), "YEARLY")


@dataclass
class _Tally:
    due: int = 0
    submitted: int = 0
    on_time: int = 0
    flags: int = 0
    open: int = 0


async def _reporters(
    session: AsyncSession, form: FormDef, org_ids: Sequence[int] | None
) -> dict[int, str]:
    stmt = (
        select(Organization.id, OrgCategory.code)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(OrgCategory.code.in_(sorted(form.reporters)))
    )
    if org_ids is None:
        return dict((await session.execute(stmt)).all())
    out: dict[int, str] = {}
    wanted = sorted(set(org_ids))
    for start in range(0, len(wanted), CHUNK):
        out.update(
            dict(
                (
                    await session.execute(
                        stmt.where(Organization.id.in_(wanted[start : start + CHUNK]))
                    )
                ).all()
            )
        )
    return out


async def year_flags(session: AsyncSession, form: FormDef, year: int) -> list[Flag]:
    """Every flag of the form's sheets of a year (default analysis, the whole city)."""
    conn = await session.connection()
    analysis = flags.analysis_for(form, None, None, None)
    found: list[Flag] = []
    for phase, period in _year_slices(form, year):
        found += await flags.slice_flags(
            conn, form=form, period=period, phase=phase, scope=true(), analysis=analysis
        )
    return found


async def _resolved(session: AsyncSession, sheet_ids: set[int]) -> set[tuple[int, str]]:
    out: set[tuple[int, str]] = set()
    listed = sorted(sheet_ids)
    for start in range(0, len(listed), CHUNK):
        rows = await session.execute(
            select(ReportFollowUp.sheet_id, ReportFollowUp.indicator_code).where(
                ReportFollowUp.sheet_id.in_(listed[start : start + CHUNK]),
                ReportFollowUp.resolved_at.is_not(None),
            )
        )
        out |= {(a, b) for a, b in rows}
    return out


async def _sheets(
    session: AsyncSession, form: FormDef, year: int
) -> dict[tuple[int, str, str], bool]:
    rows = await session.execute(
        select(
            ReportSheet.organization_id, ReportSheet.phase, ReportSheet.period, ReportSheet.on_time
        ).where(
            ReportSheet.form_id == form.id,
            ReportSheet.period >= str(year),
            ReportSheet.period < str(year + 1),
        )
    )
    return {(o, ph, p): bool(t) for o, ph, p, t in rows}


async def org_figures(
    *,
    session: AsyncSession,
    year: int,
    org_ids: Sequence[int] | None = None,
    today: dt.date | None = None,
) -> dict[int, dict[str, float]]:
    """The reports' figures of each organisation for a year (set-based, every form)."""
    today = today or city_today()
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for form in await catalog.active_forms(session):
        reporters = await _reporters(session, form, org_ids)
        if not reporters:
            continue
        sheets = await _sheets(session, form, year)
        for phase, period in _year_slices(form, year):
            if form.deadline(period, phase) > today:
                continue
            for org_id, category in reporters.items():
                if not form.applicable(category, phase):
                    continue
                tally = tallies[org_id]
                tally.due += 1
                state = sheets.get((org_id, phase, period.code))
                if state is not None:
                    tally.submitted += 1
                    tally.on_time += int(state)
        found = [f for f in await year_flags(session, form, year) if f.organization_id in reporters]
        resolved = await _resolved(session, {f.sheet_id for f in found})
        for flag in found:
            tally = tallies[flag.organization_id]
            tally.flags += 1
            tally.open += int((flag.sheet_id, flag.indicator) not in resolved)
    return {
        org_id: {
            "reports.flags_total": float(t.flags),
            "reports.flags_open": float(t.open),
            "reports.submitted_rate": round(t.submitted / t.due, 4) if t.due else 1.0,
            "reports.on_time_rate": round(t.on_time / t.due, 4) if t.due else 1.0,
        }
        for org_id, t in tallies.items()
    }


def _flag_ref(form: FormDef, flag: Flag) -> RecordRef:
    indicator = form.indicator(flag.indicator)
    name = indicator.name if indicator else flag.indicator
    value = "未填" if flag.value is None else f"{flag.value:g}"
    if flag.rule_code is not None:
        why = f"违反规则 {flag.rule_code}"
    else:
        why = (
            f"偏离同类组织平均值（得分 {flag.score:g}）" if flag.score is not None else "偏离平均值"
        )
    span = ""
    if flag.expected_low is not None or flag.expected_high is not None:
        low = "" if flag.expected_low is None else f"{flag.expected_low:g}"
        high = "" if flag.expected_high is None else f"{flag.expected_high:g}"
        span = f"，应在 {low}–{high} 之间"
    detail = f"{form.code} {flag.period} {flag.phase}：{name} {value}{span}；{why}"
    return RecordRef(
        "flag", ids.encode("ReportSheet", flag.sheet_id), f"{name}（{flag.period}）", detail
    )


async def org_records(
    *, session: AsyncSession, year: int, org_id: int, name: str, today: dt.date | None = None
) -> list[RecordRef]:
    """The records behind one figure of an organisation: its flags (open ones, or all), or
    the sheets it has not submitted or submitted late."""
    found = await org_records_many(session=session, year=year, wanted={org_id: [name]}, today=today)
    return found.get((org_id, name), [])


FLAG_NAMES = ("reports.flags_open", "reports.flags_total")
SHEET_NAMES = ("reports.submitted_rate", "reports.on_time_rate")


async def org_records_many(
    *,
    session: AsyncSession,
    year: int,
    wanted: Mapping[int, Sequence[str]],
    today: dt.date | None = None,
) -> dict[tuple[int, str], list[RecordRef]]:
    """`org_records` for many organisations at once: each form's flags, follow-ups and
    sheets are read once for all of them (an assessment asks for thousands)."""
    today = today or city_today()
    out: dict[tuple[int, str], list[RecordRef]] = {
        (org_id, name): [] for org_id, names in wanted.items() for name in names
    }
    names_of = {org_id: set(names) for org_id, names in wanted.items()}
    want_flags = any(n in FLAG_NAMES for names in names_of.values() for n in names)
    want_sheets = any(n in SHEET_NAMES for names in names_of.values() for n in names)
    for form in await catalog.active_forms(session):
        reporters = await _reporters(session, form, sorted(names_of))
        if not reporters:
            continue
        if want_flags:
            found = [
                f for f in await year_flags(session, form, year) if f.organization_id in reporters
            ]
            resolved = await _resolved(session, {f.sheet_id for f in found})
            for flag in found:
                names = names_of[flag.organization_id]
                is_open = (flag.sheet_id, flag.indicator) not in resolved
                for name in FLAG_NAMES:
                    if name in names and (is_open or name == "reports.flags_total"):
                        out[(flag.organization_id, name)].append(_flag_ref(form, flag))
        if not want_sheets:
            continue
        sheets = await _sheets(session, form, year)
        for phase, period in _year_slices(form, year):
            if form.deadline(period, phase) > today:
                continue
            label = f"{form.code} {period.code} {phase}"
            for org_id, category in reporters.items():
                names = names_of[org_id]
                if not form.applicable(category, phase) or not names & set(SHEET_NAMES):
                    continue
                state = sheets.get((org_id, phase, period.code))
                if state is None:
                    missing = f"截至 {form.deadline(period, phase)} 未报送"
                    for name in SHEET_NAMES:
                        if name in names:
                            out[(org_id, name)].append(RecordRef("report", "", label, missing))
                elif not state and "reports.on_time_rate" in names:
                    out[(org_id, "reports.on_time_rate")].append(
                        RecordRef("report", "", label, "逾期报送")
                    )
    return out
