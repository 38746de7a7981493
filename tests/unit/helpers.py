"""Shared builders and hypothesis settings for the calfcore unit tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, settings

from calfcore.models import (
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RunnerProfile,
    Sex,
    Side,
    Surface,
    SymptomEntry,
)
from calfcore.norms import NormReference
from calfcore.readiness import HopTest

# A fixed "today" (a Monday) so that dates, ages and ISO weeks never depend on the day the suite runs.
TODAY = dt.date(2025, 6, 16)

# The standard protocol of the published incline norms: 10° incline, 60 beats/min, fingertip support, no load.
STANDARD = Protocol(cadence_bpm=60, surface=Surface.INCLINE_10, cued=False, fingertip_support=True)

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def runner(sex: Sex = Sex.FEMALE, age: int = 35, injured_side: Side | None = None, name: str = "Sam") -> RunnerProfile:
    """A runner who reaches `age` during TODAY's year."""
    return RunnerProfile(name=name, birth_year=TODAY.year - age, sex=sex, injured_side=injured_side)


def heel_test(
    left: float | None,
    right: float | None,
    *,
    day: dt.date = TODAY,
    protocol: Protocol = STANDARD,
    id: int | None = None,
    **extra: Any,
) -> HeelRaiseTest:
    return HeelRaiseTest(tested_on=day, protocol=protocol, straight_reps=LegPair(left, right), id=id, **extra)


def symptom(
    day: dt.date,
    side: Side = Side.LEFT,
    during: int | None = None,
    morning: int | None = None,
    stiffness: int | None = None,
    test_id: int | None = None,
    location: PainLocation = PainLocation.NONE,
) -> SymptomEntry:
    return SymptomEntry(day, side, during, morning, stiffness, location, test_id=test_id)


def reference(low: float, high: float | None = None) -> NormReference:
    """A stand-alone reference with the given range, for band tests."""
    return NormReference(
        reference_id="test",
        source_id="hebert_losier_2017",
        reps_low=float(low),
        reps_high=float(low if high is None else high),
        approximate=False,
        population="test",
        sex="any",
        age_min=18,
        age_max=99,
    )


def raw_test(**overrides: Any) -> dict[str, Any]:
    """A valid raw record-form submission (strings, as widgets and CSV cells give them)."""
    raw: dict[str, Any] = {
        "tested_on": "2025-06-10",
        "cadence_bpm": "60",
        "surface": "incline_10",
        "cued": "no",
        "fingertip_support": "yes",
        "straight_left": "24",
        "straight_right": "27",
    }
    raw.update(overrides)
    return raw


def hop(left: int, right: int, pain: tuple[int, int] = (0, 0), day: dt.date = TODAY, flags=frozenset()) -> HopTest:
    """A hop test on `day` (hops per leg, pain per leg)."""
    return HopTest(day, LegPair(left, right), LegPair(*pain), red_flags=frozenset(flags))
