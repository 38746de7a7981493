"""Triage: any red flag stops scoring and training advice and sends the runner to a clinician; chest pain or
breathlessness means emergency services (design §2, evidence §4.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfcore.assessment import Stopped, assess
from calfcore.evidence import read_toml
from calfcore.models import LegPair, Side
from calfcore.routine import EquipmentAccess
from calfcore.triage import (
    CANNOT_RISE_FLAG_ID,
    Urgency,
    red_flag_ids,
    red_flags,
    triage,
    zero_raise_sides,
    zero_raises_question,
)
from tests.unit.helpers import PROPERTY, TODAY, heel_test, runner

FLAG_IDS = sorted(item["id"] for item in read_toml("red_flags.toml")["flag"])
CHEST = "chest_pain_or_breathless"


def test_the_flags_in_the_data_file_are_the_ones_triage_knows():
    assert set(FLAG_IDS) == red_flag_ids()
    assert len(FLAG_IDS) == len(set(FLAG_IDS))


@pytest.mark.parametrize("flag_id", FLAG_IDS)
def test_every_red_flag_stops_everything(flag_id):
    result = triage([flag_id], LegPair(30, 30))
    assert result.stop
    assert [flag.id for flag in result.flags] == [flag_id]
    assert result.urgency is not None
    message = result.message.lower()
    assert message
    assert any(word in message for word in ("doctor", "clinician", "medical", "emergency"))


@pytest.mark.parametrize("flag_id", FLAG_IDS)
def test_a_red_flag_on_a_test_means_no_score_and_no_routine(flag_id):
    test = heel_test(30, 30, red_flags=frozenset({flag_id}), id=1)
    result = assess(test, runner(), [test], [], TODAY, EquipmentAccess.GYM)
    assert isinstance(result, Stopped) and result.triage.stop
    assert not hasattr(result, "score") and not hasattr(result, "routine")


def test_no_flags_and_reps_on_both_legs_does_not_stop():
    result = triage([], LegPair(1, 1))
    assert not result.stop
    assert result.urgency is None
    assert result.message == ""


def test_chest_pain_is_an_emergency():
    result = triage([CHEST])
    assert result.urgency is Urgency.EMERGENCY
    assert "emergency" in result.message.lower()


@PROPERTY
@given(others=st.sets(st.sampled_from(FLAG_IDS)))
def test_chest_pain_leads_to_emergency_services_whatever_else_is_ticked(others):
    result = triage({CHEST, *others}, LegPair(20, 20))
    assert result.urgency is Urgency.EMERGENCY
    assert "emergency" in result.message.lower()


def test_only_chest_symptoms_call_for_emergency_services():
    emergencies = {flag.id for flag in red_flags() if flag.urgency is Urgency.EMERGENCY}
    assert emergencies == {CHEST}
    for flag_id in set(FLAG_IDS) - {CHEST}:
        assert "emergency" not in triage([flag_id]).message.lower()


@pytest.mark.parametrize("flag_id", ["sudden_pop", "cannot_rise_single_leg", "calf_swollen_warm_red"])
def test_rupture_and_clot_signs_need_care_today(flag_id):
    # Suspected rupture: urgent orthopaedic referral; calf swollen/warm/red: same-day medical care (evidence §4.3).
    result = triage([flag_id])
    assert result.urgency is not None and result.urgency >= Urgency.SAME_DAY
    assert "today" in result.message.lower()


@pytest.mark.parametrize("flag_id", ["rest_or_night_pain", "recent_surgery_travel_immobilisation"])
def test_clot_risk_answers_need_care_the_same_day(flag_id):
    # Evidence §4.3, app rule for deep vein thrombosis: "calf swelling/warmth/redness, unexplained calf pain at
    # rest, recent long travel, surgery, immobilisation ... -> stop testing, seek same-day medical care".
    result = triage([flag_id])
    assert result.urgency is not None and result.urgency >= Urgency.SAME_DAY


def test_fluoroquinolone_use_needs_a_medical_review_before_training():
    result = triage(["fluoroquinolone"])
    assert result.stop and result.urgency is not None and result.urgency >= Urgency.SOON


@PROPERTY
@given(flags=st.sets(st.sampled_from(FLAG_IDS), min_size=1), left=st.integers(0, 150), right=st.integers(0, 150))
def test_any_non_empty_set_of_flags_stops(flags, left, right):
    result = triage(flags, LegPair(left, right))
    assert result.stop
    assert set(flags) <= {flag.id for flag in result.flags}
    # The most urgent flag decides the message.
    assert result.urgency == max(
        flag.urgency
        for flag in red_flags()
        if flag.id in flags or (flag.id == CANNOT_RISE_FLAG_ID and 0 in (left, right))
    )


@PROPERTY
@given(left=st.integers(1, 150), right=st.integers(1, 150))
def test_no_flags_with_reps_on_both_legs_never_stops(left, right):
    assert not triage([], LegPair(left, right)).stop
    assert not triage(frozenset(), LegPair(left, right)).stop


@pytest.mark.parametrize("pair", [LegPair(0, 25), LegPair(25, 0), LegPair(0, 0)])
def test_zero_reps_on_either_leg_raises_cannot_rise(pair):
    result = triage([], pair)
    assert result.stop
    assert [flag.id for flag in result.flags] == [CANNOT_RISE_FLAG_ID]
    assert result.urgency >= Urgency.SAME_DAY


def test_cannot_rise_is_not_listed_twice():
    result = triage([CANNOT_RISE_FLAG_ID], LegPair(0, 10))
    assert [flag.id for flag in result.flags] == [CANNOT_RISE_FLAG_ID]


def test_a_missing_leg_is_not_zero():
    assert not triage([], LegPair(None, 20)).stop


@pytest.mark.parametrize("ids", [["heart_attack"], ["sudden_pop", "typo"], [""], ["SUDDEN_POP"]])
def test_unknown_flag_ids_raise(ids):
    with pytest.raises(ValueError, match="unknown red flag"):
        triage(ids)


def test_every_flag_has_a_question_and_a_known_source():
    from calfcore.evidence import sources

    for flag in red_flags():
        assert flag.question.endswith("?")
        assert flag.source_id in sources()


# -- a zero that may be a typo is asked about first (the record page) -------------------------------------------


def test_zero_raise_sides_names_each_leg_entered_as_zero() -> None:
    assert zero_raise_sides(LegPair(0, 25)) == (Side.LEFT,)
    assert zero_raise_sides(LegPair(25, 0)) == (Side.RIGHT,)
    assert zero_raise_sides(LegPair(0, 0)) == (Side.LEFT, Side.RIGHT)
    assert zero_raise_sides(LegPair(1, None)) == ()
    assert zero_raise_sides(LegPair(None, None)) == ()


def test_the_zero_question_names_the_leg_and_what_a_real_zero_means() -> None:
    assert zero_raises_question([Side.LEFT]).startswith("0 raises on the left leg: is that right?")
    assert zero_raises_question([Side.LEFT, Side.RIGHT]).startswith("0 raises on the left and right legs:")
    assert "see a clinician" in zero_raises_question([Side.RIGHT])
    assert zero_raises_question([]) == ""
