"""Per-request DataLoaders of the responsibility lists (one SQL statement per batch)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from core.duties.library import MAX_DUTIES
from core.duties.models import Duty, DutyDescription, DutyManual
from core.duties.rows import (
    DESCRIPTION_COLUMNS,
    DUTY_COLUMNS,
    MANUAL_COLUMNS,
    DescriptionRow,
    DutyRow,
    ManualRow,
    duty_row,
)
from core.graphql.loaders import ContextLoader

_ORDER = (Duty.sort_order, Duty.code)


class DescriptionByCategoryIdLoader(ContextLoader[int, DescriptionRow | None]):
    """The current duty description of each organisation category."""

    async def fetch(self, keys: list[int]) -> Sequence[DescriptionRow | None]:
        rows = await self.ctx.rows(
            select(*DESCRIPTION_COLUMNS).where(
                DutyDescription.category_id.in_(keys), DutyDescription.retired_at.is_(None)
            )
        )
        found = {row.category_id: DescriptionRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class ManualByPositionIdLoader(ContextLoader[int, ManualRow | None]):
    """The current duty manual of each position."""

    async def fetch(self, keys: list[int]) -> Sequence[ManualRow | None]:
        rows = await self.ctx.rows(
            select(*MANUAL_COLUMNS).where(
                DutyManual.position_id.in_(keys), DutyManual.retired_at.is_(None)
            )
        )
        found = {row.position_id: ManualRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class DutiesByDescriptionIdLoader(ContextLoader[int, list[DutyRow]]):
    """The current duties of each description, in order (at most MAX_DUTIES)."""

    async def fetch(self, keys: list[int]) -> Sequence[list[DutyRow]]:
        stmt = (
            select(Duty.description_id, *DUTY_COLUMNS)
            .where(Duty.description_id.in_(keys), Duty.retired_at.is_(None))
            .order_by(Duty.description_id, *_ORDER)
        )
        grouped: dict[int, list[DutyRow]] = defaultdict(list)
        for row in await self.ctx.rows(stmt):
            grouped[row[0]].append(duty_row(tuple(row)[1:], None, None))
        return [grouped.get(key, [])[:MAX_DUTIES] for key in keys]


class DutiesByManualIdLoader(ContextLoader[int, list[DutyRow]]):
    """The current duties of each manual, in order, owned by the manual's position."""

    async def fetch(self, keys: list[int]) -> Sequence[list[DutyRow]]:
        stmt = (
            select(Duty.manual_id, DutyManual.position_id, *DUTY_COLUMNS)
            .join(DutyManual, DutyManual.id == Duty.manual_id)
            .where(Duty.manual_id.in_(keys), Duty.retired_at.is_(None))
            .order_by(Duty.manual_id, *_ORDER)
        )
        grouped: dict[int, list[DutyRow]] = defaultdict(list)
        for row in await self.ctx.rows(stmt):
            grouped[row[0]].append(duty_row(tuple(row)[2:], None, row[1]))
        return [grouped.get(key, [])[:MAX_DUTIES] for key in keys]


class DutyByIdLoader(ContextLoader[int, DutyRow | None]):
    """Duties by id (retired ones too: tasks keep pointing at them)."""

    async def fetch(self, keys: list[int]) -> Sequence[DutyRow | None]:
        stmt = (
            select(*DUTY_COLUMNS, DutyManual.position_id)
            .outerjoin(DutyManual, DutyManual.id == Duty.manual_id)
            .where(Duty.id.in_(keys))
        )
        found = {
            row.id: duty_row(tuple(row)[:-1], None, row[-1]) for row in await self.ctx.rows(stmt)
        }
        return [found.get(key) for key in keys]
