"""`Organization.socialOrgProfile` and `updateSocialOrgProfile`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from plugins.sector_kit.profiles import Check, ProfileSpec
from plugins.social_org.catalogue import PLUGIN_NAME, SECTOR_CODE
from plugins.social_org.models import SocialOrgProfile

RATINGS = ("5A", "4A", "3A", "2A", "1A", "未评估")
ORG_FORMS = ("单独组建", "联合组建", "选派党建工作指导员")


@strawberry.type(
    name="SocialOrgProfile",
    description="A social organisation's registration facts and its evaluation scores.",
)
class SocialOrgProfileType:
    registration_authority: str = strawberry.field(description="登记管理机关.")
    supervising_unit: str = strawberry.field(description="业务主管单位（行业管理部门）.")
    rating: str = strawberry.field(description="社会组织评估等级: 5A … 1A, 未评估.")
    employees: int = strawberry.field(description="专职工作人员数.")
    party_members: int = strawberry.field(description="党员数.")
    party_org_form: str = strawberry.field(
        description="党组织组建方式: 单独组建, 联合组建, 选派党建工作指导员."
    )
    charter_party_clause: bool = strawberry.field(description="党建工作写入章程.")
    evaluation_score: Decimal = strawberry.field(
        description="社会组织党建工作测评体系得分 (0–100), from the year's evaluation."
    )
    version: int = strawberry.field(description="Pass as `expectedVersion` when you change it.")
    updated_at: dt.datetime


@strawberry.input(description="What to change in a social organisation's profile.")
class UpdateSocialOrgProfileInput:
    organization_id: strawberry.ID
    expected_version: int | None = None
    registration_authority: str | None = None
    supervising_unit: str | None = None
    rating: str | None = None
    employees: int | None = None
    party_members: int | None = None
    party_org_form: str | None = None
    charter_party_clause: bool | None = None
    evaluation_score: Decimal | None = None


PROFILE = ProfileSpec(
    plugin=PLUGIN_NAME,
    sector_code=SECTOR_CODE,
    field="social_org_profile",
    title="社会组织党建档案",
    model=SocialOrgProfile,
    output=SocialOrgProfileType,
    input=UpdateSocialOrgProfileInput,
    editable=(
        "registration_authority",
        "supervising_unit",
        "rating",
        "employees",
        "party_members",
        "party_org_form",
        "charter_party_clause",
        "evaluation_score",
    ),
    module=__name__,
    description=(
        "Social organisation facts (rating, party organisation, evaluation score, …). Null "
        "outside the sector and while the `social_org` plugin is disabled."
    ),
    checks={
        "registration_authority": Check(max_length=60),
        "supervising_unit": Check(max_length=100),
        "rating": Check(choices=RATINGS),
        "employees": Check(0, 100_000),
        "party_members": Check(0, 100_000),
        "party_org_form": Check(choices=ORG_FORMS),
        "evaluation_score": Check(0, 100),
    },
)
