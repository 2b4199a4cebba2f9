"""Calendar dates a write may record: nothing before the People's Republic, nothing far ahead.

A date such as 1900-01-01 or 9999-12-31 in a term of office or a record is a typo or a
probe, never a fact; writes refuse it as INVALID, naming the field.
"""

from __future__ import annotations

import datetime as dt

from core.clock import city_today
from core.graphql.errors import ErrorCode, ServiceError

EARLIEST = dt.date(1949, 10, 1)
HORIZON = dt.timedelta(days=366)
"""How far after today a write may date something (a term that starts next year)."""


def require_plausible(value: dt.date, field: str, *, today: dt.date | None = None) -> dt.date:
    """The date itself, or INVALID when it lies before EARLIEST or beyond today + HORIZON."""
    latest = (today or city_today()) + HORIZON
    if not EARLIEST <= value <= latest:
        raise ServiceError(
            ErrorCode.INVALID,
            f"日期 {value.isoformat()} 不在允许范围内（{EARLIEST.isoformat()} 至 "
            f"{latest.isoformat()}）(date out of range)",
            field,
        )
    return value
