"""Journeys a runner makes in a real browser, across more than one runner: demo then their own profile, switching
runner, reloading, correcting, deleting, sharing and revoking. Each journey has a fresh database and server.

Every check here failed on the code before UI state was tied to the runner and record it acts on (issue 10):
AppTest sets widget values directly, so only a browser sees state kept by a widget's position or label.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.helpers import (
    FAST_CADENCE,
    PHONE,
    choose,
    click,
    close_sidebar,
    correct_left_raises,
    create_profile,
    fill_number,
    guided_leg,
    load_demo,
    main_text,
    navigate,
    open_page,
    open_sidebar,
    options_of,
    pick_runner,
    record_test,
    reload,
    runner_in_url,
    screenshot,
    select_box,
    wait_for_app,
)

DESKTOP = {"width": 1280, "height": 800}
DEMO = "Demo runner (Alex)"


@pytest.fixture(params=["phone", "desktop"])
def person(request: pytest.FixtureRequest, browser: Browser) -> Page:
    size = PHONE if request.param == "phone" else DESKTOP
    context = browser.new_context(
        viewport=size,
        device_scale_factor=2 if request.param == "phone" else 1,
        is_mobile=request.param == "phone",
        has_touch=request.param == "phone",
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.screen_name = request.param  # type: ignore[attr-defined]
    yield page
    context.close()


def _edit_form(page: Page):
    """The profile form's fields as this run drew them (not a form left over, faded, from the run before)."""
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Save profile"))
    return form.locator("[data-testid='stElementContainer'][data-stale='false']")


def test_demo_then_own_profile_the_profile_form_edits_the_runner_it_names(server, person: Page) -> None:
    """Issue 10, 1 and 5: a Save on the profile form never renames another runner, and a reload stays put."""
    open_page(person, server.url)
    load_demo(person, server.url)
    create_profile(person, server.url, "Alex", 1990, sex="Male")

    # The form shows Alex, the runner the page names, not the demo runner.
    form = _edit_form(person)
    expect(form.get_by_label("Name", exact=True)).to_have_value("Alex")
    expect(form.get_by_label("Birth year", exact=True)).to_have_value("1990")
    expect(person.get_by_role("heading", name="Profile of Alex")).to_be_visible()
    creating = person.get_by_test_id("stForm").filter(has=person.get_by_role("button", name="Create profile"))
    expect(creating.get_by_label("Name", exact=True)).to_have_value("")  # the create form starts afresh
    expect(creating.get_by_label("Birth year", exact=True)).to_have_value("")
    screenshot(person, f"journey-profile-alex-{person.screen_name}")
    form.get_by_role("button", name="Save profile").click()
    expect(person.get_by_text("Nothing changed.")).to_be_visible()

    # A reload stays on Alex (the runner is in the URL), and the menu names Alex.
    alex_id = runner_in_url(person)
    assert alex_id is not None, person.url
    reload(person)
    expect(person.get_by_role("heading", name="Profile of Alex")).to_be_visible()
    assert runner_in_url(person) == alex_id

    # Switch to the demo runner: its own values, marked as demo data.
    pick_runner(person, DEMO)
    expect(person.get_by_role("heading", name=f"Profile of {DEMO}")).to_be_visible()
    form = _edit_form(person)
    expect(form.get_by_label("Name", exact=True)).to_have_value(DEMO)
    # Change one field of the demo runner: only that one is saved.
    fill_number(person, "Birth year", 1979, within=form)
    form.get_by_role("button", name="Save profile").click()
    expect(person.get_by_text("Profile saved.")).to_be_visible()

    # Back to Alex, by the menu: Alex is unchanged.
    pick_runner(person, "Alex")
    form = _edit_form(person)
    expect(form.get_by_label("Name", exact=True)).to_have_value("Alex")
    expect(form.get_by_label("Birth year", exact=True)).to_have_value("1990")
    expect(form.get_by_role("radio", name="Male", exact=True)).to_be_checked()

    # Record names the runner it writes for; the demo runner is marked wherever it is picked.
    open_page(person, server.url, f"record?runner={alex_id}")
    expect(person.get_by_text("Recording for Alex")).to_be_visible()
    pick_runner(person, DEMO)
    expect(person.get_by_text(f"Recording for {DEMO}")).to_be_visible()
    expect(person.get_by_text("made-up demo data")).to_be_visible()
    screenshot(person, f"journey-record-demo-{person.screen_name}")

    # Delete Alex: the page names Alex, asks, and deletes Alex (not the demo runner); a reload shows the demo.
    pick_runner(person, "Alex")
    navigate(person, "Profile")
    click(person, "Delete profile and all its data")
    expect(person.get_by_text("Delete Alex? This can't be undone.")).to_be_visible()
    click(person, "Yes, delete everything")
    expect(person.get_by_role("heading", name=f"Profile of {DEMO}")).to_be_visible()
    reload(person)
    expect(person.get_by_role("heading", name=f"Profile of {DEMO}")).to_be_visible()

    server.stop()
    store = DuckDBStore.open(server.db_path)
    try:
        runners = {r.name: r for r in store.list_runners(LOCAL_OWNER)}
    finally:
        store.close()
    assert set(runners) == {DEMO}
    assert (runners[DEMO].birth_year, runners[DEMO].sex.value, runners[DEMO].is_demo) == (1979, "female", True)


