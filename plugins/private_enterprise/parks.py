"""The demo's industrial park and office building party committees (园区（楼宇）党委): each
under the street where its park or building stands (属地管理), staffed, with its profile."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.db import utcnow
from core.demo.names import Namer
from core.orgs.credit_codes import org_code_check, uscc_check
from core.orgs.models import (
    Assignment,
    Organization,
    OrgCategory,
    OrgClosure,
    Person,
    Position,
    Sector,
)
from core.specs import DemoContext
from plugins.private_enterprise import catalogue as cat


@dataclass(frozen=True)
class Park:
    district: str  # the district's code
    street: str  # the street's name under it
    name: str
    industry: str
    enterprises: int  # companies the committee looks after (兜底管理)
    employees: int


PARKS: tuple[Park, ...] = (
    Park("330108", "长河街道", "杭州高新区（滨江）物联网产业园党委", "物联网", 186, 21000),
    Park("330110", "仓前街道", "余杭区未来科技城海创园党委", "数字经济和人工智能", 243, 18500),
    Park("330102", "四季青街道", "上城区钱江新城来福士中心楼宇党委", "金融和商务服务", 97, 8600),
    Park("330109", "宁围街道", "萧山区信息港小镇党委", "互联网和数字内容", 152, 13200),
    Park("330114", "下沙街道", "钱塘区医药港小镇党委", "生物医药", 121, 15800),
    Park("330105", "湖墅街道", "拱墅区运河财富小镇楼宇党委", "金融和商务服务", 88, 7400),
)  # fmt: skip


async def _streets(session: AsyncSession) -> dict[tuple[str, str], tuple[int, str, int]]:
    """(district code, street name) → (id, code, depth) of every street and town."""
    district = aliased(Organization)
    rows = await session.execute(
        select(
            district.code, Organization.name, Organization.id, Organization.code, Organization.depth
        )
        .join(district, district.id == Organization.parent_id)
        .join(OrgCategory, OrgCategory.id == Organization.category_id)
        .where(OrgCategory.code.in_(("STREET", "TOWN")))
    )
    return {(d, name): (org_id, code, depth) for d, name, org_id, code, depth in rows}


PARTY_ORGAN = "11"
"""The credit code's registration kind: 机构编制 (1), 机关 (1) — a party committee."""


def credit_code(park: Park, taken: set[str]) -> str:
    """The committee's unified social credit code, registered in its district (seeded by
    its name, so the same in every demo)."""
    rng = random.Random(f"park/{park.name}")
    while True:
        body = "".join(rng.choice("0123456789") for _ in range(8))
        head = f"{PARTY_ORGAN}{park.district}{body}{org_code_check(body)}"
        code = head + uscc_check(head)
        if code not in taken:
            return code


def profile(park: Park, org_id: int) -> dict[str, Any]:
    """A committee's profile: the park's companies and people, its members and coverage."""
    members = park.employees // 60
    return {
        "organization_id": org_id,
        "industry": park.industry,
        "employees": park.employees,
        "party_members": members,
        "revenue_wan": Decimal(park.employees * 95),
        "party_org_form": "单独组建",
        "organization_covered": True,
        "work_covered": True,
        "workflow_steps_done": 6,
    }


async def _staff(session: AsyncSession, parks: list[tuple[Park, int]], now: dt.datetime) -> None:
    """Every seat of the committees' framework filled (a committee is staffed when it is set
    up), names from a generator of their own."""
    framework = next(f for f in cat.FRAMEWORKS if f.category_code == cat.PARK)
    codes = sorted(framework.requirements)
    found = await session.execute(
        select(Position.code, Position.id).where(Position.code.in_(codes))
    )
    positions: dict[str, int] = {code: position_id for code, position_id in found}
    person_id = (await session.scalar(select(func.max(Person.id))) or 0) + 1
    assignment_id = (await session.scalar(select(func.max(Assignment.id))) or 0) + 1
    people: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    for park, org_id in parks:
        rng = random.Random(f"park-staff/{park.name}")
        namer = Namer(rng)
        for code in codes:
            for _ in range(framework.requirements[code]):
                people.append(
                    {
                        "id": person_id,
                        "code": f"PEP{person_id:07d}",
                        "name": namer.person()[0],
                        "gender": None,
                        "created_at": now,
                    }
                )
                since = dt.date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
                assignments.append(
                    {
                        "id": assignment_id,
                        "person_id": person_id,
                        "position_id": positions[code],
                        "organization_id": org_id,
                        "since": since,
                        "until": None,
                        "version": 1,
                    }
                )
                person_id += 1
                assignment_id += 1
    if people:
        await session.execute(insert(Person), people)
        await session.execute(insert(Assignment), assignments)


async def add_parks(context: DemoContext) -> list[dict[str, Any]]:
    """Insert the park committees (their closure rows, people and posts); their profiles, to
    be inserted."""
    session = context.session
    streets = await _streets(session)
    category = await session.scalar(select(OrgCategory.id).where(OrgCategory.code == cat.PARK))
    sector = await session.scalar(select(Sector.id).where(Sector.code == cat.SECTOR_CODE))
    if category is None or sector is None:
        return []
    next_id = (await session.scalar(select(func.max(Organization.id))) or 0) + 1
    now = utcnow()
    orgs: list[dict[str, Any]] = []
    closure: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    placed: list[Park] = []
    like = f"{PARTY_ORGAN}%"
    taken = set(
        await session.scalars(select(Organization.code).where(Organization.code.like(like)))
    )
    for park in PARKS:
        found = streets.get((park.district, park.street))
        if found is None:
            continue
        parent_id, _parent_code, depth = found
        code = credit_code(park, taken)
        taken.add(code)
        orgs.append(
            {
                "id": next_id,
                "code": code,
                "name": park.name,
                "category_id": category,
                "sector_id": sector,
                "parent_id": parent_id,
                "depth": depth + 1,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        ancestors = await session.execute(
            select(OrgClosure.ancestor_id, OrgClosure.distance).where(
                OrgClosure.descendant_id == parent_id
            )
        )
        closure.append({"ancestor_id": next_id, "descendant_id": next_id, "distance": 0})
        closure.extend(
            {"ancestor_id": anc, "descendant_id": next_id, "distance": dist + 1}
            for anc, dist in ancestors
        )
        profiles.append(profile(park, next_id))
        placed.append(park)
        next_id += 1
    if orgs:
        await session.execute(insert(Organization), orgs)
        await session.execute(insert(OrgClosure), closure)
        await _staff(session, [(p, o["id"]) for p, o in zip(placed, orgs, strict=True)], now)
    return profiles
