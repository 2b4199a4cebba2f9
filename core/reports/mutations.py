"""Mutations of the indicator reports: values, approval and flag follow-ups, each in one
transaction (contract: ../shared/contract/reports.graphql)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from core.graphql.context import Info, RequestContext
from core.graphql.errors import ServiceError, UserError
from core.reports import approval, entry
from core.reports.rows import FollowUpRow, SheetRow
from core.reports.types import (
    FollowUpType,
    ReportPhase,
    SheetType,
)
from core.reports.values import ValuesRefused

T = TypeVar("T")


async def _transact(
    ctx: RequestContext, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run the work in one transaction; a refusal (every reason) leaves nothing written."""
    try:
        async with ctx.sessions.begin() as session:
            return await work(session), []
    except ValuesRefused as exc:
        return None, exc.errors
    except ServiceError as exc:
        return None, [exc.as_user_error()]


@strawberry.input(description="One value: the indicator's code and the number (yes/no: 1 or 0).")
class ReportValueInput:
    indicator_code: str
    value: float


@strawberry.input
class SubmitReportValuesInput:
    report_code: str
    period: str = strawberry.field(
        description="`2026` for TARGET and RESULT, `2026Q2` for PROGRESS."
    )
    phase: ReportPhase
    organization_code: str
    values: list[ReportValueInput]
    expected_version: int | None = strawberry.field(
        default=None, description="The sheet's `version` you read (0: none yet); stale → CONFLICT."
    )


@strawberry.type
class SubmitReportValuesPayload:
    accepted: int = strawberry.field(description="How many values were taken (0 when refused).")
    sheet: SheetType | None
    errors: list[UserError]


@strawberry.input
class ReportSheetInput:
    report_code: str
    period: str
    phase: ReportPhase
    organization_code: str
    expected_version: int | None = None
    reason: str | None = strawberry.field(default=None, description="Required to un-approve.")


@strawberry.type
class ReportSheetPayload:
    sheet: SheetType | None
    errors: list[UserError]


@strawberry.input
class FlagFollowUpInput:
    report_code: str
    period: str
    phase: ReportPhase
    organization_code: str
    indicator_code: str
    comment: str = strawberry.field(
        description="Why it needs following up, or how it was resolved."
    )
    resolve: bool = strawberry.field(default=False, description="True: close the open mark.")


@strawberry.type
class FlagFollowUpPayload:
    follow_up: FollowUpType | None
    errors: list[UserError]


@strawberry.type
class ReportMutation:
    @strawberry.mutation(
        description="Submit values of one organisation's sheet (all or none: every bad value is "
        "named). Needs `reports.submit` over the organisation, which the form must expect."
    )
    async def submit_report_values(
        self, info: Info, input: SubmitReportValuesInput
    ) -> SubmitReportValuesPayload:
        principal = info.context.require_principal()
        result, errors = await _transact(
            info.context,
            lambda session: entry.submit(
                session=session,
                principal=principal,
                form_code=input.report_code,
                period=input.period,
                phase=input.phase.value,
                org_code=input.organization_code,
                values=[(v.indicator_code, v.value) for v in input.values],
                expected_version=input.expected_version,
                today=info.context.today(),
            ),
        )
        if result is None:
            return SubmitReportValuesPayload(accepted=0, sheet=None, errors=errors)
        sheet, accepted = result
        row = SheetRow.of(sheet, input.report_code)
        return SubmitReportValuesPayload(accepted=accepted, sheet=row, errors=[])  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Approve a child organisation's sheet (its own children's first). Needs "
        "`reports.approve` over the organisation's parent. Approved data is locked."
    )
    async def approve_report(self, info: Info, input: ReportSheetInput) -> ReportSheetPayload:
        principal = info.context.require_principal()
        sheet, errors = await _transact(
            info.context,
            lambda session: approval.approve(
                session=session,
                principal=principal,
                form_code=input.report_code,
                period=input.period,
                phase=input.phase.value,
                org_code=input.organization_code,
                expected_version=input.expected_version,
            ),
        )
        row = None if sheet is None else SheetRow.of(sheet, input.report_code)
        return ReportSheetPayload(sheet=row, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Return an approved sheet for correction, with a reason (refused while the "
        "parent's sheet is approved). Needs `reports.approve` over the parent."
    )
    async def unapprove_report(self, info: Info, input: ReportSheetInput) -> ReportSheetPayload:
        principal = info.context.require_principal()
        sheet, errors = await _transact(
            info.context,
            lambda session: approval.unapprove(
                session=session,
                principal=principal,
                form_code=input.report_code,
                period=input.period,
                phase=input.phase.value,
                org_code=input.organization_code,
                reason=input.reason or "",
                expected_version=input.expected_version,
            ),
        )
        row = None if sheet is None else SheetRow.of(sheet, input.report_code)
        return ReportSheetPayload(sheet=row, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Mark a flagged value for follow-up with a comment, or resolve the mark "
        "(`resolve: true`). Needs `reports.approve` over the organisation."
    )
    async def mark_flag_follow_up(
        self, info: Info, input: FlagFollowUpInput
    ) -> FlagFollowUpPayload:
        principal = info.context.require_principal()
        mark, errors = await _transact(
            info.context, lambda session: _mark(session, principal, input, info)
        )
        return FlagFollowUpPayload(follow_up=mark, errors=errors)  # type: ignore[arg-type]


async def _mark(
    session: AsyncSession, principal: object, input: FlagFollowUpInput, info: Info
) -> FollowUpRow:
    mark = await approval.follow_up(
        session=session,
        principal=principal,  # type: ignore[arg-type]
        form_code=input.report_code,
        period=input.period,
        phase=input.phase.value,
        org_code=input.organization_code,
        indicator=input.indicator_code,
        comment=input.comment,
        resolve_it=input.resolve,
        today=info.context.today(),
    )
    return FollowUpRow.of(mark, getattr(principal, "username", None))
