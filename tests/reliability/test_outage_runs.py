"""Issue 27's Runs page when the database goes away mid-click, under a real `streamlit run` server and Chromium at
phone size: PostgreSQL (a throwaway cluster of this test's own) is stopped while a runner has a watch's file read and
waiting in the import and a run typed into the hand form. The Import and the Add run each answer within seconds with
a sentence that nothing was saved (never Streamlit's error page, never the server's user, host or port), and nothing
of either is stored; once the server is back, the same two clicks store each run once."""

from __future__ import annotations

import datetime as dt
import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from calfstore import LOCAL_OWNER, open_store
from tests.e2e.helpers import (
    PHONE,
    by_the_button,
    click,
    create_profile,
    fill_number,
    navigate,
    screenshot,
    wait_for_app,
)
from tests.e2e.server import StreamlitServer, start_server
from tests.pgcluster import APP_USER, PgCluster

pytestmark = pytest.mark.e2e
expect.set_options(timeout=15_000)  # a loaded 2-core machine (as tests/e2e/conftest.py)

ANSWER_LIMIT_S = 8.0  # as tests/reliability/test_outage.py: the goal is about 3 s, loose for a loaded machine
GENERIC_ERROR = "This app has encountered an error"

_MAKER = Path(__file__).resolve().parent.parent / "data" / "runs" / "make_fixtures.py"
_spec = importlib.util.spec_from_file_location("make_fixtures", _MAKER)
assert _spec and _spec.loader
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


@pytest.fixture
def cluster() -> Iterator[PgCluster]:
    """A cluster of this test's own: stopping the shared one would disturb other tests."""
    started = PgCluster.start()
    yield started
    started.stop()


def _phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _refused(page: Page, button: str, where: str, hidden: tuple[str, ...]) -> tuple[float, str]:
    """Tap `button`; seconds until the page says by that button that nothing was saved, and what it said. Never
    Streamlit's error page, never the server's user, host or port, and no other click's refusal left on screen."""
    began = time.monotonic()
    click(page, button)
    seconds = time.monotonic() - began
    by_the_button(page, button, "nothing was saved")
    text = page.get_by_test_id("stApp").inner_text()
    assert GENERIC_ERROR not in text and page.get_by_test_id("stException").count() == 0, (where, text)
    for secret in hidden:
        assert secret not in text, (where, secret, text)
    refusals = page.get_by_test_id("stAlert").filter(has_text="nothing was saved")
    expect(refusals).to_have_count(1)  # this click's, by its button
    return seconds, refusals.first.inner_text()


def test_an_import_and_a_hand_run_while_postgresql_is_stopped_store_nothing_then_once(
    browser: Browser, cluster: PgCluster, tmp_path: Path, figures
) -> None:
    url = cluster.url(cluster.create_database())
    server: StreamlitServer = start_server(tmp_path / "unused.duckdb", tmp_path, env={"CALF_DATABASE_URL": url})
    hidden = (f"{APP_USER}@", f'user "{APP_USER}"', f":{cluster.port}", f"port {cluster.port}", "postgresql://")
    phone = _phone(browser)
    start = dt.datetime.combine(dt.date.today() - dt.timedelta(days=1), dt.time(7, 0), tzinfo=dt.timezone.utc)
    fit = fixtures.fit_activity(start, fixtures.Sport.RUNNING, fixtures.SubSport.STREET, 9_000.0, 3000.0, 50)
    try:
        create_profile(phone, server.url, "Outage Ada", 1991)
        navigate(phone, "Runs")
        phone.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            [{"name": "morning.fit", "mimeType": "application/octet-stream", "buffer": fit}]
        )
        expect(phone.get_by_text("1 run found: 1 new.")).to_be_visible()
        wait_for_app(phone)
        hand = phone.get_by_test_id("stForm").filter(has=phone.get_by_role("button", name="Add run"))
        fill_number(phone, "Distance (km)", 6.5, within=hand)

        cluster.server_stop("fast")
        times: dict[str, float] = {}
        times["import"], said_import = _refused(phone, "Import 1 run", "import", hidden)
        screenshot(phone, "outage-runs-import-phone")
        times["add run"], said_hand = _refused(phone, "Add run", "add run", hidden)
        screenshot(phone, "outage-runs-hand-phone")
        assert not phone.get_by_text("Imported 1 run.").count() and not phone.get_by_text("Run added.").count()
        slow = {where: round(seconds, 2) for where, seconds in times.items() if seconds > ANSWER_LIMIT_S}
        assert not slow, (slow, times)

        cluster.server_start()
        store = open_store(url)
        try:
            (profile,) = store.list_runners(LOCAL_OWNER)
            assert store.list_runs(LOCAL_OWNER, profile.saved_id) == []  # nothing of either click, not half of one
        finally:
            store.close()

        # Back: the file still waits in the import, the typed run in its form; the same clicks store each once.
        phone.get_by_role("button", name="Import 1 run").click()
        expect(phone.get_by_text("Imported 1 run.")).to_be_visible(timeout=30_000)
        wait_for_app(phone)
        hand = phone.get_by_test_id("stForm").filter(has=phone.get_by_role("button", name="Add run"))
        if hand.get_by_label("Distance (km)", exact=True).input_value() != "6.5":  # a form drawn again is empty
            fill_number(phone, "Distance (km)", 6.5, within=hand)
        hand.get_by_role("button", name="Add run").click()
        expect(phone.get_by_text("Run added.")).to_be_visible(timeout=30_000)

        store = open_store(url)
        try:
            runs = store.list_runs(LOCAL_OWNER, profile.saved_id)
        finally:
            store.close()
        assert sorted(r.distance_km or 0 for r in runs) == [6.5, 9.0], runs
        log = server.log()
        assert "Traceback" not in log, log
        figures.add("postgres_outage_runs_page", answers_during_the_outage=len(times), generic_error_pages=0, lost=0)
        print({"times": times, "import": said_import, "hand": said_hand})
    finally:
        phone.context.close()
        server.stop()
