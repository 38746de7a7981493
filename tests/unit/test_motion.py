"""calfcore.motion (the counter's numbers, the per-raise summary, the trace format) and the trace model's truth."""

from __future__ import annotations

import pytest

from calfcore.evidence import sources
from calfcore.models import Knee, LegPair, MotionCount, Side
from calfcore.motion import (
    MAX_RAISES_KEPT,
    MOTION_SOURCES,
    MotionSummary,
    RaiseSummary,
    StopReason,
    corrected_by_hand,
    counted_by_words,
    fatigue_sentence,
    marks_from_summary,
    motion_parameters,
    read_trace,
    seen_and_counted,
    still_by_motion,
    summary_from_browser,
    summary_of_marks,
    trace_csv,
)
from calfcore.protocol import BEATS_PER_RAISE
from tests.motion.generate import Raise, raise_trace, trace_from_csv, truth, zero_trace


def test_the_numbers_follow_the_metronome_and_go_to_the_browser_as_plain_data() -> None:
    slow, fast = motion_parameters(60), motion_parameters(120)
    assert slow.raise_period_ms == 2000 and fast.raise_period_ms == 1000
    assert slow.band_low_hz == pytest.approx(0.125) and fast.band_low_hz == pytest.approx(0.25)
    assert slow.min_between_raises_ms == 1000
    data = slow.as_data()
    assert data["beats_per_raise"] == BEATS_PER_RAISE and data["beat_ms"] == 1000
    assert all(isinstance(v, int | float) for v in data.values())
    assert 0 < slow.short_raise_fraction < 1 and slow.faults_to_stop == 2


def test_the_motion_sources_are_known() -> None:
    assert set(MOTION_SOURCES) <= set(sources())


def test_the_browser_summary_is_checked_and_junk_is_dropped() -> None:
    summary = summary_from_browser(
        {
            "raises": [
                {"at_s": 1.234, "size": 1.0, "on_beat": True},
                {"at_s": "x", "size": 1},
                {"at_s": float("nan"), "size": 1},
                "nonsense",
            ],
            "proposed_stop": "short",
            "counted": 1,
        }
    )
    assert summary is not None
    assert summary.raises == (RaiseSummary(1.23, 1.0, True),)
    assert summary.proposed_stop is StopReason.SHORT and summary.counted == 1
    assert summary_from_browser("no") is None
    assert summary_from_browser({"proposed_stop": "jump"}).proposed_stop is None  # type: ignore[union-attr]


def test_a_malformed_summary_keeps_nothing_it_cannot_trust() -> None:
    summary = summary_from_browser(
        {
            "raises": [
                {"at_s": -1.0, "size": 1.0, "on_beat": True},  # before the count started
                {"at_s": 2.0, "size": 1e9, "on_beat": True},  # no raise is a billion times the first ones
                {"at_s": 3.0, "size": True, "on_beat": True},  # a flag is not a size
                {"at_s": 4.0, "size": 0.3, "on_beat": "yes"},  # only true is on the beat
                {"at_s": 5.0, "size": 0.95, "on_beat": True, "counted": False},  # the counter's own word stands
            ],
            "counted": True,  # not a count
            "problems": "not a list",
        }
    )
    assert summary is not None
    assert summary.raises == (RaiseSummary(4.0, 0.3, False, False), RaiseSummary(5.0, 0.95, True, False))
    assert summary.counted == 0 and summary.problems == ()
    flood = summary_from_browser({"raises": [{"at_s": 1.0, "size": 1.0, "on_beat": True}] * (MAX_RAISES_KEPT + 50)})
    assert flood is not None and len(flood.raises) == MAX_RAISES_KEPT
    assert summary_from_browser({"raises": "many"}) == MotionSummary()


def test_the_confirm_screen_says_why_the_motion_saw_more_raises_than_count() -> None:
    raises = (
        RaiseSummary(2.0, 1.0, True),
        RaiseSummary(4.0, 0.9, True),
        RaiseSummary(6.0, 0.9, False, False),  # off the beat
        RaiseSummary(8.0, 0.4, True, False),  # well short
        RaiseSummary(10.0, 0.3, True, False),  # well short
    )
    text = seen_and_counted(MotionSummary(raises=raises, counted=2))
    assert text.startswith("The motion saw 5 raises and 2 of them count for the test:")
    assert "1 was off the beat and 2 were well short of your first raises" in text
    assert "after your first 3, which set your own size, it must also reach 50% of that size" in text
    assert seen_and_counted(MotionSummary(raises=raises[:2], counted=2)) == ""  # nothing to explain


def test_marks_are_stored_and_read_back_as_the_chart_raises_they_came_from() -> None:
    raises = (RaiseSummary(1.02, 1.0, True), RaiseSummary(3.5, 0.42, True, False))
    marks = marks_from_summary(MotionSummary(raises=raises, counted=1), Knee.STRAIGHT, Side.RIGHT)
    assert [(m.number, m.at_ms, m.leg, m.knee) for m in marks] == [
        (1, 1020, Side.RIGHT, Knee.STRAIGHT),
        (2, 3500, Side.RIGHT, Knee.STRAIGHT),
    ]
    assert summary_of_marks(list(reversed(marks))) == raises


