"""Forms that say what they did (issue 24): every number box hands what was typed to validation, which answers by
the button with a sentence and stores nothing; a success belongs to the one save that made it; Record reopened from
another page is a fresh form with the last save named above it.

AppTest sends a typed number as the browser would (a double): a whole-number box of old truncated 12.5 to 12, and a
bounded one put its default back for a number out of bounds.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from calfcore.guided import GuidedSettings
from calfstore import LOCAL_OWNER
from calfstore.tables import count_rows
from tests.app.conftest import create_runner, fill_test, go, peek_store, record_test, texts
from tests.keys import keyed


def _runner_id(db_path) -> int:
    return peek_store(db_path).list_runners(LOCAL_OWNER)[0].saved_id


def _save_hops(app: AppTest, left: float, right: float) -> None:
    keyed(app, "number_input", "hops_left").set_value(left)
    keyed(app, "number_input", "hops_right").set_value(right)
    [save] = [b for b in app.button if b.key.endswith("_save") and "_hops_" in b.key]
    save.click().run()
    assert not app.exception, [e.value for e in app.exception]


@pytest.mark.parametrize(("bad", "sentence"), [(-1, "-1 is out of range"), (500, "500 is out of range")])
def test_a_bad_hop_count_after_a_good_save_stores_nothing_and_says_why(app: AppTest, db_path, bad, sentence) -> None:
    create_runner(app)
    go(app, "return_to_run")
    _save_hops(app, 12, 14)
    [success] = [str(s.value) for s in app.success]
    assert re.fullmatch(r"Hop test saved\. \d\d \w{3}: left 12, right 14 hops\.", success), success  # this save
    _save_hops(app, bad, 14)
    page = texts(app)
    assert f"Nothing was saved. Please fix: Hops, left must be between 0 and 200; {sentence}." in page
    assert [str(e.value) for e in app.error][0] == f"Hops, left must be between 0 and 200; {sentence}."  # its field
    assert not app.success, [s.value for s in app.success]  # the earlier save's message is gone
    [stored] = peek_store(db_path).list_hop_tests(LOCAL_OWNER, _runner_id(db_path))
    assert (stored.hops.left, stored.hops.right) == (12, 14)


def test_a_hop_count_with_a_decimal_is_refused_not_rounded(app: AppTest, db_path) -> None:
    create_runner(app)
    go(app, "return_to_run")
    _save_hops(app, 12.5, 14)
    assert "Hops, left: 12.5 is not a whole number of hops." in texts(app)
    assert count_rows(peek_store(db_path), _runner_id(db_path))["hop_tests"] == 0


def test_the_hop_tests_required_pain_cannot_be_unpicked(app: AppTest) -> None:
    """Streamlit's required single-choice pills: tapping the picked value again keeps it."""
    create_runner(app)
    go(app, "return_to_run")
    for side in ("left", "right"):
        assert keyed(app, "pills", f"pain_{side}").proto.required


def test_twelve_and_a_half_raises_are_refused_not_stored_as_twelve(app: AppTest, db_path) -> None:
    create_runner(app)
    record_test(app, 12.5, 14)
    assert "Knee-straight raises, left: 12.5 is not a whole number of raises." in texts(app)
    assert "Saved." not in texts(app)
    assert count_rows(peek_store(db_path), _runner_id(db_path))["test_sessions"] == 0


def test_a_bad_record_after_a_good_one_stores_nothing_and_shows_no_old_success(app: AppTest, db_path) -> None:
    create_runner(app)
    record_test(app, 18, 26)
    assert "Saved." in texts(app)
    keyed(app, "button", "record_another").click().run()
    fill_test(app, 20, 151, bent_left=7.5, soleus_load=-2.5)
    keyed(app, "button", "save").click().run()
    page = texts(app)
    assert "Knee-bent raises, left: 7.5 is not a whole number of raises." in page
    assert "Knee-straight raises, right must be between 0 and 150; 151 is out of range." in page
    assert "Seated soleus load (kg) must be between 0 and 500; -2.5 is out of range." in page
    assert not app.success
    [stored] = peek_store(db_path).list_tests(LOCAL_OWNER, _runner_id(db_path))
    assert (stored.straight_reps.left, stored.straight_reps.right) == (18, 26)


