"""The demo's assessment: the DJKH-2026 scheme, public ratings, staff surveys, the combined
visits, the imported economic-social scores, and the computed results (seeded, set-based).

Districts differ in how well their organisations serve (a seeded quality per district, and
per organisation), so ratings, visit deductions and economic scores differ for reasons the
explanations name; the calendar's task states (`tasks.*`) add to that whenever the demo
calendar has a past. `recompute` runs again after the calendar is generated.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.assessment import compute
from core.assessment.loading import load_core_libraries
from core.assessment.models import (
    AssessmentEntry,
    AssessmentItem,
    AssessmentScheme,
    AssessmentTarget,
    AssessmentVisit,
    EconomicScore,
    ServiceRating,
    StaffSurvey,
)
from core.assessment.satisfaction import device_hash
from core.auth.models import Account, AccountGrant
from core.auth.permissions import Role
from core.clock import DEFAULT_TIMEZONE, city_today
from core.db import session_factory
from core.orgs.models import Organization

SCHEME = "DJKH-2026"
YEAR = 2026
TIMEZONE = DEFAULT_TIMEZONE
ASSESSOR = "assessor"
CHUNK = 5000
RATINGS = {0: (0, 0), 1: (30, 60), 2: (10, 30)}
"""Public ratings per organisation by depth (districts, towns/streets); deeper: 3–12."""
PRAISE = ["办事效率高，态度热情", "网格员经常上门，很贴心", "党员志愿服务做得好", ""]
PLAIN = ["总体还可以", "活动通知可以再早一点", ""]
COMPLAINT = ["窗口经常找不到人", "反映的问题很久没有回复", "办事要跑好几趟", "公开栏信息没有更新"]
DEDUCTIONS = {
    "CLEAN-DUTY": ["主体责任清单未按季度更新", "约谈提醒记录不全", "廉政风险排查台账缺项"],
    "ORG-SITE": ["“三会一课”记录不规范", "主题党日缺少活动照片", "党员发展材料缺少公示记录"],
    "PROP-IDEOLOGY": ["意识形态研判会议次数不足", "宣传阵地内容更新不及时"],
    "OTHER-TASKS": ["交办的专项整治任务进度滞后", "专项报告未按时报送"],
}
EVIDENCE = "查阅会议记录、工作台账和档案，现场走访党员群众"


@dataclass(frozen=True)
class _Org:
    id: int
    code: str
    parent_id: int | None
    depth: int


def as_of(today: dt.date) -> dt.date:
    """The demo's assessment date: today, within the scheme's year."""
    return min(max(today, dt.date(YEAR, 1, 1)), dt.date(YEAR, 12, 31))


def today_in_city() -> dt.date:
    return city_today(TIMEZONE)


async def _orgs(session: AsyncSession, scheme_id: int) -> list[_Org]:
    rows = await session.execute(
        select(Organization.id, Organization.code, Organization.parent_id, Organization.depth)
        .join(AssessmentTarget, AssessmentTarget.category_id == Organization.category_id)
        .where(AssessmentTarget.scheme_id == scheme_id)
        .order_by(Organization.id)
    )
    return [_Org(*row) for row in rows]


def _quality(rng: random.Random, orgs: Sequence[_Org]) -> dict[int, float]:
    """A seeded service quality per organisation (-1 … 1), inherited partly from its district."""
    quality: dict[int, float] = {}
    for org in sorted(orgs, key=lambda o: (o.depth, o.id)):
        inherited = quality.get(org.parent_id or -1, 0.0)
        quality[org.id] = max(-1.0, min(1.0, 0.6 * inherited + rng.gauss(0.0, 0.45)))
    return quality


def _ratings(
    rng: random.Random, orgs: Sequence[_Org], quality: dict[int, float]
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    at = dt.datetime(YEAR, 6, 30, 2, 0, tzinfo=dt.UTC)
    for org in orgs:
        low, high = RATINGS.get(org.depth, (3, 12))
        for n in range(rng.randint(low, high)):
            score = max(1, min(5, round(rng.gauss(3.9 + 1.1 * quality[org.id], 0.9))))
            pool = PRAISE if score >= 4 else PLAIN if score == 3 else COMPLAINT
            rows.append(
                {
                    "organization_id": org.id,
                    "period": str(YEAR),
                    "device_hash": device_hash(f"demo-device-{org.code}-{n:04d}"),
                    "score": score,
                    "comment": rng.choice(pool),
                    "created_at": at,
                }
            )
    return rows


def _surveys(
    rng: random.Random, orgs: Sequence[_Org], quality: dict[int, float], account: int
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for org in orgs:
        if org.depth >= 3 and rng.random() < 0.5:
            continue  # half of the villages and communities were surveyed
        respondents = rng.randint(15, 60)
        share = max(0.2, min(0.98, 0.75 + 0.2 * quality[org.id] + rng.gauss(0, 0.05)))
        satisfied = round(respondents * share)
        dissatisfied = round((respondents - satisfied) * rng.uniform(0.1, 0.5))
        rows.append(
            {
                "organization_id": org.id,
                "year": YEAR,
                "satisfied": satisfied,
                "basically": respondents - satisfied - dissatisfied,
                "dissatisfied": dissatisfied,
                "note": "年度干部职工满意度测评",
                "recorded_by": account,
                "version": 1,
            }
        )
    return rows


async def _assessor(session: AsyncSession, city_id: int) -> int:
    top = await session.scalar(select(func.max(Account.id))) or 0
    await session.execute(
        insert(Account), [{"id": top + 1, "username": ASSESSOR, "person_id": None, "active": True}]
    )
    await session.execute(
        insert(AccountGrant),
        [
            {
                "account_id": top + 1,
                "role": Role.ASSESSOR.value,
                "organization_id": city_id,
                "sector_id": None,
            }
        ],
    )
    return top + 1


async def _visits(
    session: AsyncSession,
    rng: random.Random,
    scheme_id: int,
    orgs: Sequence[_Org],
    quality: dict[int, float],
    account: int,
) -> None:
    items = {
        code: (item_id, max_score, department, categories)
        for code, item_id, max_score, department, categories in await session.execute(
            select(
                AssessmentItem.code,
                AssessmentItem.id,
                AssessmentItem.max_score,
                AssessmentItem.department,
                AssessmentItem.categories,
            ).where(AssessmentItem.scheme_id == scheme_id, AssessmentItem.source == "ENTERED")
        )
    }
    top = await session.scalar(select(func.max(AssessmentVisit.id))) or 0
    visits, entries = [], []
    for n, org in enumerate(orgs, start=1):
        visit_id = top + n
        day = dt.date(YEAR, 11, 1) + dt.timedelta(days=rng.randint(0, 25))
        visits.append(
            {
                "id": visit_id,
                "scheme_id": scheme_id,
                "organization_id": org.id,
                "visited_on": day,
                "note": "市委党建工作领导小组一次性综合考核",
                "recorded_by": account,
                "version": 1,
            }
        )
        for code, (item_id, maximum, department, categories) in sorted(items.items()):
            if categories and org.depth > 2:
                continue  # district/town-only items
            share = max(0.0, min(0.35, rng.gauss(0.12 - 0.12 * quality[org.id], 0.08)))
            lost = round(maximum * share * 2) / 2
            note = "未发现问题" if lost == 0 else f"{rng.choice(DEDUCTIONS[code])}，扣 {lost:g} 分"
            entries.append(
                {
                    "visit_id": visit_id,
                    "item_id": item_id,
                    "department": department,
                    "score": maximum - lost,
                    "note": note,
                    "evidence": EVIDENCE,
                    "entered_by": account,
                }
            )
    await _insert(session, AssessmentVisit, visits)
    await _insert(session, AssessmentEntry, entries)


async def _insert(session: AsyncSession, model: type, rows: Sequence[dict[str, object]]) -> None:
    for start in range(0, len(rows), CHUNK):
        table = model.__table__  # type: ignore[attr-defined]  # Core insert: no ORM bookkeeping
        await session.execute(insert(table), list(rows[start : start + CHUNK]))


async def seed(*, session: AsyncSession, seed: int, today: dt.date | None = None) -> None:
    """Load the scheme, seed satisfaction, visits and economic scores, compute the results."""
    await load_core_libraries(session=session, actor=None)
    scheme = await compute.scheme_by_code(session, SCHEME)
    rng = random.Random(f"{seed}/assessment")
    orgs = await _orgs(session, scheme.id)
    if not orgs:
        return
    quality = _quality(rng, orgs)
    city = await session.scalar(select(Organization.id).where(Organization.parent_id.is_(None)))
    account = await _assessor(session, city or orgs[0].id)
    await _insert(session, ServiceRating, _ratings(rng, orgs, quality))
    await _insert(session, StaffSurvey, _surveys(rng, orgs, quality, account))
    await _visits(session, rng, scheme.id, orgs, quality, account)
    economic: list[dict[str, object]] = [
        {
            "scheme_id": scheme.id,
            "organization_id": org.id,
            "score": round(max(40.0, min(99.5, rng.gauss(80 + 10 * quality[org.id], 6))), 1),
            "source": "演示数据：市经济社会发展实绩考核",
            "imported_by": None,
        }
        for org in orgs
    ]
    await _insert(session, EconomicScore, economic)
    day = today or today_in_city()
    await compute.compute(
        session=session,
        scheme_code=SCHEME,
        as_of=as_of(day),
        today=day,
        timezone=TIMEZONE,
        actor=None,
    )


async def recompute(
    *, engine: AsyncEngine, today: dt.date | None = None
) -> compute.ComputeSummary | None:
    """Compute the demo scheme again (after the calendar has been generated)."""
    day = today or today_in_city()
    async with session_factory(engine).begin() as session:
        found = await session.scalar(
            select(AssessmentScheme).where(AssessmentScheme.code == SCHEME)
        )
        if found is None or found.status == "PUBLISHED":
            return None
        return await compute.compute(
            session=session,
            scheme_code=SCHEME,
            as_of=as_of(day),
            today=day,
            timezone=TIMEZONE,
            actor="cli",
        )
