"""Random spot checks (随机抽查): drawing a stratified sample, and verifying a draw.

The population is every organisation under the root (not the root itself) that the drawer
may supervise, optionally of one category, less those drawn by a spot check in the last N
months; each is in the stratum of the root's child it sits under, so every district (or
street) is represented in proportion. The snapshot of that population, the seed and the
algorithm are stored: `verify` redraws from them and compares (see `core.supervision.draw`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, false, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization, OrgCategory, OrgClosure
from core.orgs.scope import manageable
from core.supervision import draw
from core.supervision.access import OrgRef, require, require_reach, visible_org
from core.supervision.models import SpotCheck, SpotCheckOrg

MAX_SAMPLE = 1000
MAX_EXCLUDE_MONTHS = 60
MAX_TITLE = 200


@dataclass(frozen=True)
class DrawRequest:
    """What `drawSpotCheck` asks for (seed as typed: checked here)."""

    title: str
    within_code: str
    category_code: str | None
    sample_size: int
    seed: str | None
    exclude_months: int | None


def _title(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ServiceError(ErrorCode.REQUIRED, "请填写抽查名称 (title required)", "title")
    if len(cleaned) > MAX_TITLE:
        raise ServiceError(ErrorCode.INVALID, f"抽查名称不能超过 {MAX_TITLE} 个字符", "title")
    return cleaned


def _seed(text: str | None) -> int:
    if text is None or not text.strip():
        return secrets.randbelow(draw.MAX_SEED)
    value = draw.parse_seed(text)
    if value is None:
        raise ServiceError(
            ErrorCode.INVALID,
            f"随机种子 {text!r} 应为 0 到 {draw.MAX_SEED} 之间的整数 (seed must be an integer)",
            "seed",
        )
    return value


def _checked(request: DrawRequest, default_months: int) -> tuple[str, int, int]:
    title = _title(request.title)
    if not 1 <= request.sample_size <= MAX_SAMPLE:
        raise ServiceError(
            ErrorCode.INVALID, f"抽取数量应在 1 到 {MAX_SAMPLE} 之间 (sample size)", "sampleSize"
        )
    seed = _seed(request.seed)
    months = default_months if request.exclude_months is None else request.exclude_months
    if not 0 <= months <= MAX_EXCLUDE_MONTHS:
        raise ServiceError(
            ErrorCode.INVALID,
            f"排除月数应在 0 到 {MAX_EXCLUDE_MONTHS} 之间",
            "excludeCheckedWithinMonths",
        )
    return title, seed, months


def recently_drawn(at: dt.datetime, months: int, before_id: int | None) -> ColumnElement[bool]:
    """A condition on organisations: drawn by a spot check in the `months` before `at`."""
    if months <= 0:
        return false()
    since = at - relativedelta(months=months)
    recent = (
        select(SpotCheckOrg.organization_id)
        .join(SpotCheck, SpotCheck.id == SpotCheckOrg.spot_check_id)
        .where(SpotCheck.drawn_at >= since, SpotCheck.drawn_at <= at)
    )
    if before_id is not None:
        recent = recent.where(SpotCheck.id < before_id)
    return Organization.id.in_(recent)


async def population(
    session: AsyncSession,
    *,
    root_id: int,
    category_id: int | None,
    scope: ColumnElement[bool],
    excluded: ColumnElement[bool],
) -> dict[str, tuple[int, int, str]]:
    """Organisation code → (id, stratum id, stratum code) of the population under a root."""
    stratum = aliased(Organization)
    stmt = (
        select(Organization.code, Organization.id, stratum.id, stratum.code)
        .join(OrgClosure, OrgClosure.descendant_id == Organization.id)
        .join(stratum, stratum.id == OrgClosure.ancestor_id)
        .where(stratum.parent_id == root_id, scope, ~excluded)
    )
    if category_id is not None:
        stmt = stmt.where(Organization.category_id == category_id)
    rows = await session.execute(stmt)
    return {code: (org_id, s_id, s_code) for code, org_id, s_id, s_code in rows}


async def _category(session: AsyncSession, code: str | None) -> int | None:
    if code is None or not code.strip():
        return None
    found = await session.scalar(select(OrgCategory.id).where(OrgCategory.code == code.strip()))
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"组织类别 {code} 不存在", "categoryCode")
    return found


async def _root(session: AsyncSession, principal: Principal, code: str) -> OrgRef:
    root = await visible_org(session, principal, code, "withinCode")
    await require_reach(session, principal, Permission.SUPERVISION_MANAGE, root.id, "withinCode")
    return root


async def draw_spot_check(
    *,
    session: AsyncSession,
    principal: Principal,
    request: DrawRequest,
    default_exclude_months: int,
    at: dt.datetime | None = None,
) -> SpotCheck:
    """Draw a stratified sample under a root the principal supervises; nothing is written
    when refused (an empty population, a sample larger than it, a seed that is no integer)."""
    require(principal, Permission.SUPERVISION_MANAGE)
    title, seed, months = _checked(request, default_exclude_months)
    root = await _root(session, principal, request.within_code)
    category_id = await _category(session, request.category_code)
    at = at or utcnow()
    everyone = await population(
        session,
        root_id=root.id,
        category_id=category_id,
        scope=manageable(principal, Permission.SUPERVISION_MANAGE),
        excluded=false(),
    )
    found = await population(
        session,
        root_id=root.id,
        category_id=category_id,
        scope=manageable(principal, Permission.SUPERVISION_MANAGE),
        excluded=recently_drawn(at, months, None),
    )
    if not found:
        raise ServiceError(
            ErrorCode.INVALID, "抽查范围内没有可抽取的组织 (empty population)", "withinCode"
        )
    if request.sample_size > len(found):
        raise ServiceError(
            ErrorCode.INVALID,
            f"抽取数量 {request.sample_size} 大于可抽取的组织数 {len(found)} (sample larger than "
            "the population)",
            "sampleSize",
        )
    members = [draw.Member(code, s_code) for code, (_, _, s_code) in found.items()]
    text = draw.snapshot(members)
    sample = draw.draw(members, request.sample_size, seed)
    check = SpotCheck(
        title=title,
        root_id=root.id,
        category_id=category_id,
        sample_size=request.sample_size,
        population=len(found),
        seed=seed,
        algorithm=draw.ALGORITHM,
        population_hash=draw.digest(text),
        population_codes=text,
        sample_hash=draw.digest("\n".join(m.code for m in sample)),
        exclude_months=months,
        excluded=len(everyone) - len(found),
        drawn_at=at,
        drawn_by=principal.account_id,
        status="DRAWN",
        version=1,
    )
    session.add(check)
    await session.flush()
    await session.execute(
        insert(SpotCheckOrg),
        [
            {
                "spot_check_id": check.id,
                "organization_id": found[m.code][0],
                "stratum_id": found[m.code][1],
                "position": i,
            }
            for i, m in enumerate(sample, start=1)
        ],
    )
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="spot_check.draw",
        entity_type="SpotCheck",
        entity_id=str(check.id),
        changes={
            "title": title,
            "within": root.code,
            "category": request.category_code,
            "sample_size": request.sample_size,
            "population": len(found),
            "seed": str(seed),
            "algorithm": draw.ALGORITHM,
            "population_hash": check.population_hash,
            "sample": [m.code for m in sample],
        },
    )
    return check


@dataclass(frozen=True)
class Verification:
    """What re-drawing a spot check found: ok when the stored draw is reproduced."""

    spot_check_id: int
    ok: bool
    lines: list[str]


async def verify(*, session: AsyncSession, spot_check_id: int) -> Verification | None:
    """Redraw a spot check from its stored population, seed and algorithm and compare."""
    check = await session.get(SpotCheck, spot_check_id)
    if check is None:
        return None
    lines: list[str] = []
    ok = True
    members = draw.parse_snapshot(check.population_codes)
    if draw.digest(check.population_codes) != check.population_hash:
        ok = False
        lines.append("总体快照的哈希与记录不符 (population snapshot altered)")
    if check.algorithm != draw.ALGORITHM:
        return Verification(check.id, False, [f"未知的抽取算法 {check.algorithm}"])
    again = [m.code for m in draw.draw(members, check.sample_size, check.seed)]
    stored = list(
        await session.scalars(
            select(Organization.code)
            .join(SpotCheckOrg, SpotCheckOrg.organization_id == Organization.id)
            .where(SpotCheckOrg.spot_check_id == check.id)
            .order_by(SpotCheckOrg.position)
        )
    )
    if again != stored:
        ok = False
        lines.append(f"重新抽取的样本与记录不符：重抽 {len(again)} 个，记录 {len(stored)} 个")
    if draw.digest("\n".join(again)) != check.sample_hash:
        ok = False
        lines.append("样本哈希与记录不符 (sample hash differs)")
    lines.insert(
        0,
        f"抽查 {check.id}「{check.title}」：总体 {len(members)} 个，种子 {check.seed}，"
        f"算法 {check.algorithm}，抽取 {len(stored)} 个",
    )
    lines.append("复核通过：同一种子、同一总体得到同一样本" if ok else "复核未通过")
    return Verification(check.id, ok, lines)
