"""GraphQL types of checklist runs: a procedure worked through by one organisation."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import Parent

from core.audit.scopes import register_entity
from core.auth.principal import Principal
from core.calendar.loaders import TaskByIdLoader
from core.calendar.types import TaskType
from core.graphql import ids
from core.graphql.context import Info
from core.orgs import loaders as org_loaders
from core.orgs.models import Organization
from core.orgs.scope import visible
from core.orgs.types import OrganizationT
from core.supervision.loaders import (
    AnswersByRunIdLoader,
    ProcedureByIdLoader,
    StepsByProcedureIdLoader,
)
from core.supervision.models import ChecklistRun
from core.supervision.types import ProcedureType


@strawberry.enum(description="How a step of a checklist run was answered.")
class StepAnswer(enum.Enum):
    DONE = "DONE"
    NOT_DONE = "NOT_DONE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@strawberry.type(name="ChecklistAnswer", description="The answer to one step of a run.")
class AnswerType:
    step_code: str
    step_title: str
    answer: StepAnswer
    note: str
    answered_at: dt.datetime
    attachment_ids: list[strawberry.ID]


@strawberry.type(name="ChecklistRun", description="A procedure worked through by one organisation.")
class RunType:
    title: str
    status: str = strawberry.field(description="OPEN or COMPLETED.")
    due_on: dt.date | None
    started_at: dt.datetime
    completed_at: dt.datetime | None
    version: int = strawberry.field(description="Pass as `expectedVersion` to change it.")

    @strawberry.field
    def id(self, root: Parent[ChecklistRun]) -> strawberry.ID:
        return strawberry.ID(ids.encode("ChecklistRun", root.id))

    @strawberry.field
    async def organization(self, root: Parent[ChecklistRun], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(
        description="The calendar task this run evidences (null when none or not visible)."
    )
    async def task(self, root: Parent[ChecklistRun], info: Info) -> TaskType | None:
        if root.task_id is None:
            return None
        return await info.context.loader(TaskByIdLoader).load(root.task_id)  # type: ignore[return-value]

    @strawberry.field
    async def procedure(self, root: Parent[ChecklistRun], info: Info) -> ProcedureType:
        found = await info.context.loader(ProcedureByIdLoader).load(root.procedure_id)
        return found  # type: ignore[return-value]

    @strawberry.field(description="The answers given, in the procedure's order.")
    async def answers(self, root: Parent[ChecklistRun], info: Info) -> list[AnswerType]:
        rows = await info.context.loader(AnswersByRunIdLoader).load(root.id)
        return [
            AnswerType(
                step_code=step.code,
                step_title=step.title,
                answer=StepAnswer(answer.answer),
                note=answer.note,
                answered_at=answer.answered_at,
                attachment_ids=[
                    strawberry.ID(ids.encode("Attachment", key)) for key in answer.attachments
                ],
            )
            for answer, step in rows
        ]

    @strawberry.field(description="Live steps not answered yet.")
    async def remaining(self, root: Parent[ChecklistRun], info: Info) -> int:
        steps = await info.context.loader(StepsByProcedureIdLoader).load(root.procedure_id)
        answered = await info.context.loader(AnswersByRunIdLoader).load(root.id)
        done = {step.id for _answer, step in answered}
        return sum(1 for step in steps if step.id not in done)


async def _run_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    if not key.isdigit():
        return False
    found = await conn.execute(
        select(ChecklistRun.id).where(
            ChecklistRun.id == int(key),
            ChecklistRun.organization_id.in_(select(Organization.id).where(visible(principal))),
        )
    )
    return found.first() is not None


register_entity("ChecklistRun", _run_visible)
