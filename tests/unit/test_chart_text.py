"""calfcore.chart_text: each chart's text alternative and table, the same facts a sighted reader gets from it."""

from __future__ import annotations

import datetime as dt

from calfcore import chart_text, progress
from calfcore.demo import demo_data

TODAY = dt.date(2026, 6, 15)


def test_the_raises_text_and_table_carry_every_test_of_each_leg() -> None:
    demo = demo_data(TODAY)
    tests = [test for test, _ in demo.tests]
    frame = progress.reps_frame(tests, demo.runner)
    text = chart_text.reps_text(frame, "straight")
    table = chart_text.reps_table(frame, "straight")
    assert "left" in text.lower() and "right" in text.lower()
    assert len(table) == 2 * len(tests)  # a row per test and leg
    latest = max(tests, key=lambda t: t.tested_on)
    assert str(int(latest.straight_reps.left)) in text


def test_empty_charts_say_so_in_words() -> None:
    empty = progress.reps_frame([], demo_data(TODAY).runner)
    assert chart_text.reps_text(empty, "straight")
    assert chart_text.reps_table(empty, "straight").empty


def test_two_tests_on_one_day_read_in_the_order_they_were_saved() -> None:
    """A runner who retests the same day (a warm-up test, then the real one): the later one is the latest in the
    sentence, and comes first in the newest-first tables, on every rebuild. The rows are sorted in Python (issue 25);
    pandas' sort left rows of one day in no promised order."""
    from tests.unit.helpers import heel_test, runner

    first, second = heel_test(20, 26, day=TODAY), heel_test(24, 25, day=TODAY)
    earlier = heel_test(18, 22, day=TODAY - dt.timedelta(days=7))
    tests = [earlier, first, second]  # as the store returns them: by day, then as saved
    profile = runner()
    frame = progress.reps_frame(tests, profile)
    text = chart_text.reps_text(frame, "straight")
    assert "left leg 18 to 24, right leg 22 to 25 (first to latest)" in text
    assert "3 tests from" in text  # two tests of one day are two tests (the sentence said "2": it counted days)
    table = chart_text.reps_table(frame, "straight")
    assert table[["Leg", "Raises"]].head(4).values.tolist() == [
        ["left", 24],
        ["left", 20],
        ["right", 25],
        ["right", 26],
    ]
    symmetry = chart_text.symmetry_table(progress.symmetry_frame(tests, profile))
    assert symmetry["Symmetry (%)"].tolist() == ["96.0", "76.9", "81.8"]  # newest first, within the day as well
    assert "knee straight 82% to 96% (first to latest)" in chart_text.symmetry_text(
        progress.symmetry_frame(tests, profile)
    )
    assert "3 tests from" in chart_text.symmetry_text(progress.symmetry_frame(tests, profile))


def test_the_number_of_tests_counts_tests_not_days_at_one_two_and_three() -> None:
    """What the Record page now writes above its chart: one test, a second the same day, a third a week on. The
    sentence's count and its first-to-latest figures agree, and one test's figures aren't called "first to latest";
    pain (a chart of days) still counts days."""
    from tests.unit.helpers import heel_test, runner

    profile = runner()
    one = [heel_test(20, 24, day=TODAY)]
    two = [*one, heel_test(22, 25, day=TODAY)]
    three = [heel_test(18, 22, day=TODAY - dt.timedelta(days=7)), *two]
    cases = [  # "first to latest" only where there are two figures to go from and to
        (one, "1 test on 15 Jun 2026: left leg 20, right leg 24. Typical band"),
        (two, "2 tests on 15 Jun 2026: left leg 20 to 22, right leg 24 to 25 (first to latest)."),
        (three, "3 tests from 8 Jun 2026 to 15 Jun 2026: left leg 18 to 22, right leg 22 to 25 (first to latest)."),
    ]
    for tests, words in cases:
        text = chart_text.reps_text(progress.reps_frame(tests, profile), "straight")
        assert words in text, text
        assert f"{len(tests)} test" in chart_text.symmetry_text(progress.symmetry_frame(tests, profile))


def test_the_symmetry_table_shows_one_decimal_that_never_lands_on_the_90_percent_line() -> None:
    """At the line, one each side, and a figure that one decimal would round onto it. The table's figures are text:
    as floats, st.table printed four decimals ("88.9000") beside the line."""
    from tests.unit.helpers import heel_test, runner

    days = [TODAY - dt.timedelta(days=n) for n in (3, 2, 1)]
    tests = [heel_test(left, 30, day=day) for left, day in zip((26, 27, 28), days, strict=True)]
    frame = progress.symmetry_frame(tests, runner())
    assert chart_text.symmetry_table(frame)["Symmetry (%)"].tolist() == ["93.3", "90.0", "86.7"]
    edge = frame.assign(symmetry_percent=[89.996, 89.96, 90.04])  # oldest first; the table is newest first
    assert chart_text.symmetry_table(edge)["Symmetry (%)"].tolist() == ["90.0", "89.96", "just under 90%"]
