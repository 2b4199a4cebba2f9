"""`checklistRuns`: the checklist runs of the organisations you can see, newest first."""

from __future__ import annotations

import enum

import strawberry
from sqlalchemy import ColumnElement, select

from core.graphql.connection import Connection
from core.graphql.context import Info
from core.graphql.paging import paged
from core.orgs.models import Organization, Sector
from core.orgs.scope import visible
from core.supervision.access import shown_run
from core.supervision.models import ChecklistRun, Procedure
from core.supervision.run_types import RunType


@strawberry.enum(description="Where a checklist run is: still being answered, or completed.")
class RunStatus(enum.Enum):
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"


@strawberry.type
class RunQuery:
    @strawberry.field(
        description=(
            "Checklist runs of the organisations you can see, newest first: of one "
            "organisation (`organizationCode`), of one procedure (`procedureCode`), of a "
            "sector's organisations (`sectorCode`), in one state (`status`)."
        )
    )
    async def checklist_runs(
        self,
        info: Info,
        organization_code: str | None = None,
        procedure_code: str | None = None,
        sector_code: str | None = None,
        status: RunStatus | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[RunType]:
        principal = info.context.require_principal()
        orgs = select(Organization.id).where(visible(principal))
        if organization_code is not None:
            orgs = orgs.where(Organization.code == organization_code)
        if sector_code is not None:
            orgs = orgs.join(Sector, Sector.id == Organization.sector_id).where(
                Sector.code == sector_code
            )
        conditions: list[ColumnElement[bool]] = [
            ChecklistRun.organization_id.in_(orgs),
            shown_run(ChecklistRun.procedure_id),
        ]
        if procedure_code is not None:
            conditions.append(
                ChecklistRun.procedure_id.in_(
                    select(Procedure.id).where(Procedure.code == procedure_code)
                )
            )
        if status is not None:
            conditions.append(ChecklistRun.status == status.value)
        order = (ChecklistRun.started_at.desc(), ChecklistRun.id.desc())
        found = await paged(
            info, ChecklistRun, where=conditions, order=order, first=first, after=after
        )
        return found  # type: ignore[return-value]
