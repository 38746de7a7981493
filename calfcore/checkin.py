"""The daily check-in's safety step: when a runner reports pain over 5 or a new pain, ask the warning signs.

A warning sign replaces any advice with the same message the test gives (calfcore.triage). Without one, the runner
gets the pain-monitoring advice (Silbernagel 2007). The app informs and never diagnoses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from calfcore.models import PainLocation, SymptomEntry
from calfcore.thresholds import PAIN_ACCEPTABLE_MAX
from calfcore.triage import Triage, triage

# A pain is "new" when that leg had no pain (or not in that place) in the two weeks before: the pain-monitoring
# model compares week with week, so two weeks cover this week and the one before.
NEW_PAIN_LOOKBACK_DAYS = 14


@dataclass(frozen=True)
class CheckinReading:
    """Why the check-in asks the warning signs (empty: it does not ask)."""

    reasons: tuple[str, ...]
    too_much_pain: bool
    new_pain: bool

    @property
    def ask_warning_signs(self) -> bool:
        return bool(self.reasons)


def _has_pain(entry: SymptomEntry) -> bool:
    return (entry.worst_pain or 0) > 0 or entry.location is not PainLocation.NONE


def _is_new(entry: SymptomEntry, earlier: Sequence[SymptomEntry]) -> bool:
    start = entry.logged_on - dt.timedelta(days=NEW_PAIN_LOOKBACK_DAYS)
    before = [e for e in earlier if e.side is entry.side and start <= e.logged_on < entry.logged_on]
    if not any(_has_pain(e) for e in before):
        return True
    places = {e.location for e in before} - {PainLocation.NONE}
    return entry.location is not PainLocation.NONE and entry.location not in places


def read_checkin(entries: Sequence[SymptomEntry], earlier: Sequence[SymptomEntry]) -> CheckinReading:
    """`entries`: this check-in, one per leg; `earlier`: the runner's symptoms already stored."""
    reasons = []
    too_much = new = False
    for entry in entries:
        side = entry.side.value
        if (entry.worst_pain or 0) > PAIN_ACCEPTABLE_MAX.value:
            too_much = True
            reasons.append(f"pain of {entry.worst_pain}/10 on the {side}")
        elif _has_pain(entry) and _is_new(entry, earlier):
            new = True
            where = "" if entry.location is PainLocation.NONE else f" ({entry.location.value.replace('_', ' ')})"
            reasons.append(f"a new pain on the {side}{where}")
    return CheckinReading(tuple(reasons), too_much, new)


@dataclass(frozen=True)
class CheckinAdvice:
    triage: Triage  # stop: show its message and nothing else
    advice: tuple[str, ...]


def advise(reading: CheckinReading, warning_signs: Iterable[str]) -> CheckinAdvice:
    """The answer to the warning-sign questions: a warning sign replaces the advice with the test's message."""
    result = triage(warning_signs)
    if result.stop:
        return CheckinAdvice(result, ())
    advice = []
    if reading.too_much_pain:
        advice.append(
            "No warning signs. Pain over 5/10 is more than the tendon should take for now: ease off. "
            "Your routine drops to the calm-down stage until the pain settles."
        )
    if reading.new_pain:
        advice.append(
            "No warning signs. Keep a new pain at 5/10 or less during and after training, and check it "
            "has settled by the next morning. If it keeps coming back or grows, see a doctor or "
            "physiotherapist."
        )
    return CheckinAdvice(result, tuple(advice))
