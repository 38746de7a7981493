"""Warning signs that last: a sign ticked in the daily check-in stands until it is cleared.

A warning sign (data/red_flags.toml) ticked in a daily check-in is stored with the check-in's date. It stands, and
the clinician message (calfcore.triage) replaces the routine, the retest and the training days everywhere, until:

- a heel-raise test without a warning sign on a LATER day (a test the same day may have come before the tick, so it
  does not clear it), or
- the runner records that a clinician has seen them, dated the day of the tick or later (an all-clear dated before
  the tick was about something else).

A tick the runner marked as a mistake counts for nothing. The app informs and never diagnoses: it neither weighs the
signs nor decides they are gone; a clean test or a clinician does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from calfcore.models import CheckinWarning, ClinicianAllClear, HeelRaiseTest, RunnerRecords
from calfcore.triage import Triage, triage

UNTIL_WORDS = (
    "It stays until a heel-raise test without warning signs on a later day, or until a clinician's all-clear is "
    "recorded."
)


@dataclass(frozen=True)
class ActiveWarning:
    """The check-in warning signs still standing (oldest first) and the one message they give."""

    standing: tuple[CheckinWarning, ...]
    triage: Triage

    @property
    def flagged_on(self) -> dt.date:
        """The day of the latest tick still standing."""
        return self.standing[-1].flagged_on

    @property
    def since(self) -> dt.date:
        """The day of the first tick still standing."""
        return self.standing[0].flagged_on

    @property
    def message(self) -> str:
        return self.triage.message

    @property
    def flag_ids(self) -> frozenset[str]:
        return frozenset(flag.id for flag in self.triage.flags)

    def reported(self) -> str:
        """Where and when the signs were ticked, in words: 'in the daily check-in of 05 Dec 2026'."""
        days = list(dict.fromkeys(f"{w.flagged_on:%d %b %Y}" for w in self.standing))
        if len(days) == 1:
            return f"in the daily check-in of {days[0]}"
        return f"in the daily check-ins of {', '.join(days[:-1])} and {days[-1]}"


def _clear_test(test: HeelRaiseTest) -> bool:
    return not triage(test.red_flags, test.straight_reps).stop


def is_cleared(
    warning: CheckinWarning, all_clears: Iterable[ClinicianAllClear], tests: Iterable[HeelRaiseTest]
) -> bool:
    """A tick is cleared by a clinician's all-clear the same day or later, or by a clean test on a later day."""
    if any(clear.seen_on >= warning.flagged_on for clear in all_clears):
        return True
    return any(test.tested_on > warning.flagged_on and _clear_test(test) for test in tests)


def active_warning(
    warnings: Sequence[CheckinWarning],
    all_clears: Sequence[ClinicianAllClear],
    tests: Sequence[HeelRaiseTest],
) -> ActiveWarning | None:
    """The check-in warning signs that still stand, or None. Their message is the most urgent sign's."""
    standing = sorted(
        (w for w in warnings if not w.mistaken and w.red_flags and not is_cleared(w, all_clears, tests)),
        key=lambda w: (w.flagged_on, w.id or 0),
    )
    if not standing:
        return None
    return ActiveWarning(tuple(standing), triage(frozenset().union(*(w.red_flags for w in standing))))


def warning_of(records: RunnerRecords) -> ActiveWarning | None:
    """The runner's active warning, from everything they recorded."""
    return active_warning(records.checkin_warnings, records.all_clears, records.tests)
