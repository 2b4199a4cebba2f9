"""Special inspections (专项督查): one checklist over the organisations of a subtree, by teams.

A team is assigned organisations, each with its whole subtree, so a three-level inspection
(district → street → community) is an assignment, not a special case. A visit records a
result per checklist item; an item found NON_COMPLIANT (or PARTIAL) becomes a finding of
the inspection, with the item's severity (PARTIAL: one step lower) and a rectify-by date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import OrgCategory, OrgClosure
from core.supervision.access import (
    NOT_FOUND,
    OrgRef,
    require,
    require_reach,
    root_visible,
    visible_org,
)
from core.supervision.findings import IDENTIFIED, clean_text
from core.supervision.models import (
    Finding,
    FindingStep,
    Inspection,
    InspectionAssignment,
    InspectionTeam,
    InspectionVisit,
    Procedure,
    ProcedureStep,
    VisitResult,
)

RESULTS = ("COMPLIANT", "PARTIAL", "NON_COMPLIANT", "NOT_APPLICABLE")
LOWER = {"HIGH": "MEDIUM", "MEDIUM": "LOW", "LOW": "LOW"}
MAX_TEAM = 30
MAX_ASSIGNED = 200


@dataclass(frozen=True)
class InspectionRequest:
    code: str
    title: str
    checklist_code: str
    within_code: str
    category_code: str | None
    period: str
    starts_on: dt.date
    ends_on: dt.date


async def _checklist(session: AsyncSession, code: str) -> Procedure:
    found = await session.scalar(
        select(Procedure).where(
            Procedure.code == code, Procedure.kind == "CHECKLIST", Procedure.retired_at.is_(None)
        )
    )
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"督查清单 {code} 不存在", "checklistCode")
    return found


async def create(
    *, session: AsyncSession, principal: Principal, request: InspectionRequest
) -> Inspection:
    """Open a special inspection of one checklist over a subtree the principal supervises."""
    require(principal, Permission.SUPERVISION_MANAGE)
    code = request.code.strip()
    if not code or len(code) > 80:
        raise ServiceError(ErrorCode.INVALID, "督查编码应为 1–80 个字符", "code")
    title = clean_text(request.title, "title", "督查名称")[:300]
    if request.ends_on < request.starts_on:
        raise ServiceError(ErrorCode.INVALID, "结束日期早于开始日期", "endsOn")
    root = await visible_org(session, principal, request.within_code, "withinCode")
    await require_reach(session, principal, Permission.SUPERVISION_MANAGE, root.id, "withinCode")
    checklist = await _checklist(session, request.checklist_code)
    category_id = None
    if request.category_code:
        category_id = await session.scalar(
            select(OrgCategory.id).where(OrgCategory.code == request.category_code)
        )
        if category_id is None:
            raise ServiceError(ErrorCode.NOT_FOUND, "组织类别不存在", "categoryCode")
    if await session.scalar(select(Inspection.id).where(Inspection.code == code)) is not None:
        raise ServiceError(ErrorCode.DUPLICATE, f"督查编码 {code} 已存在", "code")
    inspection = Inspection(
        code=code,
        title=title,
        procedure_id=checklist.id,
        root_id=root.id,
        category_id=category_id,
        period=request.period[:10],
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        status="OPEN",
        created_by=principal.account_id,
        version=1,
    )
    session.add(inspection)
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="inspection.create",
        entity_type="Inspection",
        entity_id=str(inspection.id),
        changes={"code": code, "checklist": checklist.code, "within": root.code},
    )
    return inspection


async def visible_inspection(
    session: AsyncSession, principal: Principal, code: str, field: str = "inspectionCode"
) -> Inspection:
    """An inspection whose root the principal sees; NOT_FOUND otherwise."""
    found = await session.scalar(
        select(Inspection).where(
            Inspection.code == code, root_visible(principal, Inspection.root_id)
        )
    )
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, NOT_FOUND, field)
    return found


async def _under(session: AsyncSession, root_id: int, org_id: int) -> bool:
    found = await session.scalar(
        select(OrgClosure.distance).where(
            OrgClosure.ancestor_id == root_id, OrgClosure.descendant_id == org_id
        )
    )
    return found is not None


async def add_team(
    *,
    session: AsyncSession,
    principal: Principal,
    inspection_code: str,
    code: str,
    name: str,
    leader: str,
    members: list[str],
    organization_codes: list[str],
) -> InspectionTeam:
    """Form an inspection team and assign it organisations (each with its subtree)."""
    require(principal, Permission.SUPERVISION_MANAGE)
    inspection = await visible_inspection(session, principal, inspection_code)
    await require_reach(
        session, principal, Permission.SUPERVISION_MANAGE, inspection.root_id, "inspectionCode"
    )
    if not 1 <= len(members) <= MAX_TEAM:
        raise ServiceError(ErrorCode.INVALID, f"督查组成员应为 1–{MAX_TEAM} 人", "members")
    if not 1 <= len(organization_codes) <= MAX_ASSIGNED:
        raise ServiceError(ErrorCode.INVALID, "请分配 1–200 个组织", "organizationCodes")
    orgs: list[OrgRef] = []
    for index, org_code in enumerate(organization_codes):
        field = f"organizationCodes[{index}]"
        org = await visible_org(session, principal, org_code, field)
        if not await _under(session, inspection.root_id, org.id):
            raise ServiceError(ErrorCode.INVALID, f"{org.name} 不在本次督查范围内", field)
        orgs.append(org)
    existing = await session.scalar(
        select(InspectionTeam.id).where(
            InspectionTeam.inspection_id == inspection.id, InspectionTeam.code == code
        )
    )
    if existing is not None:
        raise ServiceError(ErrorCode.DUPLICATE, f"督查组 {code} 已存在", "code")
    team = InspectionTeam(
        inspection_id=inspection.id,
        code=code.strip()[:40],
        name=clean_text(name, "name", "督查组名称")[:200],
        leader=leader.strip()[:100],
        members=[m.strip()[:100] for m in members if m.strip()],
    )
    session.add(team)
    await session.flush()
    for org in {o.id: o for o in orgs}.values():
        session.add(InspectionAssignment(team_id=team.id, organization_id=org.id))
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="inspection.team",
        entity_type="Inspection",
        entity_id=str(inspection.id),
        changes={"team": team.code, "members": team.members, "orgs": [o.code for o in orgs]},
    )
    return team


@dataclass(frozen=True)
class ItemResult:
    item_code: str
    result: str
    note: str


async def _team_of(session: AsyncSession, inspection_id: int, org_id: int) -> int | None:
    """The team whose assignment is the nearest ancestor of the organisation."""
    row = (
        await session.execute(
            select(InspectionAssignment.team_id)
            .join(InspectionTeam, InspectionTeam.id == InspectionAssignment.team_id)
            .join(OrgClosure, OrgClosure.ancestor_id == InspectionAssignment.organization_id)
            .where(
                InspectionTeam.inspection_id == inspection_id, OrgClosure.descendant_id == org_id
            )
            .order_by(OrgClosure.distance)
            .limit(1)
        )
    ).first()
    return None if row is None else int(row[0])


async def record_visit(
    *,
    session: AsyncSession,
    principal: Principal,
    inspection_code: str,
    organization_code: str,
    visited_on: dt.date,
    note: str,
    results: list[ItemResult],
    rectify_by: dt.date | None,
    expected_version: int,
) -> InspectionVisit:
    """Record (or re-record) a visit: a result per checklist item; findings for the failures."""
    require(principal, Permission.SUPERVISION_INSPECT)
    inspection = await visible_inspection(session, principal, inspection_code)
    org = await visible_org(session, principal, organization_code, "organizationCode")
    if not await _under(session, inspection.root_id, org.id) or org.id == inspection.root_id:
        raise ServiceError(ErrorCode.INVALID, f"{org.name} 不在本次督查范围内", "organizationCode")
    if inspection.category_id is not None and org.category_id != inspection.category_id:
        raise ServiceError(
            ErrorCode.INVALID, f"{org.name} 不属于本次督查的组织类别", "organizationCode"
        )
    await require_reach(
        session, principal, Permission.SUPERVISION_INSPECT, org.id, "organizationCode"
    )
    steps = {
        s.code: s
        for s in await session.scalars(
            select(ProcedureStep).where(
                ProcedureStep.procedure_id == inspection.procedure_id,
                ProcedureStep.retired_at.is_(None),
            )
        )
    }
    if not results or len({r.item_code for r in results}) != len(results):
        raise ServiceError(ErrorCode.INVALID, "请对每个检查项各录入一次结果", "results")
    for index, item in enumerate(results):
        if item.item_code not in steps:
            raise ServiceError(
                ErrorCode.NOT_FOUND, f"检查项 {item.item_code} 不存在", f"results[{index}].itemCode"
            )
        if item.result not in RESULTS:
            raise ServiceError(ErrorCode.INVALID, "未知的检查结果", f"results[{index}].result")
        if item.result in ("PARTIAL", "NON_COMPLIANT") and not item.note.strip():
            raise ServiceError(
                ErrorCode.REQUIRED, "不符合或部分符合的检查项请写明问题", f"results[{index}].note"
            )
    deadline = rectify_by or visited_on + dt.timedelta(days=30)
    if deadline < visited_on:
        raise ServiceError(ErrorCode.INVALID, "整改期限早于督查日期", "rectifyBy")
    visit = await session.scalar(
        select(InspectionVisit)
        .where(
            InspectionVisit.inspection_id == inspection.id,
            InspectionVisit.organization_id == org.id,
        )
        .with_for_update()
    )
    current = 0 if visit is None else visit.version
    if current != expected_version:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"督查记录已被他人修改（当前版本 {current}，你提交的是 {expected_version}）",
            "expectedVersion",
        )
    team_id = await _team_of(session, inspection.id, org.id)
    if visit is None:
        visit = InspectionVisit(
            inspection_id=inspection.id, organization_id=org.id, visited_on=visited_on, version=0
        )
        session.add(visit)
    visit.team_id = team_id
    visit.visited_on, visit.note = visited_on, note.strip()[:2000]
    visit.recorded_by, visit.recorded_at = principal.account_id, utcnow()
    visit.version += 1
    await session.flush()
    existing = {
        r.step_id: r
        for r in await session.scalars(select(VisitResult).where(VisitResult.visit_id == visit.id))
    }
    found_steps = set(
        await session.scalars(
            select(Finding.step_id).where(
                Finding.inspection_id == inspection.id, Finding.organization_id == org.id
            )
        )
    )
    created: list[str] = []
    for item in results:
        step = steps[item.item_code]
        row = existing.get(step.id)
        if row is None:
            row = VisitResult(visit_id=visit.id, step_id=step.id, attachments=[])
            session.add(row)
        row.result, row.note = item.result, item.note.strip()[:2000]
        if item.result in ("PARTIAL", "NON_COMPLIANT") and step.id not in found_steps:
            severity = step.severity if item.result == "NON_COMPLIANT" else LOWER[step.severity]
            finding = Finding(
                source="INSPECTION",
                inspection_id=inspection.id,
                step_id=step.id,
                organization_id=org.id,
                severity=severity,
                description=f"{step.title}：{row.note}",
                rectify_by=deadline,
                status=IDENTIFIED,
                version=1,
                found_on=visited_on,
                created_by=principal.account_id,
            )
            session.add(finding)
            await session.flush()
            session.add(
                FindingStep(
                    finding_id=finding.id,
                    from_status=None,
                    to_status=IDENTIFIED,
                    note=finding.description,
                    attachments=[],
                    actor_id=principal.account_id,
                    actor_username=principal.username,
                )
            )
            created.append(step.code)
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="inspection.visit",
        entity_type="Inspection",
        entity_id=str(inspection.id),
        changes={
            "organization": org.code,
            "version": visit.version,
            "results": {r.item_code: r.result for r in results},
            "findings": created,
        },
    )
    return visit
