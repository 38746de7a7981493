"""One test's full reading: the red-flag check first, then (only if clear) the score and this week's routine.

A warning sign still standing from a daily check-in (calfcore.warning_signs) stops the reading as the test's own
would: every view that asks for this week's routine, the retest or the training days gets the clinician message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from calfcore.models import HeelRaiseTest, RunnerProfile, SymptomEntry
from calfcore.routine import EquipmentAccess, Routine, recommend
from calfcore.scoring import TestScore, score_test
from calfcore.triage import Triage, triage
from calfcore.warning_signs import ActiveWarning


@dataclass(frozen=True)
class Stopped:
    """A reading a warning sign stopped: the advice to see a clinician, and no score or routine at all."""

    test: HeelRaiseTest
    triage: Triage  # its message is what the runner is told
    warning: ActiveWarning | None = None  # a check-in's warning sign that stopped this reading

    @property
    def message(self) -> str:
        return self.triage.message


@dataclass(frozen=True)
class Scored:
    """A reading no warning sign stopped: the test's score and this week's routine, both always there."""

    test: HeelRaiseTest
    score: TestScore
    routine: Routine


Assessment: TypeAlias = Stopped | Scored  # decided once, in `assess`; readers branch on which it is


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
        return Stopped(test, triage(test.red_flags | warning.flag_ids, test.straight_reps), warning)
    result = triage(test.red_flags, test.straight_reps)
    if result.stop:
        return Stopped(test, result)
    own_symptoms = [entry for entry in symptoms if entry.test_id == test.id]
    score = score_test(test, runner, tests, own_symptoms)
    return Scored(test, score, recommend(test, score, runner, symptoms, today, access, tests))


def latest_test(tests: Sequence[HeelRaiseTest]) -> HeelRaiseTest | None:
    return max(tests, key=lambda t: (t.tested_on, t.id or 0), default=None)
