"""Query, mutation and Viewer fields of the work calendar."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry import Parent

from core.auth.schema import ViewerRoot
from core.calendar import rules, service, views
from core.calendar.rows import RuleRow, rule_row, task_row
from core.calendar.types import RuleType, TaskProgress, TaskStatus, TaskType
from core.graphql import ids
from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info
from core.graphql.errors import CodedError, UserError, not_found
from core.graphql.mutations import transact
from core.orgs import service as org_service

MAX_RANGE_DAYS = 366 * 3


def _range(start: dt.date, end: dt.date) -> None:
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise CodedError(
            f"日期范围无效：from 应不晚于 to，且不超过 {MAX_RANGE_DAYS} 天", "BAD_RANGE"
        )


@strawberry.type
class ViewerTaskFields:
    @strawberry.field(
        description="Tasks of the organisations where you hold a post today (their "
        "organisation tasks and the tasks of your posts), due between `from` and `to`, by "
        "due date, once they have opened (`opensOn`, the rule's `leadDays`); `status: "
        "OVERDUE` gives the open ones due before today; `first` 1–100."
    )
    async def tasks(
        self,
        root: Parent[ViewerRoot],
        info: Info,
        from_: Annotated[dt.date, strawberry.argument(name="from")],
        to: dt.date,
        status: TaskStatus | None = None,
        first: int = 100,
        after: str | None = None,
        include_unopened: Annotated[
            bool,
            strawberry.argument(
                description="Also list tasks that have not opened yet (a planning view)."
            ),
        ] = False,
    ) -> Connection[TaskType]:
        _range(from_, to)
        offset, limit = parse_after(after), check_first(first)
        async with info.context.engine.connect() as conn:
            rows, total = await views.my_tasks(
                conn=conn,
                principal=root.principal,
                today=info.context.today(),
                start=from_,
                end=to,
                status=status.value if status else None,
                offset=offset,
                limit=limit + 1,
                opened_only=not include_unopened,
            )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]


@strawberry.type
class CalendarQuery:
    @strawberry.field(
        description="Task progress of an organisation's visible subtree for tasks due between "
        "`from` and `to` (null if the organisation is not visible)."
    )
    async def task_progress(
        self,
        info: Info,
        within_code: str,
        from_: Annotated[dt.date, strawberry.argument(name="from")],
        to: dt.date,
    ) -> TaskProgress | None:
        principal = info.context.require_principal()
        _range(from_, to)
        async with info.context.engine.connect() as conn:
            root = await org_service.get_by_code(conn=conn, principal=principal, code=within_code)
            if root is None:
                return None
            found = await views.progress(
                conn=conn,
                principal=principal,
                root_id=root.id,
                root_depth=root.depth,
                today=info.context.today(),
                start=from_,
                end=to,
            )
        return TaskProgress(
            total=found.total,
            done=found.done,
            done_late=found.done_late,
            open=found.open,
            overdue=found.overdue,
            on_time_rate=found.on_time_rate,
        )

    @strawberry.field(description="The calendar rule of a duty (version 0 until first saved).")
    async def calendar_rule(self, info: Info, duty_code: str) -> RuleType | None:
        info.context.require_principal()
        async with info.context.sessions() as session:
            duty = await rules.find_duty(session, duty_code)
            if duty is None:
                return None
            rule = await rules.rule_of(session, duty, info.context.today())
            return _rule_row(rule)  # type: ignore[return-value]


def _rule_row(rule: object) -> RuleRow:
    found = rule_row(rule)  # type: ignore[arg-type]
    return found._replace(id=found.id or 0)


@strawberry.input
class CompleteTaskInput:
    id: strawberry.ID
    expected_version: int = strawberry.field(
        description="The `version` you read; stale → CONFLICT."
    )
    note: str = strawberry.field(description="What was done (required).")
    attachment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Ids returned by POST /uploads (yours, not yet used)."
    )


@strawberry.input
class CancelTaskInput:
    id: strawberry.ID
    expected_version: int
    reason: str


@strawberry.input
class UpdateCalendarRuleInput:
    duty_code: str
    rrule: str = strawberry.field(
        description="FREQ, INTERVAL, BYMONTH, BYMONTHDAY, BYDAY, COUNT, UNTIL."
    )
    lead_days: int = strawberry.field(
        description="Days before the due date a task opens (0–366); moves future open tasks' "
        "`opensOn`."
    )
    expected_version: int = strawberry.field(description="The rule's `version` (0 if never saved).")


@strawberry.type
class TaskPayload:
    task: TaskType | None
    errors: list[UserError]


@strawberry.type(description="How a rule change touched the duty's future open tasks.")
class Regeneration:
    added: int
    redated: int
    cancelled: int
    reopened: int


@strawberry.type
class CalendarRulePayload:
    rule: RuleType | None
    regeneration: Regeneration | None
    errors: list[UserError]


def _not_found(field: str = "id") -> list[UserError]:
    return not_found(field, service.NOT_FOUND)


def _attachment_ids(raw: list[strawberry.ID]) -> list[int] | None:
    keys = [ids.decode_int(one, "Attachment") for one in raw]
    return None if any(key is None for key in keys) else [k for k in keys if k is not None]


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(
        description="Complete an open task with a note and evidence. Needs a post in the "
        "task's organisation (the task's post, if it has one) or `orgs.manage` over it."
    )
    async def complete_task(self, info: Info, input: CompleteTaskInput) -> TaskPayload:
        principal = info.context.require_principal()
        task_id = ids.decode_int(input.id, "Task")
        if task_id is None:
            return TaskPayload(task=None, errors=_not_found())
        files = _attachment_ids(input.attachment_ids)
        if files is None:
            return TaskPayload(task=None, errors=_not_found("attachmentIds"))
        task, errors = await transact(
            info.context,
            lambda session: service.complete(
                session=session,
                principal=principal,
                task_id=task_id,
                expected_version=input.expected_version,
                note=input.note,
                attachment_ids=files,
                timezone=info.context.settings.timezone,
            ),
        )
        return TaskPayload(task=task_row(task) if task else None, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Cancel an open task with a reason. Needs `orgs.manage` over its organisation."
    )
    async def cancel_task(self, info: Info, input: CancelTaskInput) -> TaskPayload:
        principal = info.context.require_principal()
        task_id = ids.decode_int(input.id, "Task")
        if task_id is None:
            return TaskPayload(task=None, errors=_not_found())
        task, errors = await transact(
            info.context,
            lambda session: service.cancel(
                session=session,
                principal=principal,
                task_id=task_id,
                expected_version=input.expected_version,
                reason=input.reason,
                timezone=info.context.settings.timezone,
            ),
        )
        return TaskPayload(task=task_row(task) if task else None, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Change a duty's recurrence and lead time; its tasks due after today that "
        "are not done are re-dated, cancelled or added to match. Needs city-level `orgs.manage`."
    )
    async def update_calendar_rule(
        self, info: Info, input: UpdateCalendarRuleInput
    ) -> CalendarRulePayload:
        principal = info.context.require_principal()
        result, errors = await transact(
            info.context,
            lambda session: rules.update_rule(
                session=session,
                principal=principal,
                duty_code=input.duty_code,
                rrule=input.rrule,
                lead_days=input.lead_days,
                expected_version=input.expected_version,
                today=info.context.today(),
            ),
        )
        if result is None:
            return CalendarRulePayload(rule=None, regeneration=None, errors=errors)
        rule, regen = result
        return CalendarRulePayload(
            rule=_rule_row(rule),  # type: ignore[arg-type]
            regeneration=Regeneration(
                added=regen.added,
                redated=regen.redated,
                cancelled=regen.cancelled,
                reopened=regen.reopened,
            ),
            errors=[],
        )
