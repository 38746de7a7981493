"""Accessibility of what calfcore draws and says: chart colours at 3:1, the legs told apart without colour, the
theme's captions at 4.5:1, and each chart's text alternative and table built from the chart's own frame."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pandas as pd

from calfcore import chart_text
from calfcore.charts import pain_chart, reps_chart, routine_chart, symmetry_chart
from calfcore.demo import demo_data
from calfcore.models import Side
from calfcore.progress import pain_frame, reps_frame, symmetry_frame, weekly_routine
from tests.contrast import GRAPHICS_MIN_RATIO, TEXT_MIN_RATIO, contrast_ratio, over
from tests.unit.helpers import TODAY, heel_test, symptom

REPO = Path(__file__).resolve().parents[2]
CAPTION_OPACITY = 0.6  # Streamlit draws captions at 60% of the theme's text colour
BACKGROUNDS = ("#ffffff", "#f0f2f6")  # the page and the sidebar (Streamlit's light secondary background)


def test_contrast_ratio_matches_wcag_reference_values():
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast_ratio("#767676"), 2) == 4.54  # the usual 'lightest grey that passes' example
    assert round(contrast_ratio("#E69F00"), 2) == 2.25  # the old right-leg orange: fails graphics contrast
    assert over("#000000", 0.5) == "#808080"


def _drawn_colours(spec: dict) -> list[str]:
    """Every colour a mark, rule or leg scale draws with (not fills drawn as a light tint behind the data)."""
    found: list[str] = []

    def walk(node: object, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            mark = node.get("mark")
            if isinstance(mark, dict) and mark.get("type") not in ("area", "rect") and "color" in mark:
                found.append(mark["color"])
            for key in ("color", "stroke"):
                scale = node.get("encoding", {}).get(key, {}).get("scale", {}) if "encoding" in node else {}
                if scale and not (isinstance(mark, dict) and mark.get("type") == "rect"):
                    found.extend(scale.get("range", []))
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for value in node:
                walk(value, path)

    walk(spec, ())
    return found


def _frames():
    demo = demo_data(TODAY)
    tests = [test for test, _ in demo.tests]
    symptoms = [entry for _, entries in demo.tests for entry in entries] + demo.symptoms
    return {
        "reps": reps_frame(tests, demo.runner),
        "symmetry": symmetry_frame(tests, demo.runner),
        "pain": pain_frame(symptoms),
        "routine": weekly_routine(demo.routine_logs, 3, TODAY),
    }


def test_every_line_point_bar_and_rule_colour_has_3_to_1_contrast_on_white():
    frames = _frames()
    charts = {
        "reps": reps_chart(frames["reps"]),
        "bent": reps_chart(frames["reps"], "bent"),
        "symmetry": symmetry_chart(frames["symmetry"]),
        "pain": pain_chart(frames["pain"]),
        "training": routine_chart(frames["routine"]),
        "at a glance": _glance_chart(),
    }
    for name, chart in charts.items():
        colours = _drawn_colours(chart.to_dict(validate=False))
        assert colours, name
        for colour in colours:
            assert contrast_ratio(colour) >= GRAPHICS_MIN_RATIO, (name, colour, round(contrast_ratio(colour), 2))


def _leg_channels(spec: dict) -> set[str]:
    """The encoding channels that tell the legs apart in a chart's data layers."""
    channels = set()
    for layer in spec.get("layer", []):
        for channel, encoding in layer.get("encoding", {}).items():
            if isinstance(encoding, dict) and encoding.get("field") == "side":
                channels.add(channel)
    return channels


def test_legs_differ_by_shape_as_well_as_colour():
    frames = _frames()
    for chart in (reps_chart(frames["reps"]), reps_chart(frames["reps"], "bent"), pain_chart(frames["pain"])):
        channels = _leg_channels(chart.to_dict(validate=False))
        assert "shape" in channels and channels & {"color", "stroke"}, channels
    assert "strokeDash" in _leg_channels(reps_chart(frames["reps"]).to_dict(validate=False))


def test_the_knee_bent_chart_draws_no_empty_band():
    spec = reps_chart(_frames()["reps"], "bent").to_dict(validate=False)
    encoded = json.dumps([layer.get("encoding") for layer in spec["layer"]])
    assert "typical_low" not in encoded and "area" not in json.dumps([layer["mark"] for layer in spec["layer"]])


def test_pain_zones_are_named_in_a_legend():
    spec = pain_chart(_frames()["pain"]).to_dict(validate=False)
    zone_layers = [layer for layer in spec["layer"] if layer.get("encoding", {}).get("fill", {}).get("field") == "zone"]
    assert zone_layers and zone_layers[0]["encoding"]["fill"].get("legend") is not None


