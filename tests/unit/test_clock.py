"""calfcore.clock: one today (fixed by CALF_TODAY for demos and tests) and one now (naive UTC, as stored)."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcore import clock


def test_today_is_the_fixed_day_when_one_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TODAY_ENV, "2026-03-01")
    assert clock.today() == dt.date(2026, 3, 1)
    monkeypatch.delenv(clock.TODAY_ENV)
    assert clock.today() == dt.date.today()


def test_now_is_utc_without_a_zone_and_ignores_the_fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TODAY_ENV, "2020-01-01")  # links and feeds expire on real time
    stamp = clock.now_utc()
    assert stamp.tzinfo is None
    assert abs(stamp - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(seconds=5)
