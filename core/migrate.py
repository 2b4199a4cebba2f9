"""Alembic, driven from code: core history plus one branch per installed plugin."""

from __future__ import annotations

from pathlib import Path

import pluggy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from core.plugins import call_each

ROOT = Path(__file__).resolve().parent.parent
SCRIPT_LOCATION = ROOT / "migrations"


def version_locations(pm: pluggy.PluginManager) -> list[Path]:
    """The core versions folder followed by every plugin's."""
    locations = [SCRIPT_LOCATION / "versions"]
    for _plugin, path in call_each(pm, "dutygraph_migrations"):
        if path is not None:
            locations.append(Path(path))
    return locations


def alembic_config(url: str, pm: pluggy.PluginManager) -> Config:
    """An alembic Config for a database URL and the installed plugins."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("version_locations", " ".join(str(p) for p in version_locations(pm)))
    config.set_main_option("path_separator", "space")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def script_directory(url: str, pm: pluggy.PluginManager) -> ScriptDirectory:
    """The revisions of core and every installed plugin."""
    return ScriptDirectory.from_config(alembic_config(url, pm))


def is_current(script: ScriptDirectory, current: set[str]) -> bool:
    """True when the database's revisions (with what they imply) include every head."""
    try:
        applied = {rev.revision for rev in script.iterate_revisions(tuple(current), "base")}
    except Exception:  # a revision the code does not know: not the expected database
        return False
    return set(script.get_heads()) <= applied


def _current(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def current_revisions(engine: AsyncEngine) -> set[str]:
    """The revisions the database is at."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


def _upgrade(connection: Connection, config: Config, target: str) -> None:
    config.attributes["connection"] = connection
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite alters a table by copying it (alembic's batch mode); its rows' references
        # must not be checked halfway. Effective here: no statement has opened a
        # transaction yet. The whole database is checked before commit instead.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    command.upgrade(config, target)
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"migration left broken references: {broken[:5]}")


async def upgrade(engine: AsyncEngine, pm: pluggy.PluginManager, target: str = "heads") -> None:
    """Migrate the database to every head (core and plugins), or to one revision."""
    config = alembic_config(engine.url.render_as_string(hide_password=False), pm)
    async with engine.connect() as conn:
        try:
            await conn.run_sync(_upgrade, config, target)
            await conn.commit()
        finally:
            if conn.dialect.name == "sqlite":  # outside a transaction, so it takes effect
                await conn.rollback()
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
