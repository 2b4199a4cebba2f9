"""`Organization.eduProfile` and `updateEduProfile`: the school's party-building facts."""

from __future__ import annotations

import datetime as dt

import strawberry

from plugins.education.catalogue import PLUGIN_NAME, SECTOR_CODE
from plugins.education.models import EduProfile
from plugins.sector_kit.profiles import Check, ProfileSpec

ORG_FORMS = ("党委", "党总支", "党支部", "联合党支部")


@strawberry.type(name="EduProfile", description="A school's party-building facts (学校党建档案).")
class EduProfileType:
    students: int = strawberry.field(description="在校学生数.")
    staff: int = strawberry.field(description="教职工数.")
    party_members: int = strawberry.field(description="党员数.")
    party_org_form: str = strawberry.field(
        description="党组织形式: 党委, 党总支, 党支部, 联合党支部."
    )
    principal_system: bool = strawberry.field(
        description="实行党组织领导的校长负责制 (principal system under the party organisation)."
    )
    secretary_principal_separate: bool = strawberry.field(description="书记、校长分设.")
    ideology_teachers: int = strawberry.field(description="思政课专职教师数.")
    branches_in_grade_groups: bool = strawberry.field(
        description="党支部建在年级组、教研组上 (branches built on grade and subject groups)."
    )
    version: int = strawberry.field(description="Pass as `expectedVersion` when you change it.")
    updated_at: dt.datetime


@strawberry.input(description="What to change in a school's profile; omitted fields stay.")
class UpdateEduProfileInput:
    organization_id: strawberry.ID
    expected_version: int | None = None
    students: int | None = None
    staff: int | None = None
    party_members: int | None = None
    party_org_form: str | None = None
    principal_system: bool | None = None
    secretary_principal_separate: bool | None = None
    ideology_teachers: int | None = None
    branches_in_grade_groups: bool | None = None


PROFILE = ProfileSpec(
    plugin=PLUGIN_NAME,
    sector_code=SECTOR_CODE,
    field="edu_profile",
    title="学校党建档案",
    model=EduProfile,
    output=EduProfileType,
    input=UpdateEduProfileInput,
    editable=(
        "students",
        "staff",
        "party_members",
        "party_org_form",
        "principal_system",
        "secretary_principal_separate",
        "ideology_teachers",
        "branches_in_grade_groups",
    ),
    module=__name__,
    description=(
        "School facts (students, staff, party members, the principal system, …). Null for "
        "organisations outside education and while the `education` plugin is disabled."
    ),
    checks={
        "students": Check(0, 100_000),
        "staff": Check(0, 20_000),
        "party_members": Check(0, 20_000),
        "ideology_teachers": Check(0, 2_000),
        "party_org_form": Check(choices=ORG_FORMS),
    },
)