# -- a guided test, then another runner ---------------------------------------------------------------------------


def _guided_test(page: Page, left_beats: int, right_beats: int) -> tuple[int, int]:
    """A whole guided test by the menu, in this session, up to the record form; returns the raises counted."""
    navigate(page, "Guided test")
    fill_number(page, "Metronome (beats/min)", FAST_CADENCE)
    page.get_by_text("Click sound").click()
    click(page, "Start the guided test")
    left = guided_leg(page, "Left", left_beats)
    click(page, "Confirm")
    click(page, "Skip rest")
    right = guided_leg(page, "Right", right_beats)
    click(page, "Confirm")
    expect(page.get_by_text("Both legs done")).to_be_visible()
    click(page, "Continue to the record form")
    return left, right


def test_guided_counts_and_saved_results_belong_to_one_runner(server, person: Page) -> None:
    """Issue 10, 2: after a save, a guided test opens a fresh form with its counts, not the last save's result; and
    neither the result nor the counts follow the person to another runner."""
    open_page(person, server.url)
    create_profile(person, None, "Pat", 1988)
    navigate(person, "Record")
    record_test(person, None, 21, 23)
    expect(person.get_by_text("Recording for Pat")).to_be_visible()

    left, right = _guided_test(person, 9, 13)  # 4 and 6 raises, or a beat more on a loaded machine
    expect(person.get_by_text("Filled in from your guided test")).to_be_visible()
    expect(person.get_by_text("Saved.", exact=True)).to_have_count(0)
    expect(person.get_by_label("Raises: left", exact=True)).to_have_value(str(left))
    expect(person.get_by_label("Raises: right", exact=True)).to_have_value(str(right))
    screenshot(person, f"journey-guided-record-{person.screen_name}")

    # Another runner: a fresh form, no counts and no result of Pat's.
    create_profile(person, None, "Quinn", 1992, sex="Male")
    navigate(person, "Record")
    expect(person.get_by_text("Recording for Quinn")).to_be_visible()
    expect(person.get_by_text("Filled in from your guided test")).to_have_count(0)
    expect(person.get_by_text("Saved.", exact=True)).to_have_count(0)
    expect(person.get_by_label("Raises: left", exact=True)).to_have_value("")
    record_test(person, None, 30, 31)

    # Back to Pat: the guided counts are still Pat's, and Quinn's result is not shown.
    pick_runner(person, "Pat")
    expect(person.get_by_text("Recording for Pat")).to_be_visible()
    expect(person.get_by_text("Filled in from your guided test")).to_be_visible()
    expect(person.get_by_text("Saved.", exact=True)).to_have_count(0)
    expect(person.get_by_label("Raises: left", exact=True)).to_have_value(str(left))
    person.get_by_role("button", name="Save test").click()
    expect(person.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(person.get_by_text(f"{left} raises", exact=True)).to_be_visible()
    expect(person.get_by_text("That test no longer exists")).to_have_count(0)

    # Quinn's page shows Quinn's own last result, never Pat's.
    pick_runner(person, "Quinn")
    expect(person.get_by_text("Recording for Quinn")).to_be_visible()
    expect(person.get_by_text("30 raises", exact=True)).to_be_visible()
    expect(person.get_by_text(f"{left} raises", exact=True)).to_have_count(0)
    expect(person.get_by_text("That test no longer exists")).to_have_count(0)

    server.stop()
    store = DuckDBStore.open(server.db_path)
    try:
        runners = {r.name: r.id for r in store.list_runners(LOCAL_OWNER)}
        pat = [(t.straight_reps.left, t.straight_reps.right) for t in store.list_tests(LOCAL_OWNER, runners["Pat"])]
        quinn = [(t.straight_reps.left, t.straight_reps.right) for t in store.list_tests(LOCAL_OWNER, runners["Quinn"])]
    finally:
        store.close()
    assert sorted(pat) == sorted([(left, right), (21, 23)])
    assert quinn == [(30, 31)]


# -- pickers over items with the same label -----------------------------------------------------------------------


def _create_link(page: Page, label: str) -> str:
    page.get_by_label("Who is it for?", exact=True).fill(label)
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_text(f"Link for {label} created")).to_be_visible()
    url = page.get_by_test_id("stCode").inner_text().strip()
    click(page, "Done")
    return url


