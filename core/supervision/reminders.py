"""Overdue rectifications as a reminder source (core.calendar.sources): they join the
viewer's `reminders` and `dutygraph remind`.

A finding not yet rectified (IDENTIFIED, RECTIFYING, REOPENED) past its rectify-by date is
OVERDUE. The viewer sees those of the organisations where they hold a post today; the job
tells the organisation's secretary (its "first responsible person", as for an organisation
task) once: `finding_reminder`'s unique key (finding_id, stage) decides which run emits it,
and a finding gets only the stage it is at today. The messages go with the tasks' overdue
ones, so a person with many in one run gets one digest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import DateTime, and_, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar import sources
from core.calendar.notify import Message, accounts_of, current, holders, secretary_positions
from core.calendar.reminders import OVERDUE
from core.db import utcnow
from core.orgs.models import Assignment, Organization
from core.supervision.findings import OPEN_STATUSES
from core.supervision.models import Finding, FindingReminder

SOURCE = "finding"
TITLE_CHARS = 40
"""A message names the finding by the start of its description."""


def _insert(session: AsyncSession) -> Any:
    bind = session.bind
    return pg_insert if bind is not None and bind.dialect.name == "postgresql" else sqlite_insert


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _title(description: str) -> str:
    line = description.strip().splitlines()[0] if description.strip() else ""
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS] + "…"


def text_of(finding: Finding, org_name: str, org_code: str, today: dt.date) -> tuple[str, str]:
    """The zh-CN subject and body of an overdue finding's message."""
    late = (today - finding.rectify_by).days
    due = _date(finding.rectify_by)
    subject = (
        f"【整改逾期】{org_name}“{_title(finding.description)}”整改期限为{due}，已逾期{late}天"
    )
    body = (
        f"问题：{finding.description}\n单位：{org_name}（{org_code}）\n整改期限：{due}\n"
        f"该问题已逾期{late}天未完成整改，请尽快整改，并在系统中记录整改情况、上传佐证材料。"
    )
    return subject[:300], body


class FindingSource:
    """Overdue findings: the viewer's reminders and the remind job's OVERDUE stage."""

    name = SOURCE

    async def for_viewer(
        self, *, session: AsyncSession, person_id: int, today: dt.date, limit: int
    ) -> Sequence[sources.SourcedReminder]:
        mine = and_(Assignment.person_id == person_id, current(Assignment, today))
        rows = await session.scalars(
            select(Finding)
            .where(
                Finding.status.in_(OPEN_STATUSES),
                Finding.rectify_by < today,
                Finding.organization_id.in_(select(Assignment.organization_id).where(mine)),
            )
            .order_by(Finding.rectify_by, Finding.id)
            .limit(limit)
        )
        return [
            sources.SourcedReminder(SOURCE, OVERDUE, finding.rectify_by, finding.id, finding)
            for finding in rows
        ]

    async def emit(self, *, session: AsyncSession, today: dt.date) -> sources.Emitted:
        overdue = select(
            Finding.id, literal(OVERDUE), literal(utcnow(), DateTime(timezone=True))
        ).where(Finding.status.in_(OPEN_STATUSES), Finding.rectify_by < today)
        stmt = (
            _insert(session)(FindingReminder)
            .from_select(["finding_id", "stage", "emitted_at"], overdue)
            .on_conflict_do_nothing(index_elements=["finding_id", "stage"])
            .returning(FindingReminder.finding_id)
        )
        emitted = sorted(set((await session.execute(stmt)).scalars()))
        if not emitted:
            return sources.Emitted()
        return sources.Emitted({OVERDUE: len(emitted)}, await messages_for(session, emitted, today))


async def messages_for(
    session: AsyncSession, finding_ids: Sequence[int], today: dt.date
) -> list[Message]:
    """One message per finding and holder of its organisation's secretary post."""
    rows = await session.execute(
        select(Finding, Organization.name, Organization.code, Organization.category_id)
        .join(Organization, Organization.id == Finding.organization_id)
        .where(Finding.id.in_(finding_ids))
        .order_by(Finding.id)
    )
    found = [(finding, name, code, category) for finding, name, code, category in rows]
    secretaries = await secretary_positions(session=session)
    posts = {
        (finding.organization_id, secretaries[category])
        for finding, _, _, category in found
        if category in secretaries
    }
    held = await holders(session=session, posts=posts, on=today)
    accounts = await accounts_of(
        session=session, person_ids={p for people in held.values() for p in people}
    )
    out: list[Message] = []
    for finding, org_name, org_code, category in found:
        post = secretaries.get(category)
        people = held.get((finding.organization_id, post), []) if post is not None else []
        subject, body = text_of(finding, org_name, org_code, today)
        out.extend(
            Message(
                kind=OVERDUE,
                task_id=None,
                organization_id=finding.organization_id,
                recipient_id=accounts.get(person_id),
                person_id=person_id,
                subject=subject,
                body=body,
                due_on=finding.rectify_by,
                source=SOURCE,
                item_id=finding.id,
            )
            for person_id in people
        )
    return out


sources.register(FindingSource())
