"""Folding a person's overdue reminders into one digest when a run has many for them.

A first run over a year of history (or a run after the job stood still for weeks) finds
thousands of overdue tasks: one message per task would bury a secretary's outbox. So in
one run, a person with more than DIGEST_AFTER overdue or escalation messages gets one
BACKLOG message instead: how many, of which organisations, the oldest ones first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.calendar.notify import ESCALATED, Message

BACKLOG = "BACKLOG"
DIGEST_AFTER = 10
"""A person's overdue messages in one run beyond this many become one digest."""
LISTED = 10
"""The oldest tasks a digest names."""
OVERDUE_KINDS = frozenset({"OVERDUE", ESCALATED})


@dataclass(frozen=True)
class Digest:
    """What one person's digest summarised."""

    person_id: int | None
    recipient_id: int | None
    own: int  # overdue tasks they answer for
    escalated: int  # subordinate organisations' tasks escalated to them
    oldest: dt.date
    rectifications: int = 0  # overdue items of other sources (core.calendar.sources)

    @property
    def total(self) -> int:
        """The messages the digest stands for."""
        return self.own + self.escalated + self.rectifications


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _line(message: Message, today: dt.date) -> str:
    late = (today - message.due_on).days
    title = message.subject.split("“", 1)[-1].split("”", 1)[0]
    return f"· {_date(message.due_on)}到期（逾期{late}天）：{title}"


def digest_of(person: Sequence[Message], today: dt.date) -> tuple[Message, Digest]:
    """One BACKLOG message standing for a person's overdue messages."""
    ordered = sorted(person, key=lambda m: (m.due_on, m.task_id or 0))
    other = sum(1 for m in person if m.source != "task")  # overdue rectifications
    own = sum(1 for m in person if m.kind != ESCALATED and m.source == "task")
    escalated = len(person) - own - other
    orgs = len({m.organization_id for m in person})
    parts = [f"本人负责任务 {own} 项"] if own else []
    if escalated:
        parts.append(f"下级单位逾期超期任务 {escalated} 项")
    if other:
        parts.append(f"整改逾期 {other} 项")
    subject = (
        f"【逾期汇总】共 {len(person)} 项事项逾期未完成（{'，'.join(parts)}），"
        f"涉及 {orgs} 个单位，最早于{_date(ordered[0].due_on)}到期"
    )
    lines = [_line(m, today) for m in ordered[:LISTED]]
    rest = len(person) - len(lines)
    body = "以下是逾期最久的事项：\n" + "\n".join(lines)
    if rest > 0:
        body += f"\n……其余 {rest} 项，请在“我的任务”中按“已逾期”（OVERDUE）筛选查看。"
    first = ordered[0]
    message = Message(
        kind=BACKLOG,
        task_id=None,
        organization_id=first.organization_id,
        recipient_id=first.recipient_id,
        person_id=first.person_id,
        subject=subject[:300],
        body=body,
        due_on=first.due_on,
    )
    return message, Digest(first.person_id, first.recipient_id, own, escalated, first.due_on, other)


def fold(
    messages: Iterable[Message], today: dt.date, limit: int = DIGEST_AFTER
) -> tuple[list[Message], list[Digest]]:
    """The messages to deliver: a person's overdue ones as they are up to `limit`, else one
    digest for all of them; and what each digest stood for (largest first)."""
    by_person: dict[int | None, list[Message]] = defaultdict(list)
    out: list[Message] = []
    for message in messages:
        if message.kind in OVERDUE_KINDS and message.person_id is not None:
            by_person[message.person_id].append(message)
        else:
            out.append(message)
    digests: list[Digest] = []
    for person in by_person.values():
        if len(person) <= limit:
            out.extend(person)
            continue
        message, digest = digest_of(person, today)
        out.append(message)
        digests.append(digest)
    digests.sort(key=lambda d: (-(d.own + d.escalated), d.person_id or 0))
    return out, digests


def kinds(messages: Iterable[Message]) -> Counter[str]:
    """How many messages of each kind."""
    return Counter(m.kind for m in messages)
