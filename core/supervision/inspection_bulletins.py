"""Publishing a special inspection as a bulletin: the organisations visited and the findings
with their status, frozen (a correction is a new bulletin, as for spot checks)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.audit.service import canonical
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization
from core.supervision import draw
from core.supervision.access import require, require_reach
from core.supervision.bulletins import entries
from core.supervision.inspections import visible_inspection
from core.supervision.models import Bulletin, Finding, Inspection, InspectionVisit, Procedure


async def snapshot(session: AsyncSession, inspection: Inspection) -> dict[str, Any]:
    """The body of an inspection's bulletin: the checklist, the visits, the findings."""
    root = await session.get(Organization, inspection.root_id)
    checklist = await session.get(Procedure, inspection.procedure_id)
    assert root is not None and checklist is not None
    visited = (
        await session.execute(
            select(Organization.id, Organization.code, Organization.name)
            .join(InspectionVisit, InspectionVisit.organization_id == Organization.id)
            .where(InspectionVisit.inspection_id == inspection.id)
            .order_by(Organization.code)
        )
    ).all()
    names = {org_id: (code, name) for org_id, code, name in visited}
    found = (
        await session.scalars(select(Finding).where(Finding.inspection_id == inspection.id))
    ).all()
    return {
        "inspection_id": inspection.id,
        "title": inspection.title,
        "within": {"id": root.id, "code": root.code, "name": root.name},
        "checklist": {"code": checklist.code, "title": checklist.title},
        "period": inspection.period,
        "drawn_on": inspection.ends_on.isoformat(),
        "organizations": [{"id": i, "code": c, "name": n} for i, c, n in visited],
        "findings": entries(found, names),
    }


async def _store(
    session: AsyncSession,
    principal: Principal,
    inspection: Inspection,
    *,
    title: str,
    body: dict[str, Any],
    corrects: Bulletin | None,
) -> Bulletin:
    bulletin = Bulletin(
        title=title,
        period=inspection.period,
        root_id=inspection.root_id,
        inspection_id=inspection.id,
        corrects_id=None if corrects is None else corrects.id,
        body=body,
        digest=draw.digest(canonical(body).decode()),
        published_at=utcnow(),
        published_by=principal.account_id,
    )
    session.add(bulletin)
    inspection.status = "PUBLISHED"
    inspection.version += 1
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="bulletin.correct" if corrects is not None else "bulletin.publish",
        entity_type="Bulletin",
        entity_id=str(bulletin.id),
        changes={
            "inspection": inspection.code,
            "title": title,
            "corrects": None if corrects is None else corrects.id,
            "findings": len(body["findings"]),
            "digest": bulletin.digest,
        },
    )
    return bulletin


async def publish(*, session: AsyncSession, principal: Principal, inspection_code: str) -> Bulletin:
    """Publish an inspection's bulletin (once: later changes go into a correction)."""
    require(principal, Permission.SUPERVISION_MANAGE)
    inspection = await visible_inspection(session, principal, inspection_code)
    await require_reach(
        session, principal, Permission.SUPERVISION_MANAGE, inspection.root_id, "inspectionCode"
    )
    if inspection.status == "PUBLISHED":
        raise ServiceError(
            ErrorCode.INVALID,
            "该督查已发布通报；如需更正，请发布更正通报 (already published: correct it)",
            "inspectionCode",
        )
    body = await snapshot(session, inspection)
    title = f"关于{inspection.title}情况的通报"
    return await _store(session, principal, inspection, title=title, body=body, corrects=None)


async def republish(
    session: AsyncSession, principal: Principal, old: Bulletin, *, title: str, note: str
) -> Bulletin:
    """A correction of an inspection's bulletin, from the records as they are now."""
    inspection = await session.get(Inspection, old.inspection_id)
    if inspection is None:
        raise ServiceError(ErrorCode.NOT_FOUND, "记录不存在或不可见 (not found)", "bulletinId")
    body = await snapshot(session, inspection)
    body["correction_note"] = note
    body["corrects_title"] = old.title
    return await _store(session, principal, inspection, title=title, body=body, corrects=old)
