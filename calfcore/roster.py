"""A coach's roster: one row per runner who shared, and the rules that flag who needs attention.

Each flag reuses the rule the runner's own pages apply (the red-flag check, the pain-monitoring model, the 90% line,
the routine's stage, the retest schedule, the jump in weekly running distance, next-morning pain that rose with the
running), so the roster never says something the runner's dashboard does not. Every
flag carries a reason in words and where its rule comes from. The roster informs; it does not diagnose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

import pandas as pd

from calfcore.assessment import Scored, assess, latest_test
from calfcore.evidence import source
from calfcore.models import HeelRaiseTest, LegPair, RoutineLogEntry, Run, RunnerProfile, Side, SymptomEntry
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.retest import plan_retest
from calfcore.routine import EquipmentAccess, PainPicture, Stage, pain_picture, stage_templates
from calfcore.runs import PAIN_WITH_RUNNING_BASIS, pain_rose_with_volume, running_jump
from calfcore.scoring import Band, TestScore, gate_symmetry, symmetry_text
from calfcore.thresholds import PAIN_ACCEPTABLE_MAX, RUNNING_JUMP_PERCENT, SYMMETRY_FLAG_PERCENT
from calfcore.triage import Triage, triage
from calfcore.warning_signs import ActiveWarning

# Issue 14's rule, our convention and not a published cut-off: two weeks without a logged session is worth a coach's
# question. Two weeks is also the span the pain-monitoring model compares (this week against the one before).
TRAINING_GAP_DAYS = 14
TRAINING_GAP_BASIS = "Calf Check's convention (two weeks without a session), not a published figure"
RETEST_BASIS = (
    "Calf Check's retest schedule (our convention: every 2 weeks while calming down or building, every 4 once loading)"
)
STAGE_BASIS = "the routine's stages, gated by pain, strength and symmetry (Green et al. 2022, Silbernagel 2007)"
STAGE_ORDER: tuple[Stage, ...] = (Stage.CALM_DOWN, Stage.BUILD, Stage.LOAD, Stage.POWER)


class FlagKind(IntEnum):
    """Most urgent first: the roster sorts by it."""

    WARNING_SIGN = 1
    PAIN = 2
    SYMMETRY = 3
    STAGE_DOWN = 4
    RUNNING_JUMP = 5
    PAIN_WITH_RUNNING = 6
    RETEST_DUE = 7
    NO_TRAINING = 8

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS = {
    FlagKind.WARNING_SIGN: "Warning sign",
    FlagKind.PAIN: "Pain",
    FlagKind.SYMMETRY: f"Symmetry under {SYMMETRY_FLAG_PERCENT.text}",
    FlagKind.STAGE_DOWN: "Stage went down",
    FlagKind.RUNNING_JUMP: f"Running jump over {RUNNING_JUMP_PERCENT.text}",
    FlagKind.PAIN_WITH_RUNNING: "Pain rose with running",
    FlagKind.RETEST_DUE: "Retest due",
    FlagKind.NO_TRAINING: "No training logged",
}


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    reason: str  # a sentence a coach reads
    source: str  # where the rule comes from, and how far to trust it


@dataclass(frozen=True)
class LegCell:
    side: Side
    raises: int | None
    band: Band | None  # None: no reference fits, or a warning sign stopped the scoring


@dataclass(frozen=True)
class RosterRow:
    runner_id: int | None
    name: str
    latest_test_on: dt.date | None
    legs: tuple[LegCell, ...]
    symmetry_percent: float | None  # as the dashboard shows it (injured ÷ uninjured when a side is marked)
    stage: Stage | None
    pain: PainPicture
    training_days: int  # distinct days with a logged session in the last TRAINING_GAP_DAYS days
    flags: tuple[Flag, ...]
    score: TestScore | None = None  # the latest test's score, for its at-a-glance bars (None: no test, or a warning)
    injured_side: Side | None = None

    @property
    def stage_title(self) -> str:
        return stage_templates()[self.stage].title if self.stage is not None else "—"

    @property
    def pain_trend(self) -> str:
        return pain_trend(self.pain)

    @property
    def needs_attention(self) -> bool:
        return bool(self.flags)


def pain_trend(pain: PainPicture) -> str:
    """'4/10 this week (2/10 the week before)': the peaks the pain-monitoring model compares."""
    if pain.recent_peak is None and pain.previous_week_peak is None:
        return "no pain recorded in 2 weeks"
    now = "nothing recorded this week" if pain.recent_peak is None else f"{pain.recent_peak}/10 this week"
    before = (
        "nothing the week before"
        if pain.previous_week_peak is None
        else f"{pain.previous_week_peak}/10 the week before"
    )
    return f"{now} ({before})"


def _warning_flags(
    tests: Sequence[HeelRaiseTest], hops: Sequence[HopTest], checks: Sequence[ReadinessCheck]
) -> list[Flag]:
    """The latest record of each kind that asks the safety questions, as the return-to-run page reads them."""
    found: list[tuple[str, dt.date, Triage]] = []
    test = latest_test(tests)
    if test is not None:
        found.append(("heel-raise test", test.tested_on, triage(test.red_flags, test.straight_reps)))
    hop = max(hops, key=lambda h: (h.tested_on, h.id or 0), default=None)
    if hop is not None:
        found.append(("hop test", hop.tested_on, triage(hop.red_flags)))
    check = max(checks, key=lambda c: (c.checked_on, c.id or 0), default=None)
    if check is not None:
        found.append(("return-to-run check", check.checked_on, triage(check.red_flags)))
    flags = []
    for what, day, result in found:
        for red_flag in result.flags:
            flags.append(
                Flag(
                    FlagKind.WARNING_SIGN,
                    f"Warning sign in the {what} of {day:%d %b %Y}: {red_flag.question} The runner is told "
                    "to see a clinician before testing or training again.",
                    source(red_flag.source_id).label,
                )
            )
    return flags


def _checkin_warning_flags(warning: ActiveWarning | None) -> list[Flag]:
    """Each warning sign ticked in a daily check-in that still stands, with the day it was ticked."""
    if warning is None:
        return []
    return [
        Flag(
            FlagKind.WARNING_SIGN,
            f"Warning sign {warning.reported()}: {red_flag.question} The runner is told to see a clinician before "
            "testing or training again; no stage or retest until a clean test on a later day or a clinician's "
            "all-clear.",
            source(red_flag.source_id).label,
        )
        for red_flag in warning.triage.flags
    ]


def _pain_flags(pain: PainPicture) -> list[Flag]:
    limit = int(PAIN_ACCEPTABLE_MAX.value)
    flags = []
    if pain.recent_peak is not None and pain.recent_peak > PAIN_ACCEPTABLE_MAX.value:
        flags.append(
            Flag(
                FlagKind.PAIN,
                f"Pain reached {pain.recent_peak}/10 this week: over {limit} is more than the tendon should take.",
                PAIN_ACCEPTABLE_MAX.source.label,
            )
        )
    if pain.rising:
        warning = " and ".join(pain.warnings)
        flags.append(Flag(FlagKind.PAIN, warning[0].upper() + warning[1:] + ".", PAIN_ACCEPTABLE_MAX.source.label))
    return flags


def _running_flags(runs: Sequence[Run], symptoms: Sequence[SymptomEntry], today: dt.date) -> list[Flag]:
    """What the runner's dashboard says of their running, decided by the same calfcore.runs functions: the jump in
    weekly distance (this week's or last week's, more than RUNNING_JUMP_PERCENT over the week before; a week after
    one without runs is no jump), and next-morning pain that rose in a week whose running rose."""
    if not runs:
        return []
    flags = []
    jump = running_jump(runs, today)
    if jump is not None:
        flags.append(Flag(FlagKind.RUNNING_JUMP, jump.about_the_runner(today), RUNNING_JUMP_PERCENT.source.label))
    pain = pain_rose_with_volume(runs, symptoms, today)
    if pain is not None:
        flags.append(Flag(FlagKind.PAIN_WITH_RUNNING, pain.about_the_runner, PAIN_WITH_RUNNING_BASIS))
    return flags


def _stage_at(
    test: HeelRaiseTest,
    runner: RunnerProfile,
    tests: Sequence[HeelRaiseTest],
    symptoms: Sequence[SymptomEntry],
    day: dt.date,
) -> Stage | None:
    """The stage the routine gave on `day`, from what was recorded up to then."""
    earlier_tests = [t for t in tests if t.tested_on <= day]
    earlier_symptoms = [s for s in symptoms if s.logged_on <= day]
    result = assess(test, runner, earlier_tests, earlier_symptoms, day)
    return result.routine.stage if isinstance(result, Scored) else None


def _previous_test(latest: HeelRaiseTest, tests: Sequence[HeelRaiseTest]) -> HeelRaiseTest | None:
    key = (latest.tested_on, latest.id or 0)
    return max(
        (t for t in tests if (t.tested_on, t.id or 0) < key), key=lambda t: (t.tested_on, t.id or 0), default=None
    )


def _available_days_back(today: dt.date, count: int, away: Collection[dt.date]) -> dt.date:
    """The first of the last `count` days the runner was available (days away are skipped, as in the retest)."""
    day, counted = today, 0
    while True:
        if day not in away:
            counted += 1
            if counted == count:
                return day
        day -= dt.timedelta(days=1)


def _training_flag(
    logs: Sequence[RoutineLogEntry], first_record: dt.date | None, today: dt.date, away: Collection[dt.date]
) -> Flag | None:
    """No session logged in the last 14 days the runner was available. A runner who started less than 14 days ago
    is not flagged: there is no gap yet."""
    start = _available_days_back(today, TRAINING_GAP_DAYS, away)
    if first_record is None or first_record > start:
        return None
    if any(start <= log.logged_on <= today for log in logs):
        return None
    last = max((log.logged_on for log in logs if log.logged_on <= today), default=None)
    since = f"since {last:%d %b %Y}" if last is not None else "ever"
    return Flag(
        FlagKind.NO_TRAINING,
        f"No training logged in the last {TRAINING_GAP_DAYS} days (last session: "
        f"{since}; days marked away don't count).",
        TRAINING_GAP_BASIS,
    )


def roster_row(
    runner: RunnerProfile,
    tests: Sequence[HeelRaiseTest],
    symptoms: Sequence[SymptomEntry],
    routine_logs: Sequence[RoutineLogEntry],
    today: dt.date,
    *,
    hops: Sequence[HopTest] = (),
    checks: Sequence[ReadinessCheck] = (),
    away: Collection[dt.date] = (),
    own_every_days: int | None = None,
    warning: ActiveWarning | None = None,
    runs: Sequence[Run] = (),
) -> RosterRow:
    """One runner's roster row and flags, from the records the dashboard reads (plus hop tests and return-to-run
    checks for their warning signs, days away, the runner's own retest interval, `warning`: check-in warning
    signs still standing, which take the stage and the retest away as they do on the runner's pages, and `runs`
    for the jump in running distance and pain that rose with it)."""
    latest = latest_test(tests)
    pain = pain_picture(symptoms, today)
    flags = _checkin_warning_flags(warning) + _warning_flags(tests, hops, checks)
    flags += _pain_flags(pain)
    legs: tuple[LegCell, ...] = ()
    symmetry = None
    stage = None
    score = None
    if latest is None:
        flags.append(Flag(FlagKind.RETEST_DUE, "No heel-raise test recorded yet.", RETEST_BASIS))
    else:
        result = assess(latest, runner, tests, symptoms, today, EquipmentAccess.HOME, warning=warning)
        score = result.score if isinstance(result, Scored) else None
        legs = tuple(
            LegCell(
                side,
                None if (reps := latest.straight_reps.get(side)) is None else int(reps),
                score.leg(side).band if score is not None else None,
            )
            for side in Side
        )
        if score is not None:
            symmetry = score.symmetry_percent
            if score.asymmetric_variants:
                parts = ", ".join(f"{name} {symmetry_text(value)}" for name, value in score.asymmetric_variants)
                flags.append(
                    Flag(
                        FlagKind.SYMMETRY,
                        f"Weaker ÷ stronger leg under {int(SYMMETRY_FLAG_PERCENT.value)}% "
                        f"in the test of {latest.tested_on:%d %b %Y}: {parts}.",
                        SYMMETRY_FLAG_PERCENT.source.label,
                    )
                )
        if isinstance(result, Scored):
            stage = result.routine.stage
            previous = _previous_test(latest, tests)
            before = _stage_at(previous, runner, tests, symptoms, previous.tested_on) if previous else None
            if previous is not None and before is not None and STAGE_ORDER.index(stage) < STAGE_ORDER.index(before):
                titles = stage_templates()
                flags.append(
                    Flag(
                        FlagKind.STAGE_DOWN,
                        f"Stage went down from {titles[before].title} (test of "
                        f"{previous.tested_on:%d %b %Y}) to {titles[stage].title}: " + " ".join(result.routine.reasons),
                        STAGE_BASIS,
                    )
                )
            plan = plan_retest(latest, stage, own_every_days, away)
            if plan is not None and plan.is_due(today, away):
                flags.append(
                    Flag(
                        FlagKind.RETEST_DUE,
                        f"Retest due since {plan.due_on:%d %b %Y}: last test "
                        f"{latest.tested_on:%d %b %Y}, retest {plan.why}.",
                        RETEST_BASIS,
                    )
                )
    flags += _running_flags(runs, symptoms, today)
    recorded = [t.tested_on for t in tests] + [log.logged_on for log in routine_logs]
    training = _training_flag(routine_logs, min(recorded, default=None), today, away)
    if training is not None:
        flags.append(training)
    window_start = today - dt.timedelta(days=TRAINING_GAP_DAYS - 1)
    days = len({log.logged_on for log in routine_logs if window_start <= log.logged_on <= today})
    return RosterRow(
        runner.id,
        runner.name,
        latest.tested_on if latest else None,
        legs,
        symmetry,
        stage,
        pain,
        days,
        tuple(sorted(flags, key=lambda f: f.kind)),
        score,
        runner.injured_side,
    )


def sort_roster(rows: Iterable[RosterRow]) -> list[RosterRow]:
    """Flagged runners first (the most urgent flag first, then the number of flags), then by name."""

    def key(row: RosterRow) -> tuple[int, int, str]:
        worst = min((flag.kind for flag in row.flags), default=len(FlagKind) + 1)
        return (worst, -len(row.flags), row.name.casefold())

    return sorted(rows, key=key)


def with_flag(rows: Iterable[RosterRow], kind: FlagKind) -> list[RosterRow]:
    """The roster filtered to runners with one kind of flag."""
    return [row for row in rows if any(flag.kind is kind for flag in row.flags)]


SQUAD_COLUMNS = [
    "runner",
    "left",
    "right",
    "weaker_raises",
    "symmetry_percent",
    "stage",
    "attention",
    "flags",
    "tested_on",
]
NEEDS_ATTENTION = "needs attention"
ON_TRACK = "on track"


def squad_frame(rows: Iterable[RosterRow]) -> pd.DataFrame:
    """The squad chart's rows: one per runner whose latest test has both legs, with the weaker leg's raises and
    weaker ÷ stronger (the value the 90% line judges, whichever side is marked injured). Runners without such a test
    are left out: the roster's table shows them."""
    found = []
    for row in rows:
        raises = {leg.side: leg.raises for leg in row.legs}
        pair = LegPair(raises.get(Side.LEFT), raises.get(Side.RIGHT))
        both = pair.both()
        symmetry = gate_symmetry(pair)
        if both is None or symmetry is None or row.latest_test_on is None:
            continue
        found.append(
            {
                "runner": row.name,
                "left": int(both.left),
                "right": int(both.right),
                "weaker_raises": int(min(both.left, both.right)),
                "symmetry_percent": symmetry,
                "stage": row.stage_title,
                "attention": NEEDS_ATTENTION if row.flags else ON_TRACK,
                "flags": ", ".join(flag.kind.label for flag in row.flags) or "none",
                "tested_on": pd.Timestamp(row.latest_test_on),
            }
        )
    return pd.DataFrame(found, columns=SQUAD_COLUMNS).astype(
        {
            "left": "int64",
            "right": "int64",
            "weaker_raises": "int64",
            "symmetry_percent": "float64",
            "tested_on": "datetime64[ns]",
        }
    )