def _coach_sees(browser: Browser, url: str) -> str:
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_app(page)
        expect(page.get_by_test_id("stMetricValue").first.or_(page.get_by_text("doesn't work"))).to_be_visible()
        metrics = page.get_by_test_id("stMetricValue").all_inner_texts()  # the legs' raises
        return main_text(page) + "\n" + "\n".join(metrics)
    finally:
        context.close()


def test_two_links_with_the_same_label_revoke_revokes_the_one_picked(server, person: Page, browser: Browser) -> None:
    """Issue 10, 3: with two links called "Coach Sam", Revoke acts on the one picked, after a confirmation."""
    open_page(person, server.url)
    create_profile(person, None, "Robin", 1991)
    navigate(person, "Record")
    record_test(person, None, 24, 26)
    navigate(person, "Share")
    first = _create_link(person, "Coach Sam")
    second = _create_link(person, "Coach Sam")
    labels = options_of(person, "Revoke a link")
    assert len(labels) == 2 and len(set(labels)) == 2, labels  # told apart
    # Newest first. Made in the same minute, the older one is numbered "(2)"; on a loaded machine the two can fall in
    # different minutes and differ by their time instead: either way the second label is the older link.
    older = labels[1]
    choose(person, "Revoke a link", older)
    click(person, "Revoke")
    expect(person.get_by_text("Whoever holds it loses access")).to_be_visible()  # asks first
    expect(person.get_by_text(f"Revoke the link {older}?")).to_be_visible()  # naming the link as it was picked
    screenshot(person, f"journey-revoke-confirm-{person.screen_name}")
    click(person, "Yes, revoke it")
    assert "doesn't work" in _coach_sees(browser, first)
    assert "Robin" in _coach_sees(browser, second)


