"""Progress frames and charts: small pre-aggregated frames (one row per test and leg, per day, per week) and
Altair charts with a tooltip on every mark, the norm band and target line, the 90% line and the pain zones."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfcore.charts import (
    json_spec,
    pain_chart,
    pain_spec,
    reps_chart,
    reps_spec,
    routine_chart,
    routine_spec,
    symmetry_chart,
    symmetry_spec,
)
from calfcore.demo import demo_data
from calfcore.models import LegPair, Protocol, RoutineLogEntry, Sex, Side
from calfcore.progress import (
    pain_frame,
    reps_frame,
    symmetry_frame,
    week_start,
    weekly_routine,
)
from tests.unit.helpers import PROPERTY, STANDARD, TODAY, heel_test, runner, symptom

RUNNER = runner(Sex.FEMALE, 35)


def day(offset: int) -> dt.date:
    return TODAY - dt.timedelta(days=offset)


def log(on: dt.date, sets: int = 3, reps: int = 15) -> RoutineLogEntry:
    return RoutineLogEntry(on, "single_leg_calf_raise", sets, reps)


# --- reps and symmetry frames ------------------------------------------------------------------------------------


def test_reps_frame_has_one_row_per_test_and_leg():
    tests = [heel_test(20, 25, day=day(28)), heel_test(22, 25, day=day(14)), heel_test(24, 26, day=day(0))]
    frame = reps_frame(tests, RUNNER)
    assert len(frame) == 6
    assert frame.groupby(["tested_on", "side"]).size().eq(1).all()
    assert sorted(frame["reps"].tolist()) == sorted([20, 25, 22, 25, 24, 26])
    assert set(frame["knee"]) == {"straight"}


def test_reps_frame_adds_bent_knee_rows_and_skips_missing_legs():
    tests = [heel_test(20, 25, bent_reps=LegPair(22, None)), heel_test(21, 26, day=day(7))]
    frame = reps_frame(tests, RUNNER)
    assert len(frame) == 5
    bent = frame[frame["knee"] == "bent"]
    assert bent[["side", "reps"]].values.tolist() == [["left", 22]]


def test_reps_frame_band_is_the_reference_within_the_population_spread():
    # Issue 11: the band is the reference ± the spread between healthy people (SD about 10), not ±6 of noise.
    frame = reps_frame([heel_test(20, 25)], RUNNER)  # reference about 27-28 raises
    assert set(frame["typical_low"]) == {17} and set(frame["typical_high"]) == {38}
    assert all("27–28" in text and "Hébert-Losier" in text for text in frame["reference"])


def test_reps_frame_has_no_band_without_a_reference():
    frame = reps_frame([heel_test(20, 25, protocol=Protocol(cadence_bpm=80))], RUNNER)
    assert frame["typical_low"].isna().all()
    assert set(frame["reference"]) == {"no reference fits: no band"}


def test_reps_frame_band_never_goes_below_zero():
    old_man = runner(Sex.MALE, 81)  # reference about 10 raises, spread 10
    frame = reps_frame([heel_test(8, 9)], old_man)
    assert (frame["typical_low"] == 0).all()


def test_reps_frame_keeps_protocols_apart():
    tests = [heel_test(20, 25, day=day(7)), heel_test(30, 31, protocol=dataclasses.replace(STANDARD, cued=True))]
    frame = reps_frame(tests, RUNNER)
    assert frame["protocol"].nunique() == 2


def test_empty_frames_have_their_columns():
    assert list(reps_frame([], RUNNER).columns)[:5] == ["tested_on", "protocol", "knee", "side", "reps"]
    assert symmetry_frame([], RUNNER).empty
    assert pain_frame([]).empty


@PROPERTY
@given(pairs=st.lists(st.tuples(st.integers(0, 150), st.integers(0, 150)), max_size=8))
def test_reps_frame_rows_match_the_tests(pairs):
    tests = [heel_test(left, right, day=day(7 * i)) for i, (left, right) in enumerate(pairs)]
    frame = reps_frame(tests, RUNNER)
    assert len(frame) == 2 * len(tests)
    for test in tests:
        rows = frame[frame["tested_on"] == pd.Timestamp(test.tested_on)]
        assert dict(zip(rows["side"], rows["reps"], strict=True)) == {
            "left": test.straight_reps.left, "right": test.straight_reps.right}


def test_symmetry_frame_one_row_per_test_and_measure():
    tests = [heel_test(20, 25, bent_reps=LegPair(18, 24)), heel_test(30, 30, day=day(7)),
             heel_test(0, 0, day=day(14))]
    frame = symmetry_frame(tests, RUNNER)
    assert len(frame) == 3  # the 0/0 test has no symmetry
    values = {(row.tested_on.date(), row.measure): row.symmetry_percent for row in frame.itertuples()}
    assert values[(TODAY, "knee straight")] == pytest.approx(80.0)
    assert values[(TODAY, "knee bent")] == pytest.approx(75.0)
    assert values[(day(7), "knee straight")] == pytest.approx(100.0)


def test_symmetry_frame_uses_the_injured_side():
    frame = symmetry_frame([heel_test(30, 24)], runner(Sex.FEMALE, 35, injured_side=Side.LEFT))
    assert frame["symmetry_percent"].tolist() == [pytest.approx(125.0)]


def test_pain_frame_keeps_the_daily_peak_per_leg_and_kind():
    entries = [symptom(TODAY, Side.LEFT, during=2, morning=1), symptom(TODAY, Side.LEFT, during=5),
               symptom(TODAY, Side.RIGHT, morning=3), symptom(day(1), Side.LEFT, stiffness=20)]
    frame = pain_frame(entries)
    rows = {(r.side, r.kind): r.pain for r in frame.itertuples()}
    assert rows == {("left", "during"): 5, ("left", "next morning"): 1, ("right", "next morning"): 3}
    assert len(frame) == 3


# --- weekly routine adherence -------------------------------------------------------------------------------------


def test_weekly_routine_counts_distinct_training_days():
    monday = week_start(TODAY)
    logs = [log(monday), log(monday), log(monday, 2, 10), log(monday + dt.timedelta(days=2))]
    frame = weekly_routine(logs, sessions_per_week=3, today=TODAY, weeks=4)
    this_week = frame[frame["week_start"] == pd.Timestamp(monday)].iloc[0]
    assert this_week["sessions"] == 2
    assert this_week["adherence_percent"] == round(2 / 3 * 100)
    assert this_week["volume_reps"] == 45 + 45 + 20 + 45


def test_adherence_caps_at_100_percent():
    monday = week_start(TODAY)
    logs = [log(monday + dt.timedelta(days=i)) for i in range(6)]
    frame = weekly_routine(logs, sessions_per_week=2, today=TODAY + dt.timedelta(days=6), weeks=2)
    this_week = frame[frame["week_start"] == pd.Timestamp(monday)].iloc[0]
    assert this_week["sessions"] == 6
    assert this_week["adherence_percent"] == 100


def test_weekly_routine_has_one_row_per_week_including_empty_weeks():
    frame = weekly_routine([log(day(0)), log(day(21))], sessions_per_week=3, today=TODAY, weeks=12)
    assert len(frame) == 12
    starts = frame["week_start"].tolist()
    assert starts == sorted(starts)
    assert all(ts.weekday() == 0 for ts in starts)
    assert starts[-1] == pd.Timestamp(week_start(TODAY))
    assert (frame["sessions"] == 0).sum() == 10


def test_logs_older_than_the_window_are_left_out():
    frame = weekly_routine([log(day(7 * 20))], sessions_per_week=3, today=TODAY, weeks=12)
    assert frame["sessions"].sum() == 0 and frame["volume_reps"].sum() == 0


@PROPERTY
@given(offsets=st.lists(st.integers(0, 83), max_size=40), planned=st.integers(1, 7))
def test_adherence_is_between_0_and_100_and_sessions_are_distinct_days(offsets, planned):
    logs = [log(day(offset)) for offset in offsets]
    frame = weekly_routine(logs, sessions_per_week=planned, today=TODAY, weeks=13)
    assert frame["adherence_percent"].between(0, 100).all()
    assert frame["sessions"].sum() == len({day(offset) for offset in offsets})
    assert frame["volume_reps"].sum() == 45 * len(offsets)
    assert (frame["sessions"] <= 7).all()


# --- charts -------------------------------------------------------------------------------------------------------


def mark_layers(spec: dict) -> list[dict]:
    """Every layer that draws marks, however deeply nested."""
    found = []
    if "mark" in spec:
        found.append(spec)
    for child in spec.get("layer", []):
        found.extend(mark_layers(child))
    return found


def dataset_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.fixture(scope="module")
def demo_frames():
    demo = demo_data(TODAY)
    tests = [test for test, _ in demo.tests]
    symptoms = [entry for _, entries in demo.tests for entry in entries] + demo.symptoms
    return {
        "reps": reps_frame(tests, demo.runner),
        "symmetry": symmetry_frame(tests, demo.runner),
        "pain": pain_frame(symptoms),
        "routine": weekly_routine(demo.routine_logs, 3, TODAY),
    }


def charts(frames):
    return {
        "reps straight": reps_chart(frames["reps"], "straight"),
        "reps bent": reps_chart(frames["reps"], "bent"),
        "symmetry": symmetry_chart(frames["symmetry"]),
        "pain": pain_chart(frames["pain"]),
        "routine": routine_chart(frames["routine"]),
    }


def test_every_mark_of_every_chart_has_a_tooltip(demo_frames):
    for name, chart in charts(demo_frames).items():
        spec = chart.to_dict()
        layers = mark_layers(spec)
        assert layers, name
        for layer in layers:
            assert layer.get("encoding", {}).get("tooltip"), (name, layer["mark"])


def test_charts_render_with_empty_frames():
    empty = {"reps": reps_frame([], RUNNER), "symmetry": symmetry_frame([], RUNNER), "pain": pain_frame([]),
             "routine": weekly_routine([], 3, TODAY)}
    for name, chart in charts(empty).items():
        spec = chart.to_dict()
        for layer in mark_layers(spec):
            assert layer.get("encoding", {}).get("tooltip"), name


def test_reps_chart_shows_the_runner_target_line_as_expert_opinion(demo_frames):
    spec = reps_chart(demo_frames["reps"], "straight").to_dict()
    rows = dataset_rows(spec)
    assert {"target": 30, "label": "Runner target 30+ (expert opinion)"} in rows  # named in the legend too


def test_bent_knee_chart_has_no_target_line(demo_frames):
    spec = reps_chart(demo_frames["reps"], "bent").to_dict()
    assert not any("target" in row for row in dataset_rows(spec))


def test_symmetry_chart_shows_the_90_percent_line(demo_frames):
    rows = dataset_rows(symmetry_chart(demo_frames["symmetry"]).to_dict())
    assert {"line": 90, "label": "90% line"} in rows


def test_pain_chart_shows_the_three_zones(demo_frames):
    rows = dataset_rows(pain_chart(demo_frames["pain"]).to_dict())
    zones = {row["zone"]: (row["low"], row["high"]) for row in rows if "zone" in row}
    assert zones == {"safe (0-2)": (0, 2), "acceptable (3-5)": (2, 5), "too much (6-10)": (5, 10)}


def test_legs_use_a_colour_blind_safe_palette(demo_frames):
    # Okabe-Ito blue and vermillion for the two legs (both at 3:1 or more on white: tests/unit/test_accessibility.py).
    spec = reps_chart(demo_frames["reps"], "straight").to_dict()
    colours = [layer["encoding"]["color"]["scale"] for layer in mark_layers(spec)
               if "color" in layer.get("encoding", {})]
    assert {"domain": ["left", "right"], "range": ["#0072B2", "#D55E00"]} in colours


def test_charts_fit_a_phone_screen(demo_frames):
    for name, chart in charts(demo_frames).items():
        assert chart.to_dict().get("width") == "container", name


def _canonical(spec):
    """A spec with every dataset name replaced by its rows, so specs that differ only in names compare equal."""
    import json

    text = json.dumps(spec, sort_keys=True)
    for name, rows in spec.get("datasets", {}).items():
        text = text.replace(json.dumps(name), json.dumps("rows:" + json.dumps(rows, sort_keys=True)))
    return json.loads(text)


SPECS = {
    "reps straight": (lambda f: reps_chart(f["reps"], "straight"), lambda f: reps_spec(f["reps"], "straight")),
    "reps bent": (lambda f: reps_chart(f["reps"], "bent"), lambda f: reps_spec(f["reps"], "bent")),
    "symmetry": (lambda f: symmetry_chart(f["symmetry"]), lambda f: symmetry_spec(f["symmetry"])),
    "pain": (lambda f: pain_chart(f["pain"]), lambda f: pain_spec(f["pain"])),
    "routine": (lambda f: routine_chart(f["routine"]), lambda f: routine_spec(f["routine"])),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_specs_from_a_template_are_what_altair_builds(demo_frames, name):
    """The pages get chart specs filled into a template built once; they must match altair's own, for full,
    partial and empty data, and the template must never carry one runner's rows into another's chart."""
    chart, spec = SPECS[name]
    empty = {"reps": reps_frame([], RUNNER), "symmetry": symmetry_frame([], RUNNER), "pain": pain_frame([]),
             "routine": weekly_routine([], 3, TODAY)}
    fewer = {key: frame.iloc[: len(frame) // 2] for key, frame in demo_frames.items()}
    for frames in (demo_frames, fewer, empty, demo_frames):
        assert _canonical(json_spec(spec(frames))) == _canonical(chart(frames).to_dict(validate=False)), name


def test_training_weeks_start_at_the_runners_first_week_not_eleven_empty_weeks_before() -> None:
    """Issue 10: a runner who started this week sees one week, not twelve with eleven counted as missed."""
    monday = TODAY - __import__("datetime").timedelta(days=TODAY.weekday())
    fresh = weekly_routine([], 3, TODAY, since=TODAY)
    assert list(fresh["week_start"].dt.date) == [monday]
    three = weekly_routine([], 3, TODAY, since=TODAY - __import__("datetime").timedelta(weeks=2))
    assert len(three) == 3 and three["week_start"].dt.date.iloc[-1] == monday
    assert len(weekly_routine([], 3, TODAY, since=TODAY - __import__("datetime").timedelta(weeks=40))) == 12
