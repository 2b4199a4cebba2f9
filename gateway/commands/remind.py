"""`dutygraph remind [--today YYYY-MM-DD]`: emit due reminders once per task and stage.

Safe to run from cron on several replicas at once: the reminder table's unique key
(task_id, stage) decides which run emits (and delivers) each reminder.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from gateway import console

if TYPE_CHECKING:
    from core.calendar.remind_job import RemindSummary

STAGES = {
    "DUE_IN_30_DAYS": "30天内到期",
    "DUE_IN_7_DAYS": "7天内到期",
    "DUE_IN_1_DAY": "即将到期",
    "OVERDUE": "已逾期",
    "ESCALATED": "逾期督办",
    "FINDING_OVERDUE": "整改逾期",
}
TOP = 10


async def _remind(today: dt.date) -> tuple[RemindSummary, dict[int, tuple[str, str]]]:
    from sqlalchemy import select

    from core.calendar.remind_job import remind
    from core.db import create_engine, session_factory
    from core.orgs.models import Assignment, Organization, Person
    from core.plugins import create_manager

    settings = console.settings()
    pm = create_manager(settings)
    engine = create_engine(settings.database_url)
    try:
        with console.progress() as report:
            summary = await remind(
                sessions=session_factory(engine),
                pm=pm,
                today=today,
                escalate_after_days=settings.escalate_after_days,
                progress=report,
            )
        people = [d.person_id for d in summary.digests[:TOP] if d.person_id is not None]
        names: dict[int, tuple[str, str]] = {}
        if people:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    select(Person.id, Person.name, Organization.name)
                    .join(Assignment, Assignment.person_id == Person.id)
                    .join(Organization, Organization.id == Assignment.organization_id)
                    .where(Person.id.in_(people))
                    .order_by(Person.id, Assignment.id)
                )
                for person_id, name, org in rows:
                    names.setdefault(person_id, (name, org))
    finally:
        await engine.dispose()
    return summary, names


def _print(today: dt.date, summary: RemindSummary, names: dict[int, tuple[str, str]]) -> None:
    print(f"{today.isoformat()}: {summary.line()}")
    if summary.emitted:
        parts = "，".join(
            f"{STAGES.get(k, k)} {console.number(v)}" for k, v in sorted(summary.emitted.items())
        )
        console.out.print(f"本次提醒 {console.number(sum(summary.emitted.values()))} 项：{parts}")
    if not summary.digests:
        return
    folded = sum(d.total for d in summary.digests)
    console.out.print(
        f"逾期积压：{console.number(len(summary.digests))} 人各收到一条汇总消息，"
        f"代替 {console.number(folded)} 条逐项提醒"
    )
    table = Table(title=f"积压最多的 {min(TOP, len(summary.digests))} 人", title_justify="left")
    for column in ("姓名", "单位", "本人逾期", "下级逾期督办", "整改逾期", "最早到期"):
        table.add_column(column)
    for digest in summary.digests[:TOP]:
        name, org = names.get(digest.person_id or 0, ("-", "-"))
        counts = (digest.own, digest.escalated, digest.rectifications)
        table.add_row(name, org, *map(str, counts), digest.oldest.isoformat())
    console.out.print(table)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(app: typer.Typer) -> None:
    """Add `remind`."""

    @app.command("remind")
    def remind_command(
        today: str = typer.Option(
            None,
            metavar="YYYY-MM-DD",
            help="The date to remind for.",
            show_default="today in the city's time zone",
        ),
    ) -> None:
        """Emit due reminders (30/7/1 days before, overdue, escalation); cron-safe.

        Each task gets the stage it is at today, an overdue rectification its organisation's
        secretary; a person with many overdue tasks in one run gets one digest instead of a
        message per task.
        """
        when = _date(today) or dt.datetime.now(ZoneInfo(console.settings().timezone)).date()
        summary, names = console.run(_remind(when))
        _print(when, summary, names)
