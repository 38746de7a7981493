"""The runner's data as frozen values. Every mass is stored in kilograms; units are a display choice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


class Units(StrEnum):
    KG = "kg"
    LB = "lb"


class Surface(StrEnum):
    FLAT = "flat"
    INCLINE_10 = "incline_10"


class Knee(StrEnum):
    STRAIGHT = "straight"
    BENT = "bent"


class MotionCount(StrEnum):
    """A count the phone's motion made in a guided test (issue 28), named as the count's own field."""

    STRAIGHT_LEFT = "straight_left"
    STRAIGHT_RIGHT = "straight_right"
    BENT_LEFT = "bent_left"
    BENT_RIGHT = "bent_right"

    @staticmethod
    def of(knee: Knee, side: Side) -> MotionCount:
        return MotionCount(f"{knee.value}_{side.value}")

    @property
    def knee(self) -> Knee:
        return Knee(self.value.split("_")[0])

    @property
    def side(self) -> Side:
        return Side(self.value.split("_")[1])


@dataclass(frozen=True)
class RaiseMark:
    """One raise the phone's motion saw in a guided test: what is stored of the motion (never the raw signal)."""

    knee: Knee
    leg: Side
    number: int  # 1, 2, ... in the order the motion saw them, per leg
    at_ms: int  # from the start of the count
    relative_size: float  # 1.0 = as high as the runner's own first raises: a guide, not a height
    on_beat: bool
    counted: bool  # counted for the test: on the beat and not well short


class PainLocation(StrEnum):
    NONE = "none"
    ACHILLES = "achilles"
    CALF = "calf"
    SHIN = "shin"
    PLANTAR_FASCIA = "plantar_fascia"
    OTHER = "other"


@dataclass(frozen=True)
class RunnerProfile:
    name: str
    birth_year: int
    sex: Sex
    units: Units = Units.KG
    injured_side: Side | None = None
    id: int | None = None
    body_weight_kg: float | None = None  # for seated soleus load ratios; pre-fills the test form
    is_demo: bool = False  # made-up data (Profile → Load the demo runner): marked wherever it is selected

    def age_on(self, day: dt.date) -> int:
        """Age in years reached during the year of `day` (only the birth year is asked, for privacy)."""
        return day.year - self.birth_year

    @property
    def saved_id(self) -> int:
        """The id of a profile read from the store (every stored profile has one; a new one has none yet)."""
        if self.id is None:
            raise ValueError(f"the profile of {self.name} is not saved yet")
        return self.id


@dataclass(frozen=True)
class Protocol:
    """How a heel-raise test was done. Results are only compared between equal protocols."""

    cadence_bpm: int = 60  # 0 means self-paced, no metronome
    surface: Surface = Surface.INCLINE_10
    cued: bool = False  # technique faults called out during the test (by a person or the guided test)
    fingertip_support: bool = True
    added_load_kg: float = 0.0


@dataclass(frozen=True)
class BothLegs:
    """One measurement per leg with both legs measured: what `LegPair.both` gives for a complete pair, so that code
    which compares the legs is handed both and never has to assume it."""

    left: float
    right: float

    def get(self, side: Side) -> float:
        return self.left if side is Side.LEFT else self.right


@dataclass(frozen=True)
class LegPair:
    """One measurement per leg. Either leg may be missing (None) for optional measurements."""

    left: float | None
    right: float | None

    def get(self, side: Side) -> float | None:
        return self.left if side is Side.LEFT else self.right

    def both(self) -> BothLegs | None:
        """Both legs, when both are measured; None when either is missing."""
        if self.left is None or self.right is None:
            return None
        return BothLegs(self.left, self.right)

    @property
    def complete(self) -> bool:
        return self.both() is not None


@dataclass(frozen=True)
class SoleusTest:
    """Seated (knee bent about 90°) or loaded soleus raise: load lifted and reps done per leg."""

    load_kg: float
    reps: LegPair
    body_weight_kg: float


