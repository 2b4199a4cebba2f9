"""Queries and mutations of process control (contract: ../shared/contract/supervision.graphql)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from sqlalchemy import func, select

from core.graphql import ids
from core.graphql.connection import Connection, check_first, page, parse_after, selects
from core.graphql.context import Info
from core.graphql.errors import UserError
from core.graphql.mutations import transact
from core.orgs.models import Organization, OrgClosure
from core.supervision import bulletins, findings, spotchecks
from core.supervision.access import inside_scope, root_visible
from core.supervision.loaders import BulletinByIdLoader, FindingByIdLoader, SpotCheckByIdLoader
from core.supervision.models import Bulletin, Finding, Procedure, SpotCheck
from core.supervision.types import (
    BulletinType,
    FindingStatus,
    FindingType,
    ProcedureType,
    Severity,
    SpotCheckType,
    finding_page,
    findings_where,
)


def _key(global_id: str | None, type_name: str) -> int | None:
    return None if global_id is None else ids.decode_int(global_id, type_name)


@strawberry.enum(description="An operating procedure or an inspection checklist.")
class ProcedureKind(enum.Enum):
    PROCEDURE = "PROCEDURE"
    CHECKLIST = "CHECKLIST"


@strawberry.type
class SupervisionQuery:
    @strawberry.field(
        description="Live operating procedures and inspection checklists (a short list), by "
        "library order; `categoryCode` keeps those for that category (or for any)."
    )
    async def procedures(
        self, info: Info, kind: ProcedureKind | None = None, category_code: str | None = None
    ) -> list[ProcedureType]:
        info.context.require_principal()
        async with info.context.sessions() as session:
            rows = await session.scalars(
                select(Procedure)
                .where(Procedure.retired_at.is_(None))
                .order_by(Procedure.library_id, Procedure.sort_order, Procedure.code)
            )
            found = [
                p
                for p in rows
                if (kind is None or p.kind == kind.value)
                and (category_code is None or not p.categories or category_code in p.categories)
            ]
        return found  # type: ignore[return-value]

    @strawberry.field(description="A procedure or checklist by code (null if none or retired).")
    async def procedure(self, info: Info, code: str) -> ProcedureType | None:
        info.context.require_principal()
        async with info.context.sessions() as session:
            found = await session.scalar(
                select(Procedure).where(Procedure.code == code, Procedure.retired_at.is_(None))
            )
        return found  # type: ignore[return-value]

    @strawberry.field(description="A spot check you can see (its root organisation is yours).")
    async def spot_check(self, info: Info, id: strawberry.ID) -> SpotCheckType | None:
        key = _key(id, "SpotCheck")
        if key is None:
            return None
        return await info.context.loader(SpotCheckByIdLoader).load(key)  # type: ignore[return-value]

    @strawberry.field(
        description="Spot checks you can see, newest first; `withinCode` keeps those drawn "
        "within that organisation's subtree."
    )
    async def spot_checks(
        self, info: Info, within_code: str | None = None, first: int = 20, after: str | None = None
    ) -> Connection[SpotCheckType]:
        principal = info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        where = [root_visible(principal, SpotCheck.root_id)]
        if within_code is not None:
            where.append(
                SpotCheck.root_id.in_(
                    select(OrgClosure.descendant_id)
                    .join(Organization, Organization.id == OrgClosure.ancestor_id)
                    .where(Organization.code == within_code)
                )
            )
        async with info.context.sessions() as session:
            rows = list(
                await session.scalars(
                    select(SpotCheck)
                    .where(*where)
                    .order_by(SpotCheck.drawn_at.desc(), SpotCheck.id.desc())
                    .offset(offset)
                    .limit(limit + 1)
                )
            )
            total = None
            if selects(info):
                total = await session.scalar(
                    select(func.count()).select_from(SpotCheck).where(*where)
                )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]

    @strawberry.field(description="A finding of an organisation you can see.")
    async def finding(self, info: Info, id: strawberry.ID) -> FindingType | None:
        key = _key(id, "Finding")
        if key is None:
            return None
        return await info.context.loader(FindingByIdLoader).load(key)  # type: ignore[return-value]

    @strawberry.field(
        description="Findings of the organisations you can see (within `withinCode`'s subtree "
        "if given), newest first; `status` keeps one state, `overdue: true` those not "
        "rectified past their deadline."
    )
    async def findings(
        self,
        info: Info,
        within_code: str | None = None,
        status: FindingStatus | None = None,
        overdue: bool | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[FindingType]:
        principal = info.context.require_principal()
        where = findings_where(principal)
        if within_code is not None:
            where.append(
                Finding.organization_id.in_(
                    select(OrgClosure.descendant_id)
                    .join(Organization, Organization.id == OrgClosure.ancestor_id)
                    .where(Organization.code == within_code)
                )
            )
        if status is not None:
            where.append(Finding.status == status.value)
        if overdue is not None:
            late = Finding.status.in_(findings.OPEN_STATUSES) & (
                Finding.rectify_by < info.context.today()
            )
            where.append(late if overdue else ~late)
        return await finding_page(info, where, first, after)

    @strawberry.field(description="A bulletin published inside your scope.")
    async def bulletin(self, info: Info, id: strawberry.ID) -> BulletinType | None:
        key = _key(id, "Bulletin")
        if key is None:
            return None
        return await info.context.loader(BulletinByIdLoader).load(key)  # type: ignore[return-value]

    @strawberry.field(
        description="Bulletins published inside your scope (by you or above you), newest first."
    )
    async def bulletins(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[BulletinType]:
        principal = info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        where = inside_scope(principal, Bulletin.root_id)
        async with info.context.sessions() as session:
            rows = list(
                await session.scalars(
                    select(Bulletin)
                    .where(where)
                    .order_by(Bulletin.published_at.desc(), Bulletin.id.desc())
                    .offset(offset)
                    .limit(limit + 1)
                )
            )
            total = None
            if selects(info):
                total = await session.scalar(
                    select(func.count()).select_from(Bulletin).where(where)
                )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]


@strawberry.input
class DrawSpotCheckInput:
    title: str
    within_code: str = strawberry.field(description="The organisation whose subtree is drawn.")
    category_code: str | None = strawberry.field(
        default=None, description="Draw only organisations of this category."
    )
    sample_size: int = strawberry.field(description="1–1000, at most the population.")
    seed: str | None = strawberry.field(
        default=None,
        description="A decimal integer 0 … 2^63−1 (default: random). The same seed over the "
        "same population draws the same sample.",
    )
    exclude_checked_within_months: int | None = strawberry.field(
        default=None,
        description="Leave out organisations drawn in the last N months (0–60; default: the "
        "setting DUTYGRAPH_SPOT_CHECK_EXCLUDE_MONTHS).",
    )


@strawberry.type
class DrawSpotCheckPayload:
    spot_check: SpotCheckType | None
    errors: list[UserError]


@strawberry.input
class RecordFindingInput:
    spot_check_id: strawberry.ID
    organization_code: str = strawberry.field(description="One of the organisations drawn.")
    severity: Severity
    description: str
    rectify_by: dt.date = strawberry.field(description="The deadline (today or later).")


@strawberry.type
class FindingPayload:
    finding: FindingType | None
    errors: list[UserError]


@strawberry.input
class AdvanceFindingInput:
    id: strawberry.ID
    status: FindingStatus = strawberry.field(
        description="The next state: RECTIFYING and RECTIFIED by the organisation "
        "(`supervision.rectify`), VERIFIED and REOPENED by the inspector (`supervision.inspect`)."
    )
    note: str
    expected_version: int
    attachment_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Evidence uploaded through /uploads (at most 20)."
    )


@strawberry.input
class PublishBulletinInput:
    spot_check_id: strawberry.ID


@strawberry.input
class CorrectBulletinInput:
    bulletin_id: strawberry.ID
    note: str = strawberry.field(description="What the correction changes, and why.")


@strawberry.type
class BulletinPayload:
    bulletin: BulletinType | None
    errors: list[UserError]


def _attachments(values: list[strawberry.ID] | None) -> tuple[int, ...]:
    keys = [ids.decode_int(v, "Attachment") for v in values or []]
    return tuple(-1 if key is None else key for key in keys)


@strawberry.type
class SupervisionMutation:
    @strawberry.mutation(
        description="Draw a random spot check: a sample of the organisations under `withinCode` "
        "(optionally one category), stratified by the root's children, without replacement, "
        "leaving out those drawn recently. Needs `supervision.manage` over the root."
    )
    async def draw_spot_check(self, info: Info, input: DrawSpotCheckInput) -> DrawSpotCheckPayload:
        principal = info.context.require_principal()
        request = spotchecks.DrawRequest(
            title=input.title,
            within_code=input.within_code,
            category_code=input.category_code,
            sample_size=input.sample_size,
            seed=input.seed,
            exclude_months=input.exclude_checked_within_months,
        )
        check, errors = await transact(
            info.context,
            lambda session: spotchecks.draw_spot_check(
                session=session,
                principal=principal,
                request=request,
                default_exclude_months=info.context.settings.spot_check_exclude_months,
            ),
        )
        return DrawSpotCheckPayload(spot_check=check, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Record a finding of a spot check on one of the organisations it drew. "
        "Needs `supervision.inspect` over the organisation."
    )
    async def record_finding(self, info: Info, input: RecordFindingInput) -> FindingPayload:
        principal = info.context.require_principal()
        request = findings.FindingRequest(
            spot_check_id=_key(input.spot_check_id, "SpotCheck"),
            organization_code=input.organization_code,
            severity=input.severity.value,
            description=input.description,
            rectify_by=input.rectify_by,
        )
        found, errors = await transact(
            info.context,
            lambda session: findings.record_finding(
                session=session, principal=principal, request=request, today=info.context.today()
            ),
        )
        return FindingPayload(finding=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Move a finding one step on: IDENTIFIED → RECTIFYING → RECTIFIED → VERIFIED, "
        "or REOPENED (then RECTIFYING again), with a note; a stale `expectedVersion` is a "
        "CONFLICT."
    )
    async def advance_finding(self, info: Info, input: AdvanceFindingInput) -> FindingPayload:
        principal = info.context.require_principal()
        request = findings.AdvanceRequest(
            finding_id=_key(input.id, "Finding"),
            status=input.status.value,
            note=input.note,
            expected_version=input.expected_version,
            attachment_ids=_attachments(input.attachment_ids),
        )
        found, errors = await transact(
            info.context,
            lambda session: findings.advance(
                session=session, principal=principal, request=request, today=info.context.today()
            ),
        )
        return FindingPayload(finding=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Publish a spot check's bulletin: the draw and the findings with their "
        "status, frozen. Visible to everyone inside the spot check's subtree. Needs "
        "`supervision.manage` over it; a second publication is refused (correct it instead)."
    )
    async def publish_bulletin(self, info: Info, input: PublishBulletinInput) -> BulletinPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: bulletins.publish(
                session=session,
                principal=principal,
                spot_check_id=_key(input.spot_check_id, "SpotCheck"),
                timezone=info.context.settings.timezone,
            ),
        )
        return BulletinPayload(bulletin=found, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(
        description="Publish a correction of a bulletin: a new bulletin from the records as "
        "they are now, pointing at the one it corrects (which never changes)."
    )
    async def correct_bulletin(self, info: Info, input: CorrectBulletinInput) -> BulletinPayload:
        principal = info.context.require_principal()
        found, errors = await transact(
            info.context,
            lambda session: bulletins.correct(
                session=session,
                principal=principal,
                bulletin_id=_key(input.bulletin_id, "Bulletin"),
                note=input.note,
                timezone=info.context.settings.timezone,
            ),
        )
        return BulletinPayload(bulletin=found, errors=errors)  # type: ignore[arg-type]
