"""`viewer.findingReminders`: the rectifications the viewer's organisations owe, by urgency.

Open findings (IDENTIFIED, RECTIFYING, REOPENED) of the organisations where the viewer holds
a post today, overdue or due within 30 days, most urgent first — the same stages as the
calendar's `viewer.reminders` (a post held is itself the grant, as for tasks).
"""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy import and_, select
from strawberry import Parent

from core.auth.schema import ViewerRoot
from core.calendar.notify import current
from core.calendar.reminders import HORIZON_DAYS, stage_of
from core.calendar.reminders_schema import ReminderKind
from core.graphql.context import Info
from core.orgs.models import Assignment
from core.supervision.findings import OPEN_STATUSES
from core.supervision.models import Finding
from core.supervision.types import FindingType

MAX_REMINDERS = 100


@strawberry.type(description="A rectification your organisation owes, and how soon it is due.")
class FindingReminder:
    kind: ReminderKind
    finding: FindingType


async def finding_reminders(info: Info, person_id: int, today: dt.date) -> list[FindingReminder]:
    """Open findings of the person's organisations, overdue or due within the horizon."""
    mine = and_(Assignment.person_id == person_id, current(Assignment, today))
    async with info.context.sessions() as session:
        rows = await session.scalars(
            select(Finding)
            .where(
                Finding.status.in_(OPEN_STATUSES),
                Finding.rectify_by <= today + dt.timedelta(days=HORIZON_DAYS),
                Finding.organization_id.in_(select(Assignment.organization_id).where(mine)),
            )
            .order_by(Finding.rectify_by, Finding.id)
            .limit(MAX_REMINDERS)
        )
        out = []
        for finding in rows:
            stage = stage_of(finding.rectify_by, today)
            if stage is not None:
                out.append(FindingReminder(kind=ReminderKind(stage), finding=finding))  # type: ignore[arg-type]
    return out


@strawberry.type
class FindingReminderFields:
    @strawberry.field(
        description="Rectifications your organisations owe: open findings overdue or due "
        "within 30 days, most urgent first (at most 100)."
    )
    async def finding_reminders(
        self, root: Parent[ViewerRoot], info: Info
    ) -> list[FindingReminder]:
        if root.principal.person_id is None:
            return []
        return await finding_reminders(info, root.principal.person_id, info.context.today())
