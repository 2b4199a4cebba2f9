"""`tasks.*`: the calendar's tasks of each organisation due in the year up to the assessment
date — one grouped statement for the whole city, and the overdue and late tasks behind them.

Counted as in TaskProgress (cancelled tasks left out): *done* = completed by the
assessment date, *late* = completed after its due date, *overdue* = due before the
assessment date and not completed by it; on-time rate = done on time ÷ (done + overdue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal, select, text, true

from core.assessment.inputs import Inputs, Records, Values
from core.calendar.models import Task
from core.graphql import ids
from core.records import RecordRef

PER_KIND = 3
"""At most this many overdue and this many late tasks are named per organisation."""
OVERDUE_NAMES = {"tasks.overdue", "tasks.on_time_rate", "tasks.completion_rate", "tasks.total"}
LATE_NAMES = {"tasks.late", "tasks.on_time_rate", "tasks.done_on_time"}


def _done(inputs: Inputs) -> ColumnElement[bool]:
    """Completed by the end of the assessment date (any completion counts when that is today)."""
    if inputs.as_of >= inputs.today:
        return Task.status == "DONE"
    after = dt.datetime.combine(
        inputs.as_of + dt.timedelta(days=1), dt.time(), ZoneInfo(inputs.timezone)
    )
    return and_(Task.status == "DONE", Task.completed_at < after.astimezone(dt.UTC))


def _range(inputs: Inputs) -> list[ColumnElement[bool]]:
    return [
        Task.due_on >= dt.date(inputs.year, 1, 1),
        Task.due_on <= min(inputs.as_of, dt.date(inputs.year, 12, 31)),
        Task.status != "CANCELLED",
    ]


async def values(inputs: Inputs) -> Values:
    """Counts and rates per organisation (organisations without tasks get no values)."""
    done = _done(inputs)
    late = and_(done, Task.late.is_(True))
    overdue = and_(~done, Task.due_on < inputs.as_of)
    stmt = (
        select(
            Task.organization_id,
            func.count(),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        )
        .where(*_range(inputs))
        .group_by(Task.organization_id)
    )
    out: Values = {}
    for org_id, total, n_done, n_late, n_overdue in await inputs.session.execute(stmt):
        n_done, n_late, n_overdue = int(n_done or 0), int(n_late or 0), int(n_overdue or 0)
        row = {
            "tasks.total": float(total),
            "tasks.done": float(n_done),
            "tasks.done_on_time": float(n_done - n_late),
            "tasks.late": float(n_late),
            "tasks.overdue": float(n_overdue),
        }
        due = n_done + n_overdue
        if due:
            row["tasks.on_time_rate"] = round((n_done - n_late) / due, 4)
            row["tasks.completion_rate"] = round(n_done / due, 4)
        out[int(org_id)] = row
    return out


def _ranked(inputs: Inputs, org_ids: Sequence[int], kind: str, condition: Any) -> Any:
    order = func.row_number().over(
        partition_by=Task.organization_id, order_by=(Task.due_on, Task.id)
    )
    inner = (
        select(
            Task.organization_id,
            Task.id,
            Task.title,
            Task.period,
            Task.due_on,
            Task.completed_at,
            literal(kind).label("kind"),
            order.label("n"),
        )
        .where(*_range(inputs), condition, Task.organization_id.in_(org_ids))
        .subquery()
    )
    return select(inner).where(inner.c.n <= PER_KIND, true())


def _ref(row: Any, inputs: Inputs) -> RecordRef:
    label = f"{row.title}（{row.period}）"
    if row.kind == "overdue":
        days = (inputs.as_of - row.due_on).days
        detail = f"{row.due_on.isoformat()} 到期，逾期 {days} 天未完成"
    else:
        finished = row.completed_at
        if finished.tzinfo is None:
            finished = finished.replace(tzinfo=dt.UTC)
        day = finished.astimezone(ZoneInfo(inputs.timezone)).date()
        lag = (day - row.due_on).days
        detail = f"{row.due_on.isoformat()} 到期，{day.isoformat()} 才完成（迟 {lag} 天）"
    return RecordRef("task", ids.encode("Task", row.id), label, detail)


def _lateral(inputs: Inputs, kind: str) -> Any:
    """PostgreSQL: the first tasks of each organisation by an index range scan each."""
    historical = inputs.as_of < inputs.today
    if kind == "overdue":
        condition = "t.due_on < :as_of AND (t.status = 'OPEN'" + (
            " OR (t.status = 'DONE' AND t.completed_at >= :after))" if historical else ")"
        )
    else:
        condition = "t.status = 'DONE' AND t.late" + (
            " AND t.completed_at < :after" if historical else ""
        )
    return text(
        "SELECT o.id AS organization_id, t.id, t.title, t.period, t.due_on, t.completed_at, "
        f"'{kind}' AS kind FROM unnest(CAST(:ids AS integer[])) AS o(id) CROSS JOIN LATERAL ("
        "SELECT t.id, t.title, t.period, t.due_on, t.completed_at FROM task t "
        "WHERE t.organization_id = o.id AND t.due_on >= :start AND t.due_on <= :end "
        f"AND {condition} ORDER BY t.due_on, t.id LIMIT {PER_KIND}) AS t"
    )


def _after(inputs: Inputs) -> dt.datetime:
    day = inputs.as_of + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), ZoneInfo(inputs.timezone)).astimezone(dt.UTC)


async def records(inputs: Inputs, wanted: Mapping[int, Sequence[str]]) -> Records:
    """The first overdue and late tasks (by due date) of each organisation asked about."""
    kinds = {
        "overdue": sorted(o for o, names in wanted.items() if OVERDUE_NAMES & set(names)),
        "late": sorted(o for o, names in wanted.items() if LATE_NAMES & set(names)),
    }
    done = _done(inputs)
    conditions = {
        "overdue": and_(~done, Task.due_on < inputs.as_of),
        "late": and_(done, Task.late.is_(True)),
    }
    found: dict[tuple[int, str], list[RecordRef]] = {}
    bind = inputs.session.bind
    lateral = bind is not None and bind.dialect.name == "postgresql"
    params = {
        "start": dt.date(inputs.year, 1, 1),
        "end": min(inputs.as_of, dt.date(inputs.year, 12, 31)),
        "as_of": inputs.as_of,
        "after": _after(inputs),
    }
    for kind, org_ids in kinds.items():
        for start in range(0, len(org_ids), 5000):
            chunk = org_ids[start : start + 5000]
            if lateral:
                rows = await inputs.session.execute(
                    _lateral(inputs, kind), {**params, "ids": chunk}
                )
            else:
                rows = await inputs.session.execute(_ranked(inputs, chunk, kind, conditions[kind]))
            for row in rows:
                found.setdefault((row.organization_id, kind), []).append(_ref(row, inputs))
    out: Records = {}
    for org_id, names in wanted.items():
        for name in names:
            refs = []
            if name in OVERDUE_NAMES:
                refs += found.get((org_id, "overdue"), [])
            if name in LATE_NAMES:
                refs += found.get((org_id, "late"), [])
            if refs:
                out[(org_id, name)] = sorted(refs, key=lambda r: (r.detail, r.id))
    return out
