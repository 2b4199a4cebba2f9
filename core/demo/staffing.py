"""People for the demo: one person per filled framework post, some vacancies, some history."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.demo.names import Namer
from core.demo.tree import PlannedOrg
from core.orgs import catalogue_data as cat

VACANCY_RATE = 0.08
"""Share of framework posts left vacant (posts in PROTECTED are always filled)."""

HISTORY_RATE = 0.06
"""Share of filled posts whose previous holder is kept as an ended assignment."""

PROTECTED: frozenset[str] = frozenset(
    {
        "CITY_SECRETARY",
        "CITY_DEPUTY_SECRETARY",
        "CITY_ORG_DIRECTOR",
        "CITY_ORG_EXEC_DEPUTY",
        "CITY_GRASSROOTS_DIRECTOR",
        "DISTRICT_SECRETARY",
        "DISTRICT_DEPUTY_SECRETARY",
        "DISTRICT_ORG_DIRECTOR",
        "DISTRICT_ORG_EXEC_DEPUTY",
        "DEPT_COMMITTEE_SECRETARY",
        "TOWN_SECRETARY",
        "STREET_SECRETARY",
    }
)
"""Posts the demo accounts and leading groups rely on: never left vacant."""

_UNITS = frozenset({cat.VILLAGE, cat.COMMUNITY, cat.VILLAGE_COMMUNITY})
_ELECTION = (dt.date(2021, 1, 5), dt.date(2021, 3, 31))
"""Zhejiang's village and community committees were elected in early 2021."""
_EARLIEST = dt.date(2018, 1, 2)
_LATEST = dt.date(2026, 6, 30)


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


@dataclass
class StaffPlan:
    """Persons and assignments of the plan, and who holds which post where."""

    next_person_id: int
    next_assignment_id: int
    now: dt.datetime
    namer: Namer
    persons: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    holders: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    vacancies: int = 0
    ended: int = 0

    def new_person(self) -> int:
        """Plan one more person; returns the id."""
        person_id = self.next_person_id
        self.next_person_id += 1
        name, gender = self.namer.person()
        self.persons.append(
            {
                "id": person_id,
                "code": f"P{person_id:08d}",
                "name": name,
                "gender": gender,
                "created_at": self.now,
            }
        )
        return person_id

    def assign(
        self,
        *,
        person_id: int,
        position_id: int,
        org_id: int,
        since: dt.date,
        until: dt.date | None = None,
    ) -> None:
        """Plan one assignment of a person to a post of an organisation."""
        self.assignments.append(
            {
                "id": self.next_assignment_id,
                "person_id": person_id,
                "position_id": position_id,
                "organization_id": org_id,
                "since": since,
                "until": until,
                "version": 1,
            }
        )
        self.next_assignment_id += 1


def _fill(
    staff: StaffPlan, rng: random.Random, org: PlannedOrg, code: str, position_id: int
) -> None:
    """Fill one post of an organisation, maybe with a predecessor whose term has ended."""
    if org.category in _UNITS and rng.random() < 0.7:
        since = _day(rng, *_ELECTION)
    else:
        since = _day(rng, _EARLIEST, _LATEST)
    person_id = staff.new_person()
    staff.assign(person_id=person_id, position_id=position_id, org_id=org.id, since=since)
    staff.holders.setdefault((org.id, code), []).append(person_id)
    if rng.random() < HISTORY_RATE:
        until = since - dt.timedelta(days=1)
        before = until - dt.timedelta(days=rng.randint(700, 1800))
        previous = staff.new_person()
        staff.assign(
            person_id=previous, position_id=position_id, org_id=org.id, since=before, until=until
        )
        staff.ended += 1


def build_staff(
    *,
    orgs: Sequence[PlannedOrg],
    requirements: Mapping[str, Sequence[tuple[str, int]]],
    position_ids: Mapping[str, int],
    seed: int,
    first_person_id: int,
    first_assignment_id: int,
    now: dt.datetime,
) -> StaffPlan:
    """People for every framework post of the planned organisations (category → posts)."""
    rng = random.Random(f"{seed}/staff")
    staff = StaffPlan(first_person_id, first_assignment_id, now, Namer(rng))
    for org in orgs:
        for code, count in requirements.get(org.category, ()):
            for _ in range(count):
                if code not in PROTECTED and rng.random() < VACANCY_RATE:
                    staff.vacancies += 1
                    continue
                _fill(staff, rng, org, code, position_ids[code])
    return staff
