"""`Organization.healthProfile` and `updateHealthProfile`: a hospital's party-building facts."""

from __future__ import annotations

import datetime as dt

import strawberry

from plugins.health.catalogue import PLUGIN_NAME, SECTOR_CODE
from plugins.health.models import HealthProfile
from plugins.sector_kit.profiles import Check, ProfileSpec

GRADES = ("三级甲等", "三级乙等", "二级甲等", "二级乙等", "一级", "未定级")


@strawberry.type(
    name="HealthProfile", description="A hospital's or health centre's party-building facts."
)
class HealthProfileType:
    grade: str = strawberry.field(description="医院等级: 三级甲等 … 一级, 未定级.")
    beds: int = strawberry.field(description="编制床位数.")
    staff: int = strawberry.field(description="职工数.")
    party_members: int = strawberry.field(description="党员数.")
    president_system: bool = strawberry.field(
        description="实行党委领导下的院长负责制 (the president system under the party committee)."
    )
    dual_leader_secretaries: int = strawberry.field(
        description="“双带头人”党支部书记数 (branch secretaries who are also professional leaders)."
    )
    branches: int = strawberry.field(description="党支部数（建在科室上）.")
    version: int = strawberry.field(description="Pass as `expectedVersion` when you change it.")
    updated_at: dt.datetime


@strawberry.input(description="What to change in a hospital's profile; omitted fields stay.")
class UpdateHealthProfileInput:
    organization_id: strawberry.ID
    expected_version: int | None = None
    grade: str | None = None
    beds: int | None = None
    staff: int | None = None
    party_members: int | None = None
    president_system: bool | None = None
    dual_leader_secretaries: int | None = None
    branches: int | None = None


PROFILE = ProfileSpec(
    plugin=PLUGIN_NAME,
    sector_code=SECTOR_CODE,
    field="health_profile",
    title="医疗卫生机构党建档案",
    model=HealthProfile,
    output=HealthProfileType,
    input=UpdateHealthProfileInput,
    editable=(
        "grade",
        "beds",
        "staff",
        "party_members",
        "president_system",
        "dual_leader_secretaries",
        "branches",
    ),
    module=__name__,
    description=(
        "Hospital facts (grade, beds, staff, party members, the president system, …). Null "
        "outside the health sector and while the `health` plugin is disabled."
    ),
    checks={
        "grade": Check(choices=GRADES),
        "beds": Check(0, 10_000),
        "staff": Check(0, 30_000),
        "party_members": Check(0, 30_000),
        "dual_leader_secretaries": Check(0, 500),
        "branches": Check(0, 500),
    },
)
