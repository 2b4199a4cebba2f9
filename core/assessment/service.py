"""Assessment changes: the combined visit's entered scores, computing and publishing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.assessment import compute as computing
from core.assessment.library import DEPARTMENTS
from core.assessment.models import (
    AssessmentEntry,
    AssessmentItem,
    AssessmentScheme,
    AssessmentSection,
    AssessmentTarget,
    AssessmentVisit,
)
from core.assessment.satisfaction import target_org
from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import OrgCategory

MAX_TEXT = 2000
MAX_ENTRIES = 100
PUBLISHED = "PUBLISHED"


@dataclass(frozen=True)
class EntryInput:
    item_code: str
    department: str
    score: float
    note: str
    evidence: str


def _open(scheme: AssessmentScheme) -> None:
    if scheme.status == PUBLISHED:
        raise ServiceError(
            ErrorCode.INVALID, f"方案 {scheme.code} 的结果已发布并锁定", "schemeCode"
        )


def _text(value: str, field: str, what: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise ServiceError(ErrorCode.REQUIRED, f"请填写{what}", field)
    if len(cleaned) > MAX_TEXT:
        raise ServiceError(ErrorCode.INVALID, f"{what}不能超过 {MAX_TEXT} 个字符", field)
    return cleaned


async def _items(
    session: AsyncSession, scheme: AssessmentScheme
) -> dict[str, tuple[AssessmentItem, AssessmentSection]]:
    rows = await session.execute(
        select(AssessmentItem, AssessmentSection)
        .join(AssessmentSection, AssessmentSection.id == AssessmentItem.section_id)
        .where(AssessmentItem.scheme_id == scheme.id, AssessmentItem.retired_at.is_(None))
    )
    return {item.code: (item, section) for item, section in rows.all()}


def _check_entry(
    index: int,
    entry: EntryInput,
    found: tuple[AssessmentItem, AssessmentSection] | None,
    category: str,
) -> None:
    field = f"entries[{index}]"
    if found is None:
        raise ServiceError(
            ErrorCode.NOT_FOUND, f"考核项目 {entry.item_code} 不存在", f"{field}.itemCode"
        )
    item, section = found
    if item.source != "ENTERED":
        raise ServiceError(
            ErrorCode.INVALID, f"{item.code} 由记录自动计分，不能现场录入", f"{field}.itemCode"
        )
    if item.categories and category not in item.categories.split(","):
        raise ServiceError(ErrorCode.INVALID, f"{item.code} 不适用于该类组织", f"{field}.itemCode")
    if entry.department not in section.departments.split(","):
        name = DEPARTMENTS.get(entry.department, entry.department)
        raise ServiceError(
            ErrorCode.INVALID,
            f"{name}不考核「{section.title}」板块（由 {section.departments} 考核）",
            f"{field}.departmentCode",
        )
    if not 0 <= entry.score <= item.max_score:
        raise ServiceError(
            ErrorCode.INVALID, f"{item.code} 的分数应在 0–{item.max_score:g} 之间", f"{field}.score"
        )


async def record_visit(
    *,
    session: AsyncSession,
    principal: Principal,
    scheme_code: str,
    organization_code: str,
    visited_on: dt.date,
    note: str,
    entries: list[EntryInput],
    expected_version: int,
) -> AssessmentVisit:
    """Record the combined visit of an organisation: each entered item with its department.

    One visit per scheme and organisation; a later call replaces the scores of the items it
    names (`expectedVersion` 0 for a new visit). Needs assessment.assess over the organisation.
    """
    scheme = await computing.scheme_by_code(session, scheme_code, lock=True)
    _open(scheme)
    org = await target_org(session, principal, organization_code, Permission.ASSESSMENT_ASSESS)
    category = await session.scalar(
        select(OrgCategory.code)
        .join(AssessmentTarget, AssessmentTarget.category_id == OrgCategory.id)
        .where(
            OrgCategory.id == org.category_id,
            AssessmentTarget.scheme_id == scheme.id,
            AssessmentTarget.retired_at.is_(None),
        )
    )
    if category is None:
        raise ServiceError(ErrorCode.INVALID, "该组织不在本方案的考核对象中", "organizationCode")
    if not entries or len(entries) > MAX_ENTRIES:
        raise ServiceError(ErrorCode.INVALID, f"请录入 1–{MAX_ENTRIES} 个考核项目", "entries")
    if visited_on.year != scheme.year:
        raise ServiceError(ErrorCode.INVALID, f"考核日期应在 {scheme.year} 年内", "visitedOn")
    items = await _items(session, scheme)
    codes = [e.item_code for e in entries]
    if len(set(codes)) != len(codes):
        raise ServiceError(ErrorCode.INVALID, "同一考核项目录入了两次", "entries")
    for index, entry in enumerate(entries):
        _check_entry(index, entry, items.get(entry.item_code), category)
    cleaned = [
        (
            entry,
            _text(entry.note, f"entries[{i}].note", "扣分说明"),
            _text(entry.evidence, f"entries[{i}].evidence", "佐证材料"),
        )
        for i, entry in enumerate(entries)
    ]
    visit = await session.scalar(
        select(AssessmentVisit)
        .where(AssessmentVisit.scheme_id == scheme.id, AssessmentVisit.organization_id == org.id)
        .with_for_update()
    )
    current = 0 if visit is None else visit.version
    if current != expected_version:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"考核记录已被他人修改（当前版本 {current}，你提交的是 {expected_version}）",
            "expectedVersion",
        )
    if visit is None:
        visit = AssessmentVisit(scheme_id=scheme.id, organization_id=org.id, version=0)
        session.add(visit)
    visit.visited_on, visit.note = visited_on, note.strip()[:MAX_TEXT]
    visit.recorded_by, visit.updated_at = principal.account_id, utcnow()
    visit.version += 1
    await session.flush()
    existing = {
        e.item_id: e
        for e in await session.scalars(
            select(AssessmentEntry).where(AssessmentEntry.visit_id == visit.id)
        )
    }
    for entry, text, evidence in cleaned:
        item = items[entry.item_code][0]
        row = existing.get(item.id)
        if row is None:
            row = AssessmentEntry(visit_id=visit.id, item_id=item.id)
            session.add(row)
        row.department, row.score, row.note, row.evidence = (
            entry.department,
            entry.score,
            text,
            evidence,
        )
        row.entered_by, row.entered_at = principal.account_id, utcnow()
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="assessment_visit.record",
        entity_type="Organization",
        entity_id=str(org.id),
        changes={
            "scheme": scheme.code,
            "visit": visit.id,
            "version": visit.version,
            "entries": {e.item_code: [e.department, e.score] for e, _, _ in cleaned},
        },
    )
    return visit


def require_city(principal: Principal) -> None:
    """Computing and publishing are city-wide: assessment.manage over the whole city."""
    everything, _, _ = principal.reach(Permission.ASSESSMENT_MANAGE)
    if not everything:
        raise ServiceError(ErrorCode.FORBIDDEN, "没有权限 assessment.manage（全市范围）")


async def compute(
    *,
    session: AsyncSession,
    principal: Principal,
    scheme_code: str,
    as_of: dt.date | None,
    today: dt.date,
    timezone: str,
) -> computing.ComputeSummary:
    """Compute a scheme's results as of a date (default: today, or the year's end)."""
    require_city(principal)
    scheme = await computing.scheme_by_code(session, scheme_code)
    date = as_of or min(today, dt.date(scheme.year, 12, 31))
    return await computing.compute(
        session=session,
        scheme_code=scheme_code,
        as_of=date,
        today=today,
        timezone=timezone,
        actor=principal.username,
        actor_id=principal.account_id,
    )


async def publish(
    *, session: AsyncSession, principal: Principal, scheme_code: str, expected_version: int
) -> AssessmentScheme:
    """Publish a scheme's computed results; the scheme is locked from then on."""
    require_city(principal)
    scheme = await computing.scheme_by_code(session, scheme_code, lock=True)
    if scheme.version != expected_version:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"方案已变化（当前版本 {scheme.version}，你提交的是 {expected_version}）",
            "expectedVersion",
        )
    _open(scheme)
    if scheme.computed_at is None:
        raise ServiceError(ErrorCode.INVALID, "方案尚未计算结果，不能发布", "schemeCode")
    scheme.status, scheme.published_at = PUBLISHED, utcnow()
    scheme.version += 1
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="assessment.publish",
        entity_type="AssessmentScheme",
        entity_id=scheme.code,
        changes={"status": ["DRAFT", PUBLISHED], "digest": scheme.digest},
    )
    return scheme
