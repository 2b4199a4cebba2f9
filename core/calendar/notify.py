"""Reminder messages and their recipients; the Notifier protocol that delivers them.

Who hears of a task: the holders of its position (a position task) or the secretary of its
organisation (an organisation task), plus the linked leaders of a liaison task; an
escalation goes to the secretary of the parent organisation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, runtime_checkable

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.auth.models import Account
from core.calendar.models import CalendarRule, Liaison, Task
from core.orgs.catalogue_data import SECRETARY_POSITION
from core.orgs.models import Assignment, Organization, OrgCategory, Position

LIAISON_OWNER = "LIAISON"
"""`calendar_rule.owner` of duties whose tasks go to linked leaders."""

LEADER_IN_SLOT = re.compile(r":L(\d+):")
ESCALATED = "ESCALATED"
SUBJECTS: dict[str, str] = {
    "DUE_IN_30_DAYS": "【30天提醒】{org}“{title}”将于{due}到期",
    "DUE_IN_7_DAYS": "【7天提醒】{org}“{title}”将于{due}到期",
    "DUE_IN_1_DAY": "【即将到期】{org}“{title}”将于{due}到期",
    "OVERDUE": "【已逾期】{org}“{title}”已于{due}到期，尚未完成",
    ESCALATED: "【逾期督办】下级单位{org}“{title}”已逾期{late}天",
}
"""zh-CN subject of each stage's message."""


@dataclass(frozen=True)
class Message:
    """One reminder for one person (with their account when they have one).

    `task_id` is None for a BACKLOG digest standing for many tasks (core.calendar.backlog)
    and for a reminder of another source (`source`, `item_id`: an overdue rectification is
    `finding` and the finding's id, see core.calendar.sources).
    """

    kind: str
    task_id: int | None
    organization_id: int
    recipient_id: int | None
    person_id: int | None
    subject: str
    body: str
    due_on: dt.date
    source: str = "task"
    item_id: int | None = None

    @property
    def key(self) -> str:
        """Stable per task (or item), stage and person: lets a receiving system drop repeats."""
        if self.item_id is not None and self.source != "task":
            return f"{self.source}-{self.item_id}:{self.kind}:{self.person_id or '-'}"
        task = self.task_id if self.task_id is not None else self.due_on.isoformat()
        return f"{task}:{self.kind}:{self.person_id or '-'}"


@runtime_checkable
class Notifier(Protocol):
    """Delivers reminder messages (the outbox, SMS, a messaging app)."""

    name: str

    async def deliver(self, *, session: AsyncSession, messages: Sequence[Message]) -> None:
        """Deliver the messages inside the transaction that records their reminders."""
        ...


class TaskInfo(NamedTuple):
    id: int
    slot: str
    title: str
    due_on: dt.date
    organization_id: int
    position_id: int | None
    org_name: str
    org_code: str
    category_id: int
    parent_id: int | None
    parent_category_id: int | None
    owner: str | None


def current(model: type[Assignment] | type[Liaison], on: dt.date) -> ColumnElement[bool]:
    """A condition: the assignment (or liaison link) is in force on the date (`until` ends it)."""
    return (model.since <= on) & or_(model.until.is_(None), model.until > on)


async def secretary_positions(*, session: AsyncSession) -> dict[int, int]:
    """Category id → the post of its "first responsible person" (its secretary).

    The catalogue's SECRETARY_POSITION for core categories; for a plugin's category, its
    first principal post.
    """
    rows = await session.execute(
        select(Position.id, Position.code, Position.category_id, OrgCategory.code)
        .join(OrgCategory, OrgCategory.id == Position.category_id)
        .where(Position.principal.is_(True))
        .order_by(Position.category_id, Position.sort_order, Position.id)
    )
    found: dict[int, int] = {}
    for position_id, code, category_id, category_code in rows:
        if SECRETARY_POSITION.get(category_code) == code:
            found[category_id] = position_id
        else:
            found.setdefault(category_id, position_id)
    return found


async def task_infos(*, session: AsyncSession, task_ids: Iterable[int]) -> dict[int, TaskInfo]:
    """What a message says about each task, with its organisation and parent."""
    parent = aliased(Organization)
    rows = await session.execute(
        select(
            Task.id,
            Task.slot,
            Task.title,
            Task.due_on,
            Task.organization_id,
            Task.position_id,
            Organization.name,
            Organization.code,
            Organization.category_id,
            Organization.parent_id,
            parent.category_id,
            CalendarRule.owner,
        )
        .join(Organization, Organization.id == Task.organization_id)
        .outerjoin(parent, parent.id == Organization.parent_id)
        .outerjoin(CalendarRule, CalendarRule.id == Task.rule_id)
        .where(Task.id.in_(set(task_ids)))
    )
    return {row[0]: TaskInfo._make(row) for row in rows}


