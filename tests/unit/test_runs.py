"""Runs' rules at their edges: a run's checks, the same run twice, weekly volume on the dashboard's weeks, the jump
flag (exactly 30% is no jump, 30.1% is), and next-morning pain that rose with the running."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from calfcore.models import Run, RunSource, Side, SymptomEntry
from calfcore.runs import (
    is_jump,
    jump_weeks,
    latest_jump,
    new_runs,
    pain_rose_with_volume,
    parse_hand_run,
    same_run,
    weekly_volume,
)
from calfcore.thresholds import RUNNING_JUMP_PERCENT
from calfcore.validation import InputErrors

TODAY = dt.date(2025, 6, 18)  # a Wednesday: this week began on Monday 16 June
MONDAY = dt.date(2025, 6, 16)
START = dt.datetime(2025, 6, 14, 7, 0, 0)


def run(day: dt.date, km: float | None, minutes: int | None = None, start: dt.datetime | None = None) -> Run:
    return Run(day, km, minutes * 60 if minutes else None, None, start, RunSource.FIT if start else RunSource.HAND)


def weeks_of(*km: float) -> list[Run]:
    """One run a week, the last in this week: km of the oldest week first."""
    first = MONDAY - dt.timedelta(weeks=len(km) - 1)
    return [run(first + dt.timedelta(weeks=index), value) for index, value in enumerate(km) if value]


# -- the threshold and its source ------------------------------------------------------------------------------------


def test_the_jump_threshold_is_nielsen_2014_read_second_hand() -> None:
    assert RUNNING_JUMP_PERCENT.value == 30
    assert RUNNING_JUMP_PERCENT.source.short == "Nielsen et al. 2014"
    assert RUNNING_JUMP_PERCENT.source.tag == "READ-SECONDARY"


@pytest.mark.parametrize(
    ("previous", "this", "jump"),
    [
        (10, 13, False),  # exactly 30%: not a jump
        (10, 13.01, True),  # 30.1%
        (24, 31.2, False),  # exactly 30% again, where floating point makes 24 * 1.3 a hair more
        (20, 26, False),
        (0, 40, False),  # after a week without running: nothing to compare
        (10, 5, False),
    ],
)
def test_a_jump_is_more_than_30_percent_over_the_week_before(previous: float, this: float, jump: bool) -> None:
    assert is_jump(previous, this) is jump


# -- a run typed by hand -------------------------------------------------------------------------------------------


def test_a_hand_run_needs_a_distance_or_a_time_and_a_day_that_has_come() -> None:
    assert parse_hand_run(TODAY, 8.0, None, TODAY).distance_km == 8.0
    assert parse_hand_run(TODAY, None, 42.5, TODAY).moving_seconds == 2550
    with pytest.raises(InputErrors) as neither:
        parse_hand_run(TODAY, None, None, TODAY)
    assert "distance" in neither.value.errors
    with pytest.raises(InputErrors) as future:
        parse_hand_run(TODAY + dt.timedelta(days=1), 5.0, None, TODAY)
    assert "future" in future.value.errors["date"]
    for km, minutes in ((0.0, None), (-3.0, None), (401.0, None), (float("nan"), None), (None, 0.0), (5.0, 73 * 60)):
        with pytest.raises(InputErrors):
            parse_hand_run(TODAY, km, minutes, TODAY)


# -- the same run twice --------------------------------------------------------------------------------------------


def test_the_same_run_starts_within_a_minute_and_measures_within_2_percent() -> None:
    a = run(START.date(), 10.0, 50, START)
    assert same_run(a, dataclasses.replace(a, started_at=START + dt.timedelta(seconds=60), distance_km=10.2))
    assert not same_run(a, dataclasses.replace(a, started_at=START + dt.timedelta(seconds=61)))
    assert not same_run(a, dataclasses.replace(a, distance_km=10.21))  # 10.21 is 2.06% above 10: another run
    assert same_run(dataclasses.replace(a, distance_km=None), dataclasses.replace(a, distance_km=None))
    assert not same_run(a, dataclasses.replace(a, distance_km=None))
    by_hand = run(START.date(), 10.0)
    assert not same_run(by_hand, by_hand)  # no start time: two runs typed on one day are two runs


def test_new_runs_leaves_out_stored_runs_and_copies_within_the_import() -> None:
    a = run(START.date(), 10.0, 50, START)
    b = run(START.date(), 5.0, 25, START + dt.timedelta(hours=8))
    copy = dataclasses.replace(a, started_at=START + dt.timedelta(seconds=30), distance_km=10.1)
    kept, skipped = new_runs([a], [copy, b, dataclasses.replace(b)])
    assert kept == [b] and skipped == 2
    assert new_runs([], []) == ([], 0)


# -- weekly volume -------------------------------------------------------------------------------------------------


def test_weekly_volume_uses_the_dashboards_weeks_and_counts_empty_weeks_as_zero() -> None:
    runs = [run(MONDAY, 5.0, 30), run(TODAY, 7.5, 45), run(MONDAY - dt.timedelta(days=8), 12.0, 70)]
    weekly = weekly_volume(runs, TODAY, weeks=3)
    assert [ts.date() for ts in weekly["week_start"]] == [MONDAY - dt.timedelta(weeks=w) for w in (2, 1, 0)]
    assert list(weekly["runs"]) == [1, 0, 2]
    assert list(weekly["distance_km"]) == [12.0, 0.0, 12.5]
    assert list(weekly["minutes"]) == [70.0, 0.0, 75.0]


def test_weekly_volume_of_no_runs_is_a_row_of_zeros_per_week() -> None:
    weekly = weekly_volume([], TODAY, weeks=4)
    assert len(weekly) == 4 and weekly["distance_km"].sum() == 0
    assert len(weekly_volume([], TODAY, weeks=None)) == 1  # everything: this week alone


def test_weekly_volume_everything_starts_at_the_first_run_and_ignores_future_days() -> None:
    runs = [run(MONDAY - dt.timedelta(weeks=5), 3.0), run(TODAY + dt.timedelta(days=14), 9.0)]
    weekly = weekly_volume(runs, TODAY, weeks=None)
    assert len(weekly) == 6 and weekly["distance_km"].sum() == 3.0


# -- the jump flag ---------------------------------------------------------------------------------------------------


def test_the_flag_says_what_rose_by_how_much_as_information() -> None:
    jump = latest_jump(weekly_volume(weeks_of(20, 24, 38), TODAY), TODAY)
    assert jump is not None and jump.week_start == MONDAY
    sentence = jump.sentence(TODAY)
    assert "from 24 to 38 km this week (+58%)" in sentence
    assert "more than 30%" in sentence and "watch" in sentence
    assert not any(order in sentence.lower() for order in ("you must", "stop", "should"))


# The word (a jump: more than 30%) and the figures beside it never contradict: a rise that would round onto 30%
# gets a decimal more ("+30.4%", never "+30%"), or "just over 30%" where even that would read 30.0%; the distances
# get decimals where whole kilometres would show no jump (13 after 10 is exactly 30%).
@pytest.mark.parametrize(
    ("previous", "this", "shown"),
    [
        (10, 12.96, None),  # just below: no flag, nothing said
        (10, 13, None),  # exactly 30%: no flag
        (10, 13.01, "from 10.00 to 13.01 km this week (+30.1%)"),  # just above
        (10, 13.04, "from 10.00 to 13.04 km this week (+30.4%)"),  # rounds onto 30% as a whole figure
        (10, 13.004, "from 10.00 to 13.00 km this week (just over 30%)"),  # rounds onto 30.0% even with a decimal
        (10, 13.06, "from 10.0 to 13.1 km this week (+31%)"),  # 30.6% rounds to 31%: above the line, clear
        (24, 38, "from 24 to 38 km this week (+58%)"),  # far from the line: whole figures
        (24, 31.3, "from 24.0 to 31.3 km this week (+30.4%)"),  # 24 to 31 km would be +29%
    ],
)
def test_the_flags_figures_agree_with_the_word_at_the_30_percent_line(previous, this, shown) -> None:
    jump = latest_jump(weekly_volume(weeks_of(previous, this), TODAY), TODAY)
    if shown is None:
        assert jump is None and not is_jump(previous, this)
        return
    assert jump is not None and shown in jump.sentence(TODAY) and shown in jump.about_the_runner(TODAY)
    figure = re.search(r"\(\+([\d.]+)%\)", jump.sentence(TODAY))
    assert figure is None or float(figure.group(1)) > RUNNING_JUMP_PERCENT.value  # never "+30%" for a jump
    before, after = (float(v) for v in re.search(r"from ([\d.]+) to ([\d.]+) km", shown).groups())
    assert (after - before) * 100 >= RUNNING_JUMP_PERCENT.value * before  # the km shown don't say "no jump"


def test_no_flag_in_the_first_weeks_without_history_or_after_a_week_off() -> None:
    assert latest_jump(weekly_volume(weeks_of(30), TODAY), TODAY) is None
    assert latest_jump(weekly_volume(weeks_of(30, 0, 40), TODAY), TODAY) is None
    assert latest_jump(weekly_volume([], TODAY), TODAY) is None


def test_a_jump_last_week_still_shows_one_two_weeks_ago_does_not() -> None:
    last_week = latest_jump(weekly_volume(weeks_of(10, 20, 20), TODAY), TODAY)
    assert last_week is not None and "in the week of 09 Jun" in last_week.sentence(TODAY)
    assert latest_jump(weekly_volume(weeks_of(10, 20, 20, 20), TODAY), TODAY) is None


def test_jump_weeks_marks_each_week_over_the_one_before() -> None:
    assert jump_weeks(weekly_volume(weeks_of(10, 13, 17, 0, 5), TODAY, weeks=5)) == [False, False, True, False, False]


# -- next-morning pain with the running ------------------------------------------------------------------------------


def pain(day: dt.date, morning: int) -> SymptomEntry:
    return SymptomEntry(day, Side.LEFT, None, morning, None)


def test_next_morning_pain_that_rose_in_a_week_whose_running_rose_is_flagged() -> None:
    symptoms = [pain(MONDAY - dt.timedelta(days=5), 2), pain(TODAY, 4)]
    found = pain_rose_with_volume(weeks_of(20, 26), symptoms, TODAY)
    assert found is not None and (found.previous_pain, found.this_pain) == (2, 4)
    assert "from 2 to 4/10" in found.sentence


def test_pain_alone_or_running_alone_or_a_rise_within_the_safe_zone_is_not_flagged() -> None:
    rising = [pain(MONDAY - dt.timedelta(days=5), 2), pain(TODAY, 4)]
    assert pain_rose_with_volume(weeks_of(26, 20), rising, TODAY) is None  # running fell
    steady = [pain(MONDAY - dt.timedelta(days=5), 4), pain(TODAY, 4)]
    assert pain_rose_with_volume(weeks_of(20, 26), steady, TODAY) is None
    safe = [pain(MONDAY - dt.timedelta(days=5), 1), pain(TODAY, 2)]
    assert pain_rose_with_volume(weeks_of(20, 26), safe, TODAY) is None
    assert pain_rose_with_volume(weeks_of(20, 26), [pain(TODAY, 6)], TODAY) is None  # no week before to compare
    assert pain_rose_with_volume([], [], TODAY) is None


def test_time_counts_for_runs_without_a_distance() -> None:
    runs = [run(MONDAY - dt.timedelta(days=5), None, 40), run(TODAY, None, 60)]
    rising = [pain(MONDAY - dt.timedelta(days=5), 3), pain(TODAY, 5)]
    assert pain_rose_with_volume(runs, rising, TODAY) is not None
