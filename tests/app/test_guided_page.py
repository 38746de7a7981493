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
