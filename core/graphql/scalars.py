"""Scalars with the project's own rules: every DateTime carries its UTC offset.

Times are stored in UTC (ARCHITECTURE.md); SQLite hands them back without an offset, so a
naive value is UTC. On the way out every DateTime is ISO-8601 with an offset (the contract
says so); on the way in an offset is required.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types.scalar import ScalarDefinition


def serialize_datetime(value: dt.datetime) -> str:
    """ISO-8601 with an offset: naive values are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def parse_datetime(value: Any) -> dt.datetime:
    """An ISO-8601 string with an offset (e.g. 2026-03-30T09:00:00+08:00)."""
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO-8601 string")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("DateTime needs an offset, e.g. 2026-03-30T09:00:00+08:00")
    return parsed


DATETIME: ScalarDefinition = strawberry.scalar(
    name="DateTime",
    description="Date and time, ISO-8601 with its UTC offset (e.g. 2026-03-30T01:00:00+00:00).",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)
SCALARS: dict[object, ScalarDefinition] = {dt.datetime: DATETIME}
"""The scalar map of the schema (StrawberryConfig.scalar_map)."""
