"""The one-page report for a physiotherapist or doctor: what goes on it, in order, as plain text.

Built from the same rules as the pages (triage, scoring, the pain-monitoring picture, the routine, the retest plan),
so the report never says something the dashboard does not. A warning sign replaces the score and the routine with the
clinician message, as it does on the pages. Drawing it (PDF, chart image) is calfui.report_pdf's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from calfcore.assessment import Stopped, assess, latest_test
from calfcore.evidence import Source, source
from calfcore.models import HeelRaiseTest, Run, RunnerProfile, Sex, SymptomEntry
from calfcore.norms import describe_protocol, format_reps, why_no_reference
from calfcore.retest import RetestPlan
from calfcore.routine import EquipmentAccess, PainPicture, Routine, pain_picture
from calfcore.runs import PAIN_WITH_RUNNING_BASIS, marked_weeks, pain_rose_with_volume, running_jump
from calfcore.scoring import TestScore, symmetry_text
from calfcore.sentences import pain_sentence
from calfcore.thresholds import (
    MEASUREMENT_NOISE_REPS,
    MORNING_STIFFNESS_REFERRAL_MINUTES,
    PAIN_ACCEPTABLE_MAX,
    RUNNER_TARGET_REPS,
    RUNNING_JUMP_PERCENT,
    SYMMETRY_FLAG_PERCENT,
)
from calfcore.triage import triage
from calfcore.warning_signs import UNTIL_WORDS, ActiveWarning

INFORMS_LINE = (
    "Calf Check informs; it does not diagnose. This report shows what the runner recorded and how it "
    "compares with published references and expert targets. A clinician who examines the runner decides."
)
TEST_DESCRIPTION = "single-leg heel raises to fatigue, knee straight"
CHART_HEADING = "Raises over time"  # the renderer draws the dashboard's raises chart under this heading
RUNNING_WEEKS = 8  # the running bars under the raises chart: this week and the 7 before it
RUNNING_HEADING = f"Running, last {RUNNING_WEEKS} weeks"

BAND_TEXT = {
    "well below": "well below the typical range",
    "below": "below the typical range",
    "typical": "within the typical range",
    "above": "above the typical range",
}


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    sources: tuple[str, ...] = ()  # where the section's figures come from, with their evidence tags
    alert: bool = False  # the warning that replaces the routine
    chart: bool = False  # the place of the raises chart
    legs: bool = False  # the place of each leg at a glance (calfcore.charts.leg_bars of `Report.score`)
    running: bool = False  # the place of the weekly running bars (calfcore.charts.running_chart of `Report.running`)


@dataclass(frozen=True)
class Report:
    runner_name: str
    about: str  # age, sex, injured side
    made_on: dt.date
    sections: tuple[Section, ...]
    informs: str = INFORMS_LINE
    score: TestScore | None = None  # the latest test's score, for each leg at a glance (None: no test, or a warning)
    # The last RUNNING_WEEKS weeks of running (calfcore.runs.marked_weeks), for the running bars; None without runs.
    running: pd.DataFrame | None = field(default=None, compare=False)
    running_measure: str = "distance_km"  # what the bars count: distance, or time when no run has a distance

    @property
    def has_warning(self) -> bool:
        return any(section.alert for section in self.sections)

    @property
    def text(self) -> str:
        """Every line of the report, for a plain-text check."""
        parts = [self.runner_name, self.about]
        for section in self.sections:
            parts += [section.heading, *section.lines, *section.sources]
        return "\n".join([*parts, self.informs])


def cite(item: Source) -> str:
    """'Green et al. 2022 (expert consensus) – expert opinion, not a measured norm': what kind of source it is, in
    words (evidence.TRUST_WORDS), never the tag's code."""
    return f"{item.short} – {item.trust}"


def _about(runner: RunnerProfile, today: dt.date) -> str:
    parts = [f"age {runner.age_on(today)}"]
    if runner.sex is not Sex.UNSPECIFIED:
        parts.append(runner.sex.value)
    if runner.injured_side is not None:
        parts.append(f"injured side: {runner.injured_side.value}")
    if runner.is_demo:
        parts.append("made-up demo data")
    return ", ".join(parts)


