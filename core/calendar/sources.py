"""Reminder sources: what other domains add to the viewer's reminders and to `dutygraph remind`.

Tasks are the calendar's own reminders. Another domain (process control's overdue
rectifications) joins them as a *source*: it answers the viewer's reminders of its own
items, and in the remind job records the reminders due today under its own unique key and
returns their messages. The job delivers those with the tasks' overdue messages, in the
same transaction, so that a person's many overdue messages of one run fold into one digest.

The calendar does not import those domains: a source registers itself (`register`) when
its module is imported, and `installed` imports the known source modules that are present
(as `core.assessment.inputs` reads other domains' figures).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar.notify import Message

SOURCE_MODULES: tuple[str, ...] = ("core.supervision.reminders",)
"""Modules that register a source when imported; a module not installed is skipped."""


@dataclass(frozen=True)
class SourcedReminder:
    """One item of a source needing the viewer's attention, at a reminder stage."""

    source: str
    kind: str  # a stage of core.calendar.reminders (OVERDUE, DUE_IN_7_DAYS, …)
    due_on: dt.date
    item_id: int
    item: Any  # the record the source's GraphQL field of `Reminder` resolves


@dataclass
class Emitted:
    """What a source's pass of the remind job recorded (per stage) and the messages."""

    stages: dict[str, int] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)


@runtime_checkable
class ReminderSource(Protocol):
    """Reminders of one kind of item beyond the calendar's tasks."""

    name: str

    async def for_viewer(
        self, *, session: AsyncSession, person_id: int, today: dt.date, limit: int
    ) -> Sequence[SourcedReminder]:
        """The person's reminders of this source today, most urgent first, at most `limit`."""
        ...

    async def emit(self, *, session: AsyncSession, today: dt.date) -> Emitted:
        """Record the reminders due today that no run emitted yet (a unique key decides,
        so concurrent runs emit each once) and return their messages, undelivered."""
        ...


_REGISTERED: dict[str, ReminderSource] = {}


def register(source: ReminderSource) -> None:
    """Add a source (replacing one of the same name)."""
    _REGISTERED[source.name] = source


def installed() -> list[ReminderSource]:
    """Every registered source, after importing the known source modules present."""
    for module in SOURCE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise
    return [_REGISTERED[name] for name in sorted(_REGISTERED)]
