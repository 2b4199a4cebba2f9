"""The demo's second plugin pass: once every plugin is enabled (its procedures, indicators
and assessment items loaded), each plugin's `dutygraph_load_demo_activity` adds the records
that need them — checklist runs, report sheets. One transaction, plugin-name order."""

from __future__ import annotations

import inspect
import random

import pluggy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import reset_sequences, session_factory
from core.demo.loader import DEFAULT_SEED, DEMO_YEAR
from core.orgs.models import Organization
from core.specs import DemoContext


async def load_activity(
    *, engine: AsyncEngine, pm: pluggy.PluginManager, seed: int = DEFAULT_SEED, scale: int = 1
) -> list[str]:
    """Run every plugin's `dutygraph_load_demo_activity`; the names of those that have one."""
    impls = [
        (pm.get_name(impl.plugin) or impl.plugin_name, impl)
        for impl in pm.hook.dutygraph_load_demo_activity.get_hookimpls()
    ]
    if not impls:
        return []
    async with session_factory(engine).begin() as session:
        city = await session.scalar(select(Organization.id).where(Organization.parent_id.is_(None)))
        if city is None:
            return []
        for name, impl in sorted(impls, key=lambda pair: pair[0]):
            context = DemoContext(
                session=session,
                rng=random.Random(f"{seed}/activity/{name}"),
                scale=scale,
                city_id=city,
                year=DEMO_YEAR,
                org_ids={"CITY": city},
            )
            kwargs = {"context": context} if "context" in impl.argnames else {}
            result = impl.function(**kwargs)
            if inspect.isawaitable(result):
                await result
            await session.flush()
        await reset_sequences(await session.connection())
    return sorted(name for name, _ in impls)
