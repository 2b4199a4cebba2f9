"""Per-request DataLoaders of supervision records (one SQL statement per batch, scoped)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from core.graphql.loaders import ContextLoader
from core.orgs.models import Organization
from core.orgs.rows import ORG_COLUMNS, OrgRow
from core.orgs.scope import visible
from core.supervision.access import inside_scope, root_visible
from core.supervision.models import (
    Bulletin,
    Finding,
    FindingStep,
    ProcedureStep,
    SpotCheck,
    SpotCheckOrg,
)


class SpotCheckByIdLoader(ContextLoader[int, SpotCheck | None]):
    """Spot checks whose root organisation the principal sees."""

    async def fetch(self, keys: list[int]) -> Sequence[SpotCheck | None]:
        principal = self.ctx.require_principal()
        async with self.ctx.sessions() as session:
            rows = await session.scalars(
                select(SpotCheck).where(
                    SpotCheck.id.in_(keys), root_visible(principal, SpotCheck.root_id)
                )
            )
            found = {row.id: row for row in rows}
        return [found.get(key) for key in keys]


class FindingByIdLoader(ContextLoader[int, Finding | None]):
    """Findings of organisations the principal sees."""

    async def fetch(self, keys: list[int]) -> Sequence[Finding | None]:
        principal = self.ctx.require_principal()
        async with self.ctx.sessions() as session:
            rows = await session.scalars(
                select(Finding).where(
                    Finding.id.in_(keys),
                    Finding.organization_id.in_(select(Organization.id).where(visible(principal))),
                )
            )
            found = {row.id: row for row in rows}
        return [found.get(key) for key in keys]


class BulletinByIdLoader(ContextLoader[int, Bulletin | None]):
    """Bulletins inside the principal's scope."""

    async def fetch(self, keys: list[int]) -> Sequence[Bulletin | None]:
        principal = self.ctx.require_principal()
        async with self.ctx.sessions() as session:
            rows = await session.scalars(
                select(Bulletin).where(
                    Bulletin.id.in_(keys), inside_scope(principal, Bulletin.root_id)
                )
            )
            found = {row.id: row for row in rows}
        return [found.get(key) for key in keys]


class DrawnOrgsBySpotCheckIdLoader(ContextLoader[int, list[OrgRow]]):
    """The organisations each spot check drew, in draw order (those the principal sees)."""

    async def fetch(self, keys: list[int]) -> Sequence[list[OrgRow]]:
        principal = self.ctx.require_principal()
        rows = await self.ctx.rows(
            select(SpotCheckOrg.spot_check_id, *ORG_COLUMNS)
            .join(Organization, Organization.id == SpotCheckOrg.organization_id)
            .where(SpotCheckOrg.spot_check_id.in_(keys), visible(principal))
            .order_by(SpotCheckOrg.spot_check_id, SpotCheckOrg.position)
        )
        grouped: dict[int, list[OrgRow]] = defaultdict(list)
        for row in rows:
            grouped[row[0]].append(OrgRow._make(tuple(row)[1:]))
        return [grouped.get(key, []) for key in keys]


class StepsByFindingIdLoader(ContextLoader[int, list[FindingStep]]):
    """Each finding's transitions, oldest first."""

    async def fetch(self, keys: list[int]) -> Sequence[list[FindingStep]]:
        grouped: dict[int, list[FindingStep]] = defaultdict(list)
        async with self.ctx.sessions() as session:
            rows = await session.scalars(
                select(FindingStep)
                .where(FindingStep.finding_id.in_(keys))
                .order_by(FindingStep.finding_id, FindingStep.id)
            )
            for step in rows:
                grouped[step.finding_id].append(step)
        return [grouped.get(key, []) for key in keys]


class StepsByProcedureIdLoader(ContextLoader[int, list[ProcedureStep]]):
    """Each procedure's live steps, in order."""

    async def fetch(self, keys: list[int]) -> Sequence[list[ProcedureStep]]:
        grouped: dict[int, list[ProcedureStep]] = defaultdict(list)
        async with self.ctx.sessions() as session:
            rows = await session.scalars(
                select(ProcedureStep)
                .where(ProcedureStep.procedure_id.in_(keys), ProcedureStep.retired_at.is_(None))
                .order_by(ProcedureStep.procedure_id, ProcedureStep.position)
            )
            for step in rows:
                grouped[step.procedure_id].append(step)
        return [grouped.get(key, []) for key in keys]
