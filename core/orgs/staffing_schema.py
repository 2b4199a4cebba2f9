"""Mutations that staff organisations: assign a person, end a term."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.graphql import ids
from core.graphql.context import Info
from core.graphql.errors import UserError, not_found
from core.graphql.mutations import transact
from core.orgs import staffing
from core.orgs.rows import assignment_row
from core.orgs.types import AssignmentType


@strawberry.input
class AssignPositionInput:
    person_code: str
    position_code: str
    organization_code: str
    since: dt.date


@strawberry.input
class EndAssignmentInput:
    id: strawberry.ID
    until: dt.date
    expected_version: int


@strawberry.type
class AssignmentPayload:
    assignment: AssignmentType | None
    errors: list[UserError]


@strawberry.type
class StaffingMutation:
    @strawberry.mutation(description="Put a person in a post from a date. Needs `staffing.manage`.")
    async def assign_position(self, info: Info, input: AssignPositionInput) -> AssignmentPayload:
        principal = info.context.require_principal()
        done, errors = await transact(
            info.context,
            lambda session: staffing.assign(
                session=session,
                principal=principal,
                person_code=input.person_code,
                position_code=input.position_code,
                organization_code=input.organization_code,
                since=input.since,
            ),
        )
        return AssignmentPayload(assignment=assignment_row(done) if done else None, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="End a term on a date; the record is kept. Needs `staffing.manage`."
    )
    async def end_assignment(self, info: Info, input: EndAssignmentInput) -> AssignmentPayload:
        principal = info.context.require_principal()
        key = ids.decode_int(input.id, "Assignment")
        if key is None:
            return AssignmentPayload(
                assignment=None, errors=not_found("id", "任职记录不存在或不可见")
            )
        done, errors = await transact(
            info.context,
            lambda session: staffing.end(
                session=session,
                principal=principal,
                assignment_id=key,
                until=input.until,
                expected_version=input.expected_version,
            ),
        )
        return AssignmentPayload(assignment=assignment_row(done) if done else None, errors=errors)  # type: ignore[arg-type]
