"""calfcore.calendar_feed: the runner's calendar (this week's training days and the next retest as all-day events, no health words)."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from calfcore.calendar_feed import (
    RETEST_SUMMARY,
    TRAINING_SUMMARY,
    build_feed,
    coming_training_days,
    days_held,
    retest_day,
    training_days,
)
from calfcore.routine import exercise_library
from tests.unit.helpers import TODAY

MONDAY = TODAY  # 16 June 2025


MONDAY = TODAY  # 16 June 2025
NOW = dt.datetime(2025, 6, 16, 9, 30)
HEALTH_WORDS = (
    "pain",
    "injur",
    "achilles",
    "calf raise",
    "heel",
    "tendon",
    "stage",
    "hop",
    "incline",
    "ill",
    "symptom",
    "rehab",
    "physio",
)


def _events(feed: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(feed).walk("VEVENT")


def test_training_days_spread_over_the_week_and_skip_days_away() -> None:
    assert training_days(MONDAY + dt.timedelta(days=3), 3) == [
        MONDAY,
        MONDAY + dt.timedelta(days=2),
        MONDAY + dt.timedelta(days=4),
    ]
    assert training_days(MONDAY, 2) == [MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=4)]
    assert training_days(MONDAY, 3, away={MONDAY + dt.timedelta(days=2)}) == [MONDAY, MONDAY + dt.timedelta(days=4)]


def test_the_feed_has_the_weeks_training_and_the_retest_as_all_day_events_without_health_words() -> None:
    days = training_days(MONDAY, 3)
    feed = build_feed(
        "feed7",
        days,
        MONDAY + dt.timedelta(days=14),
        NOW,
        exercise_names=["Single-leg calf raise"],
        retest_protocol="10° incline, 60 beats/min, not cued; knee straight",
    )
    calendar = icalendar.Calendar.from_ical(feed)
    assert str(calendar["VERSION"]) == "2.0"
    events = _events(feed)
    assert [(str(e["SUMMARY"]), e["DTSTART"].dt) for e in events] == [
        *((TRAINING_SUMMARY, day) for day in days),
        (RETEST_SUMMARY, MONDAY + dt.timedelta(days=14)),
    ]
    for event in events:
        # A date, not a time: the same day in every time zone; the stamp is UTC.
        assert type(event["DTSTART"].dt) is dt.date and type(event["DTEND"].dt) is dt.date
        assert event["DTEND"].dt - event["DTSTART"].dt == dt.timedelta(days=1)
        assert event["DTSTAMP"].dt == NOW.replace(tzinfo=dt.UTC)
        assert "DESCRIPTION" not in event
    text = feed.decode().lower()
    for word in HEALTH_WORDS:
        assert word not in text, word
    for exercise in exercise_library().values():
        assert exercise.name.lower() not in text
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_exercise_names_only_when_the_runner_chooses() -> None:
    feed = build_feed(
        "feed7",
        training_days(MONDAY, 3),
        MONDAY,
        NOW,
        show_exercise_names=True,
        exercise_names=["Single-leg calf raise", "Seated calf raise"],
        retest_protocol="10° incline, 60 beats/min, not cued; knee straight",
    )
    training, *_, retest = _events(feed)
    assert str(training["DESCRIPTION"]) == "This week: Single-leg calf raise, Seated calf raise"
    assert "10° incline" in str(retest["DESCRIPTION"])


def test_the_same_feed_keeps_its_event_ids_between_fetches() -> None:
    first = build_feed("feed7", training_days(MONDAY, 3), MONDAY, NOW)
    again = build_feed("feed7", training_days(MONDAY, 3), MONDAY, NOW + dt.timedelta(hours=5))
    assert [str(e["UID"]) for e in _events(first)] == [str(e["UID"]) for e in _events(again)]


# -- the calendar looks ahead (issue 24) --------------------------------------------------------------------------

WEEKDAY = {
    name: MONDAY + dt.timedelta(days=offset) for offset, name in enumerate("Mon Tue Wed Thu Fri Sat Sun".split())
}
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("Mon", [WEEKDAY["Mon"], WEEKDAY["Wed"], WEEKDAY["Fri"]]),  # a session today counts as still ahead
        ("Tue", [WEEKDAY["Wed"], WEEKDAY["Fri"]]),
        ("Wed", [WEEKDAY["Wed"], WEEKDAY["Fri"]]),
        ("Thu", [WEEKDAY["Fri"]]),
        ("Fri", [WEEKDAY["Fri"]]),
        ("Sat", [NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=2), NEXT_MONDAY + dt.timedelta(days=4)]),
        ("Sun", [NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=2), NEXT_MONDAY + dt.timedelta(days=4)]),
    ],
)
def test_the_calendar_holds_the_sessions_still_ahead_on_every_weekday(today: str, expected: list[dt.date]) -> None:
    # Three sessions a week fall on Monday, Wednesday and Friday: none of them is ever in the past.
    days = coming_training_days(WEEKDAY[today], 3)
    assert days == expected
    assert all(day >= WEEKDAY[today] for day in days)


def test_days_away_that_empty_the_rest_of_the_week_move_it_to_next_week() -> None:
    assert coming_training_days(WEEKDAY["Thu"], 3, away={WEEKDAY["Fri"]}) == [
        NEXT_MONDAY,
        NEXT_MONDAY + dt.timedelta(days=2),
        NEXT_MONDAY + dt.timedelta(days=4),
    ]


def test_the_download_says_which_days_it_holds() -> None:
    days = coming_training_days(WEEKDAY["Sat"], 3)
    assert days_held(days, NEXT_MONDAY + dt.timedelta(days=14)) == "Mon 23, Wed 25, Fri 27 Jun and the retest on 7 Jul"
    assert days_held([], None) == "no training days"
    # An overdue retest goes on today, never on a day already past.
    assert retest_day(WEEKDAY["Mon"], WEEKDAY["Sat"]) == WEEKDAY["Sat"]
    assert retest_day(NEXT_MONDAY, WEEKDAY["Sat"]) == NEXT_MONDAY
    month_end = [dt.date(2026, 11, 30), dt.date(2026, 12, 2), dt.date(2026, 12, 4)]
    assert days_held(month_end, None) == "Mon 30 Nov, Wed 2, Fri 4 Dec"
