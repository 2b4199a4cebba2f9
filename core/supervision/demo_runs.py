"""Demo checklist runs: organisations working through a procedure in 2026, some done, some
half-way, some just started, each answer with its zh-CN note (set-based: a few inserts for
any number of runs; one audit event per call naming what was added)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.db import reset_sequences
from core.supervision.models import ChecklistAnswer, ChecklistRun, Procedure, ProcedureStep

YEAR = 2026
AS_OF = dt.date(YEAR, 11, 30)
"""The demo's date: runs start before it and those completed finished before it."""
STATES = (("COMPLETED", 0.55), ("PARTLY", 0.3), ("STARTED", 0.15))
NOT_DONE = (
    "{title}尚未落实，已列入整改计划，计划下季度完成",
    "{title}相关材料不齐全，正在补充完善",
    "{title}执行不到位，已由党组织书记约谈提醒",
)
NOT_APPLICABLE = (
    "本单位规模较小，不涉及该事项，已向上级党组织说明",
    "本年度未发生该类事项，不适用",
)


@dataclass(frozen=True)
class _Step:
    id: int
    code: str
    title: str
    evidence: tuple[str, ...]


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(1, 9), rng.randint(0, 59)), dt.UTC)


def _pick(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for state, share in STATES:
        total += share
        if roll < total:
            return state
    return STATES[-1][0]


def _note(rng: random.Random, step: _Step, answer: str) -> str:
    if answer == "DONE":
        kept = "、".join(step.evidence) or "工作台账"
        return f"已按要求落实，{kept}已归档备查"
    pool = NOT_DONE if answer == "NOT_DONE" else NOT_APPLICABLE
    return rng.choice(pool).format(title=step.title)


def _answer(rng: random.Random) -> str:
    roll = rng.random()
    return "DONE" if roll < 0.84 else "NOT_DONE" if roll < 0.95 else "NOT_APPLICABLE"


async def _steps(session: AsyncSession, procedure_ids: Sequence[int]) -> dict[int, list[_Step]]:
    rows = await session.execute(
        select(
            ProcedureStep.procedure_id,
            ProcedureStep.id,
            ProcedureStep.code,
            ProcedureStep.title,
            ProcedureStep.evidence,
        )
        .where(ProcedureStep.procedure_id.in_(procedure_ids), ProcedureStep.retired_at.is_(None))
        .order_by(ProcedureStep.procedure_id, ProcedureStep.position)
    )
    found: dict[int, list[_Step]] = {}
    for procedure_id, step_id, code, title, evidence in rows:
        found.setdefault(procedure_id, []).append(_Step(step_id, code, title, tuple(evidence)))
    return found


async def seed_runs(
    *,
    session: AsyncSession,
    rng: random.Random,
    procedure_codes: Sequence[str],
    organizations: Sequence[tuple[int, str, str]],
    shares: Mapping[str, float],
    actor: str,
) -> int:
    """Runs of the live procedures named for a share of the (id, name, category)
    organisations each applies to (`shares[kind]`: PROCEDURE, CHECKLIST); the number added."""
    procedures = list(
        await session.scalars(
            select(Procedure)
            .where(Procedure.code.in_(procedure_codes), Procedure.retired_at.is_(None))
            .order_by(Procedure.sort_order, Procedure.code)
        )
    )
    steps = await _steps(session, [p.id for p in procedures])
    run_id = (await session.scalar(select(func.max(ChecklistRun.id))) or 0) + 1
    runs: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for procedure in procedures:
        live = steps.get(procedure.id, [])
        share = shares.get(procedure.kind, 0.0)
        for org_id, name, category in organizations:
            applies = not procedure.categories or category in procedure.categories
            if not live or not applies or rng.random() >= share:
                continue
            state = _pick(rng)
            started = dt.date(YEAR, 1, 10) + dt.timedelta(days=rng.randint(0, 290))
            if state == "COMPLETED":
                count = len(live)
            elif state == "PARTLY":
                count = rng.randint(1, max(1, len(live) - 1))
            else:
                count = 0
            last = started
            opened = at = _at(started, rng)
            for step in live[:count]:
                last = min(AS_OF, last + dt.timedelta(days=rng.randint(1, 6)))
                at = max(at + dt.timedelta(minutes=5), _at(last, rng))
                value = _answer(rng)
                answers.append(
                    {
                        "run_id": run_id,
                        "step_id": step.id,
                        "answer": value,
                        "note": _note(rng, step, value),
                        "attachments": [],
                        "answered_by": None,
                        "answered_at": at,
                    }
                )
            done = state == "COMPLETED"
            runs.append(
                {
                    "id": run_id,
                    "procedure_id": procedure.id,
                    "organization_id": org_id,
                    "title": f"{name}：{procedure.title}",
                    "status": "COMPLETED" if done else "OPEN",
                    "task_id": None,
                    "due_on": started + dt.timedelta(days=60),
                    "started_at": opened,
                    "started_by": None,
                    "completed_at": at + dt.timedelta(minutes=30) if done else None,
                    "version": 1 + count + (1 if done else 0),
                }
            )
            run_id += 1
    for start in range(0, len(runs), 5000):
        await session.execute(insert(_table(ChecklistRun)), runs[start : start + 5000])
    for start in range(0, len(answers), 5000):
        await session.execute(insert(_table(ChecklistAnswer)), answers[start : start + 5000])
    await reset_sequences(await session.connection())
    completed = sum(1 for run in runs if run["status"] == "COMPLETED")
    await audit.append(
        session=session,
        actor_id=None,
        actor_username=actor,
        action="checklist_run.demo_load",
        entity_type="Procedure",
        entity_id=",".join(p.code for p in procedures)[:80],
        changes={"runs": len(runs), "completed": completed, "answers": len(answers)},
    )
    return len(runs)
