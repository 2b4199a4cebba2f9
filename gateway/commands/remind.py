"""`dutygraph remind [--today YYYY-MM-DD]`: emit due reminders once per task and stage.

Safe to run from cron on several replicas at once: the reminder table's unique key
(task_id, stage) decides which run emits (and delivers) each reminder.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from core.config import Settings


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


async def _remind(today: dt.date, settings: Settings) -> int:
    from core.calendar.reminders import remind
    from core.db import create_engine, session_factory
    from core.plugins import create_manager

    pm = create_manager(settings)
    engine = create_engine(settings.database_url)
    try:
        summary = await remind(
            sessions=session_factory(engine),
            pm=pm,
            today=today,
            escalate_after_days=settings.escalate_after_days,
        )
    finally:
        await engine.dispose()
    print(f"{today.isoformat()}: {summary.line()}")
    return 0


def cmd_remind(args: argparse.Namespace, settings: Settings) -> int:
    """Emit the reminders due on a date (today in the city's time zone by default)."""
    from gateway.cli import _run  # the CLI's one-line handling of database errors

    today = args.today or dt.datetime.now(ZoneInfo(settings.timezone)).date()
    return _run(_remind(today, settings))


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `remind`."""
    remind = sub.add_parser(
        "remind",
        help="emit due reminders (30/7/1 days before, overdue, escalation); cron-safe",
    )
    remind.add_argument(
        "--today", type=_date, default=None, help="the date to remind for (YYYY-MM-DD)"
    )
    remind.set_defaults(func=cmd_remind)