def _leg_lines(test: HeelRaiseTest, score: TestScore, runner: RunnerProfile) -> list[str]:
    lines = []
    target = int(RUNNER_TARGET_REPS.value)
    for leg in score.legs:
        name = leg.side.value.capitalize() + (" (injured side)" if runner.injured_side is leg.side else "")
        group = f" for {leg.reference.group}" if leg.reference is not None else ""
        band = f", {BAND_TEXT[leg.band.value]}{group}" if leg.band is not None else ""
        met = f"runner target {target}+ met" if leg.meets_runner_target else f"under the runner target of {target}+"
        change = next((c for c in score.changes if c.side is leg.side), None)
        since = ""
        if change is not None and score.previous_test is not None:
            verdict = "within measurement noise" if change.within_noise else "a real change"
            since = (
                f"; {change.delta:+d} since the last comparable test "
                f"({score.previous_test.tested_on:%d %b %Y}), {verdict}"
            )
        lines.append(f"{name}: {leg.reps} raises{band}; {met}{since}.")
    reference = score.legs[0].reference
    if reference is not None:
        sex = "any sex" if reference.sex == "any" else reference.sex
        lines.append(
            f"Reference: {reference.label} for {reference.population} ({sex}, {reference.ages}). Typical "
            f"range {reference.typical.text} raises: the reference {reference.spread_label}."
        )
    else:
        lines.append(
            f"No reference band: {why_no_reference(test.protocol, runner.sex, runner.age_on(test.tested_on))}"
            ". Compared with the runner target, between legs and with earlier tests of the same protocol."
        )
    lines.append(
        f"A change between comparable tests counts only beyond ±{int(MEASUREMENT_NOISE_REPS.value)} raises "
        "(the test's retest limits)."
    )
    return lines


def _leg_sources(score: TestScore) -> list[str]:
    reference = score.legs[0].reference
    found = []
    if reference is not None:
        found.append(
            f"Reference: {cite(reference.source)}"
            + ("" if reference.pace_confirmed else "; this study's pace is not confirmed, so approximate")
        )
        found.append(f"Spread: {cite(reference.spread_source)}")
    found.append(f"Runner target: {cite(RUNNER_TARGET_REPS.source)}")
    found.append(f"Measurement noise: {cite(MEASUREMENT_NOISE_REPS.source)}")
    return found


def _symmetry_section(test: HeelRaiseTest, score: TestScore, runner: RunnerProfile) -> Section:
    line = int(SYMMETRY_FLAG_PERCENT.value)
    lines = []
    if score.symmetry_percent is None:
        lines.append("Needs both legs tested.")
    else:
        how = "injured ÷ uninjured" if runner.injured_side is not None else "weaker ÷ stronger"
        lines.append(f"Knee straight: {symmetry_text(score.symmetry_percent)} ({how}).")
    for name, value in score.gate_symmetries:
        verdict = f"under the {line}% line" if value < SYMMETRY_FLAG_PERCENT.value else f"at or above {line}%"
        lines.append(f"Weaker ÷ stronger, {name}: {symmetry_text(value)}, {verdict}.")
    if test.bent_reps is not None:
        lines.append(
            f"Knee bent raises: left {_count(test.bent_reps.left)}, right {_count(test.bent_reps.right)} "
            "(no published norm: compared between legs and over time only)."
        )
    return Section(
        "Symmetry",
        tuple(lines),
        (f"{line}% line: {cite(SYMMETRY_FLAG_PERCENT.source)}", f"Index: {cite(source('silbernagel_2010'))}"),
    )


def _count(value: float | None) -> str:
    return "—" if value is None else format_reps(value)


def _peaks(now: int | None, before: int | None, unit: str) -> str:
    now_text = "none recorded" if now is None else f"{now}{unit}"
    before_text = "none recorded" if before is None else f"{before}{unit}"
    return f"{now_text} (the week before: {before_text})"


