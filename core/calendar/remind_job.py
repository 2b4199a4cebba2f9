"""The remind job (`dutygraph remind`): every due reminder, each task at today's stage.

Upcoming stages are emitted a transaction per batch and delivered as they are. OVERDUE and
ESCALATED are emitted in one transaction, so that a person's many overdue messages of one
run fold into one digest (core.calendar.backlog): a first run over a year of history tells
each person their backlog once instead of thousands of times. Overdue items of other
domains (core.calendar.sources: overdue rectifications) join that transaction, counted
under "<SOURCE>_<STAGE>" (FINDING_OVERDUE).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pluggy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.calendar import backlog, sources
from core.calendar.models import Reminder
from core.calendar.notify import ESCALATED, Message, Notifier, messages_for
from core.calendar.outbox import OutboxNotifier
from core.calendar.reminders import (
    BATCH,
    OVERDUE,
    Pass,
    audit_run,
    candidates,
    emit,
    emit_batch,
    passes,
    pending,
)
from core.plugins import call_each, flatten


async def _unwarned(session: AsyncSession, task_ids: list[int]) -> list[int]:
    """Of escalated tasks, those whose owners never had their OVERDUE reminder."""
    warned = set(
        (
            await session.execute(
                select(Reminder.task_id).where(
                    Reminder.task_id.in_(task_ids), Reminder.stage == OVERDUE
                )
            )
        ).scalars()
    )
    return [task_id for task_id in task_ids if task_id not in warned]


async def collect_batch(
    *, session: AsyncSession, kind: Pass, today: dt.date, after: int, limit: int
) -> tuple[list[tuple[int, str]], list[Message], int | None]:
    """Emit one batch of overdue reminders; their messages are returned, not delivered.

    An escalated task whose owners never had its OVERDUE reminder tells them too (the
    owners' message is part of their backlog, no OVERDUE reminder is recorded).
    """
    task_ids = await candidates(session, kind, after, limit)
    if not task_ids:
        return [], [], None
    emitted = await emit(session, kind, task_ids)
    messages = await messages_for(session=session, emitted=emitted, today=today)
    escalated = [task_id for task_id, stage in emitted if stage == ESCALATED]
    if escalated:
        owners = [(task_id, OVERDUE) for task_id in await _unwarned(session, escalated)]
        messages += await messages_for(session=session, emitted=owners, today=today)
    return emitted, messages, task_ids[-1]


def notifiers_of(pm: pluggy.PluginManager) -> list[Notifier]:
    """The built-in outbox, then every plugin's notifiers."""
    found: list[Notifier] = [OutboxNotifier()]
    found += [n for _, n in flatten(call_each(pm, "dutygraph_notifiers"))]
    return found


@dataclass
class RemindSummary:
    """What one run emitted, per stage; the digests that stood for many messages."""

    emitted: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    digests: list[backlog.Digest] = field(default_factory=list)

    def line(self) -> str:
        """One line for the operator."""
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.emitted.items())) or "nothing new"
        line = f"reminders emitted: {sum(self.emitted.values())} ({parts})"
        if self.digests:
            folded = sum(d.total for d in self.digests)
            line += f"; {len(self.digests)} backlog digests stand for {folded} overdue messages"
        return line


Progress = Callable[[str, int, int], None]


async def _upcoming(
    sessions: async_sessionmaker[AsyncSession],
    kind: Pass,
    today: dt.date,
    notifiers: Sequence[Notifier],
    batch: int,
    summary: RemindSummary,
    progress: Progress | None,
) -> None:
    """The upcoming stages: one transaction per batch, every message as it is."""
    total = 0
    if progress is not None:
        async with sessions() as session:
            total = await pending(session, kind)
        progress(kind.name, 0, total)
    after: int | None = 0
    done = 0
    while after is not None:
        async with sessions.begin() as session:
            emitted, after = await emit_batch(
                session=session,
                kind=kind,
                today=today,
                notifiers=notifiers,
                after=after,
                limit=batch,
            )
        summary.batches += 1
        summary.emitted.update(stage for _, stage in emitted)
        done += len(emitted)
        if progress is not None:
            progress(kind.name, min(done, total), total)


async def _overdue(
    sessions: async_sessionmaker[AsyncSession],
    kinds: Sequence[Pass],
    today: dt.date,
    notifiers: Sequence[Notifier],
    batch: int,
    summary: RemindSummary,
    progress: Progress | None,
    others: Sequence[sources.ReminderSource] = (),
) -> None:
    """OVERDUE and ESCALATED (and the sources' overdue items) in one transaction, a
    person's many messages folded."""
    collected: list[Message] = []
    emitted_here: Counter[str] = Counter()
    async with sessions.begin() as session:
        for kind in kinds:
            total = await pending(session, kind) if progress is not None else 0
            if progress is not None:
                progress(kind.name, 0, total)
            after: int | None = 0
            done = 0
            while after is not None:
                emitted, messages, after = await collect_batch(
                    session=session, kind=kind, today=today, after=after, limit=batch
                )
                summary.batches += 1
                emitted_here.update(stage for _, stage in emitted)
                collected += messages
                done += len(emitted)
                if progress is not None:
                    progress(kind.name, min(done, total), total)
        for source in others:
            found = await source.emit(session=session, today=today)
            emitted_here.update(
                {f"{source.name.upper()}_{stage}": n for stage, n in found.stages.items()}
            )
            collected += found.messages
            if progress is not None:
                progress(source.name, sum(found.stages.values()), sum(found.stages.values()))
        if not emitted_here:
            return
        delivered, summary.digests = backlog.fold(collected, today)
        for notifier in notifiers:
            await notifier.deliver(session=session, messages=delivered)
        summary.emitted.update(emitted_here)
        await audit_run(
            session,
            today,
            {
                "emitted": dict(sorted(emitted_here.items())),
                "messages": len(delivered),
                "digests": len(summary.digests),
            },
        )


async def remind(
    *,
    sessions: async_sessionmaker[AsyncSession],
    pm: pluggy.PluginManager,
    today: dt.date,
    escalate_after_days: int,
    batch: int = BATCH,
    progress: Progress | None = None,
    others: Sequence[sources.ReminderSource] | None = None,
) -> RemindSummary:
    """Emit every due reminder, each task at the stage it is at today.

    Upcoming stages: a transaction per batch. Overdue and escalation: one transaction, so
    that a person with more than `backlog.DIGEST_AFTER` such messages gets one digest (a
    first run over a year of history does not flood anyone). The overdue items of the
    reminder sources (`others`, by default every installed one) join that transaction.
    `progress` hears (pass, reminders emitted, reminders pending).
    """
    notifiers = notifiers_of(pm)
    summary = RemindSummary()
    upcoming, overdue, escalated = passes(today, escalate_after_days)
    await _upcoming(sessions, upcoming, today, notifiers, batch, summary, progress)
    found = sources.installed() if others is None else others
    await _overdue(
        sessions, (overdue, escalated), today, notifiers, batch, summary, progress, found
    )
    return summary
