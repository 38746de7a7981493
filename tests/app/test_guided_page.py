"""The guided test page around the browser component: set-up, its checks, cancelling, and the hand-over."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from calfcore.guided import GuidedResult, GuidedTest
from calfcore.models import LegPair, Side
from calfcore.protocol import STANDARD_PROTOCOL
from calfstore import LOCAL_OWNER
from calfstore.tables import count_rows
from tests.app.conftest import create_runner, go, peek_store, texts
from tests.keys import keyed


def test_setup_explains_the_stop_rules_and_starts_the_first_leg(app: AppTest) -> None:
    create_runner(app)
    go(app, "guided")
    assert "can't keep up with the beat" in texts(app)
    keyed(app, "radio", "guided_first_leg").set_value(Side.RIGHT)
    keyed(app, "button", "guided_start").click().run()
    assert "Right leg, knee straight" in texts(app)
    keyed(app, "button", "guided_cancel").click().run()
    assert any(b.key == "guided_start" for b in app.button)  # back to the set-up


def test_guided_counts_fill_the_record_form_and_nothing_is_saved_before_save(app: AppTest, db_path) -> None:
    create_runner(app)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    # What the guided test page hands over (calfui.recording.start_from_guided_test), for this runner only.
    app.session_state["_record_state_by_runner"] = {
        runner.id: {"guided": GuidedResult(GuidedTest.STRAIGHT, LegPair(23, 27), STANDARD_PROTOCOL), "task": 1}
    }
    go(app, "record")
    assert "Filled in from your guided test" in texts(app)
    assert keyed(app, "number_input", "straight_left").value == 23
    assert keyed(app, "number_input", "straight_right").value == 27
    assert count_rows(peek_store(db_path), runner.id)["test_sessions"] == 0
    keyed(app, "button", "save").click().run()
    assert "Saved." in texts(app)
    [test] = peek_store(db_path).list_tests(LOCAL_OWNER, runner.id)
    assert (test.straight_reps.left, test.straight_reps.right) == (23, 27)
    assert test.protocol == STANDARD_PROTOCOL
    assert "guided" not in app.session_state["_record_state_by_runner"][runner.id]


# -- motion counting (issue 28): the confirm screen, and the counts with how they were made into the saved test -------

SEEN = {
    "raises": [
        {"at_s": 1.0, "size": 1.0, "on_beat": True, "counted": True},
        {"at_s": 2.0, "size": 0.96, "on_beat": True, "counted": True},
        {"at_s": 3.0, "size": 0.92, "on_beat": True, "counted": True},
        {"at_s": 4.1, "size": 0.9, "on_beat": False, "counted": False},
        {"at_s": 5.0, "size": 0.38, "on_beat": True, "counted": False},
    ],
    "counted": 3,
    "proposed_stop": "short",
}


def _at_confirm(app: AppTest, db_path, motion: object, raises: int = 3):
    """The guided page as the component leaves it after Stop, for this runner (calfui.state.runner_state)."""
    from calfcore.guided import GuidedSettings

    create_runner(app)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    pending = {"run_id": "r-1", "raises": raises, "counted_by": "motion", "motion": motion, "offsets_ms": []}
    app.session_state["_guided_state_by_runner"] = {
        runner.id: {
            "step": "confirm",
            "settings": GuidedSettings(),
            "leg_index": 0,
            "counts": {},
            "jitter": [],
            "motion": {},
            "run_id": "r-1",
            "pending": pending,
        }
    }
    go(app, "guided")
    return runner


def test_the_confirm_screen_says_when_the_motion_saw_more_raises_than_count(app: AppTest, db_path) -> None:
    _at_confirm(app, db_path, SEEN)
    shown = texts(app)
    assert "Left leg: 3 raises" in shown
    assert "The motion saw 5 raises and 3 of them count for the test: 1 was off the beat and 1 was well short" in shown
    assert "5 raises seen by the motion" in shown  # the chart's text alternative


def test_a_summary_the_app_cannot_read_keeps_the_count_as_the_runners_own(app: AppTest, db_path) -> None:
    runner = _at_confirm(app, db_path, ["not", "a", "summary"], raises=14)
    assert "could not be read: the count stands as yours" in texts(app)
    assert not app.get("vega_lite_chart")
    keyed(app, "button", "guided_confirm").click().run()
    state = app.session_state["_guided_state_by_runner"][runner.id]
    assert state["counts"] == {"left": 14} and state["motion"] == {}  # the count goes on, nothing of the motion


def _done_by_motion(app: AppTest, db_path):
    from calfcore.guided import GuidedSettings
    from calfcore.motion import summary_from_browser

    create_runner(app)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    summary = summary_from_browser(SEEN)
    app.session_state["_guided_state_by_runner"] = {
        runner.id: {
            "step": "done",
            "settings": GuidedSettings(),
            "counts": {"left": 3, "right": 3},
            "jitter": [],
            "motion": {"left": summary, "right": summary},
            "run_id": "r-2",
        }
    }
    go(app, "guided")
    keyed(app, "button", "guided_to_record").click().run()
    go(app, "record")
    return runner


def test_motion_counts_are_saved_as_counted_by_motion_with_each_raise_and_shown_with_the_result(
    app: AppTest, db_path
) -> None:
    from calfcore.models import MotionCount

    runner = _done_by_motion(app, db_path)
    assert "Counted by motion (left and right legs, knee straight)." in texts(app)
    assert keyed(app, "text_area", "notes").value == ""  # said once, as part of the protocol, not in the notes
    keyed(app, "button", "save").click().run()
    [test] = peek_store(db_path).list_tests(LOCAL_OWNER, runner.id)
    assert test.counted_by_motion == {MotionCount.STRAIGHT_LEFT, MotionCount.STRAIGHT_RIGHT}
    assert [(m.leg.value, m.number, m.at_ms, m.counted) for m in test.raise_marks][:2] == [
        ("left", 1, 1000, True),
        ("left", 2, 2000, True),
    ]
    assert len(test.raise_marks) == 10 and test.notes == ""
    shown = texts(app)
    assert "Saved." in shown and "Counted by motion (left and right legs, knee straight)." in shown
    assert "Each raise, as the phone's motion saw it" in shown and shown.count("5 raises seen by the motion") == 2
    assert len(app.get("vega_lite_chart")) >= 2


def test_a_count_changed_in_the_record_form_is_saved_as_the_runners_own(app: AppTest, db_path) -> None:
    from calfcore.models import MotionCount

    runner = _done_by_motion(app, db_path)
    keyed(app, "number_input", "straight_right").set_value(4)
    keyed(app, "button", "save").click().run()
    [test] = peek_store(db_path).list_tests(LOCAL_OWNER, runner.id)
    assert test.counted_by_motion == {MotionCount.STRAIGHT_LEFT} and test.straight_reps.right == 4
    assert len(test.raise_marks) == 10  # what the motion saw is kept
    assert "right leg, knee straight: the motion's count changed by hand" in texts(app)


def test_a_correction_from_history_keeps_counted_by_motion_only_for_the_counts_left_as_they_were(
    app: AppTest, db_path
) -> None:
    from calfcore.models import MotionCount

    runner = _done_by_motion(app, db_path)
    keyed(app, "button", "save").click().run()
    [test] = peek_store(db_path).list_tests(LOCAL_OWNER, runner.id)
    go(app, "history")
    assert "Counted by motion (left and right legs, knee straight)." in texts(app)
    keyed(app, "button", "edit_test").click().run()
    keyed(app, "number_input", rf"edit_test{test.id}_rev\d+_straight_left").set_value(5)
    keyed(app, "button", "save").click().run()
    assert "Correction saved" in texts(app)
    [corrected] = peek_store(db_path).list_tests(LOCAL_OWNER, runner.id)
    assert corrected.counted_by_motion == {MotionCount.STRAIGHT_RIGHT} and corrected.straight_reps.left == 5
    assert corrected.raise_marks == test.raise_marks
