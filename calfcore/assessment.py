"""One test's full reading: the red-flag check first, then (only if clear) the score and this week's routine.

A warning sign still standing from a daily check-in (calfcore.warning_signs) stops the reading as the test's own
would: every view that asks for this week's routine, the retest or the training days gets the clinician message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from calfcore.models import HeelRaiseTest, RunnerProfile, SymptomEntry
from calfcore.routine import EquipmentAccess, Routine, recommend
from calfcore.scoring import TestScore, score_test
from calfcore.triage import Triage, triage
from calfcore.warning_signs import ActiveWarning


@dataclass(frozen=True)
class Assessment:
    test: HeelRaiseTest
    triage: Triage
    score: TestScore | None  # None when a red flag stops everything
    routine: Routine | None
    warning: ActiveWarning | None = None  # a check-in's warning sign that stopped this reading


def assess(
    test: HeelRaiseTest,
    runner: RunnerProfile,
    tests: Sequence[HeelRaiseTest],
    symptoms: Sequence[SymptomEntry],
    today: dt.date,
    access: EquipmentAccess = EquipmentAccess.HOME,
    *,
    warning: ActiveWarning | None = None,
) -> Assessment:
    """`warning`: the runner's check-in warning signs still standing (calfcore.warning_signs.warning_of), if any."""
    if warning is not None:
        combined = triage(test.red_flags | warning.flag_ids, test.straight_reps)
        return Assessment(test, combined, None, None, warning)
    result = triage(test.red_flags, test.straight_reps)
    if result.stop:
        return Assessment(test, result, None, None)
    own_symptoms = [entry for entry in symptoms if entry.test_id == test.id]
    score = score_test(test, runner, tests, own_symptoms)
    routine = recommend(test, score, result, runner, symptoms, today, access, tests)
    return Assessment(test, result, score, routine)


def latest_test(tests: Sequence[HeelRaiseTest]) -> HeelRaiseTest | None:
    return max(tests, key=lambda t: (t.tested_on, t.id or 0), default=None)