def test_theme_captions_pass_text_contrast():
    theme = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["theme"]
    for key in ("textColor", "codeTextColor"):
        for background in BACKGROUNDS:
            caption = over(theme[key], CAPTION_OPACITY, background)
            assert contrast_ratio(caption, background) >= TEXT_MIN_RATIO, (key, background)


# -- text alternatives and tables -----------------------------------------------------------------------------------


def _two_tests_runner_frame() -> pd.DataFrame:
    from calfcore.models import Sex
    from tests.unit.helpers import runner

    person = runner(Sex.FEMALE, 35)
    tests = [heel_test(18, 26, day=TODAY - dt.timedelta(weeks=12)), heel_test(26, 28)]
    return reps_frame(tests, person)


def test_raises_text_says_each_legs_first_and_latest_count_the_band_and_the_target():
    frame = _two_tests_runner_frame()
    text = chart_text.reps_text(frame, "straight")
    assert "left leg 18 to 26" in text and "right leg 26 to 28" in text, text
    assert "2 tests from" in text and "Runner target 30 or more" in text, text
    low, high = frame.iloc[-1][["typical_low", "typical_high"]]
    assert f"Typical band at the latest test {low:g} to {high:g}" in text, text


def test_raises_text_without_tests_or_band_says_so():
    frame = _two_tests_runner_frame()
    assert "no tests in this period" in chart_text.reps_text(frame, "bent")
    no_band = frame.assign(typical_low=None, typical_high=None)
    assert "No typical band" in chart_text.reps_text(no_band, "straight")


def test_raises_table_has_every_point_newest_first():
    frame = _two_tests_runner_frame()
    table = chart_text.reps_table(frame, "straight")
    assert len(table) == len(frame[frame["knee"] == "straight"])
    assert list(table["Raises"][:2]) == [26, 28] and list(table["Leg"][:2]) == ["left", "right"]


def test_symmetry_pain_and_training_texts_come_from_their_frames():
    demo = demo_data(TODAY)
    tests = [test for test, _ in demo.tests]
    symmetry = symmetry_frame(tests, demo.runner)
    text = chart_text.symmetry_text(symmetry)
    latest = round(symmetry.sort_values("tested_on").query("measure == 'knee straight'")["symmetry_percent"].iloc[-1])
    assert f"to {latest}%" in text and "90%" in text, text

    pain = pain_frame([symptom(TODAY - dt.timedelta(days=1), Side.LEFT, 4), symptom(TODAY, Side.LEFT, 2)])
    text = chart_text.pain_text(pain)
    assert "left leg during: highest 4, latest 2" in text and "2 days" in text, text
    assert len(chart_text.pain_table(pain)) == 2

    weekly = weekly_routine(demo.routine_logs, 3, TODAY)
    text = chart_text.training_text(weekly)
    assert f"{int(weekly['sessions'].sum())} sessions of {int(weekly['planned'].sum())} planned" in text, text


def test_hops_chart_legs_by_shape_at_3_to_1_and_its_text_from_the_frame():
    from calfcore.charts import hops_chart

    frame = pd.DataFrame(
        {
            "tested_on": pd.to_datetime(["2026-01-05", "2026-01-05", "2026-02-02", "2026-02-02"]),
            "side": ["left", "right", "left", "right"],
            "hops": [6, 14, 12, 15],
            "pain": [2, 0, 1, 0],
            "symmetry_percent": [43.0, 43.0, 80.0, 80.0],
        }
    )
    spec = hops_chart(frame).to_dict(validate=False)
    assert "shape" in _leg_channels(spec)
    for colour in _drawn_colours(spec):
        assert contrast_ratio(colour) >= GRAPHICS_MIN_RATIO, colour
    text = chart_text.hops_text(frame, 10)
    assert "left leg 6 to 12, right leg 14 to 15" in text and "2 tests from" in text and "10 hops" in text, text


def _glance_chart(age: int = 45):
    from calfcore.charts import leg_bars
    from calfcore.models import Sex
    from calfcore.scoring import score_test
    from tests.unit.helpers import heel_test, runner

    return leg_bars(score_test(heel_test(18, 26), runner(Sex.MALE, age)))


def test_the_glance_bars_words_pass_text_contrast():
    for age in (45, 16):  # with a band, and without (its "no typical range" note)
        layers = [layer for layer in _glance_chart(age).to_dict(validate=False)["layer"]]
        colours = [layer["mark"]["color"] for layer in layers if layer["mark"]["type"] == "text"]
        assert len(colours) >= 2
        for colour in colours:
            assert contrast_ratio(colour) >= TEXT_MIN_RATIO, (colour, round(contrast_ratio(colour), 2))