@dataclass(frozen=True)
class HeelRaiseTest:
    tested_on: dt.date
    protocol: Protocol
    straight_reps: LegPair  # single-leg heel raises to fatigue, knee straight: the main test
    bent_reps: LegPair | None = None  # knee bent: soleus, no published norm
    heel_height_cm: LegPair | None = None
    soleus: SoleusTest | None = None
    knee_to_wall_cm: LegPair | None = None
    red_flags: frozenset[str] = field(default_factory=frozenset)
    notes: str = ""
    id: int | None = None
    # How the counts were made: those the phone's motion made (and the runner confirmed), and each raise the motion
    # saw (calfcore.motion). Empty for counts typed or tapped.
    counted_by_motion: frozenset[MotionCount] = frozenset()
    raise_marks: tuple[RaiseMark, ...] = ()

    def count(self, which: MotionCount) -> float | None:
        """The stored count that `which` names (None if that knee was not tested)."""
        pair = self.straight_reps if which.knee is Knee.STRAIGHT else self.bent_reps
        return pair.get(which.side) if pair else None

    @property
    def saved_id(self) -> int:
        """The id of a test read from the store (a test being recorded has none yet)."""
        if self.id is None:
            raise ValueError(f"the test of {self.tested_on} is not saved yet")
        return self.id


@dataclass(frozen=True)
class SymptomEntry:
    logged_on: dt.date
    side: Side
    pain_during: int | None  # 0-10 during the test or activity
    pain_next_morning: int | None  # 0-10; often added the day after
    stiffness_minutes: int | None  # morning stiffness
    location: PainLocation = PainLocation.NONE
    test_id: int | None = None
    id: int | None = None

    @property
    def worst_pain(self) -> int | None:
        values = [v for v in (self.pain_during, self.pain_next_morning) if v is not None]
        return max(values) if values else None


@dataclass(frozen=True)
class RoutineLogEntry:
    logged_on: dt.date
    exercise_id: str
    sets: int
    reps: int
    load_kg: float = 0.0
    pain: int | None = None
    notes: str = ""
    id: int | None = None

    @property
    def volume(self) -> int:
        """Total repetitions: the routine volume charted week by week."""
        return self.sets * self.reps


@dataclass(frozen=True)
class CheckinWarning:
    """Warning signs (red-flag ids, data/red_flags.toml) the runner ticked in a daily check-in, dated by the
    check-in. `mistaken_at`: when the runner marked the tick a mistake (it then counts for nothing, and stays on
    record)."""

    flagged_on: dt.date
    red_flags: frozenset[str]
    mistaken_at: dt.datetime | None = None
    id: int | None = None

    @property
    def mistaken(self) -> bool:
        return self.mistaken_at is not None


@dataclass(frozen=True)
class ClinicianAllClear:
    """The runner's record that a clinician has seen them about their warning signs, dated, with an optional note."""

    seen_on: dt.date
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class RunnerRecords:
    """Everything a runner has recorded, read in one go (calfstore: Store.load_records) for the dashboard."""

    runner: RunnerProfile
    tests: list[HeelRaiseTest]
    symptoms: list[SymptomEntry]
    routine_logs: list[RoutineLogEntry]
    checkin_warnings: list[CheckinWarning] = field(default_factory=list)
    all_clears: list[ClinicianAllClear] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)


class RunSource(StrEnum):
    HAND = "hand"
    FIT = "fit"
    GPX = "gpx"
    TCX = "tcx"
    CSV = "csv"


@dataclass(frozen=True)
class Run:
    """One run. `started_at` is the start as the file gives it (UTC for FIT, GPX and TCX), or None for a run typed
    by hand with its date only. Distance in km, moving time in seconds, either may be missing (not both)."""

    run_on: dt.date
    distance_km: float | None
    moving_seconds: int | None
    elevation_gain_m: float | None = None
    started_at: dt.datetime | None = None
    source: RunSource = RunSource.HAND
    id: int | None = None

    @property
    def label(self) -> str:
        """How a picker and a list tell runs apart."""
        when = self.run_on.strftime("%a %d %b %Y")  # the day it counts on (calfcore.runs.DATING_NOTE)
        if self.started_at is not None:
            start = self.started_at
            when += f", {start:%H:%M} UTC" if start.date() == self.run_on else f", started {start:%a %H:%M} UTC"
        parts = [when]
        if self.distance_km is not None:
            parts.append(f"{self.distance_km:.2f} km")
        if self.moving_seconds is not None:
            parts.append(duration_text(self.moving_seconds))
        return " · ".join(parts)


def duration_text(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
