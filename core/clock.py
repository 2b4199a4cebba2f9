"""The city's today: dates are the city's calendar, not the machine's UTC date.

The server runs in UTC; the city lives in Asia/Shanghai (UTC+8). From 00:00 to 08:00 city
time the UTC date is still yesterday, so every "today" the server takes comes from here —
the request context's `today()` (fixed for one request) and the defaults of code that runs
outside a request (jobs, figures, date checks).
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


def city_timezone() -> str:
    """The configured time zone (DUTYGRAPH_TIMEZONE, as `core.config` reads it)."""
    return os.environ.get("DUTYGRAPH_TIMEZONE", DEFAULT_TIMEZONE)


def city_today(timezone: str | None = None) -> dt.date:
    """Today's date in the city's time zone (or the given one)."""
    return dt.datetime.now(ZoneInfo(timezone or city_timezone())).date()
