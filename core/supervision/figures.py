"""What the annual assessment reads from process control, for many organisations at once.

Per organisation and year (findings found that year; "as of" is today within the year):
`findings.total`, `findings.open` (IDENTIFIED, RECTIFYING or REOPENED), `findings.overdue`
(open and past their rectify-by date), `findings.high_open` (open and HIGH) — 0 for an
organisation with no finding; `findings.rectified_on_time_rate` (of the findings due by
then, the share rectified by their deadline; missing when none was due);
`checklists.completion_rate` (checklist runs started that year and completed; missing
without runs); `meetings.attendance_rate` (meetings of the year the organisation was
expected at and attended; missing when it was expected at none). One statement per figure
family for the whole city, whatever the number of organisations; `org_records` names the
records behind a figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.clock import city_today
from core.graphql import ids
from core.records import RecordRef
from core.supervision.findings import OPEN_STATUSES, SEVERITY_NAMES, STATUS_NAMES
from core.supervision.models import (
    ChecklistRun,
    Finding,
    Meeting,
    MeetingAttendance,
)

NAMES = (
    "findings.total",
    "findings.open",
    "findings.overdue",
    "findings.high_open",
    "findings.rectified_on_time_rate",
    "checklists.completion_rate",
    "meetings.attendance_rate",
)
Row = tuple[int, int, str, str, dt.date, dt.date | None]


def as_of(year: int, today: dt.date | None) -> dt.date:
    """The day a year's figures are counted at: today, within the year."""
    today = today or city_today()
    return min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def _year(column: InstrumentedAttribute[dt.date], year: int) -> ColumnElement[bool]:
    return column.between(dt.date(year, 1, 1), dt.date(year, 12, 31))


