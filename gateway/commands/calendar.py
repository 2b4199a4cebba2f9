"""`dutygraph calendar generate | holidays | day`: the work calendar from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from typing import Any
from zoneinfo import ZoneInfo

from core.config import Settings


def _fail(message: str) -> int:
    print(f"dutygraph: error: {message}", file=sys.stderr)
    return 1


async def _generate(args: argparse.Namespace, settings: Settings) -> int:
    from core.calendar import cli_ops
    from core.db import create_engine

    engine = create_engine(settings.database_url)
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    started = time.perf_counter()
    try:
        summary = await cli_ops.generate_year(engine=engine, year=args.year, today=today)
    finally:
        await engine.dispose()
    seconds = time.perf_counter() - started
    print(
        f"calendar {summary.year}: {summary.tasks_created} new tasks from {summary.rules} rules "
        f"in {seconds:.1f} s"
    )
    if not summary.holidays_known:
        print(
            f"  warning: no holidays stored for {summary.year} (official data not published); "
            "due dates moved off weekends only — add them with `dutygraph calendar day`"
        )
    for code, why in sorted(summary.skipped.items()):
        print(f"  skipped {code}: {why}")
    return 0


async def _holidays(args: argparse.Namespace, settings: Settings) -> int:
    from core.calendar import cli_ops
    from core.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        count = await cli_ops.seed_holidays(engine=engine, year=args.year)
    finally:
        await engine.dispose()
    if count is None:
        return _fail(
            f"chinese_calendar 未收录 {args.year} 年的官方节假日安排；"
            "请用 `dutygraph calendar day` 录入本市数据"
        )
    print(f"calendar {args.year}: {count} official exceptions stored (city overrides kept)")
    return 0


async def _day(args: argparse.Namespace, settings: Settings) -> int:
    from core.calendar import cli_ops
    from core.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        await cli_ops.set_city_day(
            engine=engine, day=args.date, working=args.working, note=args.note
        )
    finally:
        await engine.dispose()
    kind = "working day" if args.working else "day off"
    print(f"{args.date.isoformat()}: city override stored ({kind})")
    return 0


def _run(coro: Any) -> int:
    from gateway.cli import _run as run

    return run(coro)


def cmd_calendar(args: argparse.Namespace, settings: Settings) -> int:
    """Generate tasks, seed official holidays or set a city override."""
    handlers = {"generate": _generate, "holidays": _holidays, "day": _day}
    return _run(handlers[args.action](args, settings))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `calendar` with its actions."""
    calendar = sub.add_parser("calendar", help="the work calendar: tasks and working days")
    actions = calendar.add_subparsers(dest="action", required=True)
    this_year = dt.date.today().year
    generate = actions.add_parser("generate", help="instantiate a year of tasks (idempotent)")
    generate.add_argument("--year", type=int, default=this_year)
    holidays = actions.add_parser("holidays", help="store a year's official holidays and 调休")
    holidays.add_argument("--year", type=int, default=this_year)
    day = actions.add_parser("day", help="a city override: a day off or a working day")
    day.add_argument("date", type=_date)
    kind = day.add_mutually_exclusive_group(required=True)
    kind.add_argument("--working", action="store_true", help="a working day")
    kind.add_argument("--off", dest="working", action="store_false", help="a day off")
    day.add_argument("--note", default="")
    calendar.set_defaults(func=cmd_calendar)
