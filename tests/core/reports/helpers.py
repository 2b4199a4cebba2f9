"""Shared helpers of the report tests: the demo's open period, GraphQL documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import city_today

SUBMIT = """
mutation($input: SubmitReportValuesInput!) {
  submitReportValues(input: $input) {
    accepted
    sheet { id period phase status version onTime values { indicatorCode value } organization { code } }
    errors { field message code }
  }
}"""

FLAGS = """
query($period: String!, $phase: ReportPhase!, $within: String, $method: OutlierMethod,
      $baseline: OutlierBaseline, $threshold: Float, $first: Int = 100, $after: String) {
  reportFlags(reportCode: "DJBB", period: $period, phase: $phase, withinCode: $within,
              method: $method, baseline: $baseline, threshold: $threshold, first: $first, after: $after) {
    totalCount indicatorsAffected pageInfo { hasNextPage endCursor }
    edges { node { kind value expectedLow expectedHigh score period phase
      organization { code } indicator { code name } rule { code importance } } }
  }
}"""

APPROVE = """
mutation($input: ReportSheetInput!) {
  approveReport(input: $input) { sheet { status version } errors { field message code } }
}"""

UNAPPROVE = """
mutation($input: ReportSheetInput!) {
  unapproveReport(input: $input) { sheet { status version } errors { field message code } }
}"""


def open_quarter(today: dt.date | None = None) -> str:
    """The PROGRESS period that takes values today (the current quarter)."""
    day = today or city_today()
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


async def first_village(engine: AsyncEngine, town_code: str) -> str:
    """The first village or community under a town/street (by code)."""
    async with engine.connect() as conn:
        found: str = (
            await conn.execute(
                text(
                    "SELECT o.code FROM organization o JOIN organization p ON p.id = o.parent_id "
                    "WHERE p.code = :town ORDER BY o.code LIMIT 1"
                ),
                {"town": town_code},
            )
        ).scalar_one()
    return found


async def count(engine: AsyncEngine, sql: str, **params: Any) -> int:
    async with engine.connect() as conn:
        value: int = (await conn.execute(text(sql), params)).scalar_one()
    return value


def submit_input(org: str, period: str, values: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "reportCode": "DJBB",
            "period": period,
            "phase": "PROGRESS",
            "organizationCode": org,
            "values": [{"indicatorCode": k, "value": v} for k, v in values.items()],
            **extra,
        }
    }
