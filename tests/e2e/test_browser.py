"""A runner on a phone-sized browser: create a profile, record two tests, see both on the chart."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from calfcore.demo import demo_data
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.helpers import screenshot, trend_chart, wait_for_app
from tests.e2e.server import start_server

PAGE_FILES = ["home_page", "record_page", "dashboard_page", "routine_page", "history_page", "profile_page"]


def _fill_number(page: Page, label: str, value: int) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Tab")


def _record(page: Page, server_url: str, left: int, right: int, date: str | None = None) -> None:
    page.goto(f"{server_url}/record")
    wait_for_app(page)
    another = page.get_by_role("button", name="Record another test")
    if another.is_visible():
        another.click()
        wait_for_app(page)
    if date is not None:  # a segmented date field: type into year, month and day
        year, month, day = date.split("-")
        for segment, value in (("year", year), ("month", month), ("day", day)):
            page.get_by_role("spinbutton", name=f"{segment}, Test date").click()
            page.keyboard.type(value)
    _fill_number(page, "Raises: left", left)
    _fill_number(page, "Raises: right", right)
    page.get_by_role("button", name="Save test").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_text(f"{left} raises", exact=True)).to_be_visible()  # the left leg's score
    wait_for_app(page)


def test_new_runner_records_two_tests_and_the_chart_shows_both(server, phone: Page) -> None:
    phone.goto(server.url)
    wait_for_app(phone)
    expect(phone.get_by_text("How to do the test")).to_be_visible()
    screenshot(phone, "home")

    phone.goto(f"{server.url}/profile")
    wait_for_app(phone)
    phone.get_by_label("Name").first.fill("Robin")
    _fill_number(phone, "Birth year", 1991)
    phone.get_by_text("Female").first.click()
    phone.get_by_role("button", name="Create profile").click()
    expect(phone.get_by_text("Profile created for")).to_be_visible()
    screenshot(phone, "profile")

    _record(phone, server.url, 19, 27, date=(dt.date.today() - dt.timedelta(days=30)).isoformat())
    _record(phone, server.url, 24, 28)
    # The save itself shows the new test in the trend, under its result.
    trend = trend_chart(phone)
    trend.scroll_into_view_if_needed()
    expect(trend.locator("[role='graphics-symbol'][aria-roledescription='point']")).to_have_count(4)
    screenshot(phone, "record-result")

    phone.goto(f"{server.url}/dashboard")
    wait_for_app(phone)
    chart = trend_chart(phone)
    chart.scroll_into_view_if_needed()
    points = chart.locator("[role='graphics-symbol'][aria-roledescription='point']")
    expect(points).to_have_count(4)  # two tests, two legs
    labels = " ".join(points.nth(i).get_attribute("aria-label") or "" for i in range(4))
    for reps in ("19", "27", "24", "28"):
        assert re.search(rf"Raises: {reps}\b", labels), labels
    screenshot(phone, "dashboard")

    for name in ("routine", "history"):
        phone.goto(f"{server.url}/{name}")
        wait_for_app(phone)
        expect(phone.get_by_role("heading").first).to_be_visible()
        screenshot(phone, name)


def test_a_page_files_name_on_a_fresh_server_is_answered_by_app_py(tmp_path, phone: Page) -> None:
    """A URL naming a page file never runs that file on its own, not even as a fresh server's very first request
    (before any session has run st.navigation): app.py answers, so who is viewing is decided first. Here that is
    this machine's owner, who sees the home page with the runner menu; a page file run by itself renders nothing
    (tests/test_architecture.py), and a visitor from elsewhere sees no data (tests/e2e/test_local_mode.py)."""
    db = tmp_path / "calfcheck.duckdb"
    store = DuckDBStore.open(db)
    demo = demo_data(__import__("datetime").date.today())
    runner = store.create_runner(LOCAL_OWNER, demo.runner)
    store.import_records(LOCAL_OWNER, runner.id, demo.tests, demo.symptoms, demo.routine_logs)
    store.close()
    server = start_server(db, tmp_path)
    try:
        for page_file in PAGE_FILES:
            phone.goto(f"{server.url}/{page_file}")
            wait_for_app(phone)
            expect(phone.get_by_role("heading", name="Calf Check", exact=True)).to_be_visible()  # app.py's home
            expect(phone.get_by_test_id("stSidebarNav")).to_be_attached()  # with app.py's navigation
            expect(phone.get_by_text("Hello, Demo runner (Alex).")).to_be_visible()
    finally:
        server.stop()
