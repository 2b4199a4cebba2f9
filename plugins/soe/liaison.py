"""The liaison duties (M3): loaded with the plugin, their calendar rules owned by LIAISON,
so that every leader-to-company link in force gets its tasks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar import recurrence
from core.calendar.generate import LIAISON
from core.calendar.models import CalendarRule
from core.db import utcnow
from core.duties.models import Duty, DutyLibrary
from core.duties.service import load_library

LIBRARY_PATH = Path(__file__).resolve().parent / "data" / "liaison" / "soe_liaison.yaml"
LIBRARY_URN = "urn:dutygraph:library:soe:liaison"


async def enable(*, session: AsyncSession, actor: str | None) -> int:
    """Load the liaison duties and own their rules by LIAISON; how many rules changed."""
    await load_library(session=session, path=LIBRARY_PATH, actor=actor, plugin="soe")
    duties = (
        await session.execute(
            select(Duty.id, Duty.rrule, Duty.frequency, Duty.lead_days, CalendarRule)
            .join(DutyLibrary, DutyLibrary.id == Duty.library_id)
            .outerjoin(CalendarRule, CalendarRule.duty_id == Duty.id)
            .where(DutyLibrary.urn == LIBRARY_URN, Duty.retired_at.is_(None))
        )
    ).all()
    changed = 0
    for duty_id, rrule, frequency, lead_days, rule in duties:
        if rule is None:
            text = recurrence.rule_for(rrule=rrule, frequency=frequency)
            if text is None:
                continue
            session.add(
                CalendarRule(
                    duty_id=duty_id,
                    rrule=text,
                    lead_days=lead_days,
                    owner=LIAISON,
                    starts_on=dt.date(utcnow().year, 1, 1),
                    active=True,
                    version=1,
                )
            )
            changed += 1
        elif rule.owner != LIAISON:
            rule.owner = LIAISON
            rule.version += 1
            changed += 1
    await session.flush()
    return changed
