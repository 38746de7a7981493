"""The calm-down lookback at its edge, in Chromium at phone size (calfcore.routine: CALM_DOWN_LOOKBACK_WEEKS).

Morning stiffness rising from one week to the next calms training down, and the calm-down holds, looking back 8
weeks, until a week is recorded as settled. The oldest week looked back on is the 7 days up to 56 days ago, so a rise
whose later check-in is 62 days old still holds a strong runner in calm-down, and one 63 days old no longer does.
Each week reads only its own fortnight of check-ins (calfcore.routine._fortnights): these are the days where that
window starts and ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from calfcore.clock import TODAY_ENV
from calfcore.routine import CALM_DOWN_LOOKBACK_WEEKS, RECENT_SYMPTOM_DAYS
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.helpers import (
    by_the_button,
    click,
    create_profile,
    fill_number,
    main_text,
    navigate,
    no_success,
    record_test,
    screenshot,
)
from tests.e2e.server import StreamlitServer, start_server

TODAY = dt.date(2026, 6, 15)  # the server's today, fixed: a run across midnight must not move the edge

OLDEST_WEEK_ENDS = CALM_DOWN_LOOKBACK_WEEKS * RECENT_SYMPTOM_DAYS  # 56 days ago
LAST_DAY_IN = OLDEST_WEEK_ENDS + RECENT_SYMPTOM_DAYS - 1  # 62: the oldest day of the oldest week looked back on


@pytest.fixture
def server(tmp_path: Path) -> Iterator[StreamlitServer]:
    server = start_server(tmp_path / "calfcheck.duckdb", tmp_path, env={TODAY_ENV: TODAY.isoformat()})
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


def _check_in(page: Page, day: dt.date, stiffness_minutes: int, *, saved: bool = True) -> None:
    """A daily check-in on the Routine page, dated `day`, with only the left leg's morning stiffness."""
    page.get_by_role("tab", name="Daily check-in").click()
    for segment, value in (("year", f"{day:%Y}"), ("month", f"{day:%m}"), ("day", f"{day:%d}")):
        page.get_by_role("spinbutton", name=f"{segment}, Date").click()
        page.keyboard.type(value)
    fill_number(page, "Morning stiffness, left (minutes)", stiffness_minutes)
    click(page, "Save check-in")
    if saved:
        expect(page.get_by_text("Check-in saved.")).to_be_visible()


def _strong_runner(page: Page, url: str) -> None:
    create_profile(page, url, "梅 Mei", 1990)
    navigate(page, "Record")
    record_test(page, None, 32, 31)  # strong and symmetric: power, unless a calm-down still holds
    navigate(page, "Routine")


@pytest.mark.parametrize(
    ("days_old", "stage"),
    [
        (LAST_DAY_IN - 1, "Calm down"),
        (LAST_DAY_IN, "Calm down"),
        (LAST_DAY_IN + 1, "Power"),
    ],
)
def test_a_stiffness_rise_holds_calm_down_only_within_the_weeks_looked_back_on(
    server: StreamlitServer, phone: Page, days_old: int, stage: str
) -> None:
    assert LAST_DAY_IN == 62  # the rule's edge as this test's days name it
    _strong_runner(phone, server.url)
    _check_in(phone, TODAY - dt.timedelta(days=days_old + RECENT_SYMPTOM_DAYS), 10)  # the week before: 10 minutes
    _check_in(phone, TODAY - dt.timedelta(days=days_old), 30)  # then 30: stiffness rising week on week
    phone.get_by_role("tab", name="This week").click()
    expect(phone.get_by_role("heading", name=f"Stage: {stage}")).to_be_visible()
    if stage != "Calm down":
        assert "Stage: Calm down" not in main_text(phone)
    screenshot(phone, f"calm-down-edge-{days_old}-days-phone")


def test_a_check_in_dated_tomorrow_is_refused_and_nothing_is_stored(server: StreamlitServer, phone: Page) -> None:
    _strong_runner(phone, server.url)
    _check_in(phone, TODAY + dt.timedelta(days=1), 30, saved=False)
    by_the_button(phone, "Save check-in", "Date can't be in the future.")
    no_success(phone)
    screenshot(phone, "calm-down-future-check-in-refused-phone")
    phone.get_by_role("tab", name="This week").click()
    expect(phone.get_by_role("heading", name="Stage: Power")).to_be_visible()
    server.stop()
    store = DuckDBStore.open(server.db_path)
    try:
        [runner] = store.list_runners(LOCAL_OWNER)
        symptoms = store.load_records(LOCAL_OWNER, runner.saved_id).symptoms
    finally:
        store.close()
    assert all(entry.logged_on <= TODAY for entry in symptoms), symptoms  # only the test's own, if any
    assert not any(entry.stiffness_minutes == 30 for entry in symptoms), symptoms
