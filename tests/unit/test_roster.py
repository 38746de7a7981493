"""The coach roster's rules (calfcore.roster): one test per 'needs attention' flag and its boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcore.charts import RUNNER_DATA, json_spec, squad_chart, squad_spec
from calfcore.models import LegPair, RoutineLogEntry, Run, Side
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.roster import FlagKind, RosterRow, roster_row, sort_roster, squad_frame, with_flag
from calfcore.routine import Stage
from calfcore.runs import pain_rose_with_volume, running_jump
from calfcore.scoring import Band
from calfcore.thresholds import PAIN_ACCEPTABLE_MAX, RUNNER_TARGET_REPS, SYMMETRY_FLAG_PERCENT
from tests.contrast import GRAPHICS_MIN_RATIO, contrast_ratio
from tests.unit.helpers import TODAY, heel_test, runner, symptom
from tests.unit.test_accessibility import _drawn_colours
from tests.unit.test_charts import _canonical


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def log(day: dt.date) -> RoutineLogEntry:
    return RoutineLogEntry(logged_on=day, exercise_id="straight_knee_raise", sets=3, reps=15)


RECENT_LOGS = [log(days_ago(2)), log(days_ago(5)), log(days_ago(5))]


def row(tests=None, symptoms=(), logs=RECENT_LOGS, who=None, **extra) -> RosterRow:
    tests = [heel_test(30, 30, day=days_ago(3), id=1)] if tests is None else tests
    return roster_row(who or runner(), tests, list(symptoms), list(logs), TODAY, **extra)


def kinds(result: RosterRow) -> set[FlagKind]:
    return {flag.kind for flag in result.flags}


def flag_of(result: RosterRow, kind: FlagKind):
    return next(flag for flag in result.flags if flag.kind is kind)


def test_a_runner_on_track_has_the_row_and_no_flags():
    result = row()
    assert result.flags == ()
    assert not result.needs_attention
    assert result.latest_test_on == days_ago(3)
    assert [(leg.side, leg.raises, leg.band) for leg in result.legs] == [
        (Side.LEFT, 30, Band.TYPICAL),
        (Side.RIGHT, 30, Band.TYPICAL),
    ]
    assert result.symmetry_percent == 100.0
    assert result.stage is Stage.POWER and result.stage_title == "Power"
    assert result.training_days == 2  # two distinct days, one with two logs
    assert result.pain_trend == "no pain recorded in 2 weeks"


# -- warning sign in the latest test or check-in ---------------------------------------------------------------


def test_a_warning_sign_in_the_latest_test_flags_and_stops_band_and_stage():
    result = row([heel_test(30, 30, day=days_ago(3), id=1, red_flags=frozenset({"sudden_pop"}))])
    flag = flag_of(result, FlagKind.WARNING_SIGN)
    assert "sudden pop" in flag.reason and days_ago(3).strftime("%d %b %Y") in flag.reason
    assert "AAOS" in flag.source
    assert result.stage is None and result.symmetry_percent is None
    assert [leg.raises for leg in result.legs] == [30, 30] and all(leg.band is None for leg in result.legs)
    # A stopped test has no retest plan either: the warning is the one thing to act on.
    assert kinds(result) == {FlagKind.WARNING_SIGN}


def test_a_warning_sign_in_an_earlier_test_only_does_not_flag():
    result = row(
        [
            heel_test(28, 28, day=days_ago(10), id=1, red_flags=frozenset({"sudden_pop"})),
            heel_test(30, 30, day=days_ago(3), id=2),
        ]
    )
    assert FlagKind.WARNING_SIGN not in kinds(result)


@pytest.mark.parametrize(("left", "flagged"), [(0, True), (1, False)])
def test_a_leg_that_cannot_rise_once_is_a_warning_sign(left, flagged):
    result = row([heel_test(left, 30, day=days_ago(3), id=1)])
    assert (FlagKind.WARNING_SIGN in kinds(result)) is flagged


def test_a_warning_sign_in_the_latest_hop_test_or_return_to_run_check_flags():
    hop = HopTest(days_ago(1), LegPair(12, 12), LegPair(1, 1), red_flags=frozenset({"calf_swollen_warm_red"}), id=1)
    check = ReadinessCheck(days_ago(1), True, True, red_flags=frozenset({"sudden_pop"}), id=1)
    assert "hop test" in flag_of(row(hops=[hop]), FlagKind.WARNING_SIGN).reason
    assert "return-to-run check" in flag_of(row(checks=[check]), FlagKind.WARNING_SIGN).reason
    clean_hop = HopTest(days_ago(1), LegPair(12, 12), LegPair(1, 1), id=2)
    assert FlagKind.WARNING_SIGN not in kinds(row(hops=[hop, clean_hop]))


# -- pain over 5, or rising week on week ----------------------------------------------------------------------


@pytest.mark.parametrize(("peak", "flagged"), [(4, False), (5, False), (6, True)])
def test_pain_over_five_this_week_flags(peak, flagged):
    assert PAIN_ACCEPTABLE_MAX.value == 5
    result = row(symptoms=[symptom(days_ago(2), during=peak)])
    assert (FlagKind.PAIN in kinds(result)) is flagged
    if flagged:
        assert f"{peak}/10" in flag_of(result, FlagKind.PAIN).reason
        assert "Silbernagel" in flag_of(result, FlagKind.PAIN).source
    assert result.pain_trend == f"{peak}/10 this week (nothing the week before)"


def test_pain_over_five_older_than_this_week_does_not_flag():
    # This week is the last 7 days: a peak 7 days ago belongs to the week before.
    assert FlagKind.PAIN in kinds(row(symptoms=[symptom(days_ago(6), during=6)]))
    assert FlagKind.PAIN not in kinds(row(symptoms=[symptom(days_ago(7), during=6)]))


@pytest.mark.parametrize(
    ("before", "now", "flagged"), [(3, 2, False), (3, 3, False), (3, 4, True), (1, 2, False)]
)  # a rise inside the safe zone (0-2) is not
def test_next_morning_pain_rising_week_on_week_flags(before, now, flagged):
    result = row(symptoms=[symptom(days_ago(10), morning=before), symptom(days_ago(2), morning=now)])
    assert (FlagKind.PAIN in kinds(result)) is flagged
    if flagged:
        assert f"{before} → {now}/10" in flag_of(result, FlagKind.PAIN).reason


# Issue 22: a rise counts from 10 minutes (STIFFNESS_RISE_MARGIN_MINUTES, our convention): 10 -> 19 is not a flag.
@pytest.mark.parametrize(
    ("before", "now", "flagged"), [(10, 9, False), (10, 11, False), (10, 19, False), (10, 20, True)]
)
def test_morning_stiffness_rising_week_on_week_flags(before, now, flagged):
    result = row(symptoms=[symptom(days_ago(10), stiffness=before), symptom(days_ago(2), stiffness=now)])
    assert (FlagKind.PAIN in kinds(result)) is flagged


# -- symmetry under 90% ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "flagged"),
    [
        (35, 39, True),  # 89.7%, just under
        (27, 30, False),  # 90.0%, at the line
        (28, 30, False),
    ],
)  # 93.3%, over
def test_symmetry_under_the_90_percent_line_flags(left, right, flagged):
    assert SYMMETRY_FLAG_PERCENT.value == 90
    result = row([heel_test(left, right, day=days_ago(3), id=1)])
    assert (FlagKind.SYMMETRY in kinds(result)) is flagged
    if flagged:
        flag = flag_of(result, FlagKind.SYMMETRY)
        assert "knee straight 89.7%" in flag.reason  # issue 22: never rounded onto the line it fails
        assert "Green et al. 2022" in flag.source


def test_symmetry_flag_uses_weaker_over_stronger_even_when_the_injured_leg_is_stronger():
    # Injured ÷ uninjured is 30 ÷ 26 = 115%: the row shows it, yet the weaker uninjured leg still flags.
    result = row([heel_test(30, 26, day=days_ago(3), id=1)], who=runner(injured_side=Side.LEFT))
    assert result.symmetry_percent == pytest.approx(115.4, abs=0.05)
    assert "knee straight 87%" in flag_of(result, FlagKind.SYMMETRY).reason


def test_symmetry_flag_covers_the_knee_bent_variant():
    result = row([heel_test(30, 30, day=days_ago(3), id=1, bent_reps=LegPair(20, 30))])
    assert "knee bent 67%" in flag_of(result, FlagKind.SYMMETRY).reason


# -- a stage that went down -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "latest", "stages", "flagged"),
    [
        ((30, 30), (20, 20), (Stage.POWER, Stage.LOAD), True),  # down (woman of 35: typical range 19-36)
        ((30, 30), (31, 31), (Stage.POWER, Stage.POWER), False),  # the same stage
        ((20, 20), (30, 30), (Stage.LOAD, Stage.POWER), False),  # up
    ],
)
def test_a_stage_that_went_down_since_the_previous_test_flags(earlier, latest, stages, flagged):
    tests = [heel_test(*earlier, day=days_ago(17), id=1), heel_test(*latest, day=days_ago(3), id=2)]
    result = row(tests)
    assert result.stage is stages[1]
    assert (FlagKind.STAGE_DOWN in kinds(result)) is flagged
    if flagged:
        reason = flag_of(result, FlagKind.STAGE_DOWN).reason
        assert reason.startswith("Stage went down from Power") and "to Load" in reason


def test_pain_this_week_that_drops_the_stage_to_calm_down_flags_both():
    result = row(
        symptoms=[symptom(days_ago(1), during=7)],
        tests=[heel_test(30, 30, day=days_ago(17), id=1), heel_test(30, 30, day=days_ago(3), id=2)],
    )
    assert result.stage is Stage.CALM_DOWN
    assert {FlagKind.PAIN, FlagKind.STAGE_DOWN} <= kinds(result)


# -- retest due (no test for 4 weeks in the load and power stages) --------------------------------------------


@pytest.mark.parametrize(("age_days", "flagged"), [(27, False), (28, True), (29, True)])
def test_retest_due_after_four_weeks_in_the_power_stage(age_days, flagged):
    result = row([heel_test(30, 30, day=days_ago(age_days), id=1)])
    assert result.stage is Stage.POWER
    assert (FlagKind.RETEST_DUE in kinds(result)) is flagged
    if flagged:
        assert "every 4 weeks in the power stage" in flag_of(result, FlagKind.RETEST_DUE).reason


def test_retest_follows_the_build_stage_interval_and_days_away():
    build = [heel_test(15, 15, day=days_ago(14), id=1)]  # below the typical range: build, retest every 2 weeks
    assert FlagKind.RETEST_DUE in kinds(row(build))
    assert FlagKind.RETEST_DUE not in kinds(row(build, away={days_ago(5)}))  # a day away moves it one day on


def test_a_runner_with_no_test_yet_is_flagged():
    result = row(tests=[])
    assert result.latest_test_on is None and result.legs == ()
    assert flag_of(result, FlagKind.RETEST_DUE).reason == "No heel-raise test recorded yet."


# -- no training logged for 14 days ---------------------------------------------------------------------------


@pytest.mark.parametrize(("last_log_days_ago", "flagged"), [(12, False), (13, False), (14, True)])
def test_no_training_in_the_last_14_days_flags(last_log_days_ago, flagged):
    result = row(logs=[log(days_ago(30)), log(days_ago(last_log_days_ago))])
    assert (FlagKind.NO_TRAINING in kinds(result)) is flagged
    assert result.training_days == (0 if flagged else 1)
    if flagged:
        assert days_ago(14).strftime("%d %b %Y") in flag_of(result, FlagKind.NO_TRAINING).reason


def test_days_away_do_not_count_as_days_without_training():
    assert FlagKind.NO_TRAINING not in kinds(row(logs=[log(days_ago(30)), log(days_ago(14))], away={days_ago(7)}))


@pytest.mark.parametrize(("first_test_days_ago", "flagged"), [(12, False), (13, True)])
def test_a_new_runner_is_not_flagged_before_14_days_have_passed(first_test_days_ago, flagged):
    result = row([heel_test(30, 30, day=days_ago(first_test_days_ago), id=1)], logs=[])
    assert (FlagKind.NO_TRAINING in kinds(result)) is flagged


# -- running: the dashboard's jump in weekly distance ----------------------------------------------------------------


def weekly_runs(*km: float) -> list[Run]:
    """One run a week on its Monday, the last in this week (TODAY is a Monday): km of the oldest week first; 0 is a
    week without runs."""
    first = TODAY - dt.timedelta(weeks=len(km) - 1)
    return [Run(first + dt.timedelta(weeks=i), value, None) for i, value in enumerate(km) if value]


@pytest.mark.parametrize(
    ("km", "flagged"),
    [
        ((20, 26), False),  # exactly 30% is no jump
        ((20, 26.02), True),  # a hair above
        ((20, 38), True),
        ((0, 38), False),  # after a week without runs: nothing to compare
        ((20, 0), False),  # a week without runs is no jump
        ((20, 30, 30), True),  # last week's jump still shows, this week level
        ((20, 30, 0), True),  # ... and in a week without runs yet
        ((20, 30, 30, 30), False),  # two weeks ago: seen already
    ],
)
def test_the_roster_flags_a_jump_in_weekly_running_as_the_dashboard_does(km, flagged):
    runs = weekly_runs(*km)
    result = row(runs=runs)
    assert (FlagKind.RUNNING_JUMP in kinds(result)) is flagged
    assert (running_jump(runs, TODAY) is not None) is flagged  # the dashboard's rule, the same answer
    if flagged:
        flag = flag_of(result, FlagKind.RUNNING_JUMP)
        assert flag.reason.startswith("Running went from ") and "more than 30%" in flag.reason
        assert "Your" not in flag.reason  # said of the runner, to the coach
        assert flag.source == "Nielsen et al. 2014 (quoted second-hand, so approximate)"


def test_the_running_flag_names_the_figures_and_the_week():
    this_week = flag_of(row(runs=weekly_runs(24, 38)), FlagKind.RUNNING_JUMP).reason
    assert this_week.startswith("Running went from 24 to 38 km this week (+58%). Weeks that rise by more than 30%")
    last_week = flag_of(row(runs=weekly_runs(20, 30, 30)), FlagKind.RUNNING_JUMP).reason
    assert "from 20 to 30 km in the week of 09 Jun (+50%)" in last_week
    assert row(runs=[]).flags == ()
    assert FlagKind.RUNNING_JUMP.label == "Running jump over 30%"


# -- the roster's order and filter ----------------------------------------------------------------------------


def test_flagged_runners_sort_first_most_urgent_first_then_by_name():
    on_track_a = row(who=runner(name="ada"))
    on_track_z = row(who=runner(name="Zoe"))
    asymmetric = row([heel_test(20, 30, day=days_ago(3), id=1)], who=runner(name="Bo"))
    warned = row(
        [heel_test(30, 30, day=days_ago(3), id=1, red_flags=frozenset({"sudden_pop"}))], who=runner(name="Yan")
    )
    ordered = sort_roster([on_track_z, asymmetric, on_track_a, warned])
    assert [r.name for r in ordered] == ["Yan", "Bo", "ada", "Zoe"]  # names sort regardless of case
    assert [r.name for r in with_flag(ordered, FlagKind.SYMMETRY)] == ["Bo"]


# -- the squad chart: one point per runner ----------------------------------------------------------------------


def squad_rows() -> list[RosterRow]:
    return [
        row(who=runner(name="Ada")),  # 30/30, on track
        row([heel_test(30, 26, day=days_ago(3), id=1)], who=runner(name="Bo", injured_side=Side.LEFT)),
        row(tests=[], who=runner(name="New")),
    ]  # no test yet: not on the chart


def test_the_squad_frame_has_one_point_per_tested_runner_judged_weaker_over_stronger():
    frame = squad_frame(squad_rows())
    assert list(frame["runner"]) == ["Ada", "Bo"]
    bo = frame[frame["runner"] == "Bo"].iloc[0]
    # Bo's injured left is the stronger leg (dashboard: 115%): the chart uses weaker ÷ stronger, as the 90% flag.
    assert (bo["left"], bo["right"], bo["weaker_raises"], bo["symmetry_percent"]) == (
        30,
        26,
        26,
        pytest.approx(86.7, abs=0.05),
    )
    assert bo["attention"] == "needs attention" and bo["flags"] == "Symmetry under 90%"
    ada = frame[frame["runner"] == "Ada"].iloc[0]
    assert (ada["attention"], ada["flags"], ada["stage"]) == ("on track", "none", "Power")


def test_the_squad_spec_is_what_altair_builds_with_the_runner_target_and_90_percent_line():
    frame = squad_frame(squad_rows())
    for rows in (frame, frame.iloc[:1], frame.iloc[0:0], frame):  # also: no runner's rows left in the template
        assert _canonical(json_spec(squad_spec(rows))) == _canonical(squad_chart(rows).to_dict(validate=False))
    spec = json_spec(squad_spec(frame))
    assert [r["runner"] for r in spec["datasets"][RUNNER_DATA]] == ["Ada", "Bo"]
    constants = [rows for name, rows in spec["datasets"].items() if name != RUNNER_DATA]
    assert [{"target": RUNNER_TARGET_REPS.value, "label": "Runner target 30+ (expert opinion)"}] in constants
    assert [{"line": SYMMETRY_FLAG_PERCENT.value, "label": "90% line"}] in constants
    assert spec["width"] == "container"  # fits a phone
    for colour in _drawn_colours(spec):
        assert contrast_ratio(colour) >= GRAPHICS_MIN_RATIO, colour
    # Not by colour only: who needs attention is also told by the point's shape.
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert points["encoding"]["shape"]["field"] == points["encoding"]["color"]["field"] == "attention"

    # Symmetry from 50% on every layer with a y (a layer without it would stretch the axis down to 0).
    assert [layer["encoding"]["y"]["scale"]["domain"] for layer in spec["layer"] if "y" in layer["encoding"]] == [
        [50, 100],
        [50, 100],
    ]


# Next-morning pain that rose in a week whose running rose: the dashboard's rule (calfcore.runs.pain_rose_with_volume)
# decides here too, and the roster says it of the runner with where the rule comes from.
@pytest.mark.parametrize(
    ("km", "before", "now", "flagged"),
    [
        ((20, 26), 2, 3, True),  # just out of the safe zone (0-2), running rose
        ((20, 26), 1, 2, False),  # a rise within the safe zone
        ((20, 26), 3, 3, False),  # pain level
        ((26, 26), 2, 4, False),  # running level
        ((26, 20), 2, 4, False),  # running fell
        ((0, 20), 2, 4, True),  # back after a week without runs: the running rose (from none), pain with it
    ],
)
def test_the_roster_flags_pain_that_rose_with_the_running_as_the_dashboard_does(km, before, now, flagged):
    runs = weekly_runs(*km)
    symptoms = [symptom(days_ago(7), morning=before), symptom(TODAY, morning=now)]
    result = row(symptoms=symptoms, runs=runs)
    assert (FlagKind.PAIN_WITH_RUNNING in kinds(result)) is flagged
    assert (pain_rose_with_volume(runs, symptoms, TODAY) is not None) is flagged  # the dashboard's answer
    if flagged:
        flag = flag_of(result, FlagKind.PAIN_WITH_RUNNING)
        assert flag.reason == (
            f"Next-morning pain rose from {before} to {now}/10 in the week of {TODAY:%d %b}, a week their running rose "
            "too. Pain that climbs with the running is worth noticing early."
        )
        assert flag.source.startswith("Silbernagel") and "our convention" in flag.source
        assert FlagKind.PAIN_WITH_RUNNING.label == "Pain rose with running"
    assert FlagKind.PAIN_WITH_RUNNING not in kinds(row(symptoms=symptoms))  # no runs: nothing to say of running


def test_the_runner_and_the_coach_read_one_sentence_about_pain_with_running():
    runs, symptoms = weekly_runs(20, 26), [symptom(days_ago(7), morning=2), symptom(TODAY, morning=5)]
    found = pain_rose_with_volume(runs, symptoms, TODAY)
    assert found is not None
    reason = flag_of(row(symptoms=symptoms, runs=runs), FlagKind.PAIN_WITH_RUNNING).reason
    assert reason == found.sentence.replace("a week your running", "a week their running")