def test_how_the_counts_were_made_in_words() -> None:
    both = {MotionCount.STRAIGHT_LEFT, MotionCount.STRAIGHT_RIGHT}
    assert counted_by_words(both) == "Counted by motion (left and right legs, knee straight)."
    assert counted_by_words([MotionCount.BENT_RIGHT]) == "Counted by motion (right leg, knee bent)."
    assert counted_by_words([]) == ""
    assert counted_by_words(
        [], marks_from_summary(MotionSummary(raises=(RaiseSummary(1.0, 1.0, True),)), Knee.BENT, Side.LEFT)
    ) == ("Left leg, knee bent: the motion's count changed by hand.")
    right_marks = marks_from_summary(MotionSummary(raises=(RaiseSummary(1.0, 1.0, True),)), Knee.STRAIGHT, Side.RIGHT)
    assert counted_by_words([MotionCount.STRAIGHT_LEFT], right_marks) == (
        "Counted by motion (left leg, knee straight); right leg, knee straight: the motion's count changed by hand."
    )


def test_a_count_changed_in_the_form_is_the_runners_own() -> None:
    from tests.unit.helpers import heel_test

    handed = {MotionCount.STRAIGHT_LEFT: 18, MotionCount.STRAIGHT_RIGHT: 21}
    assert still_by_motion(handed, heel_test(18, 21)) == set(handed)
    assert still_by_motion(handed, heel_test(18, 22)) == {MotionCount.STRAIGHT_LEFT}
    assert still_by_motion({MotionCount.BENT_LEFT: 9}, heel_test(18, 21)) == frozenset()  # no bent count at all
    assert heel_test(18, 21, bent_reps=LegPair(9, None)).count(MotionCount.BENT_LEFT) == 9
    marks = marks_from_summary(MotionSummary(raises=(RaiseSummary(1.0, 1.0, True),)), Knee.STRAIGHT, Side.LEFT)
    stored = heel_test(18, 21, counted_by_motion=frozenset(handed), raise_marks=marks)
    corrected = corrected_by_hand(stored, heel_test(19, 21))  # History: the left count corrected
    assert corrected.counted_by_motion == {MotionCount.STRAIGHT_RIGHT} and corrected.raise_marks == marks


def test_the_fatigue_chart_has_a_sentence_that_says_relative_not_height() -> None:
    raises = [RaiseSummary(2.0, 1.0, True), RaiseSummary(4.0, 0.9, True), RaiseSummary(6.0, 0.4, False)]
    text = fatigue_sentence(raises)
    assert "3 raises" in text and "2 of them on the beat" in text and "not a height" in text
    assert "No raises" in fatigue_sentence([])


def test_a_trace_reads_back_as_it_was_written() -> None:
    text = trace_csv({"cadence_bpm": 60, "name": "x"}, [(0.0, 0.1, 9.8, 0.2), (16.7, 0.1, 9.7, 0.3)])
    meta, rows = read_trace(text)
    assert meta["cadence_bpm"] == "60" and rows[1] == (16.7, 0.1, 9.7, 0.3)
    with pytest.raises(ValueError):
        read_trace("a,b\n1,2\n")


def _raises(tops: list[float], heights: list[float]) -> list[Raise]:
    return [Raise(t, h, 600, 0, 600) for t, h in zip(tops, heights, strict=True)]


def test_the_truth_stops_at_the_second_short_raise_and_counts_the_good_ones() -> None:
    params = motion_parameters(60)
    tops = [1000 + 2000 * i for i in range(8)]  # first up-beat at 0, tops on the down-beats
    heights = [0.09] * 5 + [0.04, 0.03, 0.03]
    count, stop, reason, _ = truth(params, _raises(tops, heights), 0.0, 500.0)
    assert (count, stop, reason) == (5, tops[6], "short")


def test_the_truth_forgives_one_late_raise_but_not_two() -> None:
    params = motion_parameters(60)
    tops = [1000 + 2000 * i for i in range(8)]
    late_once = [*tops[:4], tops[4] + 600, *tops[5:]]
    count, stop, reason, _ = truth(params, _raises(late_once, [0.09] * 8), 0.0, 500.0)
    assert count == 7 and reason == "still"  # the late raise is not counted; the stop is when movement ends
    late_twice = [*tops[:4], tops[4] + 600, tops[5] + 900, *tops[6:]]
    count, stop, reason, _ = truth(params, _raises(late_twice, [0.09] * 8), 0.0, 500.0)
    assert (count, stop, reason) == (4, late_twice[5], "pace")


def test_the_library_is_seeded_and_round_trips_through_its_csv() -> None:
    one, again = raise_trace(3, "short"), raise_trace(3, "short")
    assert one.samples == again.samples and one.true_count == again.true_count
    back = trace_from_csv(one.csv())
    assert back.true_count == one.true_count and back.cadence_bpm == 60
    assert back.true_stop_ms == pytest.approx(one.true_stop_ms, abs=0.1)
    assert len(back.samples) == len(one.samples)
    rates = {round(1000 / (b[0] - a[0])) for a, b in zip(one.samples, one.samples[1:], strict=False)}
    assert max(rates) < 200  # sampled as a phone would, not on the model's grid
    zero = zero_trace(1, "tapping")
    assert zero.zero and zero.true_count == 0 and zero.true_stop_ms is None
