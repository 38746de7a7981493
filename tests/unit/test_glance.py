"""calfcore.glance: each leg's one short line under the per-leg bars, their rows and the picture's text alternative.

The words decide as the score does: a man of 45 on the standard protocol has the typical range 20–36 (issue 22), so
20 and 36 are "in the typical range", 19 "below" and 37 "above"; a count of 30 is "at the runner target".
"""

from __future__ import annotations

import math

import pytest

from calfcore.glance import glance_frame, glance_text, leg_line, leg_lines, target_phrase
from calfcore.models import Sex, Side
from calfcore.scoring import score_test
from tests.unit.helpers import heel_test, runner

MAN_OF_45 = runner(Sex.MALE, 45)


def lines(left: int, right: int, who=MAN_OF_45) -> tuple[str, str]:
    return leg_lines(score_test(heel_test(left, right), who))


def test_the_line_reads_as_the_issue_asks() -> None:
    left, right = lines(18, 26)
    assert left == "Left 18: under the runner target of 30; below the typical range for men aged 40–49"
    assert right == "Right 26: under the runner target of 30; in the typical range for men aged 40–49"


@pytest.mark.parametrize(
    ("reps", "words"),
    [
        (19, "below the typical range"),
        (20, "in the typical range"),  # the lower edge is inside the range 20–36
        (36, "in the typical range"),  # and so is the upper one
        (37, "above the typical range"),
    ],
)
def test_at_a_band_edge_the_words_agree_with_the_range(reps: int, words: str) -> None:
    score = score_test(heel_test(reps, 28), MAN_OF_45)
    typical = score.legs[0].reference.typical
    assert (typical.low, typical.high) == (20, 36)
    assert leg_line(score.legs[0]).endswith(f"; {words} for men aged 40–49")
    assert typical.contains(reps) == (words == "in the typical range")
    row = glance_frame(score).iloc[0]
    assert (row["typical_low"], row["typical_high"], row["typical"]) == (20, 36, "20–36")  # the band drawn


def test_well_below_is_named() -> None:
    assert lines(8, 28)[0].endswith("well below the typical range for men aged 40–49")


@pytest.mark.parametrize(
    ("reps", "words"),
    [
        (29, "under the runner target of 30"),
        (30, "at the runner target of 30"),
        (31, "over the runner target of 30"),
    ],
)
def test_the_target_words(reps: int, words: str) -> None:
    assert target_phrase(reps) == words
    assert f"Right {reps}: {words};" in lines(20, reps)[1]


def test_a_leg_without_a_reference_gets_no_band_and_says_so() -> None:
    score = score_test(heel_test(25, 26), runner(Sex.MALE, 16))
    for line in leg_lines(score):
        assert "no typical range (no published reference fits this test)" in line
        assert "in the typical range" not in line and "below the typical" not in line
    frame = glance_frame(score)
    assert frame["typical_low"].map(math.isnan).all() and set(frame["typical"]) == {"none"}
    text = glance_text(score)
    assert "No typical range shown: no published reference fits this test." in text
    assert "Shaded" not in text


def test_rows_name_the_injured_leg_and_carry_the_other_leg() -> None:
    score = score_test(heel_test(18, 26), MAN_OF_45)
    frame = glance_frame(score, Side.LEFT)
    assert list(frame["leg"]) == ["Left (injured)", "Right"]
    assert list(frame["reps"]) == [18, 26] and list(frame["other_reps"]) == [26, 18]
    assert set(frame["target"]) == {30}


def test_the_text_alternative_states_every_count_the_range_and_the_target() -> None:
    text = glance_text(score_test(heel_test(18, 26), MAN_OF_45))
    assert text.startswith("At a glance, raises per leg (knee straight): left 18, right 26.")
    assert "Shaded: the typical range, 20–36 raises for men aged 40–49." in text
    assert "Dashed line: the runner target of 30." in text
    assert "Left 18: under the runner target of 30; below the typical range for men aged 40–49." in text
