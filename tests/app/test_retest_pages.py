"""Issue 15 through the pages: retest due on the dashboard and the coach view on the right day (a fixed clock),
days away, the return-to-run checklist and hop test, and the calendar on the Share page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from streamlit.testing.v1 import AppTest

from calfcore.clock import TODAY_ENV
from calfcore.evidence import source
from calfstore import LOCAL_OWNER
from calfstore.tables import count_rows, table_text
from calfui.viewer import owner_key_for
from tests.app.conftest import create_runner, go, peek_store, record_test, texts
from tests.app.test_sharing_pages import _coach, _create_link, _hosted, _login
from tests.keys import keyed

DAY = dt.date(2026, 12, 14)  # the app's fixed today (a Monday)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setenv(TODAY_ENV, DAY.isoformat())
    return DAY


def _record_build_stage_test(app: AppTest, days_ago: int) -> None:
    # 12 and 14 raises: below the typical range for a woman of 36, the build stage: retest every 2 weeks.
    record_test(app, 12, 14, tested_on=DAY - dt.timedelta(days=days_ago))


def test_retest_due_shows_on_its_day_on_the_dashboard_and_the_coach_view(app: AppTest, clock, db_path) -> None:
    create_runner(app)
    _record_build_stage_test(app, 13)
    assert "Next retest:** Tue 15 Dec 2026" in texts(app)  # proposed right after the test
    page = texts(go(app, "dashboard"))
    assert "Retest due" not in page
    assert "Next retest:** Tue 15 Dec 2026 (every 2 weeks in the build stage)" in page
    assert "Repeat it the same way: 10° incline, 60 beats/min, not cued; knee straight" in page

    _record_build_stage_test(app, 14)  # an older test changes nothing: the latest counts
    assert "Retest due" not in texts(go(app, "dashboard"))
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    for test in peek_store(db_path).list_tests(LOCAL_OWNER, runner.id):
        if test.tested_on == DAY - dt.timedelta(days=13):
            peek_store(db_path).delete_test(LOCAL_OWNER, runner.id, test.id)
    page = texts(go(app, "dashboard"))
    assert "Retest due** since Mon 14 Dec 2026 (every 2 weeks in the build stage)" in page
    coach = _coach(_create_link(app))
    assert "Retest due** since Mon 14 Dec 2026" in texts(coach)


def test_the_runners_own_interval_and_days_away_move_the_retest(app: AppTest, clock) -> None:
    create_runner(app)
    _record_build_stage_test(app, 14)
    assert "Retest due" in texts(go(app, "dashboard"))
    go(app, "schedule")
    keyed(app, "radio", "retest_every_choice").set_value(21)
    keyed(app, "button", "retest_every_save").click().run()
    assert "every 3 weeks, your choice" in texts(go(app, "dashboard"))
    assert "Retest due" not in texts(app)

    go(app, "schedule")
    keyed(app, "radio", "retest_every_choice").set_value(0)
    keyed(app, "button", "retest_every_save").click().run()
    keyed(app, "date_input", "from").set_value(DAY - dt.timedelta(days=10))
    keyed(app, "date_input", "to").set_value(DAY - dt.timedelta(days=8))
    keyed(app, "radio", "reason").set_value("ill")
    keyed(app, "button", "mark").click().run()
    assert "Marked 3 days away." in texts(app)
    page = texts(go(app, "dashboard"))
    assert "Retest due" not in page and "Next retest:** Thu 17 Dec 2026" in page


def test_days_away_refuse_a_backwards_span_and_store_nothing(app: AppTest, clock, db_path) -> None:
    create_runner(app)
    go(app, "schedule")
    keyed(app, "date_input", "from").set_value(DAY)
    keyed(app, "date_input", "to").set_value(DAY - dt.timedelta(days=1))
    keyed(app, "button", "mark").click().run()
    assert "Nothing was marked. 'To' is before 'From'." in texts(app)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    assert count_rows(peek_store(db_path), runner.id)["away_days"] == 0


def test_checklist_and_hop_test_are_recorded_and_the_items_show_when_last_met(app: AppTest, clock, db_path) -> None:
    create_runner(app)
    record_test(app, 31, 30, tested_on=DAY)
    go(app, "return_to_run")
    page = texts(app)
    assert "does not clear anyone to run" in page
    assert f"Source: {source('green_2022').label}" in page  # each item names its sources with their evidence tags
    keyed(app, "checkbox", "walked").check()
    keyed(app, "checkbox", "settled").check()
    keyed(app, "button", "readiness_t0_save").click().run()
    assert "Checklist saved." in texts(app)
    keyed(app, "number_input", "hops_left").set_value(12)
    keyed(app, "number_input", "hops_right").set_value(11)
    keyed(app, "pills", "pain_left").set_value(1)
    [save] = [b for b in app.button if b.key.endswith("_save") and "_hops_" in b.key]
    save.click().run()
    page = texts(app)
    assert "Hop test saved." in page
    assert page.count("Last met 14 Dec 2026") == 5
    assert "Every item is met by your latest records" in page
    assert [m.value for m in app.metric if m.label.startswith("Hop symmetry")] == ["92%"]
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    assert peek_store(db_path).list_hop_tests(LOCAL_OWNER, runner.id)[0].pain.left == 1


def test_bad_hop_input_is_refused_and_stores_nothing(app: AppTest, clock, db_path) -> None:
    create_runner(app)
    go(app, "return_to_run")
    keyed(app, "number_input", "hops_left").set_value(12)  # the right leg left empty
    [save] = [b for b in app.button if b.key.endswith("_save") and "_hops_" in b.key]
    save.click().run()
    assert "Nothing was saved. Please fix: Hops, right is required." in texts(app)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    assert count_rows(peek_store(db_path), runner.id)["hop_tests"] == 0


def test_a_warning_sign_in_a_hop_test_gives_the_tests_message(app: AppTest, clock) -> None:
    create_runner(app)
    go(app, "return_to_run")
    keyed(app, "number_input", "hops_left").set_value(12)
    keyed(app, "number_input", "hops_right").set_value(12)
    [flag] = [c for c in app.checkbox if "_hops_" in c.key and c.key.endswith("flag_sudden_pop")]
    flag.check()
    [save] = [b for b in app.button if b.key.endswith("_save") and "_hops_" in b.key]
    save.click().run()
    page = texts(app)
    assert "Please get medical care today" in page
    assert "Checklist" not in [s.value for s in app.subheader]


def test_local_mode_offers_a_calendar_download_without_health_words(app: AppTest, clock, downloads) -> None:
    create_runner(app)
    _record_build_stage_test(app, 1)
    go(app, "share")
    assert not [b for b in app.button if "calendar_create" in (b.key or "")]  # no feed URL in local mode
    feed = downloads["calf-check.ics"]
    events = icalendar.Calendar.from_ical(feed).walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {"Calf Check: training", "Calf Check: retest"}
    assert b"raise" not in feed.lower() and b"incline" not in feed


def test_hosted_runner_creates_and_revokes_a_calendar_feed(db_path: Path, clock) -> None:
    ann = _hosted(_login("ann-123", "Ann"))
    create_runner(ann, "Ann")
    go(ann, "share")
    keyed(ann, "button", "calendar_create").click().run()
    [code] = ann.code
    token = re.search(r"/calendar/([A-Za-z0-9_-]{43})\.ics$", code.value).group(1)
    store = peek_store(db_path)
    owner = owner_key_for("https://id.example.org", "ann-123")
    [runner] = store.list_runners(owner)
    assert token not in table_text(store, "calendar_feeds")
    from calfcore.sharing import token_hash

    assert store.resolve_calendar_feed(token_hash(token), dt.datetime.now()) is not None
    keyed(ann, "button", "calendar_done").click().run()
    keyed(ann, "button", "calendar_revoke").click().run()
    assert store.resolve_calendar_feed(token_hash(token), dt.datetime.now()) is not None  # asks first
    keyed(ann, "button", r"calendar_revoke_\d+_cancel").click().run()
    keyed(ann, "button", "calendar_revoke").click().run()
    keyed(ann, "button", r"calendar_revoke_\d+_confirm").click().run()
    assert store.resolve_calendar_feed(token_hash(token), dt.datetime.now()) is None
    assert [f.revoked_at is not None for f in store.list_calendar_feeds(owner, runner.id)] == [True]


def test_a_wrong_hop_test_or_checklist_entry_is_removed_after_a_confirmation(app: AppTest, clock, db_path) -> None:
    """A runner fixes a mistake: the entry picked (by id) goes after a Yes; Cancel keeps it."""
    create_runner(app)
    go(app, "return_to_run")
    for left in (12, 12):  # two identical hop tests: the pick tells them apart
        keyed(app, "number_input", "hops_left").set_value(left)
        keyed(app, "number_input", "hops_right").set_value(11)
        [save] = [b for b in app.button if b.key.endswith("_save") and "_hops_" in b.key]
        save.click().run()
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    first, second = (h.id for h in peek_store(db_path).list_hop_tests(LOCAL_OWNER, runner.id))
    picker = keyed(app, "selectbox", "return_remove_pick")
    assert len(set(picker.options)) == len(picker.options) == 3  # "—" and two labels told apart
    picker.set_value(f"h{first}").run()
    keyed(app, "button", rf"return_remove_h{first}").click().run()
    keyed(app, "button", rf"return_remove_h{first}_cancel").click().run()
    assert count_rows(peek_store(db_path), runner.id)["hop_tests"] == 2
    keyed(app, "button", rf"return_remove_h{first}").click().run()
    keyed(app, "button", rf"return_remove_h{first}_confirm").click().run()
    assert "Entry removed." in texts(app)
    assert [h.id for h in peek_store(db_path).list_hop_tests(LOCAL_OWNER, runner.id)] == [second]
