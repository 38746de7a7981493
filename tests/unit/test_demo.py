"""calfcore.demo: the made-up demo runner, the same on every load, marked as a demo and valid as real records."""

from __future__ import annotations

import datetime as dt

from calfcore.demo import DEMO_WEEKS, demo_data

TODAY = dt.date(2026, 6, 15)


def test_the_demo_is_the_same_on_every_load_and_marked() -> None:
    assert demo_data(TODAY) == demo_data(TODAY)
    assert demo_data(TODAY).runner.is_demo


def test_the_demo_covers_its_weeks_up_to_today_with_a_symptom_per_leg_per_test() -> None:
    demo = demo_data(TODAY)
    days = [test.tested_on for test, _ in demo.tests]
    assert max(days) <= TODAY and min(days) >= TODAY - dt.timedelta(weeks=DEMO_WEEKS)
    assert all({entry.side for entry in entries} == {"left", "right"} for _, entries in demo.tests)
    assert demo.routine_logs
