"""GraphQL types of campaigns (专项行动): items, and progress per organisation."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import Parent

from core.audit.scopes import register_entity
from core.auth.principal import Principal
from core.graphql import ids
from core.graphql.context import Info
from core.orgs import loaders as org_loaders
from core.orgs.models import Organization
from core.orgs.scope import visible
from core.orgs.types import OrganizationT
from core.supervision import campaigns
from core.supervision.access import inside_scope
from core.supervision.models import Campaign, CampaignItem


@strawberry.type(name="CampaignItem", description="One task of a campaign: what, who, by when.")
class ItemType:
    code: str
    title: str
    owner: str
    due_on: dt.date


@strawberry.type(name="CampaignOrgProgress", description="One organisation's campaign tasks.")
class OrgProgressType:
    total: int
    done: int
    overdue: int
    organization_id: strawberry.Private[int]

    @strawberry.field
    async def organization(self, info: Info) -> OrganizationT | None:
        return await info.context.loader(org_loaders.OrgByIdLoader).load(self.organization_id)


@strawberry.type(name="CampaignProgress", description="A campaign's tasks in (part of) your scope.")
class ProgressType:
    total: int
    done: int
    overdue: int
    rate: float = strawberry.field(description="done ÷ total (1 when there is none).")
    organizations: list[OrgProgressType]


@strawberry.type(name="Campaign", description="A campaign (专项行动): tasks across organisations.")
class CampaignType:
    code: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    version: int

    @strawberry.field
    def id(self, root: Parent[Campaign]) -> strawberry.ID:
        return strawberry.ID(ids.encode("Campaign", root.id))

    @strawberry.field
    async def items(self, root: Parent[Campaign], info: Info) -> list[ItemType]:
        async with info.context.sessions() as session:
            found = await session.scalars(
                select(CampaignItem)
                .where(CampaignItem.campaign_id == root.id)
                .order_by(CampaignItem.position)
            )
            return list(found)  # type: ignore[arg-type]

    @strawberry.field(
        description="Tasks done and overdue per organisation you see (within `withinCode`)."
    )
    async def progress(
        self, root: Parent[Campaign], info: Info, within_code: str | None = None
    ) -> ProgressType:
        principal = info.context.require_principal()
        async with info.context.sessions() as session:
            within_id = None
            if within_code is not None:
                within_id = await session.scalar(
                    select(Organization.id).where(
                        Organization.code == within_code, visible(principal)
                    )
                )
                if within_id is None:
                    within_id = -1
            found = await campaigns.progress(
                session, root.id, info.context.today(), visible(principal), within_id
            )
        total = sum(p.total for p in found)
        done = sum(p.done for p in found)
        return ProgressType(
            total=total,
            done=done,
            overdue=sum(p.overdue for p in found),
            rate=round(done / total, 4) if total else 1.0,
            organizations=[
                OrgProgressType(
                    total=p.total, done=p.done, overdue=p.overdue, organization_id=p.organization_id
                )
                for p in found
            ],
        )


async def _campaign_visible(conn: AsyncConnection, principal: Principal, key: str) -> bool:
    if not key.isdigit():
        return False
    found = await conn.execute(
        select(Campaign.id).where(
            Campaign.id == int(key), inside_scope(principal, Campaign.root_id)
        )
    )
    return found.first() is not None


register_entity("Campaign", _campaign_visible)
