"""Read-side records of the responsibility lists (typed tuples the GraphQL types read)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import ColumnElement

from core.duties.models import Duty, DutyDescription, DutyManual


class DescriptionRow(NamedTuple):
    id: int
    category_id: int
    title: str


class ManualRow(NamedTuple):
    id: int
    position_id: int
    title: str


class DutyRow(NamedTuple):
    """A duty as seen from where it is listed: the owning organisation and position (when
    listed for a person's post) are part of the record."""

    id: int
    code: str
    title: str
    detail: str
    source: str
    frequency: str
    rrule: str | None
    lead_days: int
    part: str | None
    organization_id: int | None
    position_id: int | None


DUTY_COLUMNS: tuple[ColumnElement[object], ...] = tuple(
    getattr(Duty, name) for name in DutyRow._fields[:-2]
)
DESCRIPTION_COLUMNS = (DutyDescription.id, DutyDescription.category_id, DutyDescription.title)
MANUAL_COLUMNS = (DutyManual.id, DutyManual.position_id, DutyManual.title)


def duty_row(
    values: tuple[object, ...], organization_id: int | None, position_id: int | None
) -> DutyRow:
    """A duty record from the DUTY_COLUMNS values and where it is listed."""
    return DutyRow._make((*values, organization_id, position_id))
