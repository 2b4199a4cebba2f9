"""GraphQL contributions of the SOE plugin: `Organization.soeProfile` and `soeGroups`.

Both answer nothing while the plugin is disabled: the records stay, the data is hidden.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from strawberry import Parent

from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.rows import OrgRow
from core.orgs.service import OrgFilter, search
from core.orgs.types import OrganizationT
from core.plugin_admin.loaders import PluginEnabledByNameLoader
from plugins.sector_kit.profiles import Check, ProfileSpec
from plugins.soe.catalogue import PLUGIN_NAME, SECTOR_CODE, SOE_GROUP
from plugins.soe.loaders import (
    PROFILE_COLUMNS,
    SoeProfileByOrgIdLoader,
    SoeProfileRow,
    SupervisionLevel,
    profile_row,
)
from plugins.soe.models import SoeProfile

strawberry.enum(
    SupervisionLevel,
    name="SoeSupervisionLevel",
    description="监管层级: MUNICIPAL 市属, DISTRICT 区属.",
)


@strawberry.type(
    name="SoeProfile",
    description="The enterprise facts of a state-owned enterprise (国有企业基本信息).",
)
class SoeProfileType:
    unified_credit_code: str = strawberry.field(
        description="The 18-character unified social credit code (统一社会信用代码)."
    )
    registered_capital_wan: Decimal = strawberry.field(
        description="Registered capital in units of 10,000 yuan (注册资本，万元)."
    )
    state_share_pct: Decimal = strawberry.field(
        description="The state-owned share in percent, 0–100 (国有股权比例)."
    )
    industry: str = strawberry.field(description="Main industry (主营行业).")
    supervisor: SupervisionLevel = strawberry.field(description="Who supervises it (监管层级).")
    supervisor_name: str = strawberry.field(description="监管层级 in words: 市属 or 区属.")
    employees: int = strawberry.field(description="Number of employees (职工人数).")
    party_members: int = strawberry.field(description="Number of party members (党员人数).")
    listed: bool = strawberry.field(description="Listed on a stock exchange (是否上市).")
    charter_party_building: bool = strawberry.field(
        description="Party building written into the articles of association (党建进章程)."
    )
    committee_members: int = strawberry.field(
        description="Members of the party committee (党委班子成员数)."
    )
    cross_appointed: int = strawberry.field(
        description=(
            "Committee members also on the board, the supervisory board or the management "
            "(双向进入、交叉任职人数); at most `committeeMembers`."
        )
    )
    secretary_is_chairman: bool = strawberry.field(
        description="The party secretary is also the chairman (党委书记、董事长“一肩挑”)."
    )
    version: int = strawberry.field(description="Pass as `expectedVersion` when you change it.")
    updated_at: dt.datetime


async def _enabled(info: Info) -> bool:
    return await info.context.loader(PluginEnabledByNameLoader).load(PLUGIN_NAME)


@strawberry.type
class SoeOrganizationFields:
    @strawberry.field(
        description=(
            "SOE facts (credit code, capital, state share, …). Null for organisations that "
            "are not state-owned enterprises and while the `soe` plugin is disabled."
        )
    )
    async def soe_profile(self, root: Parent[OrgRow], info: Info) -> SoeProfileType | None:
        if root.sector_id is None or not await _enabled(info):
            return None
        found: SoeProfileRow | None = await info.context.loader(SoeProfileByOrgIdLoader).load(
            root.id
        )
        return found  # type: ignore[return-value]


@strawberry.type
class SoeQuery:
    @strawberry.field(
        description=(
            "SOE groups (国有企业集团) you can see, ordered by code; `first` is 1–100. "
            "Empty while the `soe` plugin is disabled."
        )
    )
    async def soe_groups(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[OrganizationT]:
        principal = info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        if not await _enabled(info):
            return page([], offset=offset, first=limit, total=0)
        async with info.context.engine.connect() as conn:
            rows, total = await search(
                conn=conn,
                principal=principal,
                criteria=OrgFilter(category_code=SOE_GROUP),
                offset=offset,
                limit=limit,
            )
        return page(rows, offset=offset, first=limit, total=total)


@strawberry.input(description="What to change in an SOE's facts; omitted fields stay.")
class UpdateSoeProfileInput:
    organization_id: strawberry.ID
    expected_version: int | None = None
    registered_capital_wan: Decimal | None = None
    state_share_pct: Decimal | None = None
    industry: str | None = None
    employees: int | None = None
    party_members: int | None = None
    listed: bool | None = None
    charter_party_building: bool | None = None
    committee_members: int | None = None
    cross_appointed: int | None = None
    secretary_is_chairman: bool | None = None


def _saved(row: SoeProfile) -> SoeProfileRow:
    return profile_row([getattr(row, column.key) for column in PROFILE_COLUMNS])


def _consistent(row: SoeProfile) -> None:
    """No more cross-appointed members than the committee has."""
    if (row.cross_appointed or 0) > (row.committee_members or 0):
        raise ServiceError(
            ErrorCode.INVALID,
            f"crossAppointed={row.cross_appointed} 不能超过党委班子成员数 "
            f"committeeMembers={row.committee_members} (more than the committee)",
            "crossAppointed",
        )


PROFILE = ProfileSpec(
    plugin=PLUGIN_NAME,
    sector_code=SECTOR_CODE,
    field="soe_profile",
    title="国有企业基本信息",
    model=SoeProfile,
    output=SoeProfileType,
    input=UpdateSoeProfileInput,
    editable=(
        "registered_capital_wan",
        "state_share_pct",
        "industry",
        "employees",
        "party_members",
        "listed",
        "charter_party_building",
        "committee_members",
        "cross_appointed",
        "secretary_is_chairman",
    ),
    module=__name__,
    description="SOE facts; see Organization.soeProfile.",
    checks={
        "registered_capital_wan": Check(0, 1e12),
        "state_share_pct": Check(0, 100),
        "industry": Check(max_length=100),
        "employees": Check(0, 10_000_000),
        "party_members": Check(0, 1_000_000),
        "committee_members": Check(0, 50),
        "cross_appointed": Check(0, 50),
    },
    read=_saved,
    validate=_consistent,
)
"""Only the update mutation is built from it: `soeProfile` keeps its own resolver."""
