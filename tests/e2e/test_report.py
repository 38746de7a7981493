"""Issue 14's PDF report in Chromium at phone size (390×844), on a real server with a fixed clock (CALF_TODAY): the
runner's dashboard and the coach's share view each download a one-page PDF of that runner; a link revoked after the
coach's page was drawn gives a page saying so, with none of the runner's data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from calfcore.clock import TODAY_ENV
from calfcore.demo import demo_data
from calfcore.sharing import token_hash
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.helpers import PHONE, REPORT_BUTTON, click, download_report, open_page, screenshot
from tests.e2e.server import StreamlitServer, start_server

DAY = dt.date(2026, 12, 14)  # the server's today, a Monday
TOKEN = "r" * 43  # the shape of secrets.token_urlsafe(32); only its hash is stored


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[StreamlitServer, int]]:
    db = tmp_path / "calfcheck.duckdb"
    store = DuckDBStore.open(db)
    try:
        demo = demo_data(DAY)
        runner = store.create_runner(LOCAL_OWNER, demo.runner)
        store.import_records(LOCAL_OWNER, runner.id, demo.tests, demo.symptoms, demo.routine_logs)
        store.create_share_link(LOCAL_OWNER, runner.id, "Coach Sam", token_hash(TOKEN), None, dt.datetime(2026, 12, 1))
    finally:
        store.close()
    server = start_server(db, tmp_path, env={TODAY_ENV: DAY.isoformat()})
    yield server, int(runner.id)  # type: ignore[arg-type]
    server.stop()
    assert "Traceback" not in server.log(), server.log()


def test_the_runner_downloads_the_report_from_the_dashboard_on_a_phone(seeded, phone: Page) -> None:
    server, runner_id = seeded
    open_page(phone, server.url, f"dashboard?runner={runner_id}")
    button = phone.get_by_role("button", name=REPORT_BUTTON)
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # on screen on a phone
    screenshot(phone, "report-button-phone")
    name, text = download_report(phone)
    assert name == "calf-check-demo-runner-alex-2026-12-14.pdf"
    assert "Calf Check report: Demo runner (Alex)" in text
    assert "made-up demo data" in text and "Made on 14 Dec 2026" in text
    assert "Each leg against its reference" in text and "Raises over time" in text
    assert "Calf Check informs; it does not diagnose." in text
    # The same figures as the dashboard's latest test: each leg's raises.
    legs = phone.get_by_test_id("stMetricValue").all_inner_texts()[:2]
    assert len(legs) == 2
    for side, shown in zip(("Left (injured side)", "Right"), legs, strict=True):
        assert f"{side}: {shown}" in text, (side, shown)


def test_the_coach_downloads_the_report_until_the_link_is_revoked(seeded, browser: Browser, phone: Page) -> None:
    server, runner_id = seeded
    coach = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = coach.new_page()
        open_page(page, server.url, f"?share={TOKEN}")
        expect(page.get_by_text("Shared by Demo runner (Alex) with Coach Sam")).to_be_visible()
        name, text = download_report(page)
        assert name == "calf-check-demo-runner-alex-2026-12-14.pdf"
        assert "Calf Check report: Demo runner (Alex)" in text

        # The runner revokes the link while the coach's page is still open.
        open_page(phone, server.url, f"share?runner={runner_id}")
        click(phone, "Revoke")  # the only live link is the one picked
        click(phone, "Yes, revoke it")
        expect(phone.get_by_role("combobox", name="Revoke a link")).to_have_count(0)  # no live link left

        # The page was drawn while the link worked; the tap comes after it ended: a page that says so, no data.
        name, text = download_report(page)
        assert "This share link no longer works" in text
        assert "Demo runner" not in text and "raises" not in text
        # The tap reruns nothing (a rerun raced the download and lost it now and then); the coach's next look does.
        page.reload()
        expect(page.get_by_text("This link doesn't work")).to_be_visible()
        expect(page.get_by_role("button", name=REPORT_BUTTON)).to_have_count(0)
        screenshot(page, "report-coach-link-ended-phone")
    finally:
        coach.close()
