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
