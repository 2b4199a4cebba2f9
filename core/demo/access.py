"""Leading groups (city and districts) and the demo accounts with their grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.auth.permissions import Role
from core.demo import data
from core.demo.staffing import StaffPlan
from core.demo.tree import PlannedOrg, TreePlan
from core.orgs import catalogue_data as cat

CHAIR = "CHAIR"
VICE_CHAIR = "VICE_CHAIR"
OFFICE_DIRECTOR = "OFFICE_DIRECTOR"
OFFICE_DEPUTY = "OFFICE_DEPUTY"
MEMBER_UNIT = "MEMBER_UNIT"
MEMBER_ROLES = (CHAIR, VICE_CHAIR, OFFICE_DIRECTOR, OFFICE_DEPUTY, MEMBER_UNIT)
"""The `leading_group_member.role` values."""

ADMIN = "admin"
XIHU = "xihu"
SOE_LEAD = "soe-lead"
XIHU_CODE = "330106"


def secretary_username(code: str) -> str:
    """The secretary account of a district or town/street: sec-330106."""
    return f"sec-{code}"


@dataclass
class AccessPlan:
    """Leading groups with their seats, accounts with their grants."""

    next_group_id: int
    next_member_id: int
    next_account_id: int
    next_grant_id: int
    groups: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    office_deputies: dict[str, int] = field(default_factory=dict)

    def seat(
        self,
        group_id: int,
        role: str,
        title: str,
        *,
        person: int | None = None,
        org: int | None = None,
    ) -> None:
        """One seat of a leading group: a person or a member unit."""
        self.members.append(
            {
                "id": self.next_member_id,
                "leading_group_id": group_id,
                "role": role,
                "organization_id": org,
                "person_id": person,
                "title": title,
            }
        )
        self.next_member_id += 1

    def account(
        self,
        username: str,
        person: int | None,
        role: Role,
        *,
        org: int | None = None,
        sector: int | None = None,
        now: Any,
    ) -> None:
        """One active account with one grant."""
        account_id = self.next_account_id
        self.next_account_id += 1
        self.accounts.append(
            {
                "id": account_id,
                "username": username,
                "person_id": person,
                "active": True,
                "created_at": now,
            }
        )
        self.grants.append(
            {
                "id": self.next_grant_id,
                "account_id": account_id,
                "role": role.value,
                "organization_id": org,
                "sector_id": sector,
            }
        )
        self.next_grant_id += 1

    def grant(self, role: Role, *, org: int | None = None, sector: int | None = None) -> None:
        """Another grant of the account added last."""
        self.grants.append(
            {
                "id": self.next_grant_id,
                "account_id": self.next_account_id - 1,
                "role": role.value,
                "organization_id": org,
                "sector_id": sector,
            }
        )
        self.next_grant_id += 1


def _holder(staff: StaffPlan, org: PlannedOrg, position: str) -> int:
    held = staff.holders.get((org.id, position))
    if not held:
        raise ValueError(f"demo post {position} of {org.code} is not filled")
    return held[0]


def _group(
    access: AccessPlan,
    staff: StaffPlan,
    *,
    org: PlannedOrg,
    name: str,
    office: PlannedOrg | None,
    prefix: str,
    units: list[PlannedOrg],
) -> None:
    """A leading group: chair, two vice-chairs, the office's two posts and its member units."""
    group_id = access.next_group_id
    access.next_group_id += 1
    access.groups.append(
        {
            "id": group_id,
            "code": f"LG-{org.code}",
            "name": name,
            "organization_id": org.id,
            "office_id": office.id if office is not None else None,
        }
    )
    level = "市委" if prefix == "CITY" else "区（县、市）委"
    seats = (
        (CHAIR, f"{prefix}_SECRETARY", f"组长（{level}书记）"),
        (VICE_CHAIR, f"{prefix}_DEPUTY_SECRETARY", f"副组长（{level}副书记）"),
        (VICE_CHAIR, f"{prefix}_ORG_DIRECTOR", f"副组长（{level}组织部部长）"),
        (OFFICE_DIRECTOR, f"{prefix}_ORG_EXEC_DEPUTY", "办公室主任（组织部常务副部长）"),
    )
    for role, position, title in seats:
        access.seat(group_id, role, title, person=_holder(staff, org, position))
    deputy = staff.new_person()
    access.office_deputies[org.code] = deputy
    access.seat(group_id, OFFICE_DEPUTY, "办公室专职副主任", person=deputy)
    for unit in units:
        access.seat(group_id, MEMBER_UNIT, f"成员单位（{unit.name}）", org=unit.id)


def build_access(
    *, tree: TreePlan, staff: StaffPlan, sector_ids: dict[str, int], first_ids: dict[str, int]
) -> AccessPlan:
    """The city's and each district's leading group, then the demo accounts.

    Each district's group has its organisation department as office and its departments
    as member units, like the city's.
    """
    access = AccessPlan(
        first_ids["leading_group"],
        first_ids["leading_group_member"],
        first_ids["account"],
        first_ids["account_grant"],
    )
    keys, now = tree.keys, staff.now
    city = keys["CITY"]
    _group(
        access,
        staff,
        org=city,
        name="中共杭州市委党建工作领导小组",
        office=keys["ORG_DEPARTMENT"],
        prefix="CITY",
        units=[keys[k] for k in data.CITY_MEMBER_UNITS],
    )
    for district in data.DISTRICTS:
        d = district.code
        _group(
            access,
            staff,
            org=keys[d],
            name=f"中共{district.party_prefix}委党建工作领导小组",
            office=keys[f"{d}:ORG_DEPARTMENT"],
            prefix="DISTRICT",
            units=[keys[f"{d}:{key}"] for key, _suffix in data.DISTRICT_DEPARTMENTS],
        )

    access.account(ADMIN, access.office_deputies[city.code], Role.CITY_ADMIN, now=now)
    xihu = keys[XIHU_CODE]
    access.account(
        XIHU, _holder(staff, xihu, "DISTRICT_ORG_DIRECTOR"), Role.ORG_MANAGER, org=xihu.id, now=now
    )
    sasac = keys[data.SECTOR_LEADS[cat.SECTOR_SOE]]
    access.account(
        SOE_LEAD,
        _holder(staff, sasac, "DEPT_COMMITTEE_SECRETARY"),
        Role.SECTOR_LEAD,
        org=sasac.id,  # its own department: the SOE groups it creates hang under it
        sector=sector_ids[cat.SECTOR_SOE],
        now=now,
    )
    for sector, username in data.SECTOR_LEAD_ACCOUNTS.items():
        department = keys[data.SECTOR_LEADS[sector]]
        person = _holder(staff, department, "DEPT_COMMITTEE_SECRETARY")
        access.account(username, person, Role.SECTOR_LEAD, sector=sector_ids[sector], now=now)
        access.grant(Role.SECTOR_LEAD, org=department.id)  # its own department
    for org in tree.orgs:
        if org.category in (cat.DISTRICT, cat.TOWN, cat.STREET):
            person = _holder(staff, org, cat.SECRETARY_POSITION[org.category])
            access.account(
                secretary_username(org.code), person, Role.SECRETARY, org=org.id, now=now
            )
    return access
