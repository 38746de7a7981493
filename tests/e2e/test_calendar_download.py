"""Issue 24: the local-mode calendar download looks ahead. With a fixed clock (CALF_TODAY) on a Saturday and on a
Wednesday, at phone size, the button names the days it holds and the file holds only days still to come."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, expect

from calfcore.calendar_feed import TRAINING_SUMMARY
from tests.e2e.helpers import PHONE, create_profile, navigate, open_page, record_test, screenshot
from tests.e2e.server import start_server

SATURDAY = dt.date(2026, 11, 28)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("today", [SATURDAY, WEDNESDAY], ids=["saturday", "wednesday"])
def test_the_calendar_download_holds_the_days_ahead(tmp_path: Path, browser: Browser, today: dt.date) -> None:
    server = start_server(tmp_path / "calfcheck.duckdb", tmp_path, env={"CALF_TODAY": today.isoformat()})
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_page(page, server.url)
        create_profile(page, None, "Kai", 1990)
        navigate(page, "Record")
        record_test(page, None, 24, 25)
        navigate(page, "Share")
        button = page.get_by_role("button", name="(.ics)")
        expect(button).to_be_visible()
        label = button.inner_text()
        with page.expect_download() as started:
            button.click()
        body = Path(started.value.path()).read_bytes()
        screenshot(page, f"calendar-download-{today:%a}-phone".lower())
    finally:
        context.close()
        server.stop()
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    training = sorted(event["DTSTART"].dt for event in events if str(event["SUMMARY"]) == TRAINING_SUMMARY)
    assert training, label
    assert all(day >= today for day in training), (today, training)  # none of them already past
    retests = [event["DTSTART"].dt for event in events if str(event["SUMMARY"]) != TRAINING_SUMMARY]
    assert len(retests) == 1 and retests[0] >= today, retests  # an overdue retest goes on today
    for day in training:  # the button names every day the file holds
        assert f"{day:%a} {day.day}" in label, (label, training)
    if today == SATURDAY:  # this week's sessions are all past: next week's
        assert min(training) > today + dt.timedelta(days=1)
    assert "Traceback" not in server.log()
