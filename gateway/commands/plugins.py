"""`dutygraph plugins [enable|disable NAME]`: installed sector plugins and their state."""

from __future__ import annotations

import typer
from rich.table import Table

from core.plugins import PluginError, create_manager
from gateway import console

UNKNOWN = "未知（数据库未就绪：先运行 dutygraph db upgrade）"


async def _views() -> tuple[list[tuple[str, str, str, str, str]], bool]:
    from core.db import create_engine
    from core.plugin_admin.service import list_installed
    from core.plugins import loaded_plugins

    settings = console.settings()
    pm = create_manager(settings)
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            views = await list_installed(conn=conn, pm=pm)
        return [
            (
                v.info.name,
                v.info.version,
                v.info.sector_code or "-",
                v.info.title,
                "已启用" if v.enabled else "未启用",
            )
            for v in views
        ], True
    except Exception as exc:  # no database yet: still list what is installed
        if isinstance(exc, PluginError):
            raise
        rows = [
            (p.info.name, p.info.version, p.info.sector_code or "-", p.info.title, "未知")
            for p in loaded_plugins(pm)
        ]
        return rows, False
    finally:
        await engine.dispose()


def _installed() -> set[str]:
    from core.plugins import loaded_plugins

    try:
        return {p.name for p in loaded_plugins(create_manager(console.settings()))}
    except PluginError as exc:
        console.fail(str(exc))


def _list() -> None:
    rows, known = console.run(_views())
    table = Table(title="已安装的插件", title_justify="left")
    for column in ("插件", "版本", "行业", "名称", "状态"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.out.print(table)
    if not rows:
        console.out.print("没有安装插件")
    if not known:
        console.out.print(f"状态{UNKNOWN}")


async def _switch(name: str, enabled: bool) -> str | None:
    from core.db import create_engine, session_factory
    from core.graphql.errors import ServiceError
    from core.plugin_admin.service import operator, set_enabled

    settings = console.settings()
    pm = create_manager(settings)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine).begin() as session:
            await set_enabled(
                session=session, pm=pm, principal=operator("cli"), name=name, enabled=enabled
            )
    except ServiceError as exc:
        return str(exc)
    finally:
        await engine.dispose()
    return None


def _change(name: str, enabled: bool) -> None:
    if name not in _installed():
        console.fail(f"没有安装名为 {name!r} 的插件（dutygraph plugins 列出已安装的插件）")
    problem = console.run(_switch(name, enabled))
    if problem is not None:
        console.fail(problem)
    word = "已启用" if enabled else "已停用（数据全部保留）"
    console.out.print(f"插件 {name} {word}")


def register(app: typer.Typer) -> None:
    """Add `plugins`, `plugins enable NAME` and `plugins disable NAME`."""
    group = typer.Typer(help="Installed sector plugins: list them, enable or disable one.")
    app.add_typer(group, name="plugins")

    @group.callback(invoke_without_command=True)
    def listing(ctx: typer.Context) -> None:
        """List the installed plugins and whether each is enabled."""
        if ctx.invoked_subcommand is None:
            _list()

    @group.command("enable")
    def enable(
        name: str = typer.Argument(..., help="The plugin's name, as listed (e.g. soe)."),
    ) -> None:
        """Enable a plugin: load its duty libraries and show its data."""
        _change(name, True)

    @group.command("disable")
    def disable(
        name: str = typer.Argument(..., help="The plugin's name, as listed (e.g. soe)."),
    ) -> None:
        """Disable a plugin (its records are kept; enabling again shows them)."""
        _change(name, False)
