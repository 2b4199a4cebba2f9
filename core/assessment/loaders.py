"""Per-request DataLoaders of the assessment (one SQL statement per batch)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from core.assessment.models import AssessmentItem
from core.graphql.loaders import ContextLoader


class ItemsBySectionIdLoader(ContextLoader[int, list[AssessmentItem]]):
    """The live items of each section, in order."""

    async def fetch(self, keys: list[int]) -> Sequence[list[AssessmentItem]]:
        found: dict[int, list[AssessmentItem]] = {key: [] for key in keys}
        async with self.ctx.sessions() as session:
            rows = await session.scalars(
                select(AssessmentItem)
                .where(AssessmentItem.section_id.in_(keys), AssessmentItem.retired_at.is_(None))
                .order_by(AssessmentItem.section_id, AssessmentItem.sort_order, AssessmentItem.id)
            )
            for item in rows:
                found[item.section_id].append(item)
        return [found[key] for key in keys]