def _pain_section(pain: PainPicture, score: TestScore | None) -> Section:
    lines = [
        f"Peak pain in the last 7 days: {_peaks(pain.recent_peak, pain.previous_week_peak, '/10')}.",
        f"Next-morning pain: {_peaks(pain.recent_morning, pain.previous_morning, '/10')}.",
        f"Morning stiffness: {_peaks(pain.recent_stiffness, pain.previous_stiffness, ' min')}.",
    ]
    if pain.recent_peak is not None and pain.recent_peak > PAIN_ACCEPTABLE_MAX.value:
        lines.append(f"Pain over {int(PAIN_ACCEPTABLE_MAX.value)}/10 this week: more than the tendon should take.")
    if pain.rising:
        warning = " and ".join(pain.warnings)
        lines.append(f"Warning: {warning}.")
    elif pain.recent_morning is not None or pain.recent_stiffness is not None:
        lines.append("Next-morning pain and stiffness are not rising week on week.")
    if score is not None and (test_pain := pain_sentence(score.pain_zones)) is not None:
        lines.append(f"During the latest test: {test_pain[len('Pain: ') :]}")
    return Section(
        "Pain and stiffness",
        tuple(lines),
        (
            f"Pain zones and the week-on-week warning: {cite(PAIN_ACCEPTABLE_MAX.source)}",
            f"Stiffness over {int(MORNING_STIFFNESS_REFERRAL_MINUTES.value)} min: "
            f"{cite(MORNING_STIFFNESS_REFERRAL_MINUTES.source)}",
        ),
    )


def _warning_section(result: Stopped | None, warning: ActiveWarning | None = None) -> Section:
    """The clinician message that replaces the score and the routine: the latest test's own warning signs and any
    ticked in a daily check-in that still stand (calfcore.warning_signs)."""
    message = result.triage if result is not None else warning.triage if warning is not None else None
    assert message is not None
    lines = [f"Message shown to the runner: {message.message}"]
    if result is not None and (own := triage(result.test.red_flags, result.test.straight_reps)).stop:
        lines.append("Reported in the safety check: " + "; ".join(flag.question for flag in own.flags))
    if warning is not None:
        questions = "; ".join(flag.question for flag in warning.triage.flags)
        lines.append(f"Reported {warning.reported()}: {questions} {UNTIL_WORDS}")
    if result is not None:
        test = result.test
        raises = f"left {_count(test.straight_reps.left)}, right {_count(test.straight_reps.right)}"
        lines.append(
            f"Raises recorded ({raises}) are not scored and no routine is given: the warning sign comes first."
        )
    else:
        lines.append("No routine is given: the warning sign comes first.")
    return Section(
        "Warning sign: see a clinician",
        tuple(lines),
        tuple(dict.fromkeys(cite(source(flag.source_id)) for flag in message.flags)),
        alert=True,
    )


def _routine_section(routine: Routine) -> Section:
    lines = [
        f"Stage: {routine.title}. " + " ".join(routine.reasons),
        f"Goal: {routine.goal}",
        f"{routine.sessions_per_week} sessions a week, with a rest day between.",
    ]
    lines += [f"Weaker side: {line}" for line in routine.extra_work]
    lines += [f"{item.exercise.name}: {item.dose}" for item in routine.prescriptions]
    if routine.plyometrics is not None:
        lines.append(f"Jumping: {routine.plyometrics.summary}")
    cited = dict.fromkeys(cite(source(s)) for item in routine.prescriptions for s in item.exercise.sources)
    return Section("Current stage and routine", tuple(lines), ("Exercises from: " + "; ".join(cited),))


def _retest_section(plan: RetestPlan, today: dt.date, away: Sequence[dt.date]) -> Section:
    due = "Retest due" if plan.is_due(today, away) else "Next retest"
    return Section("Retest", (f"{due}: {plan.due_on:%d %b %Y} ({plan.why}). The same way: {plan.repeat}.",))


