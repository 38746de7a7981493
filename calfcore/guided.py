"""The guided test: the app keeps the beat and counts, the runner ends it when a stop rule is met.

Shared with the manual form through calfcore.protocol: one beat up, one beat down (BEATS_PER_RAISE, handed to the
browser, which keeps the beat and counts: calfui/assets/guided_test.js). Only complete raises count: stopping after
an up-beat does not add a raise.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from calfcore.models import HeelRaiseTest, Knee, LegPair, MotionCount, Protocol, RaiseMark, Side, Surface
from calfcore.motion import still_by_motion
from calfcore.protocol import REST_BETWEEN_LEGS_SECONDS, STANDARD_PROTOCOL

MIN_GUIDED_CADENCE, MAX_GUIDED_CADENCE = 30, 120  # a guided test always has a metronome
WARM_UP_RAISES = 3  # a few paced raises to find the rhythm before the count starts
COUNTDOWN_SECONDS = 3


class GuidedTest(StrEnum):
    STRAIGHT = Knee.STRAIGHT.value
    BENT = Knee.BENT.value


@dataclass(frozen=True)
class GuidedSettings:
    test: GuidedTest = GuidedTest.STRAIGHT
    first_leg: Side = Side.LEFT
    cadence_bpm: int = STANDARD_PROTOCOL.cadence_bpm
    surface: Surface = STANDARD_PROTOCOL.surface
    sound: bool = True
    warm_up_raises: int = WARM_UP_RAISES
    countdown_seconds: int = COUNTDOWN_SECONDS
    rest_seconds: int = REST_BETWEEN_LEGS_SECONDS

    @property
    def legs(self) -> tuple[Side, Side]:
        return self.first_leg, self.first_leg.other

    @property
    def protocol(self) -> Protocol:
        """What the record form is filled with: paced, not cued (the app does not watch form)."""
        return Protocol(
            cadence_bpm=self.cadence_bpm, surface=self.surface, cued=False, fingertip_support=True, added_load_kg=0.0
        )


def settings_problems(settings: GuidedSettings) -> list[str]:
    problems = []
    if not MIN_GUIDED_CADENCE <= settings.cadence_bpm <= MAX_GUIDED_CADENCE:
        problems.append(f"The metronome must be between {MIN_GUIDED_CADENCE} and {MAX_GUIDED_CADENCE} beats/min.")
    if settings.warm_up_raises < 0 or settings.countdown_seconds < 0 or settings.rest_seconds < 0:
        problems.append("Warm-up, countdown and rest can't be negative.")
    return problems


@dataclass(frozen=True)
class BeatJitter:
    """How far the drawn beats landed from their schedule, in milliseconds."""

    beats: int
    median_abs_ms: float
    p95_abs_ms: float
    max_abs_ms: float


def beat_jitter(offsets_ms: Sequence[float]) -> BeatJitter | None:
    values = sorted(abs(v) for v in offsets_ms if math.isfinite(v))
    if not values:
        return None
    p95 = values[min(len(values) - 1, math.ceil(0.95 * len(values)) - 1)]
    return BeatJitter(len(values), round(statistics.median(values), 2), round(p95, 2), round(values[-1], 2))


@dataclass(frozen=True)
class GuidedResult:
    """Both legs' confirmed counts and the protocol, ready for the record form (nothing saved yet)."""

    test: GuidedTest
    raises: LegPair
    protocol: Protocol
    counted_by_motion: frozenset[MotionCount] = frozenset()  # the legs the phone's motion counted (issue 28)
    raise_marks: tuple[RaiseMark, ...] = ()  # each raise the motion saw, per leg

    def onto(self, test: HeelRaiseTest) -> HeelRaiseTest:
        """The record form's test, with how its counts were made: a count the runner left as the guided test handed
        it over stays counted by motion (calfcore.motion.still_by_motion); the marks go with the test."""
        handed = {which: self.raises.get(which.side) for which in self.counted_by_motion}
        return replace(test, counted_by_motion=still_by_motion(handed, test), raise_marks=self.raise_marks)
