"""Read-side records: typed tuples that loaders return and GraphQL types read as roots."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import ColumnElement

from core.orgs.models import (
    Assignment,
    Organization,
    OrgCategory,
    Person,
    Position,
    Sector,
    StaffingFramework,
)


class OrgRow(NamedTuple):
    id: int
    code: str
    name: str
    category_id: int
    sector_id: int | None
    parent_id: int | None
    depth: int
    version: int


class CategoryRow(NamedTuple):
    id: int
    code: str
    name: str
    name_en: str
    sector_id: int | None
    plugin: str | None


class SectorRow(NamedTuple):
    id: int
    code: str
    name: str
    name_en: str
    plugin: str | None
    lead_department_id: int | None


class PositionRow(NamedTuple):
    id: int
    code: str
    name: str
    name_en: str
    category_id: int
    principal: bool


class PersonRow(NamedTuple):
    id: int
    code: str
    name: str


class AssignmentRow(NamedTuple):
    id: int
    person_id: int
    position_id: int
    organization_id: int
    since: dt.date
    until: dt.date | None
    version: int


class FrameworkRow(NamedTuple):
    id: int
    code: str
    name: str
    category_id: int


def _cols(model: type, names: tuple[str, ...]) -> tuple[ColumnElement[object], ...]:
    return tuple(getattr(model, name) for name in names)


ORG_COLUMNS = _cols(Organization, OrgRow._fields)
CATEGORY_COLUMNS = _cols(OrgCategory, CategoryRow._fields)
SECTOR_COLUMNS = _cols(Sector, SectorRow._fields)
POSITION_COLUMNS = _cols(Position, PositionRow._fields)
PERSON_COLUMNS = _cols(Person, PersonRow._fields)
ASSIGNMENT_COLUMNS = _cols(Assignment, AssignmentRow._fields)
FRAMEWORK_COLUMNS = _cols(StaffingFramework, FrameworkRow._fields)


def org_row(org: Organization) -> OrgRow:
    """The read-side record of an ORM organisation (after a write)."""
    return OrgRow(
        org.id,
        org.code,
        org.name,
        org.category_id,
        org.sector_id,
        org.parent_id,
        org.depth,
        org.version,
    )


def assignment_row(assignment: Assignment) -> AssignmentRow:
    """The read-side record of an ORM assignment (after a write)."""
    return AssignmentRow(
        assignment.id,
        assignment.person_id,
        assignment.position_id,
        assignment.organization_id,
        assignment.since,
        assignment.until,
        assignment.version,
    )
