"""`Organization.enterpriseProfile` and `updateEnterpriseProfile`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from plugins.private_enterprise.catalogue import PLUGIN_NAME, SECTOR_CODE
from plugins.private_enterprise.models import EnterpriseProfile
from plugins.sector_kit.profiles import Check, ProfileSpec

ORG_FORMS = ("单独组建", "联合组建", "挂靠组建", "未组建")
WORKFLOW_STEPS = 6
"""The steps of the workflow guide (流程化运作指引): PE-WF-01 … 06 in data/1_pe_duties.yaml."""


@strawberry.type(
    name="EnterpriseProfile",
    description="A non-public enterprise's facts and its party-building coverage.",
)
class EnterpriseProfileType:
    industry: str = strawberry.field(description="所属行业.")
    employees: int = strawberry.field(description="职工人数.")
    party_members: int = strawberry.field(description="党员数.")
    revenue_wan: Decimal = strawberry.field(description="上年度营业收入（万元）.")
    party_org_form: str = strawberry.field(
        description="党组织组建方式: 单独组建, 联合组建, 挂靠组建, 未组建."
    )
    organization_covered: bool = strawberry.field(description="党的组织覆盖.")
    work_covered: bool = strawberry.field(description="党的工作覆盖.")
    workflow_steps_done: int = strawberry.field(
        description=f"流程化运作指引 done this year, out of {WORKFLOW_STEPS} steps."
    )
    version: int = strawberry.field(description="Pass as `expectedVersion` when you change it.")
    updated_at: dt.datetime


@strawberry.input(description="What to change in an enterprise's profile; omitted fields stay.")
class UpdateEnterpriseProfileInput:
    organization_id: strawberry.ID
    expected_version: int | None = None
    industry: str | None = None
    employees: int | None = None
    party_members: int | None = None
    revenue_wan: Decimal | None = None
    party_org_form: str | None = None
    organization_covered: bool | None = None
    work_covered: bool | None = None
    workflow_steps_done: int | None = None


PROFILE = ProfileSpec(
    plugin=PLUGIN_NAME,
    sector_code=SECTOR_CODE,
    field="enterprise_profile",
    title="非公有制企业党建档案",
    model=EnterpriseProfile,
    output=EnterpriseProfileType,
    input=UpdateEnterpriseProfileInput,
    editable=(
        "industry",
        "employees",
        "party_members",
        "revenue_wan",
        "party_org_form",
        "organization_covered",
        "work_covered",
        "workflow_steps_done",
    ),
    module=__name__,
    description=(
        "Enterprise facts (employees, party members, the two coverages, workflow progress). "
        "Null outside the sector and while the `private_enterprise` plugin is disabled."
    ),
    checks={
        "industry": Check(max_length=60),
        "employees": Check(0, 1_000_000),
        "party_members": Check(0, 100_000),
        "revenue_wan": Check(0, 1e12),
        "party_org_form": Check(choices=ORG_FORMS),
        "workflow_steps_done": Check(0, WORKFLOW_STEPS),
    },
)
