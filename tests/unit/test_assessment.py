"""calfcore.assessment: a red flag or a runner who can't rise stops the score and the routine; otherwise the test is scored with its own symptoms."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfcore.assessment import Scored, Stopped, assess, latest_test
from calfcore.evidence import read_toml
from calfcore.models import Side
from calfcore.routine import EquipmentAccess, recommend
from tests.unit.helpers import PROPERTY, TODAY, heel_test, runner, symptom

FLAG_IDS = sorted(item["id"] for item in read_toml("red_flags.toml")["flag"])
CHEST = "chest_pain_or_breathless"
legs = st.integers(0, 150)


@PROPERTY
@given(
    flags=st.sets(st.sampled_from(FLAG_IDS), min_size=1),
    left=legs,
    right=legs,
    pain=st.integers(0, 10),
    access=st.sampled_from(list(EquipmentAccess)),
)
def test_a_red_flag_always_wins(flags, left, right, pain, access):
    test = heel_test(left, right, red_flags=frozenset(flags), id=5)
    entries = [symptom(TODAY, Side.LEFT, during=pain, test_id=5)]
    result = assess(test, runner(), [test], entries, TODAY, access)
    assert isinstance(result, Stopped) and result.triage.stop
    assert result.message == result.triage.message != ""


@PROPERTY
@given(left=legs, right=legs, access=st.sampled_from(list(EquipmentAccess)))
def test_zero_reps_always_wins_even_without_ticked_flags(left, right, access):
    test = heel_test(left, right, id=5)
    result = assess(test, runner(), [test], [], TODAY, access)
    if 0 in (left, right):
        assert isinstance(result, Stopped) and result.triage.stop
    else:
        assert isinstance(result, Scored)


def test_clear_assessment_scores_with_the_tests_own_symptoms_only():
    test = heel_test(24, 28, id=7)
    own = symptom(TODAY, Side.LEFT, during=7, test_id=7)
    other_test = symptom(TODAY - dt.timedelta(days=3), Side.RIGHT, during=8, test_id=3)
    result = assess(test, runner(), [test], [own, other_test], TODAY)
    assert isinstance(result, Scored)
    assert set(result.score.pain_zones) == {Side.LEFT}
    assert result.routine == recommend(
        test, result.score, runner(), [own, other_test], TODAY, EquipmentAccess.HOME, [test]
    )


def test_a_stopped_reading_has_no_score_or_routine_at_all():
    """Not a score of None: a stopped reading has nothing a page could show by mistake, and a scored one always has
    both, so readers branch on which it is (isinstance or match) and never check for None."""
    test = heel_test(30, 30, red_flags=frozenset({"sudden_pop"}))
    stopped = assess(test, runner(), [test], [], TODAY)
    assert isinstance(stopped, Stopped) and not isinstance(stopped, Scored)
    assert not hasattr(stopped, "score") and not hasattr(stopped, "routine")
    assert stopped.test == test and stopped.warning is None
    assert stopped.message == stopped.triage.message != ""
    scored = assess(heel_test(30, 30), runner(), [], [], TODAY)
    assert isinstance(scored, Scored)
    assert not hasattr(scored, "triage") and not hasattr(scored, "message")
    match scored:
        case Scored(score=score, routine=routine):
            assert score.legs[0].reps == 30 and routine.prescriptions
        case Stopped():
            pytest.fail("a test without warning signs is scored")


def test_latest_test_is_the_newest_by_date_then_id():
    a = heel_test(10, 10, day=TODAY - dt.timedelta(days=3), id=9)
    b = heel_test(11, 11, day=TODAY, id=2)
    c = heel_test(12, 12, day=TODAY, id=3)
    assert latest_test([a, c, b]) == c
    assert latest_test([]) is None
