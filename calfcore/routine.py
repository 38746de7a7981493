"""Recommends this week's routine: picks a stage from the latest test and symptoms, then builds the week from
the exercise library (data/exercises.toml) and the stage templates (data/routines.toml).

Stages, gated by pain, strength and symmetry:
  calm down  pain over 5/10, or rising week on week (pain-monitoring model, Silbernagel 2007)
  build      weaker leg below the reference for the runner's age, sex and protocol
  load       at the reference: add weight and soleus work
  power      both legs at the runner target (≥30), symmetry ≥90%, pain ≤2: add plyometrics (Green 2022)
A red flag gives no routine at all. Progression follows retests: the stage is always that of the latest test.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from calfcore.evidence import read_toml
from calfcore.models import HeelRaiseTest, RunnerProfile, Side, SymptomEntry
from calfcore.scoring import Band, TestScore, weaker_side
from calfcore.thresholds import (
    PAIN_ACCEPTABLE_MAX,
    PAIN_SAFE_MAX,
    RUNNER_TARGET_REPS,
    SYMMETRY_FLAG_PERCENT,
)
from calfcore.triage import Triage

# When no published reference fits the runner's protocol, 'at reference' means the general-population median
# of about 25 raises (Sleeswijk Visser 2025, the standard protocol).
FALLBACK_REFERENCE_REPS = 25
RECENT_SYMPTOM_DAYS = 7


class Stage(StrEnum):
    CALM_DOWN = "calm_down"
    BUILD = "build"
    LOAD = "load"
    POWER = "power"


class EquipmentAccess(StrEnum):
    """What the runner can train with this week."""

    BODY_WEIGHT = "body_weight"
    HOME = "home"
    GYM = "gym"


EQUIPMENT_BY_ACCESS: dict[EquipmentAccess, frozenset[str]] = {
    EquipmentAccess.BODY_WEIGHT: frozenset({"step", "wall"}),
    EquipmentAccess.HOME: frozenset({"step", "wall", "ball", "dumbbell", "kettlebell", "bench", "plate"}),
    EquipmentAccess.GYM: frozenset(
        {"step", "wall", "ball", "dumbbell", "kettlebell", "bench", "plate", "barbell", "smith_machine",
         "hack_squat_machine", "leg_press"}
    ),
}


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    category: str
    purpose: str
    cues: tuple[str, ...]
    sets: int
    reps: str
    load: str
    unilateral: bool
    equipment: frozenset[str]
    sources: tuple[str, ...]
    source_note: str


@functools.cache
def exercise_library() -> dict[str, Exercise]:
    library = {}
    for item in read_toml("exercises.toml")["exercise"]:
        library[item["id"]] = Exercise(
            id=item["id"], name=item["name"], category=item["category"], purpose=item["purpose"],
            cues=tuple(item["cues"]), sets=int(item["sets"]), reps=str(item["reps"]), load=item["load"],
            unilateral=bool(item["unilateral"]), equipment=frozenset(item["equipment"]),
            sources=tuple(item["sources"]), source_note=item["source_note"],
        )
    return library


@dataclass(frozen=True)
class Slot:
    role: str
    options: tuple[str, ...]
    fallback: str | None
    sets: int | None
    reps: str | None
    load: str | None


@dataclass(frozen=True)
class StageTemplate:
    stage: Stage
    title: str
    sessions_per_week: int
    goal: str
    exit_criteria: tuple[str, ...]
    slots: tuple[Slot, ...]


@functools.cache
def stage_templates() -> dict[Stage, StageTemplate]:
    raw = read_toml("routines.toml")["stage"]
    return {
        Stage(key): StageTemplate(
            stage=Stage(key), title=value["title"], sessions_per_week=int(value["sessions_per_week"]),
            goal=value["goal"], exit_criteria=tuple(value["exit_criteria"]),
            slots=tuple(
                Slot(role=s["role"], options=tuple(s["options"]), fallback=s.get("fallback"),
                     sets=s.get("sets"), reps=s.get("reps"), load=s.get("load"))
                for s in value["slots"]
            ),
        )
        for key, value in raw.items()
    }


@functools.cache
def routine_tips() -> tuple[tuple[str, str], ...]:
    return tuple((item["text"], item["source"]) for item in read_toml("routines.toml")["tips"]["items"])


@dataclass(frozen=True)
class PainPicture:
    """What the pain-monitoring model looks at: the recent peak and whether it rises week on week."""

    recent_peak: int | None
    previous_week_peak: int | None

    @property
    def rising(self) -> bool:
        return (
            self.recent_peak is not None
            and self.previous_week_peak is not None
            and self.recent_peak > self.previous_week_peak
            and self.recent_peak > PAIN_SAFE_MAX.value
        )


def pain_picture(symptoms: Sequence[SymptomEntry], today: dt.date) -> PainPicture:
    """Peak pain in the last 7 days and in the 7 days before that."""

    def peak(start: dt.date, end: dt.date) -> int | None:
        values = [e.worst_pain for e in symptoms if start < e.logged_on <= end and e.worst_pain is not None]
        return max(values) if values else None  # type: ignore[type-var]

    week = dt.timedelta(days=RECENT_SYMPTOM_DAYS)
    return PainPicture(peak(today - week, today), peak(today - 2 * week, today - week))


@dataclass(frozen=True)
class StageDecision:
    stage: Stage
    reasons: tuple[str, ...]


def choose_stage(score: TestScore, pain: PainPicture) -> StageDecision:
    """The stage for a scored test without red flags (red flags never reach this point)."""
    if pain.recent_peak is not None and pain.recent_peak > PAIN_ACCEPTABLE_MAX.value:
        return StageDecision(Stage.CALM_DOWN, (f"Pain reached {pain.recent_peak}/10 this week: over 5 is too much "
                                               "for now, so the load comes down until it settles.",))
    if pain.rising:
        return StageDecision(Stage.CALM_DOWN, (f"Pain is rising week on week ({pain.previous_week_peak} → "
                                               f"{pain.recent_peak}/10), so the load comes down until it settles.",))
    weaker = score.weaker_reps
    reference = score.legs[0].reference
    weaker_band = min((leg.band for leg in score.legs if leg.band is not None),
                      key=lambda band: list(Band).index(band), default=None)
    if reference is not None and weaker_band in (Band.BELOW, Band.WELL_BELOW):
        return StageDecision(Stage.BUILD, (f"Your weaker leg did {weaker} raises, below the reference of "
                                           f"{reference.label} for your age and sex.",))
    if reference is None and weaker < FALLBACK_REFERENCE_REPS:
        return StageDecision(Stage.BUILD, (f"Your weaker leg did {weaker} raises. No published reference fits "
                                           f"this protocol, so the bar is the general median of about "
                                           f"{FALLBACK_REFERENCE_REPS}.",))
    symmetric = score.symmetry_percent is not None and score.symmetry_percent >= SYMMETRY_FLAG_PERCENT.value
    pain_low = pain.recent_peak is None or pain.recent_peak <= PAIN_SAFE_MAX.value
    if weaker >= RUNNER_TARGET_REPS.value and symmetric and pain_low:
        return StageDecision(Stage.POWER, (f"Both legs reached {int(RUNNER_TARGET_REPS.value)}+ raises, symmetry "
                                           f"is {score.symmetry_percent:.0f}% and pain is low: time for power.",))
    missing = []
    if weaker < RUNNER_TARGET_REPS.value:
        missing.append(f"{int(RUNNER_TARGET_REPS.value)} raises on each leg (weaker leg: {weaker})")
    if not symmetric:
        missing.append("symmetry of 90% or more" + (f" (now {score.symmetry_percent:.0f}%)"
                                                    if score.symmetry_percent is not None else ""))
    if not pain_low:
        missing.append(f"pain at 2/10 or less (recent peak {pain.recent_peak}/10)")
    return StageDecision(Stage.LOAD, ("You are at the reference for your age and sex, so it's time to add load. "
                                      "Power work waits for: " + "; ".join(missing) + ".",))


@dataclass(frozen=True)
class Prescription:
    exercise: Exercise
    role: str
    sets: int
    reps: str
    load: str
    extra_set_side: Side | None  # the weaker side does one more set

    @property
    def dose(self) -> str:
        sets = f"{self.sets} × " if self.sets else ""
        extra = f" (+1 set on the {self.extra_set_side.value})" if self.extra_set_side else ""
        return f"{sets}{self.reps}{extra}"


@dataclass(frozen=True)
class Routine:
    stage: Stage
    title: str
    goal: str
    reasons: tuple[str, ...]
    sessions_per_week: int
    prescriptions: tuple[Prescription, ...]
    exit_criteria: tuple[str, ...]
    tips: tuple[tuple[str, str], ...]
    weaker_side: Side | None


def _pick(slot: Slot, available: frozenset[str], week_index: int) -> str | None:
    library = exercise_library()
    usable = [option for option in slot.options if library[option].equipment <= available]
    if usable:
        return usable[week_index % len(usable)]
    if slot.fallback and library[slot.fallback].equipment <= available:
        return slot.fallback
    return None


def build_week(stage: Stage, reasons: Sequence[str], week_of: dt.date, access: EquipmentAccess,
               extra_set_side: Side | None) -> Routine:
    template = stage_templates()[stage]
    library = exercise_library()
    available = EQUIPMENT_BY_ACCESS[access]
    week_index = week_of.isocalendar().week
    prescriptions = []
    for slot in template.slots:
        picked = _pick(slot, available, week_index)
        if picked is None:
            continue
        exercise = library[picked]
        sets = slot.sets if slot.sets is not None else exercise.sets
        prescriptions.append(
            Prescription(
                exercise=exercise, role=slot.role, sets=sets, reps=slot.reps or exercise.reps,
                load=slot.load or exercise.load,
                extra_set_side=extra_set_side if exercise.unilateral and sets > 0 else None,
            )
        )
    return Routine(stage=stage, title=template.title, goal=template.goal, reasons=tuple(reasons),
                   sessions_per_week=template.sessions_per_week, prescriptions=tuple(prescriptions),
                   exit_criteria=template.exit_criteria, tips=routine_tips(), weaker_side=extra_set_side)


def recommend(
    latest: HeelRaiseTest,
    score: TestScore,
    triage_result: Triage,
    runner: RunnerProfile,
    symptoms: Sequence[SymptomEntry],
    today: dt.date,
    access: EquipmentAccess = EquipmentAccess.GYM,
) -> Routine | None:
    """This week's routine, or None when a red flag sends the runner to a clinician."""
    if triage_result.stop:
        return None
    decision = choose_stage(score, pain_picture(symptoms, today))
    extra_side = None
    if score.symmetry_flagged:
        extra_side = weaker_side(latest.straight_reps, runner.injured_side)
    return build_week(decision.stage, decision.reasons, today, access, extra_side)