def test_two_profiles_with_the_same_name_share_and_remove_act_on_the_one_shown(
    server, person: Page, browser: Browser
) -> None:
    """Issue 10, 3: two profiles called "Sam": a link is made for the one shown; of two identical training
    entries, Remove removes the one picked."""
    open_page(person, server.url)
    create_profile(person, None, "Sam", 1980)
    create_profile(person, None, "Sam", 1995, sex="Male", same_name_again=True)
    sidebar_labels = options_of(person, "Runner", within=open_sidebar(person))
    close_sidebar(person)
    assert sorted(sidebar_labels) == ["Sam", "Sam (2)"], sidebar_labels
    # The second Sam is the one shown (just created); record a test so the coach view can be told apart.
    navigate(person, "Record")
    expect(person.get_by_text("Recording for Sam (2)")).to_be_visible()
    record_test(person, None, 33, 34)
    navigate(person, "Share")
    link = _create_link(person, "Coach Lee")
    coach_view = _coach_sees(browser, link)
    assert "33 raises" in coach_view, coach_view

    # Two identical training entries for the second Sam; remove the one picked.
    navigate(person, "Routine")
    person.get_by_role("tab", name="Log training").click()
    for _ in range(2):
        click(person, "Log it")
        expect(person.get_by_text("Logged 3 × 12")).to_be_visible()
    navigate(person, "History")
    entries = [label for label in options_of(person, "Remove an entry") if label != "—"]
    assert len(entries) == 2 and len(set(entries)) == 2, entries
    choose(person, "Remove an entry", entries[1])
    click(person, "Remove it")
    click(person, "Yes, remove it")
    expect(person.get_by_text("Entry removed.")).to_be_visible()
    remaining = [label for label in options_of(person, "Remove an entry") if label != "—"]
    assert remaining == [entries[0]], remaining

    server.stop()
    store = DuckDBStore.open(server.db_path)
    try:
        sams = sorted(store.list_runners(LOCAL_OWNER), key=lambda r: r.id)
        links = {r.id: store.list_share_links(LOCAL_OWNER, r.id) for r in sams}
        logs = store.list_routine_logs(LOCAL_OWNER, sams[1].id)
    finally:
        store.close()
    assert [len(links[r.id]) for r in sams] == [0, 1]  # the link is the second Sam's
    assert len(logs) == 1


def test_a_corrected_test_shows_its_new_label_at_once_and_edits_survive_a_switch(server, person: Page) -> None:
    """Issue 10, 4: History's "Open a test" shows a corrected test's new numbers right after the save."""
    open_page(person, server.url)
    create_profile(person, None, "Kim", 1985)
    navigate(person, "Record")
    record_test(person, None, 20, 25)
    navigate(person, "History")
    expect(select_box(person, "Open a test")).to_have_value(re.compile(r"left 20 / right 25"))
    click(person, "Correct this test")
    editing = person.get_by_test_id("stForm").filter(has=person.get_by_role("button", name="Save correction"))
    fill_number(person, "Raises: left", 22, within=editing)
    editing.get_by_role("button", name="Save correction").click()
    expect(person.get_by_text("Correction saved.")).to_be_visible()
    expect(select_box(person, "Open a test")).to_have_value(re.compile(r"left 22 / right 25"))
    assert "left 20" not in " ".join(options_of(person, "Open a test"))
    # Delete asks first, and the test goes.
    click(person, "Delete this test")
    click(person, "Yes, delete it")
    expect(person.get_by_text("Test deleted.")).to_be_visible()
    expect(person.get_by_text("No tests yet.")).to_be_visible()
    reload(person)
    expect(person.get_by_text("History of Kim")).to_be_visible()
    expect(person.get_by_text("No tests yet.")).to_be_visible()


def _rename(page: Page, new_name: str) -> None:
    """Rename the runner the Profile page shows, and wait for the page to say so."""
    navigate(page, "Profile")
    form = _edit_form(page)
    form.get_by_label("Name", exact=True).fill(new_name)
    form.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    wait_for_app(page)


def _named_everywhere(page: Page, name: str, old_names: list[str]) -> None:
    """The Record page's banner and the sidebar's runner menu both name the runner `name`, and none of `old_names`."""
    expect(page.get_by_test_id("stMain")).to_contain_text(f"Recording for {name}")
    runners = options_of(page, "Runner", within=open_sidebar(page))
    close_sidebar(page)
    assert any(name in option for option in runners), runners
    assert not [option for option in runners for old in old_names if old in option], runners