def test_record_reopened_from_another_page_is_a_fresh_form_with_the_last_save_above_it(app: AppTest) -> None:
    create_runner(app)
    record_test(app, 18, 26)
    assert "Saved." in texts(app)
    go(app, "dashboard")
    go(app, "record")
    assert not app.success, [s.value for s in app.success]
    assert keyed(app, "number_input", "straight_left").value is None  # a fresh form
    [line] = [m.value for m in app.markdown if "Last saved: " in m.value]
    assert line.endswith(", left 18, right 26 —"), line
    [link] = [link for link in app.page_link if link.value == "see the dashboard"]
    assert link.proto.page.endswith("dashboard")


def test_a_birth_year_with_a_decimal_is_not_a_whole_year(app: AppTest, db_path) -> None:
    go(app, "profile")
    keyed(app, "text_input", r"new_profile_t\d+_name").input("Sam")
    keyed(app, "number_input", r"new_profile_t\d+_birth_year").set_value(2024.5)
    keyed(app, "button", r"new_profile_t\d+_submit").click().run()
    assert "Birth year: 2024.5 is not a whole year." in texts(app)
    assert peek_store(db_path).list_runners(LOCAL_OWNER) == []


def test_training_log_and_check_in_refuse_a_fraction_after_a_good_save(app: AppTest, db_path) -> None:
    create_runner(app)
    runner_id = _runner_id(db_path)
    go(app, "routine")
    keyed(app, "button", "log_t0_submit").click().run()  # 3 × 12, the form's starting values
    assert any("Logged 3 × 12" in str(s.value) for s in app.success)
    keyed(app, "number_input", "sets").set_value(2.5)
    keyed(app, "button", "log_t1_submit").click().run()
    assert "Sets: 2.5 is not a whole number of sets." in texts(app)
    assert not app.success
    assert count_rows(peek_store(db_path), runner_id)["routine_logs"] == 1

    keyed(app, "number_input", "stiffness_minutes_left").set_value(10)
    keyed(app, "button", "checkin_t0_submit").click().run()
    assert "Check-in saved." in texts(app)
    keyed(app, "number_input", "stiffness_minutes_left").set_value(10.5)
    keyed(app, "button", "checkin_t1_submit").click().run()
    assert "Morning stiffness (min), left: 10.5 is not a whole number of minutes." in texts(app)
    assert not app.success
    assert count_rows(peek_store(db_path), runner_id)["symptom_entries"] == 1


def test_the_guided_tests_metronome_out_of_range_does_not_start(app: AppTest) -> None:
    create_runner(app)
    go(app, "guided")
    keyed(app, "number_input", "guided_cadence").set_value(200)
    keyed(app, "button", "guided_start").click().run()
    assert "Not started. Metronome (beats/min) must be between 30 and 120; 200 is out of range." in texts(app)
    assert any(b.key == "guided_start" for b in app.button)  # still the set-up


def test_the_guided_tests_confirmed_count_with_a_decimal_is_refused(app: AppTest, db_path) -> None:
    create_runner(app)
    runner_id = _runner_id(db_path)
    app.session_state["_guided_state_by_runner"] = {  # a leg just stopped at 20 raises
        runner_id: {
            "step": "confirm",
            "settings": GuidedSettings(),
            "leg_index": 0,
            "counts": {},
            "jitter": [],
            "pending": {"raises": 20},
            "run_id": "run1",
        }
    }
    go(app, "guided")
    keyed(app, "number_input", "guided_confirm_run1").set_value(12.5)
    keyed(app, "button", "guided_confirm").click().run()
    assert "Not confirmed. Raises: 12.5 is not a whole number of raises." in texts(app)
    assert app.session_state["_guided_state_by_runner"][runner_id]["counts"] == {}
    keyed(app, "number_input", "guided_confirm_run1").set_value(19)
    keyed(app, "button", "guided_confirm").click().run()
    assert app.session_state["_guided_state_by_runner"][runner_id]["counts"] == {"left": 19}