def running_weeks(runs: Sequence[Run], today: dt.date) -> pd.DataFrame | None:
    """The last RUNNING_WEEKS weeks of running, each marked a usual week or a jump; None if no run fell in them."""
    weekly = marked_weeks(runs, today, RUNNING_WEEKS)
    return weekly if int(weekly["runs"].sum()) else None


def _running_section(
    weekly: pd.DataFrame, measure: str, runs: Sequence[Run], symptoms: Sequence[SymptomEntry], today: dt.date
) -> Section:
    """The bars' text alternative, and the flags the dashboard and the roster show (a jump in distance, pain that
    rose with the running), in the third person, each with where it comes from."""
    from calfcore.chart_text import running_text

    lines = [running_text(weekly, measure)]
    # The rule the bars are read by, whether or not a week broke it.
    sources = [f"A jump of more than {RUNNING_JUMP_PERCENT.text}: {cite(RUNNING_JUMP_PERCENT.source)}"]
    jump = running_jump(runs, today)
    if jump is not None:
        lines.append(jump.about_the_runner(today))
    pain = pain_rose_with_volume(runs, symptoms, today)
    if pain is not None:
        lines.append(pain.about_the_runner)
        sources.append(f"Pain rising with the running: {PAIN_WITH_RUNNING_BASIS}")
    return Section(RUNNING_HEADING, tuple(lines), tuple(sources), running=True)


def build_report(
    runner: RunnerProfile,
    tests: Sequence[HeelRaiseTest],
    symptoms: Sequence[SymptomEntry],
    today: dt.date,
    *,
    plan: RetestPlan | None = None,
    away: Sequence[dt.date] = (),
    access: EquipmentAccess = EquipmentAccess.HOME,
    warning: ActiveWarning | None = None,
    runs: Sequence[Run] = (),
) -> Report:
    """The report's content for `runner` as of `today`. `plan`: the next retest as the dashboard shows it;
    `warning`: check-in warning signs still standing (calfcore.warning_signs), which replace the routine; `runs`:
    the runner's runs, for the last RUNNING_WEEKS weeks of running under the raises chart (when any fell in them)."""
    about = _about(runner, today)
    latest = latest_test(tests)
    pain = pain_picture(symptoms, today)
    weekly = running_weeks(runs, today)
    measure = "distance_km" if weekly is None or weekly["distance_km"].sum() > 0 else "minutes"
    running = () if weekly is None else (_running_section(weekly, measure, runs, symptoms, today),)
    if latest is None:
        first: tuple[Section, ...] = (Section("Latest test", ("No heel-raise test recorded yet.",)),)
        if warning is not None:
            first += (_warning_section(None, warning),)
        return Report(
            runner.name,
            about,
            today,
            (*first, _pain_section(pain, None), *running),
            running=weekly,
            running_measure=measure,
        )
    result = assess(latest, runner, tests, symptoms, today, access, warning=warning)
    head = Section(
        "Latest test",
        (f"{latest.tested_on:%d %b %Y}: {TEST_DESCRIPTION}.", f"Protocol: {describe_protocol(latest.protocol)}."),
    )
    chart = Section(CHART_HEADING, (), chart=True)
    if isinstance(result, Stopped):
        return Report(
            runner.name,
            about,
            today,
            (head, _warning_section(result, warning), _pain_section(pain, None), chart, *running),
            running=weekly,
            running_measure=measure,
        )
    score = result.score
    sections = [
        head,
        Section(
            "Each leg against its reference",
            tuple(_leg_lines(latest, score, runner)),
            tuple(_leg_sources(score)),
            legs=True,
        ),
        _symmetry_section(latest, score, runner),
        _pain_section(pain, score),
        chart,
        *running,
        _routine_section(result.routine),
    ]
    if plan is not None:
        sections.append(_retest_section(plan, today, away))
    return Report(runner.name, about, today, tuple(sections), score=score, running=weekly, running_measure=measure)
