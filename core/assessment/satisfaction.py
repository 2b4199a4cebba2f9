"""Public service ratings (no account) and assessor-run staff surveys.

A rating is accepted for an organisation assessed by a scheme of the current year: one per
device token per organisation per year (the token is stored only as its SHA-256), score
1–5, an optional plain-text comment of at most 500 characters (stored as text, never
rendered as HTML by the platform; control characters other than line breaks refused).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.assessment.models import AssessmentScheme, AssessmentTarget, ServiceRating, StaffSurvey
from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization
from core.orgs.scope import manageable, visible

MAX_COMMENT = 500
MAX_NOTE = 2000
MAX_RESPONDENTS = 100_000
DEVICE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
NOT_RATEABLE = "组织不存在或不接受评价 (organisation not found)"


def _comment(text: str | None) -> str:
    cleaned = (text or "").strip()
    if len(cleaned) > MAX_COMMENT:
        raise ServiceError(ErrorCode.INVALID, f"留言不能超过 {MAX_COMMENT} 个字符", "comment")
    if _CONTROL.search(cleaned):
        raise ServiceError(ErrorCode.INVALID, "留言含有不允许的控制字符", "comment")
    return cleaned


def device_hash(token: str) -> str:
    """What is stored of a device token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def _rateable(session: AsyncSession, code: str, year: int) -> Organization:
    assessed = exists().where(
        AssessmentTarget.category_id == Organization.category_id,
        AssessmentTarget.retired_at.is_(None),
        AssessmentTarget.scheme_id == AssessmentScheme.id,
        AssessmentScheme.year == year,
    )
    org = await session.scalar(select(Organization).where(Organization.code == code, assessed))
    if org is None:
        raise ServiceError(ErrorCode.NOT_FOUND, NOT_RATEABLE, "organizationCode")
    return org


async def rate(
    *,
    session: AsyncSession,
    organization_code: str,
    score: int,
    device_token: str,
    comment: str | None,
    today: dt.date,
) -> ServiceRating:
    """Store one public rating; INVALID, NOT_FOUND or DUPLICATE errors write nothing."""
    if not 1 <= score <= 5:
        raise ServiceError(ErrorCode.INVALID, "评分应为 1 到 5 的整数", "score")
    if DEVICE_TOKEN.match(device_token) is None:
        raise ServiceError(
            ErrorCode.INVALID, "设备标识应为 16–128 位字母、数字、- 或 _", "deviceToken"
        )
    text = _comment(comment)
    org = await _rateable(session, organization_code, today.year)
    rating = ServiceRating(
        organization_id=org.id,
        period=str(today.year),
        device_hash=device_hash(device_token),
        score=score,
        comment=text,
    )
    try:
        async with session.begin_nested():
            session.add(rating)
            await session.flush()
    except IntegrityError:
        raise ServiceError(
            ErrorCode.DUPLICATE, "本设备今年已评价过该组织 (already rated)", "deviceToken"
        ) from None
    await audit.append(
        session=session,
        actor_id=None,
        actor_username=None,
        action="service_rating.create",
        entity_type="Organization",
        entity_id=str(org.id),
        changes={"rating": rating.id, "score": score, "period": rating.period, "comment": text},
    )
    return rating


async def target_org(
    session: AsyncSession, principal: Principal, code: str, permission: Permission
) -> Organization:
    """An organisation the principal may act on: NOT_FOUND outside its scope, else FORBIDDEN."""
    org = await session.scalar(
        select(Organization).where(Organization.code == code, visible(principal))
    )
    if org is None:
        raise ServiceError(
            ErrorCode.NOT_FOUND, "组织不存在或不可见 (not found)", "organizationCode"
        )
    allowed = await session.scalar(
        select(Organization.id).where(Organization.id == org.id, manageable(principal, permission))
    )
    if allowed is None:
        raise ServiceError(ErrorCode.FORBIDDEN, f"没有权限 {permission.value}")
    return org


async def record_staff_survey(
    *,
    session: AsyncSession,
    principal: Principal,
    organization_code: str,
    year: int,
    satisfied: int,
    basically: int,
    dissatisfied: int,
    note: str,
    expected_version: int,
) -> StaffSurvey:
    """Record (or replace) an organisation's staff survey of a year. Needs assessment.assess.

    `expected_version` is 0 for a new survey, else the version read (stale: CONFLICT).
    """
    org = await target_org(session, principal, organization_code, Permission.ASSESSMENT_ASSESS)
    counts = (satisfied, basically, dissatisfied)
    if min(counts) < 0 or not 0 < sum(counts) <= MAX_RESPONDENTS:
        raise ServiceError(
            ErrorCode.INVALID, f"测评人数应为非负整数，合计 1–{MAX_RESPONDENTS}", "satisfied"
        )
    if len(note) > MAX_NOTE:
        raise ServiceError(ErrorCode.INVALID, f"说明不能超过 {MAX_NOTE} 个字符", "note")
    survey = await session.scalar(
        select(StaffSurvey)
        .where(StaffSurvey.organization_id == org.id, StaffSurvey.year == year)
        .with_for_update()
    )
    current = 0 if survey is None else survey.version
    if current != expected_version:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"测评记录已被他人修改（当前版本 {current}，你提交的是 {expected_version}）",
            "expectedVersion",
        )
    before = None
    if survey is None:
        survey = StaffSurvey(organization_id=org.id, year=year, version=0)
        session.add(survey)
    else:
        before = [survey.satisfied, survey.basically, survey.dissatisfied]
    survey.satisfied, survey.basically, survey.dissatisfied = counts
    survey.note, survey.recorded_by = note.strip(), principal.account_id
    survey.version += 1
    await session.flush()
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="staff_survey.record",
        entity_type="Organization",
        entity_id=str(org.id),
        changes={"year": year, "counts": [before, list(counts)], "note": survey.note},
    )
    return survey
