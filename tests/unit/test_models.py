"""calfcore.models: the records, and what a stored record knows about itself."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcore.models import BothLegs, HeelRaiseTest, LegPair, Protocol, RunnerProfile, Sex, Side


def test_age_is_reached_during_the_year_of_the_day() -> None:
    assert RunnerProfile("Sam", 1990, Sex.FEMALE).age_on(dt.date(2026, 1, 1)) == 36


def test_only_a_stored_record_has_an_id_to_act_on() -> None:
    assert RunnerProfile("Sam", 1990, Sex.FEMALE, id=7).saved_id == 7
    with pytest.raises(ValueError, match="not saved yet"):
        RunnerProfile("Sam", 1990, Sex.FEMALE).saved_id  # noqa: B018
    test = HeelRaiseTest(dt.date(2026, 1, 1), Protocol(), LegPair(20, 22))
    with pytest.raises(ValueError, match="not saved yet"):
        test.saved_id  # noqa: B018


def test_a_pair_is_complete_only_with_both_legs() -> None:
    assert LegPair(20, 22).complete and not LegPair(20, None).complete


def test_both_legs_are_given_only_for_a_complete_pair() -> None:
    both = LegPair(20, 22.5).both()
    assert both == BothLegs(20, 22.5)
    assert isinstance(both, BothLegs) and not isinstance(both, LegPair)
    assert both.get(Side.LEFT) == 20 and both.get(Side.RIGHT) == 22.5
    assert LegPair(20, None).both() is None
    assert LegPair(None, 22).both() is None
    assert LegPair(None, None).both() is None
    assert LegPair(0, 0).both() == BothLegs(0, 0)  # zero is a measurement, not a missing leg
