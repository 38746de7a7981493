"""The guided test's protocol parameters and beat arithmetic (calfcore.guided)."""

from __future__ import annotations

import pytest

from calfcore.guided import (
    MAX_GUIDED_CADENCE,
    MIN_GUIDED_CADENCE,
    GuidedSettings,
    GuidedTest,
    beat_jitter,
    settings_problems,
)
from calfcore.models import Sex, Side, Surface
from calfcore.norms import find_reference
from calfcore.protocol import REST_BETWEEN_LEGS_SECONDS, STANDARD_PROTOCOL


def test_defaults_follow_the_standard_protocol() -> None:
    guided = GuidedSettings()
    assert guided.cadence_bpm == 60 and guided.surface is Surface.INCLINE_10
    assert guided.rest_seconds == REST_BETWEEN_LEGS_SECONDS == 120
    assert guided.protocol == STANDARD_PROTOCOL  # so a guided result is scored against the same references
    assert find_reference(guided.protocol, Sex.FEMALE, 35) is not None
    assert guided.legs == (Side.LEFT, Side.RIGHT)
    assert GuidedSettings(first_leg=Side.RIGHT).legs == (Side.RIGHT, Side.LEFT)


@pytest.mark.parametrize("cadence, ok", [(29, False), (30, True), (60, True), (120, True), (121, False), (0, False)])
def test_a_guided_test_needs_a_metronome_in_range(cadence: int, ok: bool) -> None:
    problems = settings_problems(GuidedSettings(cadence_bpm=cadence))
    assert (problems == []) is ok
    if not ok:
        assert f"{MIN_GUIDED_CADENCE} and {MAX_GUIDED_CADENCE}" in problems[0]


def test_a_bent_knee_guided_test_keeps_its_protocol() -> None:
    guided = GuidedSettings(test=GuidedTest.BENT, surface=Surface.FLAT, cadence_bpm=80)
    assert guided.protocol.surface is Surface.FLAT and guided.protocol.cadence_bpm == 80
    assert not guided.protocol.cued  # the app keeps time; it does not watch form


def test_beat_jitter_summary() -> None:
    jitter = beat_jitter([1.0, -2.0, 3.0, 16.0, 0.5, float("nan")])
    assert jitter is not None
    assert jitter.beats == 5
    assert jitter.median_abs_ms == 2.0
    assert jitter.max_abs_ms == 16.0
    assert jitter.p95_abs_ms == 16.0
    assert beat_jitter([]) is None


def test_the_record_form_keeps_counted_by_motion_only_for_the_counts_the_runner_left_as_they_were() -> None:
    from calfcore.guided import GuidedResult
    from calfcore.models import Knee, LegPair, MotionCount, RaiseMark
    from tests.unit.helpers import heel_test

    marks = (RaiseMark(Knee.STRAIGHT, Side.LEFT, 1, 1000, 1.0, True, True),)
    guided = GuidedResult(
        GuidedTest.STRAIGHT,
        LegPair(18, 21),
        STANDARD_PROTOCOL,
        counted_by_motion=frozenset({MotionCount.STRAIGHT_LEFT, MotionCount.STRAIGHT_RIGHT}),
        raise_marks=marks,
    )
    kept = guided.onto(heel_test(18, 21))
    assert kept.counted_by_motion == guided.counted_by_motion and kept.raise_marks == marks
    changed = guided.onto(heel_test(18, 25))  # the runner typed another right count in the form
    assert changed.counted_by_motion == {MotionCount.STRAIGHT_LEFT} and changed.raise_marks == marks
    tapped = GuidedResult(GuidedTest.STRAIGHT, LegPair(18, 21), STANDARD_PROTOCOL).onto(heel_test(18, 21))
    assert tapped.counted_by_motion == frozenset() and tapped.raise_marks == ()
