"""Migrations are the only way the schema is made: models and migrations must not drift."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import core.models  # noqa: F401  (registers every core table)
from core.db import Base
from core.plugins import create_manager, loaded_plugins
from tests.conftest import settings_for


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_match_migrations(engine: AsyncEngine) -> None:
    # the engine fixture migrated core + every installed plugin; their models are imported
    pm = create_manager(settings_for(engine.url.render_as_string(hide_password=False)))
    assert loaded_plugins(pm), "the bundled plugins are installed"
    async with engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"
