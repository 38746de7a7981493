"""A coach's comment and notes are validated like every other text (calfcore.validation), and the squad chart has
words for anyone who can't see it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from calfcore.chart_text import squad_text
from calfcore.coaching import MAX_COMMENT_LENGTH, MAX_NOTE_LENGTH, RosterEntry
from calfcore.validation import InputErrors, parse_comment


def test_a_comment_is_trimmed_plain_text_of_limited_length() -> None:
    assert parse_comment("  Good work.\nKeep going.  ") == "Good work.\nKeep going."
    assert parse_comment("x" * MAX_COMMENT_LENGTH) == "x" * MAX_COMMENT_LENGTH
    for bad, words in (
        ("", "empty"),
        ("   ", "empty"),
        ("x" * (MAX_COMMENT_LENGTH + 1), "too long"),
        ("<script>alert(1)</script>", "HTML"),
        ("=HYPERLINK(1)", "formula"),
        ("a\u202eb", "control character"),
        (None, "empty"),
    ):
        with pytest.raises(InputErrors) as problem:
            parse_comment(bad)
        assert words in problem.value.errors["comment"], (bad, problem.value.errors)


def test_notes_may_be_emptied_and_are_longer() -> None:
    assert parse_comment("  ", "Your notes", MAX_NOTE_LENGTH, required=False) == ""
    assert parse_comment("n" * MAX_NOTE_LENGTH, "Your notes", MAX_NOTE_LENGTH, required=False)
    with pytest.raises(InputErrors):
        parse_comment("n" * (MAX_NOTE_LENGTH + 1), "Your notes", MAX_NOTE_LENGTH, required=False)


def test_the_squad_chart_in_words_names_who_is_below_each_line() -> None:
    frame = pd.DataFrame({"runner": ["Ann", "Bob"], "weaker_raises": [31, 18], "symmetry_percent": [94.0, 72.0]})
    text = squad_text(frame)
    assert "2 runners" in text and "18 to 31" in text
    assert "Under 90% symmetry: Bob." in text and "Under the runner target of 30: Bob." in text
    assert "nobody" in squad_text(frame.iloc[:1])
    assert "no runner" in squad_text(frame.iloc[0:0])


def test_only_a_live_roster_entry_names_the_runner_it_opens() -> None:
    added = dt.datetime(2026, 1, 1, 9, 0)
    live = RosterEntry(1, 2, "Coach Sam", added, live=True, runner_id=7, runner_owner="ann")
    assert live.live_runner_id == 7
    ended = RosterEntry(1, 2, "Coach Sam", added, live=False, runner_id=7, runner_owner="ann")
    assert ended.live_runner_id is None  # even if a runner id were still at hand, an ended link opens nothing
    assert RosterEntry(1, 2, "Coach Sam", added, live=False).live_runner_id is None
