"""Campaigns (专项行动, e.g. the source's 双基十条 with 156 tasks): a named set of tasks across
organisations, each an ordinary calendar task (so `viewer.tasks`, completion with evidence,
reminders and `dutygraph remind` apply), tracked to completion per organisation and subtree.

A campaign task is a `task` row with `duty_id` 0 (no duty: `Task.duty` is null) and the slot
`<organisation>:C<campaign>:<item>`, so creating it twice is refused by the slot's key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.calendar.models import Task
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization, OrgClosure
from core.supervision.access import OrgRef, require, require_reach, visible_org
from core.supervision.findings import clean_text
from core.supervision.models import Campaign, CampaignItem, CampaignTask

MAX_ITEMS = 200
MAX_TASKS = 5000
CAMPAIGN_DUTY = 0
"""The `duty_id` of campaign tasks: they come from a campaign, not a duty."""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    title: str
    owner: str
    due_on: dt.date


@dataclass(frozen=True)
class CampaignRequest:
    code: str
    title: str
    within_code: str
    starts_on: dt.date
    ends_on: dt.date
    items: list[ItemSpec]
    organization_codes: list[str]


def _check_items(request: CampaignRequest) -> None:
    if not 1 <= len(request.items) <= MAX_ITEMS:
        raise ServiceError(ErrorCode.INVALID, f"任务应有 1–{MAX_ITEMS} 项", "items")
    seen: set[str] = set()
    for index, item in enumerate(request.items):
        field = f"items[{index}]"
        if not item.code.strip() or item.code in seen:
            raise ServiceError(ErrorCode.INVALID, "任务编码为空或重复", f"{field}.code")
        seen.add(item.code)
        if not request.starts_on <= item.due_on <= request.ends_on:
            raise ServiceError(ErrorCode.INVALID, "任务期限应在行动起止日期之间", f"{field}.dueOn")
        clean_text(item.title, f"{field}.title", "任务内容")


async def _targets(
    session: AsyncSession, principal: Principal, root: OrgRef, codes: list[str]
) -> list[OrgRef]:
    if not codes:
        raise ServiceError(ErrorCode.REQUIRED, "请指定参加行动的组织", "organizationCodes")
    found: dict[int, OrgRef] = {}
    for index, code in enumerate(codes):
        field = f"organizationCodes[{index}]"
        org = await visible_org(session, principal, code, field)
        under = await session.scalar(
            select(OrgClosure.distance).where(
                OrgClosure.ancestor_id == root.id, OrgClosure.descendant_id == org.id
            )
        )
        if under is None:
            raise ServiceError(ErrorCode.INVALID, f"{org.name} 不在本次行动范围内", field)
        found[org.id] = org
    return list(found.values())


async def create(
    *, session: AsyncSession, principal: Principal, request: CampaignRequest
) -> Campaign:
    """Create a campaign and a calendar task per item and organisation."""
    require(principal, Permission.SUPERVISION_MANAGE)
    code = request.code.strip()
    if not code or len(code) > 60:
        raise ServiceError(ErrorCode.INVALID, "行动编码应为 1–60 个字符", "code")
    title = clean_text(request.title, "title", "行动名称")[:300]
    if request.ends_on < request.starts_on:
        raise ServiceError(ErrorCode.INVALID, "结束日期早于开始日期", "endsOn")
    _check_items(request)
    root = await visible_org(session, principal, request.within_code, "withinCode")
    await require_reach(session, principal, Permission.SUPERVISION_MANAGE, root.id, "withinCode")
    orgs = await _targets(session, principal, root, request.organization_codes)
    if len(orgs) * len(request.items) > MAX_TASKS:
        raise ServiceError(ErrorCode.INVALID, f"一次行动至多 {MAX_TASKS} 个任务", "items")
    if await session.scalar(select(Campaign.id).where(Campaign.code == code)) is not None:
        raise ServiceError(ErrorCode.DUPLICATE, f"行动编码 {code} 已存在", "code")
    campaign = Campaign(
        code=code,
        title=title,
        root_id=root.id,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        created_by=principal.account_id,
        version=1,
    )
    session.add(campaign)
    await session.flush()
    items = []
    for position, spec in enumerate(request.items, start=1):
        item = CampaignItem(
            campaign_id=campaign.id,
            code=spec.code.strip()[:80],
            title=spec.title.strip()[:300],
            owner=spec.owner.strip()[:100],
            due_on=spec.due_on,
            position=position,
        )
        session.add(item)
        items.append(item)
    await session.flush()
    links = []
    for item in items:
        for org in orgs:
            task_id = await session.scalar(
                insert(Task)
                .values(
                    slot=f"{org.id}:C{campaign.id}:{item.code}"[:120],
                    duty_id=CAMPAIGN_DUTY,
                    organization_id=org.id,
                    title=f"【{title}】{item.title}"[:300],
                    period=str(item.due_on.year),
                    due_on=item.due_on,
                    opens_on=request.starts_on,
                    status="OPEN",
                    version=1,
                    late=False,
                )
                .returning(Task.id)
            )
            links.append({"task_id": task_id, "item_id": item.id, "organization_id": org.id})
    await session.execute(insert(CampaignTask), links)
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action="campaign.create",
        entity_type="Campaign",
        entity_id=str(campaign.id),
        changes={
            "code": code,
            "items": [i.code for i in items],
            "organizations": [o.code for o in orgs],
            "tasks": len(links),
        },
    )
    return campaign


@dataclass(frozen=True)
class Progress:
    organization_id: int
    total: int
    done: int
    overdue: int


async def progress(
    session: AsyncSession,
    campaign_id: int,
    today: dt.date,
    scope: ColumnElement[bool],
    within_id: int | None = None,
) -> list[Progress]:
    """Tasks, done and overdue per organisation of a campaign in scope (and a subtree)."""
    stmt = (
        select(
            CampaignTask.organization_id,
            func.count(),
            func.sum(case((Task.status == "DONE", 1), else_=0)),
            func.sum(case(((Task.status == "OPEN") & (Task.due_on < today), 1), else_=0)),
        )
        .join(Task, Task.id == CampaignTask.task_id)
        .join(CampaignItem, CampaignItem.id == CampaignTask.item_id)
        .where(
            CampaignItem.campaign_id == campaign_id,
            Task.status != "CANCELLED",
            CampaignTask.organization_id.in_(select(Organization.id).where(scope)),
        )
        .group_by(CampaignTask.organization_id)
        .order_by(CampaignTask.organization_id)
    )
    if within_id is not None:
        stmt = stmt.where(
            CampaignTask.organization_id.in_(
                select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == within_id)
            )
        )
    rows = await session.execute(stmt)
    return [Progress(o, int(t), int(d or 0), int(v or 0)) for o, t, d, v in rows]
