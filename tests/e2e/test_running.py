"""Running load beside calf strength (issue 27), at phone size in Chromium: a watch's FIT and GPX of one run uploaded
together are one run; an export archive adds this week's runs and leaves its ride out; the dashboard shows the jump
and the weekly bars; a run is deleted; the same archive again adds nothing; the coach's link shows the flag. The
store is read after the server stops. The files are made here, dated around today, by the fixtures' own makers."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import re
import zipfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from calfui.viewer import owner_key_for
from tests.e2e.helpers import (
    add_to_roster,
    by_the_button,
    choose,
    click,
    create_profile,
    create_profile_and_test,
    create_share_link,
    download_report,
    fill_number,
    log_in,
    main_text,
    navigate,
    no_success,
    open_list,
    open_page,
    options_of,
    person,
    record_test,
    screenshot,
    select_box,
    wait_for_app,
)
from tests.e2e.server import StreamlitServer

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
    _delete_run(phone, "24.00 km")
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


# -- a coach's roster and the PDF, at the 30% line, with a name in three scripts (hosted mode) ----------------------

NAME = "王芳 ليلى 🏃"  # Chinese, Arabic and an emoji: the PDF writes out the emoji it has no font for
PARIS = dt.timedelta(hours=2)


def _weeks_around_the_line() -> list[dict[str, object]]:
    """10 km three weeks ago, none two weeks ago, 10 km last week (after a week off: no jump) and 13.04 km this week
    (+30.4%, a jump whose whole figure would read 30%). This week's run started at 00:10 on Monday in Paris, 22:10 on
    Sunday in UTC: its watch's local time puts it in this week. File names in the runner's scripts."""
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    paris_midnight = dt.datetime.combine(monday, dt.time(0, 10), tzinfo=dt.timezone(PARIS))

    def fit(start: dt.datetime, km: float, offset: dt.timedelta | None = None) -> bytes:
        return fixtures.fit_activity(
            start, fixtures.Sport.RUNNING, fixtures.SubSport.STREET, km * 1000, km * 330, 40, utc_offset=offset
        )

    three_weeks_ago = dt.datetime.combine(monday - dt.timedelta(weeks=3, days=-2), dt.time(7, 0), tzinfo=UTC)
    last_week = dt.datetime.combine(monday - dt.timedelta(days=5), dt.time(7, 0), tzinfo=UTC)
    return [
        {"name": "晨跑.fit", "mimeType": "application/octet-stream", "buffer": fit(three_weeks_ago, 10.0)},
        {"name": "جري.fit", "mimeType": "application/octet-stream", "buffer": fit(last_week, 10.0)},
        {"name": "🏃.fit", "mimeType": "application/octet-stream", "buffer": fit(paris_midnight, 13.04, PARIS)},
    ]


def _hand_form(page: Page):
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add run"))


def _edit_form(page: Page):
    return page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Save changes"))


def test_the_roster_and_the_pdf_show_the_running_weeks_and_a_jump_at_the_30_percent_line(
    hosted: StreamlitServer, identity_provider: str, browser: Browser
) -> None:
    runner, coach = person(browser), person(browser)  # phones: 390 × 844
    log_in(runner, hosted, "wang@example.org")
    create_profile_and_test(runner, hosted, NAME, 24, 23)
    open_page(runner, hosted.url, "runs")
    expect(runner.get_by_test_id("stMain")).to_contain_text(f"Runs of {NAME}")
    _upload(runner, _weeks_around_the_line())
    expect(runner.get_by_text("3 runs found: 3 new.")).to_be_visible()
    click(runner, "Import 3 runs")
    expect(runner.get_by_text("Imported 3 runs.")).to_be_visible()
    table = runner.get_by_test_id("stDataFrame")
    expect(table).to_be_visible()
    expect(runner.get_by_text("by the watch's local time when the file gives it", exact=False)).to_be_visible()
    screenshot(runner, "running-names-runs-phone")

    # The runner's dashboard: the jump said with a figure above the line, never "+30%".
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    open_page(runner, hosted.url, "dashboard")
    sentence = "Your running went from 10.00 to 13.04 km this week (+30.4%)."
    expect(runner.get_by_text(sentence, exact=False)).to_be_visible()
    assert "(+30%)" not in main_text(runner)
    runner.get_by_role("tab", name="Running").click()
    # The week off is a week of 0 km, not a gap: in the chart's text (33 km in 3 runs) and as a row of its table.
    chart = runner.get_by_role(
        "button",
        name=re.compile(r"Show data: Running per week.*: 33 km in 3 runs\. This week 13 km\. Distance jumped in the w"),
    )
    expect(chart).to_be_attached()
    running = runner.get_by_role("tabpanel", name="Running")
    running.get_by_text("Chart as a table").click()
    week_off = monday - dt.timedelta(weeks=2)
    row = running.get_by_role("row").filter(has_text=f"{week_off:%d %b}")
    expect(row).to_contain_text("usual week")
    cells = [cell.strip() for cell in row.get_by_role("cell").all_inner_texts()]
    assert [float(cell) for cell in cells[-4:-1]] == [0, 0, 0] and cells[-1] == "usual week", cells
    row.scroll_into_view_if_needed()
    screenshot(runner, "running-week-off-table-phone")
    chart.scroll_into_view_if_needed()
    screenshot(runner, "running-line-dashboard-phone")

    # The coach: the roster card flags the jump with its reason and source; the report carries the running weeks.
    link = create_share_link(runner, hosted, "Coach Sam")
    log_in(coach, hosted, "coach@example.org")
    add_to_roster(coach, link)
    expect(coach.get_by_text("Running went from 10.00 to 13.04 km this week (+30.4%)", exact=False)).to_be_visible()
    name, text = download_report(coach)
    assert name.endswith(".pdf")
    for expected in (
        "王芳",
        "ليلى",
        "[runner]",  # the emoji written out, and the page says why
        "each is written out in brackets",
        "Running, last 8 weeks",
        "33 km in 3 runs. This week 13 km.",
        "Running went from 10.00 to 13.04 km this week (+30.4%).",
        "A jump of more than 30%: Nielsen et al. 2014",
    ):
        assert expected in text, (expected, text)
    assert "(+30%)" not in text

    coach.goto(f"{hosted.url}/roster")
    wait_for_app(coach)
    card = coach.locator("[class*='st-key-roster_entry']").filter(has_text="王芳")
    expect(card).to_contain_text("Running jump over 30%")
    expect(card).to_contain_text("Running went from 10.00 to 13.04 km this week (+30.4%)")
    expect(card).to_contain_text("Nielsen et al. 2014")
    expect(card).to_contain_text(NAME)
    assert "(+30%)" not in card.inner_text()
    card.get_by_text("Running jump over 30%").first.scroll_into_view_if_needed()
    screenshot(coach, "running-roster-phone")

    # Runs page forms: a bad number typed after a good save stores nothing and says so by the button.
    open_page(runner, hosted.url, "runs")
    form = _hand_form(runner)
    fill_number(runner, "Distance (km)", 5, within=form)
    click(runner, "Add run")
    expect(runner.get_by_text("Run added.")).to_be_visible()
    for bad, sentence in (
        (-1, "A run's distance is more than 0 and at most 400 km."),
        (500, "A run's distance is more than 0 and at most 400 km."),
    ):
        fill_number(runner, "Distance (km)", bad, within=_hand_form(runner))
        no_success(runner)  # the first change to the form takes the last save's confirmation away
        click(runner, "Add run")
        by_the_button(runner, "Add run", f"Nothing was saved. {sentence}")
        no_success(runner)
        expect(_hand_form(runner).get_by_label("Distance (km)", exact=True)).to_have_value(str(bad))
    fill_number(runner, "Distance (km)", 5, within=_hand_form(runner))
    fill_number(runner, "Time (minutes)", -5, within=_hand_form(runner))
    click(runner, "Add run")
    by_the_button(runner, "Add run", "A run's time is more than 0 and at most 72 hours.")
    screenshot(runner, "running-hand-refused-phone")

    choose(
        runner,
        "Correct or delete a run",
        next(o for o in options_of(runner, "Correct or delete a run") if "5.00 km" in o),
    )
    edit = _edit_form(runner)
    fill_number(runner, "Distance (km)", 7, within=edit)
    click(runner, "Save changes")
    expect(runner.get_by_text("Run corrected.")).to_be_visible()
    for bad in (-1, 500):
        fill_number(runner, "Distance (km)", bad, within=_edit_form(runner))
        click(runner, "Save changes")
        by_the_button(runner, "Save changes", "Nothing was saved. A run's distance is more than 0 and at most 400 km.")
        no_success(runner)
    screenshot(runner, "running-edit-refused-phone")
    for someone in (runner, coach):
        someone.context.close()

    hosted.stop()
    assert hosted.db_path is not None
    store = DuckDBStore.open(hosted.db_path)
    try:
        owner = owner_key_for(identity_provider, "wang@example.org")
        [profile] = store.list_runners(owner)
        runs = store.list_runs(owner, profile.saved_id)
    finally:
        store.close()
    assert profile.name == NAME
    # The three imported runs and the hand run as corrected (7 km): no refused value reached the store.
    assert sorted(r.distance_km for r in runs) == [7.0, 10.0, 10.0, 13.04]
    assert max(r.run_on for r in runs if r.started_at is not None) == monday  # Paris's Monday, not UTC's Sunday


def _delete_run(page: Page, shown: str) -> None:
    """Pick the run whose label holds `shown` and delete it, answering the question every deletion asks."""
    options = open_list(page, select_box(page, "Correct or delete a run"))
    options.filter(has_text=shown).click()
    page.wait_for_timeout(150)
    wait_for_app(page)
    click(page, "Delete this run")
    click(page, "Yes, delete it")  # asked once more, as every deletion


def _runs_offered(page: Page) -> list[str]:
    """The runs the Runs page offers to correct or delete (its list is a grid drawn on a canvas); [] when none."""
    if page.get_by_text("No runs yet.").count():
        return []
    return [o for o in options_of(page, "Correct or delete a run") if o != "—"]


def test_two_runners_on_the_runs_page_switch_reload_correct_and_delete_at_phone_size(server, phone: Page) -> None:
    """The demo runner and the person's own profile, on the Runs page at 390x844: a run typed for one is never
    listed, corrected or deleted for the other, across switches and a reload; a bad value typed after a good one
    stores nothing and no earlier confirmation stays; the store is read after the server stops."""
    from calfcore.demo import DEMO_NAME
    from tests.e2e.helpers import load_demo, pick_runner, reload

    load_demo(phone, server.url)
    create_profile(phone, None, "王芳 ليلى 🏃", 1991)
    navigate(phone, "Runs")
    fill_number(phone, "Distance (km)", 7.5)
    click(phone, "Add run")
    expect(phone.get_by_text("Run added.")).to_be_visible()
    assert [o for o in _runs_offered(phone) if "7.50 km" in o], _runs_offered(phone)

    pick_runner(phone, DEMO_NAME)
    expect(phone.get_by_text(f"Runs of {DEMO_NAME}", exact=False)).to_be_visible()
    assert _runs_offered(phone) == []  # the other runner's run is not here (the demo has none yet)
    no_success(phone)  # nor the other runner's "Run added."
    fill_number(phone, "Distance (km)", 5)
    click(phone, "Add run")
    expect(phone.get_by_text("Run added.")).to_be_visible()
    fill_number(phone, "Distance (km)", -3)  # a bad value after a good save
    click(phone, "Add run")
    expect(phone.get_by_text("Nothing was saved.", exact=False)).to_be_visible()
    no_success(phone)
    reload(phone)
    expect(phone.get_by_text(f"Runs of {DEMO_NAME}", exact=False)).to_be_visible()  # the runner stays picked
    offered = _runs_offered(phone)
    assert len(offered) == 1 and "5.00 km" in offered[0], offered  # its own run only, the bad value stored nothing
    screenshot(phone, "runs-two-runners-demo-phone")

    pick_runner(phone, "王芳 ليلى 🏃")
    options = open_list(phone, select_box(phone, "Correct or delete a run"))
    expect(options.filter(has_text="5.00 km")).to_have_count(0)  # the demo's run is not offered here
    options.filter(has_text="7.50 km").click()
    phone.wait_for_timeout(150)
    wait_for_app(phone)
    edit = phone.get_by_test_id("stForm").filter(has=phone.get_by_role("button", name="Save changes"))
    fill_number(phone, "Distance (km)", 8.2, within=edit)
    click(phone, "Save changes")
    expect(phone.get_by_text("Run corrected.")).to_be_visible()
    screenshot(phone, "runs-two-runners-own-phone")
    _delete_run(phone, "8.20 km")
    expect(phone.get_by_text("Run deleted.")).to_be_visible()
    expect(phone.get_by_text("No runs yet.")).to_be_visible()

    pick_runner(phone, DEMO_NAME)
    offered = _runs_offered(phone)
    assert len(offered) == 1 and "5.00 km" in offered[0], offered  # the demo's run untouched

    server.stop()
    store = DuckDBStore.open(server.db_path)
    try:
        by_name = {r.name: r for r in store.list_runners(LOCAL_OWNER)}
        own = store.list_runs(LOCAL_OWNER, by_name["王芳 ليلى 🏃"].saved_id)
        demo = store.list_runs(LOCAL_OWNER, by_name[DEMO_NAME].saved_id)
    finally:
        store.close()
    assert own == [] and [r.distance_km for r in demo] == [5.0]
