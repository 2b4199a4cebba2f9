"""Checklist runs: an organisation works through a procedure step by step, with evidence.

Starting, answering and completing a run need `supervision.rectify` over the organisation
(the organisation does its own work). A step is answered DONE, NOT_DONE or NOT_APPLICABLE
with a note (required unless DONE) and evidence from /uploads; a run completes when every
live step is answered. Each change checks the run's version and is audited. A run may
evidence a calendar task (core.supervision.run_tasks): completing it completes the task.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization, OrgCategory
from core.orgs.scope import visible
from core.supervision.access import NOT_FOUND, require, require_reach, shown_procedure, visible_org
from core.supervision.findings import check_attachments
from core.supervision.models import ChecklistAnswer, ChecklistRun, Procedure, ProcedureStep
from core.supervision.run_tasks import checked_task, complete_task

ANSWERS = ("DONE", "NOT_DONE", "NOT_APPLICABLE")
MAX_NOTE = 2000


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: str,
    run: ChecklistRun,
    changes: dict[str, Any],
) -> None:
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action=action,
        entity_type="ChecklistRun",
        entity_id=str(run.id),
        changes=changes,
    )


async def start(
    *,
    session: AsyncSession,
    principal: Principal,
    procedure_code: str,
    organization_code: str,
    due_on: dt.date | None,
    today: dt.date,
    task_id: int | None = None,
    with_task: bool = False,
) -> ChecklistRun:
    """Start a run of a live procedure for an organisation of a category it applies to,
    evidencing a calendar task of that organisation when `with_task` (`task_id` None:
    an id that is no task's)."""
    require(principal, Permission.SUPERVISION_RECTIFY)
    procedure = await session.scalar(
        select(Procedure).where(
            Procedure.code == procedure_code, Procedure.retired_at.is_(None), shown_procedure()
        )
    )
    if procedure is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"规程 {procedure_code} 不存在", "procedureCode")
    org = await visible_org(session, principal, organization_code, "organizationCode")
    await require_reach(
        session, principal, Permission.SUPERVISION_RECTIFY, org.id, "organizationCode"
    )
    category = await session.scalar(
        select(OrgCategory.code).where(OrgCategory.id == org.category_id)
    )
    if procedure.categories and category not in procedure.categories:
        raise ServiceError(
            ErrorCode.INVALID,
            f"{procedure.title}不适用于{org.name}（适用：{', '.join(procedure.categories)}）",
            "procedureCode",
        )
    task = None
    if with_task:
        task = await checked_task(
            session=session,
            principal=principal,
            task_id=task_id,
            organization_id=org.id,
            procedure=procedure,
            today=today,
        )
    run = ChecklistRun(
        procedure_id=procedure.id,
        organization_id=org.id,
        title=f"{org.name}：{procedure.title}",
        status="OPEN",
        due_on=due_on,
        task_id=None if task is None else task.id,
        started_by=principal.account_id,
        started_at=utcnow(),
        version=1,
    )
    session.add(run)
    await session.flush()
    changes: dict[str, Any] = {"procedure": procedure.code}
    if task is not None:
        changes["task"] = task.id
    await _audit(session, principal, "checklist_run.start", run, changes)
    return run


async def visible_run(
    session: AsyncSession, principal: Principal, key: int | None
) -> ChecklistRun | None:
    """A run of an organisation the principal sees (None for missing and foreign)."""
    if key is None:
        return None
    found: ChecklistRun | None = await session.scalar(
        select(ChecklistRun)
        .where(
            ChecklistRun.id == key,
            ChecklistRun.organization_id.in_(select(Organization.id).where(visible(principal))),
        )
        .with_for_update()
    )
    return found


async def _open_run(
    session: AsyncSession, principal: Principal, key: int | None, expected_version: int
) -> ChecklistRun:
    require(principal, Permission.SUPERVISION_RECTIFY)
    run = await visible_run(session, principal, key)
    if run is None:
        raise ServiceError(ErrorCode.NOT_FOUND, NOT_FOUND, "runId")
    await require_reach(
        session, principal, Permission.SUPERVISION_RECTIFY, run.organization_id, "runId"
    )
    if run.version != expected_version:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"检查记录已被他人修改（当前版本 {run.version}，你提交的是 {expected_version}）",
            "expectedVersion",
        )
    if run.status != "OPEN":
        raise ServiceError(ErrorCode.INVALID, "该检查已完成，不能再修改", "runId")
    return run


async def answer(
    *,
    session: AsyncSession,
    principal: Principal,
    run_id: int | None,
    step_code: str,
    value: str,
    note: str,
    attachment_ids: tuple[int, ...],
    expected_version: int,
) -> ChecklistRun:
    """Answer (or re-answer) one step of an open run."""
    run = await _open_run(session, principal, run_id, expected_version)
    step = await session.scalar(
        select(ProcedureStep).where(
            ProcedureStep.procedure_id == run.procedure_id,
            ProcedureStep.code == step_code,
            ProcedureStep.retired_at.is_(None),
        )
    )
    if step is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"步骤 {step_code} 不存在", "stepCode")
    if value not in ANSWERS:
        raise ServiceError(ErrorCode.INVALID, "未知的答复", "answer")
    cleaned = note.strip()
    if value != "DONE" and not cleaned:
        raise ServiceError(ErrorCode.REQUIRED, "未完成或不适用时请说明原因", "note")
    if len(cleaned) > MAX_NOTE:
        raise ServiceError(ErrorCode.INVALID, f"说明不能超过 {MAX_NOTE} 个字符", "note")
    await check_attachments(session, principal, attachment_ids)
    row = await session.scalar(
        select(ChecklistAnswer).where(
            ChecklistAnswer.run_id == run.id, ChecklistAnswer.step_id == step.id
        )
    )
    if row is None:
        row = ChecklistAnswer(run_id=run.id, step_id=step.id, answer=value, attachments=[])
        session.add(row)
    row.answer, row.note, row.attachments = value, cleaned, list(attachment_ids)
    row.answered_by, row.answered_at = principal.account_id, utcnow()
    run.version += 1
    await session.flush()
    await _audit(
        session,
        principal,
        "checklist_run.answer",
        run,
        {"step": step.code, "answer": value, "version": run.version},
    )
    return run


async def complete(
    *,
    session: AsyncSession,
    principal: Principal,
    run_id: int | None,
    expected_version: int,
    today: dt.date,
) -> ChecklistRun:
    """Complete a run whose every live step is answered (and the task it evidences)."""
    run = await _open_run(session, principal, run_id, expected_version)
    missing = list(
        await session.scalars(
            select(ProcedureStep.code)
            .where(
                ProcedureStep.procedure_id == run.procedure_id,
                ProcedureStep.retired_at.is_(None),
                ProcedureStep.id.not_in(
                    select(ChecklistAnswer.step_id).where(ChecklistAnswer.run_id == run.id)
                ),
            )
            .order_by(ProcedureStep.position)
        )
    )
    if missing:
        raise ServiceError(ErrorCode.INVALID, f"还有步骤未答复：{', '.join(missing)}", "runId")
    run.status, run.completed_at = "COMPLETED", utcnow()
    run.version += 1
    await session.flush()
    await _audit(
        session, principal, "checklist_run.complete", run, {"status": ["OPEN", "COMPLETED"]}
    )
    await complete_task(session=session, principal=principal, run=run, today=today)
    return run
