"""Bulletins (通报): publishing a spot check's results as an immutable snapshot.

The body holds the draw (seed, algorithm, population and its hash, so that anyone can
verify it), the organisations drawn and the findings with their status at publication.
A published bulletin never changes: a correction is a new bulletin that points at the one
it corrects, taken from the records as they are then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.audit.service import canonical
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization, OrgCategory
from core.supervision import draw
from core.supervision.access import (
    NOT_FOUND,
    inside_scope,
    require,
    require_reach,
    root_visible,
)
from core.supervision.findings import SEVERITIES
from core.supervision.models import Bulletin, Finding, SpotCheck, SpotCheckOrg

MAX_NOTE = 2000
SEVERITY_ORDER = {s: i for i, s in enumerate(reversed(SEVERITIES))}


async def _visible_check(
    session: AsyncSession, principal: Principal, key: int | None, field: str
) -> SpotCheck:
    found = None
    if key is not None:
        found = await session.scalar(
            select(SpotCheck)
            .where(SpotCheck.id == key, root_visible(principal, SpotCheck.root_id))
            .with_for_update()
        )
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, NOT_FOUND, field)
    return found


async def snapshot(session: AsyncSession, check: SpotCheck, timezone: str) -> dict[str, Any]:
    """The body of a spot check's bulletin: the draw, the organisations, the findings."""
    root = await session.get(Organization, check.root_id)
    assert root is not None
    category = None
    if check.category_id is not None:
        category = await session.scalar(
            select(OrgCategory.code).where(OrgCategory.id == check.category_id)
        )
    drawn = (
        await session.execute(
            select(Organization.id, Organization.code, Organization.name)
            .join(SpotCheckOrg, SpotCheckOrg.organization_id == Organization.id)
            .where(SpotCheckOrg.spot_check_id == check.id)
            .order_by(SpotCheckOrg.position)
        )
    ).all()
    names = {org_id: (code, name) for org_id, code, name in drawn}
    findings = (
        await session.scalars(select(Finding).where(Finding.spot_check_id == check.id))
    ).all()
    entries = sorted(
        (
            {
                "finding_id": f.id,
                "organization_id": f.organization_id,
                "organization_code": names.get(f.organization_id, ("", ""))[0],
                "organization_name": names.get(f.organization_id, ("", ""))[1],
                "severity": f.severity,
                "status": f.status,
                "description": f.description,
                "rectify_by": f.rectify_by.isoformat(),
            }
            for f in findings
        ),
        key=lambda e: (
            str(e["organization_code"]),
            SEVERITY_ORDER[str(e["severity"])],
            int(str(e["finding_id"])),
        ),
    )
    drawn_at = check.drawn_at.replace(tzinfo=check.drawn_at.tzinfo or dt.UTC)
    return {
        "spot_check_id": check.id,
        "title": check.title,
        "within": {"id": root.id, "code": root.code, "name": root.name},
        "category": category,
        "drawn_on": drawn_at.astimezone(ZoneInfo(timezone)).date().isoformat(),
        "seed": str(check.seed),
        "algorithm": check.algorithm,
        "population": check.population,
        "population_hash": check.population_hash,
        "sample_size": check.sample_size,
        "organizations": [{"id": i, "code": c, "name": n} for i, c, n in drawn],
        "findings": entries,
    }


def _period(body: dict[str, Any]) -> str:
    return str(body["drawn_on"])[:7]


async def _publish(
    session: AsyncSession,
    principal: Principal,
    check: SpotCheck,
    *,
    title: str,
    body: dict[str, Any],
    corrects: Bulletin | None,
) -> Bulletin:
    bulletin = Bulletin(
        title=title,
        period=_period(body),
        root_id=check.root_id,
        spot_check_id=check.id,
        corrects_id=None if corrects is None else corrects.id,
        body=body,
        digest=draw.digest(canonical(body).decode()),
        published_at=utcnow(),
        published_by=principal.account_id,
    )
    session.add(bulletin)
    check.status = "PUBLISHED"
    check.version += 1
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="bulletin.correct" if corrects is not None else "bulletin.publish",
        entity_type="Bulletin",
        entity_id=str(bulletin.id),
        changes={
            "spot_check": check.id,
            "title": title,
            "corrects": None if corrects is None else corrects.id,
            "findings": len(body["findings"]),
            "digest": bulletin.digest,
        },
    )
    return bulletin


async def publish(
    *, session: AsyncSession, principal: Principal, spot_check_id: int | None, timezone: str
) -> Bulletin:
    """Publish a spot check's bulletin (once: later changes go into a correction)."""
    require(principal, Permission.SUPERVISION_MANAGE)
    check = await _visible_check(session, principal, spot_check_id, "spotCheckId")
    await require_reach(
        session, principal, Permission.SUPERVISION_MANAGE, check.root_id, "spotCheckId"
    )
    if check.status == "PUBLISHED":
        raise ServiceError(
            ErrorCode.INVALID,
            "该抽查已发布通报；如需更正，请发布更正通报 (already published: correct it)",
            "spotCheckId",
        )
    body = await snapshot(session, check, timezone)
    title = f"关于{check.title}情况的通报"
    return await _publish(session, principal, check, title=title, body=body, corrects=None)


async def visible_bulletin(
    session: AsyncSession, principal: Principal, key: int | None
) -> Bulletin | None:
    """A bulletin inside the principal's scope (None for missing and foreign)."""
    if key is None:
        return None
    found: Bulletin | None = await session.scalar(
        select(Bulletin).where(Bulletin.id == key, inside_scope(principal, Bulletin.root_id))
    )
    return found


async def correct(
    *,
    session: AsyncSession,
    principal: Principal,
    bulletin_id: int | None,
    note: str,
    timezone: str,
) -> Bulletin:
    """Publish a correction of a bulletin: a new bulletin from the records as they are now."""
    require(principal, Permission.SUPERVISION_MANAGE)
    old = await visible_bulletin(session, principal, bulletin_id)
    if old is None or old.spot_check_id is None:
        raise ServiceError(ErrorCode.NOT_FOUND, NOT_FOUND, "bulletinId")
    await require_reach(
        session, principal, Permission.SUPERVISION_MANAGE, old.root_id, "bulletinId"
    )
    cleaned = note.strip()
    if not cleaned or len(cleaned) > MAX_NOTE:
        raise ServiceError(
            ErrorCode.REQUIRED if not cleaned else ErrorCode.INVALID,
            f"请填写更正说明（至多 {MAX_NOTE} 个字符）",
            "note",
        )
    check = await _visible_check(session, principal, old.spot_check_id, "bulletinId")
    body = await snapshot(session, check, timezone)
    body["correction_note"] = cleaned
    body["corrects_title"] = old.title
    title = f"{old.title}（更正）" if not old.title.endswith("（更正）") else old.title
    return await _publish(session, principal, check, title=title, body=body, corrects=old)
