"""Read-side records of the reports that the GraphQL types read as plain attributes."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from core.reports.catalog import IndicatorDef
from core.reports.models import ReportSheet


class IndicatorRow(NamedTuple):
    code: str
    name: str
    name_en: str
    unit: str
    value_type: str
    aggregation: str
    group_code: str
    group_name: str
    section: str
    categories: list[str]
    phases: list[str]
    min_value: float | None
    max_value: float | None
    description: str

    @classmethod
    def of(cls, row: Any) -> IndicatorRow:
        return cls(
            row.code,
            row.name,
            row.name_en,
            row.unit,
            row.value_type,
            row.aggregation,
            row.group_code,
            row.group_name,
            row.group_name,
            list(row.categories),
            list(row.phases),
            row.min_value,
            row.max_value,
            row.description,
        )

    @classmethod
    def of_def(cls, row: IndicatorDef) -> IndicatorRow:
        return cls(
            row.code,
            row.name,
            row.name_en,
            row.unit,
            row.value_type,
            row.aggregation,
            row.group_code,
            row.group_name,
            row.section,
            sorted(row.categories),
            [p for p in ("TARGET", "PROGRESS", "RESULT") if p in row.phases],
            row.min_value,
            row.max_value,
            row.description,
        )


class RuleRow(NamedTuple):
    code: str
    name: str
    importance: str
    operator: str
    left: str
    right: str
    template: str | None
    indicator: str | None

    @classmethod
    def of(cls, row: Any, code: str, indicator: str | None) -> RuleRow:
        template = row.code if row.kind == "TEMPLATE" else None
        return cls(
            code,
            row.name,
            row.importance,
            row.operator,
            row.left,
            row.right,
            template,
            indicator or row.indicator_code,
        )


class FollowUpRow(NamedTuple):
    comment: str
    marked_by: str | None
    marked_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str | None
    version: int

    @classmethod
    def of(cls, row: Any, username: str | None) -> FollowUpRow:
        return cls(
            row.comment, username, row.marked_at, row.resolved_at, row.resolution, row.version
        )


class SheetRow(NamedTuple):
    id: int
    form_code: str
    organization_id: int
    period: str
    phase: str
    status: str
    version: int
    submitted_at: dt.datetime
    on_time: bool
    approved_at: dt.datetime | None
    data: dict[str, float]

    @classmethod
    def of(cls, sheet: ReportSheet, form_code: str) -> SheetRow:
        return cls(
            sheet.id,
            form_code,
            sheet.organization_id,
            sheet.period,
            sheet.phase,
            sheet.status,
            sheet.version,
            sheet.submitted_at,
            sheet.on_time,
            sheet.approved_at,
            dict(sheet.data or {}),
        )
