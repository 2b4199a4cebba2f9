"""Per-request DataLoaders of the SOE plugin (one SQL statement per batch)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select

from core.graphql.loaders import ContextLoader
from plugins.soe.models import SoeProfile


class SupervisionLevel(enum.Enum):
    """Which level of the state-owned assets authority supervises the enterprise."""

    MUNICIPAL = "MUNICIPAL"
    DISTRICT = "DISTRICT"


SUPERVISION_NAMES: dict[SupervisionLevel, str] = {
    SupervisionLevel.MUNICIPAL: "市属",
    SupervisionLevel.DISTRICT: "区属",
}


class SoeProfileRow(NamedTuple):
    organization_id: int
    unified_credit_code: str
    registered_capital_wan: Decimal
    state_share_pct: Decimal
    industry: str
    supervisor: SupervisionLevel
    employees: int
    party_members: int
    listed: bool
    version: int
    updated_at: dt.datetime
    charter_party_building: bool
    committee_members: int
    cross_appointed: int
    secretary_is_chairman: bool

    @property
    def supervisor_name(self) -> str:
        """监管层级 in words: 市属 or 区属."""
        return SUPERVISION_NAMES[self.supervisor]


PROFILE_COLUMNS = tuple(getattr(SoeProfile, name) for name in SoeProfileRow._fields)


def _aware(moment: dt.datetime) -> dt.datetime:
    """Times are stored in UTC; SQLite hands them back without the offset."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def profile_row(row: Sequence[object]) -> SoeProfileRow:
    """The read-side record of a `soe_profile` row."""
    values = list(row)
    values[5] = SupervisionLevel(values[5])
    values[10] = _aware(values[10])  # type: ignore[arg-type]
    return SoeProfileRow(*values)  # type: ignore[arg-type]


class SoeProfileByOrgIdLoader(ContextLoader[int, SoeProfileRow | None]):
    """SOE profiles by organisation id (the organisation was already scoped by its loader)."""

    async def fetch(self, keys: list[int]) -> Sequence[SoeProfileRow | None]:
        rows = await self.ctx.rows(
            select(*PROFILE_COLUMNS).where(SoeProfile.organization_id.in_(keys))
        )
        found = {row.organization_id: profile_row(row) for row in rows}
        return [found.get(key) for key in keys]
