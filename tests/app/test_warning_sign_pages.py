"""Issue 22, through the pages: a warning sign ticked in the daily check-in is stored and stands, on every page that
gives the routine, the retest or the training days (Routine, Dashboard, Record result, Schedule, a coach's share link,
a coach's roster), until the runner records a clinician's all-clear or marks the tick a mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from calfstore import LOCAL_OWNER
from calfui.viewer import owner_key_for
from tests.app.conftest import TODAY, create_runner, go, peek_store, record_test, texts
from tests.app.test_sharing_pages import _coach, _create_link, _hosted, _login
from tests.keys import keyed

SAME_DAY = "Please get medical care today"
STANDS = f"Warning sign in the daily check-in of {TODAY:%d %b %Y}."


def _tick(
    app: AppTest, runner_id: int, flag: str = "calf_swollen_warm_red", pain: int = 7, day: dt.date = TODAY
) -> None:
    """A check-in with pain over 5, and a warning sign ticked in the questions it asks."""
    go(app, "routine")
    keyed(app, "date_input", r"checkin_t\d+_date").set_value(day)
    keyed(app, "pills", r"checkin_t\d+_pain_during_left").set_value(pain)
    keyed(app, "button", r"checkin_t\d+_submit").click().run()
    app.checkbox(key=f"r{runner_id}_checkin_flag_{flag}").check()
    app.button(key=f"r{runner_id}_checkin_warnings_submit").click().run()
    assert not app.exception, [e.value for e in app.exception]


def _runner_id(db_path: Path, owner: str = LOCAL_OWNER) -> int:
    return int(peek_store(db_path).list_runners(owner)[0].id)


def _shows_the_warning_not_the_routine(page: str) -> None:
    assert SAME_DAY in page and STANDS in page, page
    for routine_words in ("Stage:", "Next retest", "Retest due", "This week:**"):
        assert routine_words not in page, routine_words


def test_a_ticked_sign_is_stored_and_stands_on_every_page_until_an_all_clear(app: AppTest, db_path: Path) -> None:
    create_runner(app)
    record_test(app, 28, 27)
    runner_id = _runner_id(db_path)
    go(app, "routine")
    assert "Stage:" in texts(app)
    _tick(app, runner_id)

    [stored] = peek_store(db_path).list_checkin_warnings(LOCAL_OWNER, runner_id)
    assert stored.flagged_on == TODAY and stored.red_flags == {"calf_swollen_warm_red"}
    assert "Saved with your check-in of" in texts(app)

    # A new session (a reload) still leads with it: on the routine, the dashboard, the schedule.
    fresh = AppTest.from_file(app._script_path, default_timeout=60).run()
    for page in ("routine", "dashboard", "schedule"):
        go(fresh, page)
        _shows_the_warning_not_the_routine(texts(fresh))
    coach = _coach(_create_link(fresh))
    _shows_the_warning_not_the_routine(texts(coach))
    assert "Routine: daily check-in" not in texts(coach)  # the coach reads it; only the runner acts on it

    # A test the same day does not clear it: the record result gives the clinician message too.
    record_test(fresh, 30, 30)
    _shows_the_warning_not_the_routine(texts(fresh))

    # The clinician's all-clear, recorded in the check-in area: the routine and the retest come back.
    go(fresh, "routine")
    keyed(fresh, "text_area", r"all_clear_t\d+_note").input("Seen by Dr Ng: a calf strain, no clot.")
    keyed(fresh, "button", r"all_clear_t\d+_submit").click().run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    [clear] = peek_store(db_path).list_all_clears(LOCAL_OWNER, runner_id)
    assert clear.seen_on == TODAY and clear.note == "Seen by Dr Ng: a calf strain, no clot."
    page = texts(fresh)
    assert "Stage:" in page and SAME_DAY not in page and STANDS not in page
    go(fresh, "dashboard")
    page = texts(fresh)
    assert "Next retest" in page and STANDS not in page


def test_the_calendar_feed_has_no_training_days_or_retest_while_it_stands(app: AppTest, db_path: Path) -> None:
    from calfcore.calendar_feed import RETEST_SUMMARY, TRAINING_SUMMARY
    from calfcore.models import ClinicianAllClear
    from calfui.asgi import runner_feed
    from calfui.cache import OwnerData

    create_runner(app)
    record_test(app, 28, 27)
    runner_id = _runner_id(db_path)
    data = OwnerData(peek_store(db_path), LOCAL_OWNER)
    before = runner_feed(data, runner_id, "feed1", False).decode()
    assert TRAINING_SUMMARY in before and RETEST_SUMMARY in before
    _tick(app, runner_id)
    during = runner_feed(data, runner_id, "feed1", False).decode()
    assert TRAINING_SUMMARY not in during and RETEST_SUMMARY not in during
    data.save_all_clear(runner_id, ClinicianAllClear(TODAY))
    after = runner_feed(data, runner_id, "feed1", False).decode()
    assert TRAINING_SUMMARY in after and RETEST_SUMMARY in after


def test_a_tick_dated_before_a_clear_test_shows_its_message_once_and_does_not_stand(
    app: AppTest, db_path: Path
) -> None:
    create_runner(app)
    record_test(app, 28, 27)  # today, no warning sign
    runner_id = _runner_id(db_path)
    _tick(app, runner_id, day=TODAY - dt.timedelta(days=1))
    page = texts(app)
    assert SAME_DAY in page and "it does not hold up your routine" in page
    [stored] = peek_store(db_path).list_checkin_warnings(LOCAL_OWNER, runner_id)
    assert stored.flagged_on == TODAY - dt.timedelta(days=1)
    go(app, "routine")
    page = texts(app)
    assert "Stage:" in page and SAME_DAY not in page


def test_a_tick_marked_as_a_mistake_gives_the_routine_back_and_stays_on_record(app: AppTest, db_path: Path) -> None:
    create_runner(app)
    record_test(app, 28, 27)
    runner_id = _runner_id(db_path)
    _tick(app, runner_id, "fluoroquinolone")
    [stored] = peek_store(db_path).list_checkin_warnings(LOCAL_OWNER, runner_id)
    go(app, "routine")
    assert "Please see a doctor or physiotherapist" in texts(app)
    keyed(app, "button", f"warning_mistaken_{stored.id}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    page = texts(app)
    assert "marked as ticked by mistake" in page and "Stage:" in page
    [marked] = peek_store(db_path).list_checkin_warnings(LOCAL_OWNER, runner_id)
    assert marked.mistaken


def test_a_bad_all_clear_gets_a_sentence_and_stores_nothing(app: AppTest, db_path: Path) -> None:
    create_runner(app)
    record_test(app, 28, 27)
    runner_id = _runner_id(db_path)
    _tick(app, runner_id)
    go(app, "routine")
    keyed(app, "date_input", r"all_clear_t\d+_date").set_value(TODAY + dt.timedelta(days=2))
    keyed(app, "text_area", r"all_clear_t\d+_note").input("seen\u202eevil")
    keyed(app, "button", r"all_clear_t\d+_submit").click().run()
    page = texts(app)
    assert "Date seen can't be in the future." in page and "invisible control character" in page
    assert peek_store(db_path).list_all_clears(LOCAL_OWNER, runner_id) == []
    assert STANDS in page


def test_without_a_test_the_routine_page_still_leads_with_the_warning(app: AppTest, db_path: Path) -> None:
    create_runner(app)
    _tick(app, _runner_id(db_path))
    go(app, "routine")
    assert SAME_DAY in texts(app) and "Record a test first" not in texts(app)


def test_the_coachs_roster_flags_it_first_with_its_date_and_no_stage(db_path: Path) -> None:
    ann = _hosted(_login("ann-123", "Ann"))
    create_runner(ann, "Ann")
    record_test(ann, 30, 31)
    owner = owner_key_for("https://id.example.org", "ann-123")
    _tick(ann, _runner_id(db_path, owner), "sudden_pop")
    token = _create_link(ann)

    coach = _hosted(_login("coach-9", "Coach Kim"))
    coach.query_params["share"] = token
    coach.run()
    _shows_the_warning_not_the_routine(texts(coach))
    keyed(coach, "button", r"roster_add_link\d+").click().run()
    coach = _hosted(_login("coach-9", "Coach Kim"))  # the coach opens Calf Check without the link
    go(coach, "roster")
    page = texts(coach).replace("\\", "")  # the card escapes Markdown in the flag's words
    assert f"Warning sign in the daily check-in of {TODAY:%d %b %Y}: Did you feel a sudden pop" in page
    assert "Stage —" in page and "Needs attention" in page
