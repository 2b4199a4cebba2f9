"""Operator jobs of the assessment (the `dutygraph assessment` commands), each one transaction."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from core.assessment import compute as computing
from core.assessment import economic
from core.db import session_factory

OPERATOR = "cli"


async def compute(
    *, engine: AsyncEngine, scheme_code: str, as_of: dt.date | None, today: dt.date, timezone: str
) -> computing.ComputeSummary:
    """Compute a scheme's results (as of a date; default today within the scheme's year)."""
    async with session_factory(engine).begin() as session:
        scheme = await computing.scheme_by_code(session, scheme_code)
        date = as_of or min(today, dt.date(scheme.year, 12, 31))
        return await computing.compute(
            session=session,
            scheme_code=scheme_code,
            as_of=date,
            today=today,
            timezone=timezone,
            actor=OPERATOR,
        )


async def import_economic(*, engine: AsyncEngine, scheme_code: str, path: Path) -> int:
    """Import a CSV or xlsx file of economic-social scores (all rows or none)."""
    content = await asyncio.to_thread(path.read_bytes)
    async with session_factory(engine).begin() as session:
        return await economic.import_scores(
            session=session,
            scheme_code=scheme_code,
            content=content,
            filename=path.name,
            actor=OPERATOR,
            actor_id=None,
        )
