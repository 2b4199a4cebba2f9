"""`dutygraph calendar generate | holidays | day`: the work calendar from the command line."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from zoneinfo import ZoneInfo

import typer

from gateway import console


def this_year() -> int:
    """The current year in the city's time zone."""
    return dt.datetime.now(ZoneInfo(console.settings().timezone)).year


def skipped_lines(skipped: dict[str, str], *, verbose: bool) -> list[str]:
    """The duties without a calendar rule: one line per reason (each duty with --verbose)."""
    if not skipped:
        return []
    if verbose:
        return [f"  未生成 {code}：{why}" for code, why in sorted(skipped.items())]
    reasons = Counter(skipped.values())
    parts = "；".join(f"{why} {n} 项" for why, n in sorted(reasons.items()))
    return [f"  另有 {len(skipped)} 项职责未生成任务：{parts}（--verbose 逐项列出）"]


async def _generate(year: int, verbose: bool) -> list[str]:
    from core.calendar import cli_ops
    from core.db import create_engine

    settings = console.settings()
    engine = create_engine(settings.database_url)
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    started = time.perf_counter()
    try:
        with console.progress() as report:
            summary = await cli_ops.generate_year(
                engine=engine, year=year, today=today, progress=report
            )
    finally:
        await engine.dispose()
    lines = [
        f"{summary.year} 年行事历：新增 {console.number(summary.tasks_created)} 项任务，"
        f"来自 {summary.rules} 条规则，用时 {time.perf_counter() - started:.1f} 秒"
    ]
    if not summary.holidays_known:
        lines.append(
            f"  注意：没有 {summary.year} 年的节假日数据（官方尚未发布），到期日只避开了周末；"
            "可用 `dutygraph calendar day` 录入"
        )
    return lines + skipped_lines(summary.skipped, verbose=verbose)


async def _holidays(year: int) -> int | None:
    from core.calendar import cli_ops
    from core.db import create_engine

    engine = create_engine(console.settings().database_url)
    try:
        return await cli_ops.seed_holidays(engine=engine, year=year)
    finally:
        await engine.dispose()


async def _day(day: dt.date, working: bool, note: str) -> None:
    from core.calendar import cli_ops
    from core.db import create_engine

    engine = create_engine(console.settings().database_url)
    try:
        await cli_ops.set_city_day(engine=engine, day=day, working=working, note=note)
    finally:
        await engine.dispose()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {text}") from None


YEAR_HELP = "The year (default: this year in the city's time zone)."


def register(app: typer.Typer) -> None:
    """Add `calendar` with its actions."""
    group = typer.Typer(help="The work calendar: tasks and working days.", no_args_is_help=True)
    app.add_typer(group, name="calendar")

    @group.command("generate")
    def generate(
        year: int = typer.Option(None, help=YEAR_HELP, show_default="this year"),
        verbose: bool = typer.Option(
            False, "--verbose", "-v", help="List every duty that has no calendar rule."
        ),
    ) -> None:
        """Instantiate a year's tasks from every active calendar rule (idempotent)."""
        for line in console.run(_generate(year or this_year(), verbose)):
            console.out.print(line)

    @group.command("holidays")
    def holidays(
        year: int = typer.Option(None, help=YEAR_HELP, show_default="this year"),
    ) -> None:
        """Store a year's official holidays and make-up working days (调休)."""
        wanted = year or this_year()
        count = console.run(_holidays(wanted))
        if count is None:
            console.fail(
                f"chinese_calendar 未收录 {wanted} 年的官方节假日安排；"
                "请用 `dutygraph calendar day` 录入本市数据"
            )
        console.out.print(f"{wanted} 年：已存入 {count} 个官方调整日（本市自定的保留）")

    @group.command("day")
    def day(
        date: str = typer.Argument(..., metavar="YYYY-MM-DD", help="The day to override."),
        working: bool = typer.Option(
            ..., "--working/--off", help="A working day (--working) or a day off (--off)."
        ),
        note: str = typer.Option("", help="Why (shown with the day), e.g. 市委决定."),
    ) -> None:
        """Store a city override for one day: a day off or a working day."""
        when = _date(date)
        console.run(_day(when, working, note))
        kind = "工作日" if working else "休息日"
        console.out.print(f"{when.isoformat()}：已存为本市{kind}")
