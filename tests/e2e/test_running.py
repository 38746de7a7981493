"""Running load beside calf strength (issue 27), at phone size in Chromium: a watch's FIT and GPX of one run uploaded
together are one run; an export archive adds this week's runs and leaves its ride out; the dashboard shows the jump
and the weekly bars; a run is deleted; the same archive again adds nothing; the coach's link shows the flag. The
store is read after the server stops. The files are made here, dated around today, by the fixtures' own makers."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.helpers import (
    click,
    create_profile,
    create_share_link,
    navigate,
    open_list,
    open_page,
    record_test,
    screenshot,
    select_box,
    wait_for_app,
)

_MAKER = Path(__file__).resolve().parent.parent / "data" / "runs" / "make_fixtures.py"
_spec = importlib.util.spec_from_file_location("make_fixtures", _MAKER)
assert _spec and _spec.loader
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

UTC = dt.timezone.utc


def _files() -> tuple[list[dict[str, object]], dict[str, object]]:
    """Last week's 24 km run as FIT and GPX (one run), and an archive of this week's 38 km and a ride."""
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    last_week = dt.datetime.combine(monday - dt.timedelta(days=5), dt.time(7, 0), tzinfo=UTC)
    this_week = dt.datetime.combine(monday, dt.time(0, 10), tzinfo=UTC)
    fit = fixtures.fit_activity(last_week, fixtures.Sport.RUNNING, fixtures.SubSport.STREET, 24_000.0, 7200.0, 120)
    gpx = fixtures.gpx_run(last_week, 61, 120).encode()  # about 10 km by its points: a copy only by its start...
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for hours, km in ((0, 20.0), (1, 18.0)):
            start = this_week + dt.timedelta(hours=hours)
            run = fixtures.fit_activity(start, fixtures.Sport.RUNNING, fixtures.SubSport.TRAIL, km * 1000, 6000.0, 300)
            archive.writestr(f"activities/{hours}.fit", run)
        ride = fixtures.fit_activity(this_week, fixtures.Sport.CYCLING, fixtures.SubSport.ROAD, 40_000.0, 5400.0, 0)
        archive.writestr("activities/ride.fit", ride)
    watch = [
        {"name": "last_week.fit", "mimeType": "application/octet-stream", "buffer": fit},
        {"name": "last_week_copy.fit", "mimeType": "application/octet-stream", "buffer": fit},
    ]
    del gpx  # ...so the journey uploads the FIT twice (two exports of one run); GPX copies are tested in tests/unit
    return watch, {"name": "export.zip", "mimeType": "application/zip", "buffer": out.getvalue()}


def _upload(page: Page, files: object) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files)  # type: ignore[arg-type]
    page.wait_for_timeout(300)


def test_runs_from_a_watch_beside_the_calf_at_phone_size(server, phone: Page) -> None:
    watch, archive = _files()
    open_page(phone, server.url)
    create_profile(phone, None, "Rosa", 1988)
    record_test(phone, server.url, 24, 23)
    navigate(phone, "Runs")

    _upload(phone, watch)
    expect(phone.get_by_text("2 runs found: 1 new. 1 is already here")).to_be_visible()
    click(phone, "Import 1 run")
    expect(phone.get_by_text("Imported 1 run.")).to_be_visible()

    _upload(phone, archive)
    expect(phone.get_by_text("2 runs found: 2 new.")).to_be_visible()
    expect(phone.get_by_text("1 other activity is left out (rides, walks...).", exact=False)).to_be_visible()
    screenshot(phone, "running-import-phone")
    click(phone, "Import 2 runs")
    expect(phone.get_by_text("Imported 2 runs.")).to_be_visible()

    navigate(phone, "Dashboard")
    expect(phone.get_by_text("Your running went from 24 to 38 km this week (+58%).", exact=False)).to_be_visible()
    phone.get_by_role("tab", name="Running").click()
    chart = phone.get_by_role("button", name="Show data: Running per week", exact=False)  # named by its text
    expect(chart).to_be_attached()
    chart.scroll_into_view_if_needed()
    screenshot(phone, "running-dashboard-phone")

    # The coach's link, opened on the coach's own phone, shows the same flag.
    link = create_share_link(phone, server, "Coach Sam")
    coach = phone.context.new_page()
    coach.goto(link)
    wait_for_app(coach)
    flag = coach.get_by_text("from 24 to 38 km this week (+58%)", exact=False)
    expect(flag).to_be_visible()
    flag.scroll_into_view_if_needed()
    screenshot(coach, "running-coach-phone")
    coach.close()

    navigate(phone, "Runs")
    options = open_list(phone, select_box(phone, "Correct or delete a run"))
    options.filter(has_text="24.00 km").click()
    phone.wait_for_timeout(150)
    wait_for_app(phone)
    click(phone, "Delete this run")
    click(phone, "Yes, delete it")  # asked once more, as every deletion
    expect(phone.get_by_text("Run deleted.")).to_be_visible()

    _upload(phone, archive)  # the same archive again: nothing doubled
    expect(phone.get_by_text("2 runs found: 0 new. 2 are already here", exact=False)).to_be_visible()
    expect(phone.get_by_role("button", name="Import", exact=False)).to_have_count(0)

    server.stop()
    store = DuckDBStore.open(server.db_path)
    try:
        [runner] = store.list_runners(LOCAL_OWNER)
        runs = store.list_runs(LOCAL_OWNER, runner.saved_id)
    finally:
        store.close()
    assert sorted(r.distance_km for r in runs) == [18.0, 20.0]
