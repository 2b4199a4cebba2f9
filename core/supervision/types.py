"""GraphQL types of process control: spot checks, findings, bulletins."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, NamedTuple

import strawberry
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import Parent

from core.audit.scopes import register_entity
from core.auth.principal import Principal
from core.graphql import ids
from core.graphql.connection import Connection
from core.graphql.context import Info
from core.graphql.node import Node, register_node
from core.graphql.paging import paged
from core.orgs import loaders as org_loaders
from core.orgs.models import Organization
from core.orgs.scope import visible
from core.orgs.types import OrganizationT
from core.supervision import findings as finding_rules
from core.supervision.access import inside_scope, root_visible
from core.supervision.loaders import (
    BulletinByIdLoader,
    DrawnOrgsBySpotCheckIdLoader,
    FindingByIdLoader,
    SpotCheckByIdLoader,
    StepsByFindingIdLoader,
    StepsByProcedureIdLoader,
)
from core.supervision.models import (
    Bulletin,
    Finding,
    FindingStep,
    Procedure,
    ProcedureStep,
    SpotCheck,
)


@strawberry.enum(description="Where a finding is in its rectification (整改).")
class FindingStatus(enum.Enum):
    IDENTIFIED = "IDENTIFIED"
    RECTIFYING = "RECTIFYING"
    RECTIFIED = "RECTIFIED"
    VERIFIED = "VERIFIED"
    REOPENED = "REOPENED"


@strawberry.enum(description="How serious a finding is: 一般, 较重, 严重.")
class Severity(enum.Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@strawberry.type(name="ProcedureQuestions", description="What to ask one kind of interviewee.")
class QuestionsType:
    interviewee: str
    items: list[str]


@strawberry.type(name="ProcedureStep", description="A step of a procedure (a checklist item).")
class StepType:
    code: str
    position: int
    title: str
    guidance: str = strawberry.field(description="What to do and how; what counts as done.")
    evidence: list[str] = strawberry.field(description="The evidence the step requires.")

    @strawberry.field(description="Default severity of a finding on this item.")
    def severity(self, root: Parent[ProcedureStep]) -> Severity:
        return Severity(root.severity)

    @strawberry.field(description="Questions by interviewee type (empty when none).")
    def questions(self, root: Parent[ProcedureStep]) -> list[QuestionsType]:
        return [
            QuestionsType(interviewee=q["interviewee"], items=q["items"]) for q in root.questions
        ]


@strawberry.type(
    name="Procedure",
    description="An operating procedure (操作规程) or an inspection checklist (督查清单).",
)
class ProcedureType:
    code: str
    kind: str = strawberry.field(description="PROCEDURE or CHECKLIST.")
    title: str
    title_en: str
    source: str = strawberry.field(description="The rule it rests on.")
    summary: str
    categories: list[str] = strawberry.field(description="Category codes (empty: any).")
    duties: list[str] = strawberry.field(description="Duty codes it breaks down.")
    version: int = strawberry.field(description="Rises when a library version changes it.")

    @strawberry.field(description="Its live steps, in order.")
    async def steps(self, root: Parent[Procedure], info: Info) -> list[StepType]:
        return await info.context.loader(StepsByProcedureIdLoader).load(root.id)  # type: ignore[return-value]


@strawberry.type(name="FindingStep", description="One step of a finding: who moved it, why.")
class FindingStepType:
    note: str
    at: dt.datetime
    actor_username: str | None = strawberry.field(description="The account that took the step.")

    @strawberry.field(description="Null for the step that recorded the finding.")
    def from_status(self, root: Parent[FindingStep]) -> FindingStatus | None:
        return None if root.from_status is None else FindingStatus(root.from_status)

    @strawberry.field
    def to_status(self, root: Parent[FindingStep]) -> FindingStatus:
        return FindingStatus(root.to_status)

    @strawberry.field(description="Evidence attached (ids of uploads).")
    def attachment_ids(self, root: Parent[FindingStep]) -> list[strawberry.ID]:
        return [strawberry.ID(ids.encode("Attachment", key)) for key in root.attachments]


@strawberry.type(name="Finding", description="A problem found by a spot check or inspection.")
class FindingType(Node):
    description: str
    rectify_by: dt.date = strawberry.field(description="The rectification deadline.")
    found_on: dt.date
    rectified_on: dt.date | None
    verified_on: dt.date | None
    version: int = strawberry.field(description="Pass as `expectedVersion` to advance it.")
    source: str = strawberry.field(description="SPOT_CHECK, INSPECTION or CHECKLIST.")

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, Finding)

    @strawberry.field  # type: ignore[misc]
    def id(self, root: Parent[Finding]) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(ids.encode("Finding", root.id))

    @strawberry.field
    def status(self, root: Parent[Finding]) -> FindingStatus:
        return FindingStatus(root.status)

    @strawberry.field
    def severity(self, root: Parent[Finding]) -> Severity:
        return Severity(root.severity)

    @strawberry.field(description="Not rectified and past `rectifyBy` (the city's today).")
    def overdue(self, root: Parent[Finding], info: Info) -> bool:
        return finding_rules.is_overdue(root.status, root.rectify_by, info.context.today())

    @strawberry.field(description="Null when the organisation is outside your scope.")
    async def organization(self, root: Parent[Finding], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)

    @strawberry.field(description="The spot check that found it (null when not one or hidden).")
    async def spot_check(self, root: Parent[Finding], info: Info) -> SpotCheckType | None:
        if root.spot_check_id is None:
            return None
        return await info.context.loader(SpotCheckByIdLoader).load(root.spot_check_id)  # type: ignore[return-value]

    @strawberry.field(description="Every step, the recording first.")
    async def history(self, root: Parent[Finding], info: Info) -> list[FindingStepType]:
        return await info.context.loader(StepsByFindingIdLoader).load(root.id)  # type: ignore[return-value]


def findings_where(
    principal: Principal, *, spot_check_id: int | None = None
) -> list[ColumnElement[bool]]:
    """Conditions on findings: of organisations the principal sees (and of one spot check)."""
    where: list[ColumnElement[bool]] = [
        Finding.organization_id.in_(select(Organization.id).where(visible(principal)))
    ]
    if spot_check_id is not None:
        where.append(Finding.spot_check_id == spot_check_id)
    return where


async def finding_page(
    info: Info, where: list[ColumnElement[bool]], first: int, after: str | None
) -> Connection[FindingType]:
    """A page of findings (newest first) matching the conditions."""
    order = (Finding.found_on.desc(), Finding.id.desc())
    found = await paged(info, Finding, where=where, order=order, first=first, after=after)
    return found  # type: ignore[return-value]


@strawberry.type(name="SpotCheck", description="A random spot check (随机抽查) and its draw.")
class SpotCheckType(Node):
    title: str
    sample_size: int
    population: int = strawberry.field(description="How many organisations it drew from.")
    excluded: int = strawberry.field(
        description="Organisations left out as drawn in the last `excludeMonths` months."
    )
    exclude_months: int
    algorithm: str = strawberry.field(description="The draw's algorithm and version.")
    population_hash: str = strawberry.field(
        description="SHA-256 of the population snapshot (`code<TAB>stratum` lines by code)."
    )
    drawn_at: dt.datetime
    status: str = strawberry.field(description="DRAWN, or PUBLISHED once its bulletin is out.")
    version: int

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, SpotCheck)

    @strawberry.field  # type: ignore[misc]
    def id(self, root: Parent[SpotCheck]) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(ids.encode("SpotCheck", root.id))

    @strawberry.field(
        description="The seed as a decimal integer (0 … 2^63−1): the same seed over the same "
        "population draws the same sample."
    )
    def seed(self, root: Parent[SpotCheck]) -> str:
        return str(root.seed)

    @strawberry.field(description="The organisation whose subtree was drawn from.")
    async def within(self, root: Parent[SpotCheck], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.root_id)

    @strawberry.field(description="The organisations drawn, by stratum then code.")
    async def organizations(self, root: Parent[SpotCheck], info: Info) -> list[OrganizationT]:
        return await info.context.loader(DrawnOrgsBySpotCheckIdLoader).load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="Its findings, newest first; `first` is 1–100.")
    async def findings(
        self, root: Parent[SpotCheck], info: Info, first: int = 50, after: str | None = None
    ) -> Connection[FindingType]:
        principal = info.context.require_principal()
        return await finding_page(
            info, findings_where(principal, spot_check_id=root.id), first, after
        )


class BulletinEntry(NamedTuple):
    """A finding as the bulletin's body holds it."""

    organization_id: int
    organization_code: str
    organization_name: str
    severity: str
    status: str
    description: str
    rectify_by: dt.date

    @classmethod
    def of(cls, entry: dict[str, Any]) -> BulletinEntry:
        return cls(
            entry["organization_id"],
            entry["organization_code"],
            entry["organization_name"],
            entry["severity"],
            entry["status"],
            entry["description"],
            dt.date.fromisoformat(entry["rectify_by"]),
        )