async def holders(
    *, session: AsyncSession, posts: set[tuple[int, int]], on: dt.date
) -> dict[tuple[int, int], list[int]]:
    """(organisation, position) → the people holding it on the date."""
    if not posts:
        return {}
    rows = await session.execute(
        select(Assignment.organization_id, Assignment.position_id, Assignment.person_id)
        .where(Assignment.organization_id.in_({org for org, _ in posts}), current(Assignment, on))
        .order_by(Assignment.person_id)
    )
    found: dict[tuple[int, int], list[int]] = {}
    for org_id, position_id, person_id in rows:
        if (org_id, position_id) in posts:
            found.setdefault((org_id, position_id), []).append(person_id)
    return found


async def accounts_of(*, session: AsyncSession, person_ids: set[int]) -> dict[int, int]:
    """Person → their (first) active account."""
    if not person_ids:
        return {}
    rows = await session.execute(
        select(Account.person_id, Account.id)
        .where(Account.person_id.in_(person_ids), Account.active.is_(True))
        .order_by(Account.id.desc())
    )
    return {person_id: account_id for person_id, account_id in rows if person_id is not None}


def leader_of(slot: str) -> list[int]:
    """The leader of a liaison task, from its slot "organization:duty:L<person>:period"."""
    match = LEADER_IN_SLOT.search(slot)
    return [int(match.group(1))] if match else []


def _posts(info: TaskInfo, stage: str, secretaries: dict[int, int]) -> list[tuple[int, int]]:
    """The posts whose holders hear of this stage of the task, the first one held wins.

    An escalation goes to the parent's secretary; a position task to that post's holders,
    or to the organisation's secretary while the post is vacant; an organisation task to
    its secretary.
    """
    org, category = info.organization_id, info.category_id
    if stage == ESCALATED:
        if info.parent_id is None or info.parent_category_id is None:
            return []
        org, category = info.parent_id, info.parent_category_id
    found = [(org, info.position_id)] if stage != ESCALATED and info.position_id else []
    secretary = secretaries.get(category)
    if secretary is not None:
        found.append((org, secretary))
    return found


def _text(info: TaskInfo, stage: str, today: dt.date) -> tuple[str, str]:
    due = f"{info.due_on.year}年{info.due_on.month}月{info.due_on.day}日"
    late = (today - info.due_on).days
    subject = SUBJECTS[stage].format(org=info.org_name, title=info.title, due=due, late=late)
    body = f"任务：{info.title}\n单位：{info.org_name}（{info.org_code}）\n截止日期：{due}\n" + (
        f"该任务已逾期{late}天，请督促下级单位尽快完成并上传全程纪实材料。"
        if stage == ESCALATED
        else "请按时完成，并在系统中记录完成情况、上传全程纪实材料。"
    )
    return subject[:300], body


async def messages_for(
    *, session: AsyncSession, emitted: Sequence[tuple[int, str]], today: dt.date
) -> list[Message]:
    """The messages of newly emitted (task id, stage) reminders, one per recipient person."""
    infos = await task_infos(session=session, task_ids=(task_id for task_id, _ in emitted))
    secretaries = await secretary_positions(session=session)
    posts = {
        post
        for task_id, stage in emitted
        if task_id in infos
        for post in _posts(infos[task_id], stage, secretaries)
    }
    held = await holders(session=session, posts=posts, on=today)
    people: dict[tuple[int, str], list[int]] = {}
    for task_id, stage in emitted:
        info = infos.get(task_id)
        if info is None:
            continue
        posts_held = [held[p] for p in _posts(info, stage, secretaries) if held.get(p)]
        found = list(posts_held[0]) if posts_held else []
        if stage != ESCALATED and info.owner == LIAISON_OWNER:
            found += leader_of(info.slot)
        people[(task_id, stage)] = list(dict.fromkeys(found))
    accounts = await accounts_of(
        session=session, person_ids={p for v in people.values() for p in v}
    )
    out: list[Message] = []
    for (task_id, stage), persons in people.items():
        info = infos[task_id]
        subject, body = _text(info, stage, today)
        out.extend(
            Message(
                kind=stage,
                task_id=task_id,
                organization_id=info.organization_id,
                recipient_id=accounts.get(person_id),
                person_id=person_id,
                subject=subject,
                body=body,
                due_on=info.due_on,
            )
            for person_id in persons
        )
    return out
