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
    ChecklistAnswer,
    Finding,
    FindingStep,
    InspectionAssignment,
    InspectionTeam,
    Procedure,
    ProcedureStep,
    SpotCheck,
    SpotCheckOrg,
    VisitResult,
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


class TeamsByInspectionIdLoader(ContextLoader[int, list[InspectionTeam]]):
    """Each inspection's teams, by code."""

    async def fetch(self, keys: list[int]) -> Sequence[list[InspectionTeam]]:
        grouped: dict[int, list[InspectionTeam]] = defaultdict(list)
        async with self.ctx.sessions() as session:
            rows = await session.scalars(
                select(InspectionTeam)
                .where(InspectionTeam.inspection_id.in_(keys))
                .order_by(InspectionTeam.inspection_id, InspectionTeam.code)
            )
            for team in rows:
                grouped[team.inspection_id].append(team)
        return [grouped.get(key, []) for key in keys]


class TeamByIdLoader(ContextLoader[int, InspectionTeam | None]):
    """Inspection teams by id."""

    async def fetch(self, keys: list[int]) -> Sequence[InspectionTeam | None]:
        async with self.ctx.sessions() as session:
            rows = await session.scalars(select(InspectionTeam).where(InspectionTeam.id.in_(keys)))
            found = {team.id: team for team in rows}
        return [found.get(key) for key in keys]


class AssignedOrgsByTeamIdLoader(ContextLoader[int, list[OrgRow]]):
    """The organisations assigned to each team (those the principal sees)."""

    async def fetch(self, keys: list[int]) -> Sequence[list[OrgRow]]:
        principal = self.ctx.require_principal()
        rows = await self.ctx.rows(
            select(InspectionAssignment.team_id, *ORG_COLUMNS)
            .join(Organization, Organization.id == InspectionAssignment.organization_id)
            .where(InspectionAssignment.team_id.in_(keys), visible(principal))
            .order_by(InspectionAssignment.team_id, Organization.code)
        )
        grouped: dict[int, list[OrgRow]] = defaultdict(list)
        for row in rows:
            grouped[row[0]].append(OrgRow._make(tuple(row)[1:]))
        return [grouped.get(key, []) for key in keys]


class ResultsByVisitIdLoader(ContextLoader[int, list[tuple[VisitResult, ProcedureStep]]]):
    """Each visit's results with their checklist items, in the checklist's order."""

    async def fetch(self, keys: list[int]) -> Sequence[list[tuple[VisitResult, ProcedureStep]]]:
        grouped: dict[int, list[tuple[VisitResult, ProcedureStep]]] = defaultdict(list)
        async with self.ctx.sessions() as session:
            rows = await session.execute(
                select(VisitResult, ProcedureStep)
                .join(ProcedureStep, ProcedureStep.id == VisitResult.step_id)
                .where(VisitResult.visit_id.in_(keys))
                .order_by(VisitResult.visit_id, ProcedureStep.position)
            )
            for result, step in rows:
                grouped[result.visit_id].append((result, step))
        return [grouped.get(key, []) for key in keys]


class ProcedureByIdLoader(ContextLoader[int, Procedure | None]):
    """Procedures by id (retired ones too: a run keeps the procedure it was started on)."""

    async def fetch(self, keys: list[int]) -> Sequence[Procedure | None]:
        async with self.ctx.sessions() as session:
            found = {
                row.id: row
                for row in await session.scalars(select(Procedure).where(Procedure.id.in_(keys)))
            }
        return [found.get(key) for key in keys]


class AnswersByRunIdLoader(ContextLoader[int, list[tuple[ChecklistAnswer, ProcedureStep]]]):
    """Each checklist run's answers with their steps, in the procedure's order."""

    async def fetch(self, keys: list[int]) -> Sequence[list[tuple[ChecklistAnswer, ProcedureStep]]]:
        grouped: dict[int, list[tuple[ChecklistAnswer, ProcedureStep]]] = defaultdict(list)
        async with self.ctx.sessions() as session:
            rows = await session.execute(
                select(ChecklistAnswer, ProcedureStep)
                .join(ProcedureStep, ProcedureStep.id == ChecklistAnswer.step_id)
                .where(ChecklistAnswer.run_id.in_(keys))
                .order_by(ChecklistAnswer.run_id, ProcedureStep.position)
            )
            for answer, step in rows:
                grouped[answer.run_id].append((answer, step))
        return [grouped.get(key, []) for key in keys]
