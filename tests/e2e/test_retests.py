"""Issue 15 in Chromium at phone size (390×844), on a real server with a fixed clock (CALF_TODAY): a runner records
the return-to-run checklist and a hop test, and the dashboard says "retest due" on the right day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from calfcore.clock import TODAY_ENV
from calfcore.models import HeelRaiseTest, LegPair, Protocol, RunnerProfile, Sex
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.helpers import (
    click,
    fill_number,
    main_text,
    navigate,
    open_page,
    pick_runner,
    screenshot,
)
from tests.e2e.server import StreamlitServer, start_server

DAY = dt.date(2026, 12, 14)  # the server's today, a Monday


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[StreamlitServer]:
    """Two runners with one build-stage test each (12 and 14 raises: retest every 2 weeks): Ada tested 14 days
    before DAY (due today), Bea 13 days before (due tomorrow)."""
    db = tmp_path / "calfcheck.duckdb"
    store = DuckDBStore.open(db)
    try:
        for name, days_ago in (("Ada", 14), ("Bea", 13)):
            runner = store.create_runner(LOCAL_OWNER, RunnerProfile(name, 1990, Sex.FEMALE))
            store.save_test(
                LOCAL_OWNER, runner.id, HeelRaiseTest(DAY - dt.timedelta(days=days_ago), Protocol(), LegPair(12, 14))
            )
    finally:
        store.close()
    server = start_server(db, tmp_path, env={TODAY_ENV: DAY.isoformat()})
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


def test_dashboard_shows_retest_due_on_its_day_and_not_the_day_before(seeded: StreamlitServer, phone: Page) -> None:
    open_page(phone, seeded.url)
    pick_runner(phone, "Ada")
    navigate(phone, "Dashboard")
    expect(phone.get_by_text("Retest due since Mon 14 Dec 2026", exact=False)).to_be_visible()
    expect(
        phone.get_by_text("Repeat it the same way: 10° incline, 60 beats/min, not cued; knee straight", exact=False)
    ).to_be_visible()
    screenshot(phone, "retest-due-phone")
    pick_runner(phone, "Bea")
    expect(phone.get_by_text("Next retest: Tue 15 Dec 2026", exact=False)).to_be_visible()
    assert "Retest due" not in main_text(phone)


def test_runner_records_the_checklist_and_a_hop_test_at_phone_size(seeded: StreamlitServer, phone: Page) -> None:
    open_page(phone, seeded.url)
    pick_runner(phone, "Ada")
    navigate(phone, "Return to run")
    expect(phone.get_by_text("does not clear anyone to run", exact=False)).to_be_visible()
    expect(phone.get_by_text("Recording for Ada")).to_be_visible()

    phone.get_by_text("I walked for 30 minutes without pain").click()
    phone.get_by_text("Any pain had settled by the next morning").click()
    click(phone, "Save checklist")
    expect(phone.get_by_text("Checklist saved.")).to_be_visible()
    expect(phone.get_by_text("Last met 14 Dec 2026", exact=False)).to_have_count(2)  # walking, settled

    phone.get_by_role("tab", name="Hop test").click()
    fill_number(phone, "Hops: left", 12)
    fill_number(phone, "Hops: right", 10)
    click(phone, "Save hop test")
    expect(phone.get_by_text("Hop test saved.")).to_be_visible()
    phone.get_by_role("tab", name="Hop test").click()
    expect(phone.get_by_test_id("stMetric").filter(has_text="Hop symmetry")).to_contain_text("83%")
    chart = phone.get_by_test_id("stVegaLiteChart")
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    screenshot(phone, "return-to-run-hops-phone")
    # 12 and 10 hops, pain 0: the hop item is met; 12 ÷ 14 raises = 86% and 83% hops: symmetry is not.
    text = main_text(phone)
    assert text.count("Last met 14 Dec 2026") == 3, text
    phone.get_by_text("Checklist", exact=True).scroll_into_view_if_needed()
    screenshot(phone, "return-to-run-checklist-phone")

    seeded.stop()
    store = DuckDBStore.open(seeded.db_path)
    try:
        ada = next(r for r in store.list_runners(LOCAL_OWNER) if r.name == "Ada")
        [hops] = store.list_hop_tests(LOCAL_OWNER, ada.id)
        [check] = store.list_readiness_checks(LOCAL_OWNER, ada.id)
    finally:
        store.close()
    assert (hops.tested_on, hops.hops, hops.pain) == (DAY, LegPair(12, 10), LegPair(0, 0))
    assert (check.checked_on, check.walked_pain_free, check.settled_next_morning) == (DAY, True, True)