async def _findings(session: AsyncSession, year: int) -> list[Row]:
    rows = await session.execute(
        select(
            Finding.id,
            Finding.organization_id,
            Finding.status,
            Finding.severity,
            Finding.rectify_by,
            Finding.rectified_on,
        ).where(_year(Finding.found_on, year))
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _on_time(row: Row) -> bool:
    rectified = row[5]
    return row[2] not in OPEN_STATUSES and rectified is not None and rectified <= row[4]


def _finding_figures(rows: list[Row], day: dt.date) -> dict[int, dict[str, float | None]]:
    tally: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        tally[row[1]].append(row)
    out: dict[int, dict[str, float | None]] = {}
    for org_id, found in tally.items():
        open_ = [r for r in found if r[2] in OPEN_STATUSES]
        due = [r for r in found if r[4] <= day]
        out[org_id] = {
            "findings.total": float(len(found)),
            "findings.open": float(len(open_)),
            "findings.overdue": float(sum(1 for r in open_ if r[4] < day)),
            "findings.high_open": float(sum(1 for r in open_ if r[3] == "HIGH")),
            "findings.rectified_on_time_rate": (
                round(sum(1 for r in due if _on_time(r)) / len(due), 4) if due else None
            ),
        }
    return out


async def _checklists(session: AsyncSession, year: int) -> dict[int, float]:
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    rows = await session.execute(
        select(ChecklistRun.organization_id, ChecklistRun.status).where(
            ChecklistRun.started_at >= start, ChecklistRun.started_at < end
        )
    )
    runs: dict[int, list[bool]] = defaultdict(list)
    for org_id, status in rows:
        runs[org_id].append(status == "COMPLETED")
    return {org: round(sum(done) / len(done), 4) for org, done in runs.items()}


async def _meetings(session: AsyncSession, year: int) -> dict[int, float]:
    rows = await session.execute(
        select(MeetingAttendance.organization_id, MeetingAttendance.present)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(_year(Meeting.held_on, year))
    )
    seen: dict[int, list[bool]] = defaultdict(list)
    for org_id, present in rows:
        seen[org_id].append(bool(present))
    return {org: round(sum(p) / len(p), 4) for org, p in seen.items()}


async def org_figures(
    *,
    session: AsyncSession,
    year: int,
    org_ids: Sequence[int] | None = None,
    today: dt.date | None = None,
) -> dict[int, dict[str, float | None]]:
    """The supervision figures of each organisation for a year (set-based)."""
    day = as_of(year, today)
    findings = _finding_figures(await _findings(session, year), day)
    checklists = await _checklists(session, year)
    meetings = await _meetings(session, year)
    wanted = (
        set(org_ids) if org_ids is not None else set(findings) | set(checklists) | set(meetings)
    )
    zero: dict[str, float | None] = {
        "findings.total": 0.0,
        "findings.open": 0.0,
        "findings.overdue": 0.0,
        "findings.high_open": 0.0,
        "findings.rectified_on_time_rate": None,
    }
    out: dict[int, dict[str, float | None]] = {}
    for org_id in wanted:
        row = dict(findings.get(org_id, zero))
        row["checklists.completion_rate"] = checklists.get(org_id)
        row["meetings.attendance_rate"] = meetings.get(org_id)
        out[org_id] = row
    return out


def _ref(row: Row, description: str, day: dt.date) -> RecordRef:
    finding_id, _, status, severity, rectify_by, rectified_on = row
    if status in OPEN_STATUSES and rectify_by < day:
        detail = f"逾期 {(day - rectify_by).days} 天未整改（期限 {rectify_by}）"
    elif rectified_on is not None and rectified_on > rectify_by:
        detail = f"逾期整改：{rectified_on} 整改，期限 {rectify_by}"
    else:
        detail = f"{STATUS_NAMES.get(status, status)}，整改期限 {rectify_by}"
    label = f"{SEVERITY_NAMES.get(severity, severity)}：{description[:40]}"
    return RecordRef("finding", ids.encode("Finding", finding_id), label, detail)


def _behind(name: str, row: Row, day: dt.date) -> bool:
    status, severity, rectify_by = row[2], row[3], row[4]
    if name == "findings.total":
        return True
    if name == "findings.open":
        return status in OPEN_STATUSES
    if name == "findings.overdue":
        return status in OPEN_STATUSES and rectify_by < day
    if name == "findings.high_open":
        return status in OPEN_STATUSES and severity == "HIGH"
    if name == "findings.rectified_on_time_rate":
        return rectify_by <= day and not _on_time(row)
    return False


async def org_records(
    *, session: AsyncSession, year: int, org_id: int, name: str, today: dt.date | None = None
) -> list[RecordRef]:
    """The findings behind one figure of an organisation (for rates: those that lost it)."""
    if not name.startswith("findings."):
        return []
    day = as_of(year, today)
    rows = await session.execute(
        select(
            Finding.id,
            Finding.organization_id,
            Finding.status,
            Finding.severity,
            Finding.rectify_by,
            Finding.rectified_on,
            Finding.description,
        )
        .where(Finding.organization_id == org_id, _year(Finding.found_on, year))
        .order_by(Finding.rectify_by, Finding.id)
    )
    out = []
    for *values, description in rows:
        row: Row = tuple(values)  # type: ignore[assignment]
        if _behind(name, row, day):
            out.append(_ref(row, description, day))
    return out


async def org_records_many(
    *,
    session: AsyncSession,
    year: int,
    wanted: Mapping[int, Sequence[str]],
    today: dt.date | None = None,
) -> dict[tuple[int, str], list[RecordRef]]:
    """`org_records` for many organisations at once: one read of the year's findings."""
    day = as_of(year, today)
    out: dict[tuple[int, str], list[RecordRef]] = {
        (org_id, name): [] for org_id, names in wanted.items() for name in names
    }
    rows = await session.execute(
        select(
            Finding.id,
            Finding.organization_id,
            Finding.status,
            Finding.severity,
            Finding.rectify_by,
            Finding.rectified_on,
            Finding.description,
        )
        .where(_year(Finding.found_on, year))
        .order_by(Finding.rectify_by, Finding.id)
    )
    for *values, description in rows:
        row: Row = tuple(values)  # type: ignore[assignment]
        for name in wanted.get(row[1], ()):
            if name.startswith("findings.") and _behind(name, row, day):
                out[(row[1], name)].append(_ref(row, description, day))
    return out