def test_a_rename_shows_in_the_menu_through_the_saves_after_it_from_this_phone_or_another_browser(
    server, phone: Page, browser: Browser
) -> None:
    """Issue 25: a Save keeps the cached runner list (it adds only a test), so a rename just before it must still
    show: saved at once after renaming on this phone, and after a rename from another browser while this one had the
    Record page open. (In one process the rename's own run reads the list again; tests/e2e/test_scale_out.py has the
    rename on another process, where a list held from before it is there to be carried.)"""
    open_page(phone, server.url)
    create_profile(phone, None, "Dana 李", 1991)
    navigate(phone, "Record")
    record_test(phone, None, 24, 27)

    _rename(phone, "دانا Dana")
    navigate(phone, "Record")
    record_test(phone, None, 26, 28)
    _named_everywhere(phone, "دانا Dana", ["Dana 李"])
    screenshot(phone, "rename-then-save-phone")

    # The runner renames herself on a laptop while the phone shows the Record page, then saves on the phone.
    laptop = browser.new_context(viewport=DESKTOP).new_page()
    laptop.set_default_timeout(30_000)
    open_page(laptop, server.url)
    _rename(laptop, "Dana Ali")
    expect(laptop.get_by_role("heading", name="Profile of Dana Ali")).to_be_visible()
    laptop.context.close()
    record_test(phone, None, 28, 29)
    _named_everywhere(phone, "Dana Ali", ["Dana 李", "دانا Dana"])
    expect(phone.get_by_test_id("stMain")).to_contain_text("28")
    screenshot(phone, "rename-elsewhere-then-save-phone")


def _raises_line(page: Page) -> str:
    """The Record page's line over its raises chart: the tests it holds and each leg from first to latest."""
    navigate(page, "Record")
    line = page.get_by_test_id("stMain").get_by_text(re.compile(r"^Raises per leg, knee straight"))
    expect(line).to_be_visible()
    return line.inner_text()


def test_on_postgresql_saves_a_correction_and_a_deletion_each_show_at_once(
    browser: Browser, postgres_url: str, tmp_path
) -> None:
    """Issue 25: on PostgreSQL a Save is added to the cached records and keeps what it didn't change, while a
    correction or a deletion computes what it touched again. At phone size, each shows on the Record page's chart
    line and the dashboard right away, and a Save after a correction never brings the old figure back."""
    from tests.e2e.server import start_server

    served = start_server(tmp_path / "unused.duckdb", tmp_path, env={"CALF_DATABASE_URL": postgres_url})
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(30_000)
    try:
        open_page(phone, served.url)
        create_profile(phone, None, "Lin 林", 1988)
        navigate(phone, "Record")
        record_test(phone, None, 20, 25)
        record_test(phone, None, 22, 26)  # the second Save: added to the records already cached
        assert "2 tests" in (line := _raises_line(phone)) and "left leg 20 to 22, right leg 25 to 26" in line, line

        navigate(phone, "History")
        correct_left_raises(phone, 18)
        assert "left leg 20 to 18, right leg 25 to 26" in (line := _raises_line(phone)), line
        navigate(phone, "Dashboard")
        expect(phone.get_by_text("18 raises", exact=True)).to_be_visible()

        record_test(phone, served.url, 24, 27)  # a Save right after the correction: the corrected 18 stays
        assert "3 tests" in (line := _raises_line(phone)) and "left leg 20 to 24" in line, line
        navigate(phone, "History")
        expect(select_box(phone, "Open a test")).to_have_value(re.compile(r"left 24 / right 27"))
        assert any("left 18 / right 26" in option for option in options_of(phone, "Open a test"))

        click(phone, "Delete this test")
        click(phone, "Yes, delete it")
        expect(phone.get_by_text("Test deleted.")).to_be_visible()
        wait_for_app(phone)
        assert "2 tests" in (line := _raises_line(phone)) and "left leg 20 to 18, right leg 25 to 26" in line, line
        expect(phone.get_by_text(re.compile(r"Last saved: .*left 18, right 26"))).to_be_visible()
        screenshot(phone, "postgresql-after-correction-save-and-deletion-phone")
        navigate(phone, "Dashboard")
        expect(phone.get_by_text("18 raises", exact=True)).to_be_visible()
        expect(phone.get_by_text("24 raises", exact=True)).to_have_count(0)
    finally:
        context.close()
        served.stop()
    assert "Traceback" not in served.log(), served.log()