@strawberry.type(name="BulletinFinding", description="A finding as published in a bulletin.")
class BulletinFindingType:
    organization_code: str
    organization_name: str
    description: str
    rectify_by: dt.date

    @strawberry.field(description="The status when the bulletin was published.")
    def status(self, root: Parent[BulletinEntry]) -> FindingStatus:
        return FindingStatus(root.status)

    @strawberry.field
    def severity(self, root: Parent[BulletinEntry]) -> Severity:
        return Severity(root.severity)

    @strawberry.field(description="The organisation (null when outside your scope).")
    async def organization(self, root: Parent[BulletinEntry], info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(root.organization_id)


@strawberry.type(name="BulletinDraw", description="The draw a bulletin publishes, to verify.")
class BulletinDrawType:
    seed: str
    algorithm: str
    population: int
    population_hash: str
    sample_size: int
    drawn_on: dt.date
    within_code: str
    within_name: str
    organization_codes: list[str] = strawberry.field(description="Drawn, in draw order.")


@strawberry.type(name="Bulletin", description="A published bulletin (通报): never changes.")
class BulletinType(Node):
    title: str
    period: str = strawberry.field(description="The month drawn, e.g. 2026-05.")
    published_at: dt.datetime
    digest: str = strawberry.field(description="SHA-256 of the published body.")

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, Bulletin)

    @strawberry.field  # type: ignore[misc]
    def id(self, root: Parent[Bulletin]) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(ids.encode("Bulletin", root.id))

    @strawberry.field(description="Findings by organisation, as published.")
    def findings(self, root: Parent[Bulletin]) -> list[BulletinFindingType]:
        return [BulletinEntry.of(e) for e in root.body.get("findings", [])]  # type: ignore[misc]

    @strawberry.field(description="SPOT_CHECK or INSPECTION: what it publishes.")
    def kind(self, root: Parent[Bulletin]) -> str:
        return "INSPECTION" if root.inspection_id is not None else "SPOT_CHECK"

    @strawberry.field(
        description="The draw: seed, algorithm and population, to verify (null for an "
        "inspection's bulletin)."
    )
    def draw(self, root: Parent[Bulletin]) -> BulletinDrawType | None:
        body = root.body
        if "seed" not in body:
            return None
        return BulletinDrawType(
            seed=body["seed"],
            algorithm=body["algorithm"],
            population=body["population"],
            population_hash=body["population_hash"],
            sample_size=body["sample_size"],
            drawn_on=dt.date.fromisoformat(body["drawn_on"]),
            within_code=body["within"]["code"],
            within_name=body["within"]["name"],
            organization_codes=[org["code"] for org in body["organizations"]],
        )

    @strawberry.field(description="Why this bulletin corrects another (null if it does not).")
    def correction_note(self, root: Parent[Bulletin]) -> str | None:
        note = root.body.get("correction_note")
        return None if note is None else str(note)

    @strawberry.field(description="The bulletin this one corrects.")
    async def corrects(self, root: Parent[Bulletin], info: Info) -> BulletinType | None:
        if root.corrects_id is None:
            return None
        return await info.context.loader(BulletinByIdLoader).load(root.corrects_id)  # type: ignore[return-value]

    @strawberry.field(description="The spot check it publishes (null outside your scope).")
    async def spot_check(self, root: Parent[Bulletin], info: Info) -> SpotCheckType | None:
        if root.spot_check_id is None:
            return None
        return await info.context.loader(SpotCheckByIdLoader).load(root.spot_check_id)  # type: ignore[return-value]


register_node(SpotCheck, "SpotCheck", SpotCheckByIdLoader)
register_node(Finding, "Finding", FindingByIdLoader)
register_node(Bulletin, "Bulletin", BulletinByIdLoader)


async def _exists(conn: AsyncConnection, statement: Any) -> bool:
    return (await conn.execute(statement)).first() is not None


async def _spot_check_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    return key.isdigit() and await _exists(
        conn,
        select(SpotCheck.id).where(
            SpotCheck.id == int(key), root_visible(principal, SpotCheck.root_id)
        ),
    )


async def _finding_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    return key.isdigit() and await _exists(
        conn, select(Finding.id).where(Finding.id == int(key), *findings_where(principal))
    )


async def _bulletin_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    return key.isdigit() and await _exists(
        conn,
        select(Bulletin.id).where(
            Bulletin.id == int(key), inside_scope(principal, Bulletin.root_id)
        ),
    )


register_entity("SpotCheck", _spot_check_visible)
register_entity("Finding", _finding_visible)
register_entity("Bulletin", _bulletin_visible)
