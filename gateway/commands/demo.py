"""`dutygraph demo`: load the demo city, enable its plugins, give this year a past."""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from core.demo.loader import DEFAULT_SEED
from core.plugins import create_manager
from gateway import console

if TYPE_CHECKING:
    from core.demo.city import CitySummary

n = console.number


async def _demo(
    *, scale: int, seed: int, if_empty: bool, calendar: bool, today: dt.date
) -> CitySummary | None:
    from core.calendar.uploads import upload_settings
    from core.db import create_engine
    from core.demo.city import load_city
    from core.demo.loader import is_empty

    settings = console.settings()
    pm = create_manager(settings)
    engine = create_engine(settings.database_url)
    try:
        if if_empty and not await is_empty(engine):
            return None
        with console.progress() as report:
            return await load_city(
                engine=engine,
                pm=pm,
                today=today,
                timezone=settings.timezone,
                uploads=upload_settings(),
                scale=scale,
                seed=seed,
                calendar=calendar,
                progress=report,
            )
    finally:
        await engine.dispose()


def _print(summary: CitySummary, seconds: float) -> None:
    d = summary.demo
    out = console.out
    out.print(
        f"演示城市已载入：{n(d.organizations)} 个组织（区县 {d.districts}、镇街 "
        f"{d.towns_streets}、村社 {n(d.villages_communities)}、部门 {d.departments}、"
        f"行业组织 {d.sector_organizations}，插件另加 {d.plugin_organizations}）"
    )
    out.print(
        f"  人员 {n(d.persons)}，任职 {n(d.assignments)}（已卸任 {n(d.ended_assignments)}，"
        f"空缺岗位 {n(d.vacancies)}），领导小组 {d.leading_groups}（成员 "
        f"{d.leading_group_members}），账号 {d.accounts}"
    )
    if summary.plugins:
        out.print(f"  已启用插件：{'、'.join(summary.plugins)}")
    if summary.activity:
        out.print(f"  行业检查记录和报表数据已载入：{'、'.join(summary.activity)}")
    if summary.calendar is not None:
        out.print(
            f"{summary.calendar.year} 年行事历：{n(summary.calendar.tasks_created)} 项任务；"
            f"已完成的写入全程纪实 {n(summary.records)} 条，"
            f"其中 {n(summary.attachments)} 条附佐证材料"
        )
        _districts(summary)
    if summary.assessed:
        out.print(
            f"2026 年党建工作责任制考核（DJKH-2026）：已计算 {n(summary.assessed)} 个组织的结果"
        )
    out.print(f"用时 {seconds:.1f} 秒。下一步：dutygraph serve，然后 dutygraph token admin")


def _districts(summary: CitySummary) -> None:
    table = Table(title="各区县任务情况（截至演示日期）", title_justify="left")
    for column in ("区县", "按时完成", "逾期完成", "逾期未完成", "未到期", "按时率"):
        table.add_column(column, justify="left" if column == "区县" else "right")
    for row in summary.districts:
        rate = "-" if row.on_time_rate is None else f"{row.on_time_rate:.1%}"
        table.add_row(
            f"{row.name} {row.code}", n(row.on_time), n(row.late), n(row.missed), n(row.open), rate
        )
    console.out.print(table)


def register(app: typer.Typer) -> None:
    """Add `demo`."""

    @app.command("demo")
    def demo(
        scale: int = typer.Option(
            1, min=1, help="Size: 1 ≈ 4,000 organisations and 1 M tasks; 15 ≈ 50,000."
        ),
        seed: int = typer.Option(DEFAULT_SEED, help="Random seed: the same seed, the same city."),
        if_empty: bool = typer.Option(
            False, "--if-empty", help="Do nothing when the database already holds organisations."
        ),
        calendar: bool = typer.Option(
            True,
            "--calendar/--no-calendar",
            help="Generate this year's tasks with their past (`dutygraph calendar generate` "
            "does it later, without a past).",
        ),
        today: str = typer.Option(
            None,
            metavar="YYYY-MM-DD",
            help="The demo date: tasks due before it have their past.",
            show_default="today in the city's time zone",
        ),
    ) -> None:
        """Load the demo city (杭州市), enable its installed plugins and generate this year's
        tasks: those due before the demo date done on time, late or missed, with records."""
        zone = ZoneInfo(console.settings().timezone)
        try:
            when = dt.date.fromisoformat(today) if today else dt.datetime.now(zone).date()
        except ValueError:
            raise typer.BadParameter(f"not a date (YYYY-MM-DD): {today!r}") from None
        started = time.perf_counter()
        summary = console.run(
            _demo(scale=scale, seed=seed, if_empty=if_empty, calendar=calendar, today=when)
        )
        if summary is None:
            console.out.print("演示城市已存在，无需载入（--if-empty）")
            return
        _print(summary, time.perf_counter() - started)
