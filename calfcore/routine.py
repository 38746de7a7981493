"""Recommends this week's routine: picks a stage from the latest test and symptoms, then builds the week from
the exercise library (data/exercises.toml) and the stage templates (data/routines.toml).

Stages, gated by pain, strength and symmetry:
  calm down  pain over 5/10, or next-morning pain or stiffness rising week on week (pain-monitoring model,
             Silbernagel 2007)
  build      weaker leg below the typical range of the reference for the runner's age, sex and protocol; with no
             reference (under 18, over the sample's ages, loaded or unmatched protocol): under the runner target,
             or a real drop since the last comparable test
  load       within the typical range (or at the runner target with no reference): add weight and soleus work
  power      both legs at the runner target (≥30, expert opinion, whatever the age reference), weaker ÷ stronger
             ≥90% on every variant recorded, pain ≤2: add plyometrics (Green 2022), starting at 25-50 ground
             contacts per session
A red flag gives no routine at all. Progression follows retests: the stage is always that of the latest test.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from calfcore.evidence import read_toml
from calfcore.models import HeelRaiseTest, RunnerProfile, Side, SymptomEntry
from calfcore.scoring import Band, TestScore, score_test, weaker_side
from calfcore.thresholds import (
    MEASUREMENT_NOISE_REPS,
    PAIN_ACCEPTABLE_MAX,
    PAIN_SAFE_MAX,
    PLYO_FIRST_WEEK_CONTACTS_MAX,
    PLYO_FIRST_WEEK_CONTACTS_MIN,
    PLYO_WEEKLY_RISE_PER_EXERCISE,
    RUNNER_TARGET_REPS,
    STIFFNESS_RISE_MARGIN_MINUTES,
    SYMMETRY_FLAG_PERCENT,
    figure_beside,
)

RECENT_SYMPTOM_DAYS = 7
# How far back a calm-down still holds when no week since was recorded as settled. Our convention: long enough to
# span a flare and a few unrecorded weeks, short enough that an old flare does not hold a runner back for good.
CALM_DOWN_LOOKBACK_WEEKS = 8
PLYOMETRIC = "plyometric"  # the exercise category whose dose is counted in ground contacts
BENT_KNEE = "bent_knee"  # the exercise category trained for the knee-bent (soleus) variant


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
        {
            "step",
            "wall",
            "ball",
            "dumbbell",
            "kettlebell",
            "bench",
            "plate",
            "barbell",
            "smith_machine",
            "hack_squat_machine",
            "leg_press",
        }
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
            id=item["id"],
            name=item["name"],
            category=item["category"],
            purpose=item["purpose"],
            cues=tuple(item["cues"]),
            sets=int(item["sets"]),
            reps=str(item["reps"]),
            load=item["load"],
            unilateral=bool(item["unilateral"]),
            equipment=frozenset(item["equipment"]),
            sources=tuple(item["sources"]),
            source_note=item["source_note"],
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
    exit_criteria_without_reference: tuple[str, ...] = ()  # when no reference fits; else exit_criteria


@functools.cache
def stage_templates() -> dict[Stage, StageTemplate]:
    raw = read_toml("routines.toml")["stage"]
    return {
        Stage(key): StageTemplate(
            stage=Stage(key),
            title=value["title"],
            sessions_per_week=int(value["sessions_per_week"]),
            goal=value["goal"],
            exit_criteria=tuple(value["exit_criteria"]),
            exit_criteria_without_reference=tuple(value.get("exit_criteria_without_reference", ())),
            slots=tuple(
                Slot(
                    role=s["role"],
                    options=tuple(s["options"]),
                    fallback=s.get("fallback"),
                    sets=s.get("sets"),
                    reps=s.get("reps"),
                    load=s.get("load"),
                )
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
    """What the pain-monitoring model looks at: this week's peak pain (during or next morning, for the over-5
    rule), and whether next-morning pain or morning stiffness rises week on week (the warning, Silbernagel 2007)."""

    recent_peak: int | None
    previous_week_peak: int | None
    recent_morning: int | None = None
    previous_morning: int | None = None
    recent_stiffness: int | None = None
    previous_stiffness: int | None = None
    # A calm-down from an earlier week that no week since has settled (next-morning pain recorded at 2/10 or less).
    still_calming: bool = False

    @property
    def morning_pain_rising(self) -> bool:
        # Within the safe zone (0-2) a rise is not a warning: the model calls that zone safe.
        return (
            self.recent_morning is not None
            and self.previous_morning is not None
            and self.recent_morning > self.previous_morning
            and self.recent_morning > PAIN_SAFE_MAX.value
        )

    @property
    def stiffness_rising(self) -> bool:
        # A rise counts from 10 minutes up (our convention): 2 -> 4 minutes is not a warning, 5 -> 15 is.
        return (
            self.recent_stiffness is not None
            and self.previous_stiffness is not None
            and self.recent_stiffness - self.previous_stiffness >= STIFFNESS_RISE_MARGIN_MINUTES.value
        )

    @property
    def rising(self) -> bool:
        return self.morning_pain_rising or self.stiffness_rising

    @property
    def flares(self) -> bool:
        """This week calls for calm-down on its own: pain over 5, or next-morning pain or stiffness rising."""
        return (self.recent_peak is not None and self.recent_peak > PAIN_ACCEPTABLE_MAX.value) or self.rising

    @property
    def settled(self) -> bool:
        """A week the runner recorded as settled: next-morning pain entered and at 2/10 or less, pain during at 5 or
        less, stiffness not rising. A week without a next-morning entry is unknown, never settled."""
        return self.recent_morning is not None and self.recent_morning <= PAIN_SAFE_MAX.value and not self.flares

    @property
    def warnings(self) -> tuple[str, ...]:
        found = []
        if self.morning_pain_rising:
            found.append(
                f"next-morning pain is rising week on week ({self.previous_morning} → {self.recent_morning}/10)"
            )
        if self.stiffness_rising:
            found.append(
                f"morning stiffness is rising week on week ({self.previous_stiffness} → {self.recent_stiffness} min)"
            )
        return tuple(found)


def _fortnights(symptoms: Sequence[SymptomEntry]) -> Callable[[dt.date], Sequence[SymptomEntry]]:
    """The entries of the 14 days up to any day (what _week_picture reads), found by bisection in the entries sorted
    once by day: a picture per week over years of power weeks or daily check-ins reads each entry once, not once a
    week (three years of check-ins: 14 pictures a recommendation, 70% of its time when each read them all)."""
    by_day = sorted(symptoms, key=lambda entry: entry.logged_on)
    days = [entry.logged_on for entry in by_day]
    span = dt.timedelta(days=2 * RECENT_SYMPTOM_DAYS)

    def fortnight_to(day: dt.date) -> Sequence[SymptomEntry]:  # day - 14 days < logged_on <= day
        return by_day[bisect.bisect_right(days, day - span) : bisect.bisect_right(days, day)]

    return fortnight_to


def _week_picture(symptoms: Sequence[SymptomEntry], today: dt.date) -> PainPicture:
    """Peaks in the 7 days up to `today` and in the 7 days before that."""

    week = dt.timedelta(days=RECENT_SYMPTOM_DAYS)
    this_week, last_week = (today - week, today), (today - 2 * week, today - week)
    # The two weeks' entries once, then six peaks over those few: years of daily check-ins are read once, not six times.
    fortnight = [e for e in symptoms if today - 2 * week < e.logged_on <= today]

    def peak(values_of: Callable[[SymptomEntry], int | None], start: dt.date, end: dt.date) -> int | None:
        values = [v for e in fortnight if start < e.logged_on <= end and (v := values_of(e)) is not None]
        return max(values) if values else None

    def worst(e: SymptomEntry) -> int | None:
        return e.worst_pain

    def morning(e: SymptomEntry) -> int | None:
        return e.pain_next_morning

    def stiffness(e: SymptomEntry) -> int | None:
        return e.stiffness_minutes

    return PainPicture(
        peak(worst, *this_week),
        peak(worst, *last_week),
        peak(morning, *this_week),
        peak(morning, *last_week),
        peak(stiffness, *this_week),
        peak(stiffness, *last_week),
    )


def _calm_down_holds(symptoms: Sequence[SymptomEntry], today: dt.date) -> bool:
    """Whether a calm-down begun in an earlier week still holds at the end of last week: a runner leaves calm-down
    only in a week recorded as settled (Silbernagel 2007: pain settled by the next morning), not merely when pain is
    lower than the week before."""
    calming = False
    fortnight_to = _fortnights(symptoms)
    for weeks_back in range(CALM_DOWN_LOOKBACK_WEEKS, 0, -1):
        day = today - dt.timedelta(days=RECENT_SYMPTOM_DAYS * weeks_back)
        week = _week_picture(fortnight_to(day), day)
        if week.flares:
            calming = True
        elif calming and week.settled:
            calming = False
    return calming


def pain_picture(symptoms: Sequence[SymptomEntry], today: dt.date) -> PainPicture:
    """Peaks in the last 7 days and in the 7 days before that, and whether an earlier calm-down still holds."""
    picture = _week_picture(symptoms, today)
    if not symptoms:
        return picture
    return dataclasses.replace(picture, still_calming=_calm_down_holds(symptoms, today))


LEAVING_CALM_DOWN = (
    f"To move on, record next-morning pain of {PAIN_SAFE_MAX.value:g}/10 or less in the daily check-in, with "
    "morning stiffness not rising (Silbernagel 2007's pain-monitoring model)."
)


@dataclass(frozen=True)
class StageDecision:
    stage: Stage
    reasons: tuple[str, ...]


def strength_gate_missing(score: TestScore) -> list[str]:
    """What the power stage still waits for on strength and symmetry: both legs at the runner target and weaker ÷
    stronger at least 90% on every variant recorded (knee straight, knee bent, heel height). Not an age norm."""
    target = int(RUNNER_TARGET_REPS.value)
    missing = []
    if score.weaker_reps < target:
        missing.append(f"{target} raises on each leg (weaker leg: {score.weaker_reps})")
    if not any(name == "knee straight" for name, _ in score.gate_symmetries):
        missing.append("both legs tested knee straight")
    for name, value in score.asymmetric_variants:
        now = figure_beside(value, SYMMETRY_FLAG_PERCENT, lambda v: v < SYMMETRY_FLAG_PERCENT.value)
        missing.append(f"weaker ÷ stronger of {SYMMETRY_FLAG_PERCENT.text} or more {name} (now {now})")
    return missing


def choose_stage(score: TestScore, pain: PainPicture) -> StageDecision:
    """The stage for a scored test without red flags (red flags never reach this point)."""
    if pain.recent_peak is not None and pain.recent_peak > PAIN_ACCEPTABLE_MAX.value:
        return StageDecision(
            Stage.CALM_DOWN,
            (
                f"Pain reached {pain.recent_peak}/10 this week: over 5 is too much "
                "for now, so the load comes down until it settles.",
                LEAVING_CALM_DOWN,
            ),
        )
    if pain.rising:
        return StageDecision(
            Stage.CALM_DOWN,
            ("Your " + " and ".join(pain.warnings) + ", so the load comes down until it settles.", LEAVING_CALM_DOWN),
        )
    if pain.still_calming and not pain.settled:
        now = (
            f"next-morning pain this week is {pain.recent_morning}/10"
            if pain.recent_morning is not None
            else "no next-morning pain is recorded this week"
        )
        return StageDecision(
            Stage.CALM_DOWN,
            (f"You are still calming down from a flare: {now}.", LEAVING_CALM_DOWN),
        )
    weaker = score.weaker_reps
    target = int(RUNNER_TARGET_REPS.value)
    reference = score.legs[0].reference
    missing = strength_gate_missing(score)
    pain_low = pain.recent_peak is None or pain.recent_peak <= PAIN_SAFE_MAX.value
    if not pain_low:
        missing.append(f"pain at 2/10 or less (recent peak {pain.recent_peak}/10)")
    waits = "Power work waits for: " + "; ".join(missing) + "."

    if reference is None:
        basis = (
            "No published reference fits your age or this protocol, so there is no band: your stage comes "
            "from the runner target, symmetry, pain and your own trend."
        )
        trend = _trend_sentence(score)
        if not missing:
            return StageDecision(
                Stage.POWER,
                (
                    basis,
                    f"Both legs reached {target}+ raises (the runner target, "
                    "expert opinion), every variant you recorded is within "
                    f"{SYMMETRY_FLAG_PERCENT.text} side to side and pain is low: time "
                    "for power.",
                    *trend,
                ),
            )
        dropped = [c for c in score.changes if c.delta < -MEASUREMENT_NOISE_REPS.value]
        if dropped:
            return StageDecision(
                Stage.BUILD,
                (
                    basis,
                    *trend,
                    "A drop bigger than the test's noise is a reason to rebuild with body weight before adding load.",
                ),
            )
        if weaker < target:
            return StageDecision(
                Stage.BUILD,
                (
                    basis,
                    f"Your weaker leg did {weaker} raises, under the runner target of {target}+ (expert opinion).",
                    *trend,
                ),
            )
        return StageDecision(
            Stage.LOAD,
            (
                basis,
                f"Your weaker leg did {weaker} raises, at the runner target, so it's time to add load.",
                *trend,
                waits,
            ),
        )

    if not missing:
        reasons = [
            f"Both legs reached {target}+ raises (the runner target, expert opinion), every variant you "
            f"recorded is within {SYMMETRY_FLAG_PERCENT.text} side to side and pain is low: time for power."
        ]
        if weaker < reference.reps_low:
            reasons.append(
                f"Your weaker leg's {weaker} raises are below the reference of {reference.label} for "
                f"{reference.group}, and at the runner target: power is gated by the runner target, not "
                "by an age reference."
            )
        return StageDecision(Stage.POWER, tuple(reasons))
    weaker_band = min(
        (leg.band for leg in score.legs if leg.band is not None), key=lambda band: list(Band).index(band), default=None
    )
    typical = reference.typical.text  # the same range the band was decided on
    if weaker_band in (Band.BELOW, Band.WELL_BELOW):
        return StageDecision(
            Stage.BUILD,
            (
                f"Your weaker leg did {weaker} raises, below the typical range "
                f"({typical}) around the reference of {reference.label} for {reference.group}.",
            ),
        )
    where = "above" if weaker_band is Band.ABOVE else "within"
    return StageDecision(
        Stage.LOAD,
        (
            f"Your weaker leg did {weaker} raises, {where} the typical range "
            f"({typical}) around the reference of {reference.label} for {reference.group}, so it's time to "
            "add load. " + waits,
        ),
    )


def _trend_sentence(score: TestScore) -> tuple[str, ...]:
    if score.previous_test is None or not score.changes:
        return ("No earlier test with the same protocol yet: your retests will show your trend.",)
    parts = [
        f"{c.side.value} {c.delta:+d}" + (" (within noise)" if c.within_noise else " (a real change)")
        for c in score.changes
    ]
    return (f"Since your last comparable test ({score.previous_test.tested_on:%d %b}): " + ", ".join(parts) + ".",)


def power_weeks_settled(
    latest: HeelRaiseTest,
    runner: RunnerProfile,
    history: Sequence[HeelRaiseTest],
    symptoms: Sequence[SymptomEntry],
    today: dt.date,
) -> int:
    """Complete weeks since the power stage began (the earliest test of the unbroken run of tests meeting the
    strength and symmetry gate) that the runner recorded as settled: next-morning pain entered, and pain at 2/10 or
    less during and next morning. The plyometric dose rises only with these weeks. A week that flared (pain over 5,
    or next-morning pain or stiffness rising) starts the count again, so after a calm-down the dose restarts at the
    first power week's, never above what it was before the flare."""
    start = latest.tested_on
    earlier = sorted(
        (t for t in history if (t.tested_on, t.id or 0) < (latest.tested_on, latest.id or 0)),
        key=lambda t: (t.tested_on, t.id or 0),
        reverse=True,
    )
    for test in earlier:
        if test.red_flags or strength_gate_missing(score_test(test, runner, history)):
            break
        start = test.tested_on
    settled = 0
    fortnight_to = _fortnights(symptoms)
    for index in range(max((today - start).days, 0) // 7):
        last = start + dt.timedelta(weeks=index, days=6)
        week = _week_picture(fortnight_to(last), last)
        if week.flares:
            settled = 0  # a flare resets the dose to the first power week's: never above what it was before
        elif week.settled and (week.recent_peak is None or week.recent_peak <= PAIN_SAFE_MAX.value):
            settled += 1  # only a week recorded as settled adds contacts; a week with no entry is unknown
    return settled


def morning_recorded_recently(symptoms: Sequence[SymptomEntry], today: dt.date) -> bool:
    """Whether next-morning pain was entered in the last 7 days (the plyometric dose rises only on recorded weeks)."""
    return _week_picture(symptoms, today).recent_morning is not None


@dataclass(frozen=True)
class PlyometricDose:
    """Ground contacts per session, in total across the plyometric exercises, for this power week."""

    settled_weeks: int
    exercises: int
    total_min: int
    total_max: int

    @property
    def first_week(self) -> bool:
        return self.settled_weeks == 0

    @property
    def per_exercise(self) -> tuple[int, int]:
        return -(-self.total_min // self.exercises), self.total_max // self.exercises

    @property
    def summary(self) -> str:
        week = " (your first power week)" if self.first_week else ""
        return (
            f"{self.total_min}–{self.total_max} ground contacts per session in total{week}, shared between the "
            f"jumping exercises. This rises by about {int(PLYO_WEEKLY_RISE_PER_EXERCISE.value)} contacts per "
            "exercise a week, and only in weeks when pain stays at 2/10 or less and has settled by the next "
            "morning."
        )


def plyometric_dose(settled_weeks: int, exercises: int) -> PlyometricDose:
    rise = int(PLYO_WEEKLY_RISE_PER_EXERCISE.value) * exercises * settled_weeks
    return PlyometricDose(
        settled_weeks,
        exercises,
        int(PLYO_FIRST_WEEK_CONTACTS_MIN.value) + rise,
        int(PLYO_FIRST_WEEK_CONTACTS_MAX.value) + rise,
    )


@dataclass(frozen=True)
class Prescription:
    exercise: Exercise
    role: str
    sets: int
    reps: str
    load: str
    extra_set_side: Side | None  # the weaker side on this exercise's variant does one more set

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
    weaker_side: Side | None  # knee straight (or heel height) under 90%: one more set of straight-knee work
    plyometrics: PlyometricDose | None = None  # ground contacts per session, when the week has plyometrics
    bent_weaker_side: Side | None = None  # knee bent under 90%: one more set of bent-knee (soleus) work

    @property
    def extra_work(self) -> tuple[str, ...]:
        """The weaker leg's extra sets, per variant, in the runner's words (routine page and PDF report)."""
        found = []
        if self.weaker_side is not None:
            bent = " (knee-bent work too)" if self.bent_weaker_side is None else ""
            found.append(f"the {self.weaker_side.value} gets one extra set of each one-leg exercise{bent}.")
        if self.bent_weaker_side is not None:
            found.append(f"knee bent, the {self.bent_weaker_side.value} gets one extra set of each bent-knee exercise.")
        return tuple(found)


def _pick(slot: Slot, available: frozenset[str], week_index: int) -> str | None:
    library = exercise_library()
    usable = [option for option in slot.options if library[option].equipment <= available]
    if usable:
        return usable[week_index % len(usable)]
    if slot.fallback and library[slot.fallback].equipment <= available:
        return slot.fallback
    return None


def build_week(
    stage: Stage,
    reasons: Sequence[str],
    week_of: dt.date,
    access: EquipmentAccess,
    extra_set_side: Side | None,
    plyometric_weeks: int = 0,
    has_reference: bool = True,
    bent_extra_set_side: Side | None = None,
) -> Routine:
    """The week's exercises. Plyometric exercises are dosed in ground contacts: the session's total (25-50 in the
    first power week, rising with `plyometric_weeks` settled weeks) is shared between them. The weaker leg on each
    variant under 90% gets one more set of that variant's one-leg exercises: `bent_extra_set_side` for bent-knee
    exercises (when set), `extra_set_side` for the others."""
    template = stage_templates()[stage]
    library = exercise_library()
    available = EQUIPMENT_BY_ACCESS[access]
    week_index = week_of.isocalendar().week
    picked_slots = [
        (slot, library[picked]) for slot in template.slots if (picked := _pick(slot, available, week_index)) is not None
    ]
    jumps = sum(1 for _, exercise in picked_slots if exercise.category == PLYOMETRIC)
    dose = plyometric_dose(plyometric_weeks, jumps) if jumps else None
    prescriptions = []
    for slot, exercise in picked_slots:
        if dose is not None and exercise.category == PLYOMETRIC:
            low, high = dose.per_exercise
            shared = ", both legs together" if exercise.unilateral else ""
            prescriptions.append(
                Prescription(
                    exercise=exercise,
                    role=slot.role,
                    sets=0,
                    reps=f"{low}–{high} ground contacts{shared}",
                    load=slot.load or exercise.load,
                    extra_set_side=None,
                )
            )
            continue
        sets = slot.sets if slot.sets is not None else exercise.sets
        extra = bent_extra_set_side if exercise.category == BENT_KNEE and bent_extra_set_side else extra_set_side
        prescriptions.append(
            Prescription(
                exercise=exercise,
                role=slot.role,
                sets=sets,
                reps=slot.reps or exercise.reps,
                load=slot.load or exercise.load,
                extra_set_side=extra if exercise.unilateral and sets > 0 else None,
            )
        )
    exit_criteria = template.exit_criteria
    if not has_reference and template.exit_criteria_without_reference:
        exit_criteria = template.exit_criteria_without_reference
    return Routine(
        stage=stage,
        title=template.title,
        goal=template.goal,
        reasons=tuple(reasons),
        sessions_per_week=template.sessions_per_week,
        prescriptions=tuple(prescriptions),
        exit_criteria=exit_criteria,
        tips=routine_tips(),
        weaker_side=extra_set_side,
        plyometrics=dose,
        bent_weaker_side=bent_extra_set_side,
    )


def recommend(
    latest: HeelRaiseTest,
    score: TestScore,
    runner: RunnerProfile,
    symptoms: Sequence[SymptomEntry],
    today: dt.date,
    access: EquipmentAccess = EquipmentAccess.GYM,
    history: Sequence[HeelRaiseTest] = (),
) -> Routine:
    """This week's routine for a scored test. Only for a test no warning sign stopped: calfcore.assessment.assess
    decides that first, and gives a routine only with its `Scored` reading. `history` (the runner's tests) tells how
    many settled weeks the runner has been in the power stage, for the plyometric dose."""
    decision = choose_stage(score, pain_picture(symptoms, today))
    asymmetric = dict(score.asymmetric_variants)
    # Extra work for the weaker leg on every variant under 90% (weaker ÷ stronger): knee straight and heel height
    # are straight-knee raises; knee bent is the soleus variant.
    extra_side = bent_side = None
    if "knee straight" in asymmetric:
        extra_side = weaker_side(latest.straight_reps, runner.injured_side)
    elif "heel height" in asymmetric and latest.heel_height_cm is not None:
        extra_side = weaker_side(latest.heel_height_cm)
    if "knee bent" in asymmetric and latest.bent_reps is not None:
        bent_side = weaker_side(latest.bent_reps)
    weeks = 0
    reasons = decision.reasons
    if decision.stage is Stage.POWER:
        weeks = power_weeks_settled(latest, runner, history, symptoms, today)
        if not morning_recorded_recently(symptoms, today):
            reasons = (
                *reasons,
                "No next-morning pain recorded in the last 7 days: enter it in the daily check-in. Only a week "
                "recorded as settled adds ground contacts.",
            )
    return build_week(
        decision.stage,
        reasons,
        today,
        access,
        extra_side,
        weeks,
        has_reference=score.legs[0].reference is not None,
        bent_extra_set_side=bent_side,
    )
