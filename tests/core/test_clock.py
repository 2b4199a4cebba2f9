"""The server's today is the city's date, wherever the machine's clock stands."""

from __future__ import annotations

import datetime as dt

import pytest

from core.clock import DEFAULT_TIMEZONE, city_timezone, city_today
from core.config import Settings
from core.dates import HORIZON, require_plausible
from core.graphql.errors import ServiceError


def test_city_today_follows_the_time_zone() -> None:
    # UTC+14 and UTC-12 are 26 hours apart: their dates always differ by one or two days
    ahead, behind = city_today("Pacific/Kiritimati"), city_today("Etc/GMT+12")
    assert 1 <= (ahead - behind).days <= 2


def test_city_timezone_is_the_configured_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUTYGRAPH_TIMEZONE", raising=False)
    assert city_timezone() == DEFAULT_TIMEZONE == Settings.timezone == "Asia/Shanghai"
    monkeypatch.setenv("DUTYGRAPH_TIMEZONE", "Pacific/Kiritimati")
    assert city_today() == city_today("Pacific/Kiritimati")


def test_plausible_dates_end_a_year_after_the_city_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTYGRAPH_TIMEZONE", "Pacific/Kiritimati")
    last = city_today() + HORIZON
    assert require_plausible(last, "since") == last
    with pytest.raises(ServiceError) as refused:
        require_plausible(last + dt.timedelta(days=1), "since")
    assert refused.value.field == "since"
