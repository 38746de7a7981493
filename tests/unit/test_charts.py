"""calfcore.charts: every chart of the dashboard, from the frames calfcore.progress builds (tooltips, lines, zones, phone
width, colour-blind palette), and the templated specs the pages draw are what Altair builds."""

from __future__ import annotations

import pytest

from calfcore.charts import (
    TAPPED_ROW,
    json_spec,
    only_added_after,
    pain_chart,
    pain_spec,
    point_words,
    reps_chart,
    reps_spec,
    routine_chart,
    routine_spec,
    symmetry_chart,
    symmetry_spec,
    tapped_row,
)
from calfcore.demo import demo_data
from calfcore.models import Sex, Side
from calfcore.progress import (
    pain_frame,
    reps_frame,
    symmetry_frame,
    weekly_routine,
)
from tests.unit.helpers import TODAY, runner

RUNNER = runner(Sex.FEMALE, 35)


# --- the charts ------------------------------------------------------------------------------------------------------


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


def legends(spec) -> list[dict]:
    """Every legend set anywhere in a spec."""
    if isinstance(spec, dict):
        own = [spec["legend"]] if isinstance(spec.get("legend"), dict) else []
        return own + [found for value in spec.values() for found in legends(value)]
    if isinstance(spec, list):
        return [found for value in spec for found in legends(value)]
    return []


def test_no_legend_label_is_ever_cut(demo_frames):
    # Issue 23: "Runner target 30+ (expe…" was cut at 120 px. A limit of 0 is none: every label is drawn whole.
    for name, chart in charts(demo_frames).items():
        found = legends(chart.to_dict())
        assert found or name in {"reps bent", "routine"}, name  # one leg pair / one series: no legend needed
        for legend in found:
            assert legend.get("labelLimit") == 0, (name, legend)


def test_charts_render_with_empty_frames():
    empty = {
        "reps": reps_frame([], RUNNER),
        "symmetry": symmetry_frame([], RUNNER),
        "pain": pain_frame([]),
        "routine": weekly_routine([], 3, TODAY),
    }
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
    colours = [
        layer["encoding"]["color"]["scale"] for layer in mark_layers(spec) if "color" in layer.get("encoding", {})
    ]
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
    empty = {
        "reps": reps_frame([], RUNNER),
        "symmetry": symmetry_frame([], RUNNER),
        "pain": pain_frame([]),
        "routine": weekly_routine([], 3, TODAY),
    }
    fewer = {key: frame.iloc[: len(frame) // 2] for key, frame in demo_frames.items()}
    for frames in (demo_frames, fewer, empty, demo_frames):
        assert _canonical(json_spec(spec(frames))) == _canonical(chart(frames).to_dict(validate=False)), name


def test_a_tapped_point_is_named_by_its_tooltip_in_one_line(demo_frames):
    """Issue 24: a phone has no hover, so the page names a tapped point's values under the chart, as the tooltip
    does: one line per row of the chart's own rows, in row order (the browser numbers the rows the same way)."""
    frame = demo_frames["reps"]
    words = point_words(reps_spec(frame, "straight"))
    straight = frame[frame["knee"] == "straight"].reset_index(drop=True)
    assert len(words) == len(straight)
    first = straight.iloc[0]
    assert words[0].startswith(f"Date: {first['tested_on']:%d %b %Y} · Leg: {first['side']} · Raises: {first['reps']}")
    assert "Protocol: " in words[0]
    assert point_words(symmetry_spec(demo_frames["symmetry"]))[0].split(" · ")[2].startswith("Symmetry (%): ")
    assert point_words(pain_spec(demo_frames["pain"]))[0].split(" · ")[-1].startswith("Pain: ")
    assert point_words(routine_spec(demo_frames["routine"])) == []  # the bars keep their tooltip only
    # Streamlit's selection state: the row numbers the browser counted from 1; nothing tapped is None.
    assert tapped_row([{TAPPED_ROW: 3}]) == 2
    assert tapped_row([]) is None and tapped_row({}) is None and tapped_row(None) is None


# --- each leg at a glance (issue 24) -------------------------------------------------------------------------------


def _glance_score(left: int, right: int, age: int = 45):
    from calfcore.scoring import score_test
    from tests.unit.helpers import heel_test

    return score_test(heel_test(left, right), runner(Sex.MALE, age))


def _glance_spec(left: int, right: int, age: int = 45, injured=None) -> dict:
    from calfcore.charts import leg_bars_spec

    return json_spec(leg_bars_spec(_glance_score(left, right, age), injured))


def _glance_rows(spec: dict) -> list[dict]:
    return [row for row in dataset_rows(spec) if "leg" in row]


def test_leg_bars_draw_each_leg_against_the_band_the_target_and_the_other_leg():
    from calfcore.charts import BAND_COLOUR, LEG_COLOURS, TARGET_COLOUR

    spec = _glance_spec(18, 26)
    layers = mark_layers(spec)
    kinds = [layer["mark"]["type"] for layer in layers]
    assert kinds.count("bar") == 1 and kinds.count("rect") == 1 and kinds.count("tick") == 2
    [bars] = [layer for layer in layers if layer["mark"]["type"] == "bar"]
    assert bars["encoding"]["y"]["field"] == "leg" and bars["encoding"]["x"]["field"] == "reps"  # horizontal
    assert bars["encoding"]["color"]["scale"]["range"] == LEG_COLOURS.to_dict()["range"]  # Okabe-Ito blue, vermillion
    rows = {row["leg"]: row for row in _glance_rows(spec)}
    assert rows["Left"]["reps"] == 18 and rows["Right"]["reps"] == 26  # both legs, so each reads against the other
    assert (rows["Left"]["typical_low"], rows["Left"]["typical_high"]) == (20, 36)
    assert rows["Left"]["room"] > 36  # the axis runs past the band, the target and every count's label
    # Not by colour only: every count is written on its bar, and the band and the target are named in words.
    written = {layer["encoding"]["text"]["field"] for layer in layers if layer["mark"]["type"] == "text"}
    assert {"reps", "target_label", "band_label", "note"} <= written
    assert (rows["Left"]["target_label"], rows["Left"]["band_label"], rows["Left"]["note"]) == (
        "runner target 30",
        "typical 20–36",
        "",
    )
    [rule] = [layer for layer in layers if layer["mark"]["type"] == "rule"]
    assert rule["mark"]["strokeDash"] == [6, 4] and rule["mark"]["color"] == TARGET_COLOUR
    assert all(layer["mark"]["color"] == BAND_COLOUR for layer in layers if layer["mark"]["type"] == "tick")
    assert spec["width"] == "container"  # fits a 390 px phone


def test_leg_bars_without_a_reference_draw_no_band_and_say_so():
    from calfcore.charts import NO_BAND_LABEL

    rows = _glance_rows(_glance_spec(25, 26, age=16))
    assert all(row["typical_low"] is None for row in rows)  # no band to draw (the band layers filter them out)
    assert rows[0]["note"] == NO_BAND_LABEL and rows[0]["band_label"] == ""


@pytest.mark.parametrize(("left", "right", "age"), [(18, 26, 45), (25, 26, 16), (48, 30, 35), (0, 0, 45)])
def test_the_leg_bars_template_is_what_altair_builds(left, right, age):
    from calfcore.charts import glance_rows, leg_bars_chart

    score = _glance_score(left, right, age)
    built = leg_bars_chart(glance_rows(score)).to_dict(validate=False)
    assert _canonical(_glance_spec(left, right, age)) == _canonical(built)


def test_leg_bars_name_the_injured_leg_and_render_to_png():
    import vl_convert

    spec = _glance_spec(30, 48, age=35, injured=Side.LEFT)
    assert {row["leg"] for row in _glance_rows(spec)} == {"Left (injured)", "Right"}
    spec["width"] = 390
    assert vl_convert.vegalite_to_png(spec).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("now", "kept"),
    [
        (["a", "b", "c"], True),  # nothing changed
        (["a", "b", "c", "d", "e"], True),  # a test saved: its points come after the others
        (["a", "b"], False),  # the newest test deleted
        (["a", "x", "c"], False),  # a correction of an earlier test
        (["b", "c", "d"], False),  # the period moved on: the oldest point left
        (["z", "a", "b", "c"], False),  # a test dated before the others
        ([], False),
    ],
)
def test_a_chart_keeps_its_tap_only_while_points_are_added_after_the_ones_it_drew(now: list[str], kept: bool) -> None:
    """Issue 25: the chart stays in place (same key) only when a remembered tap still names the same point."""
    assert only_added_after(["a", "b", "c"], now) is kept
    assert only_added_after([], now)  # a chart that drew nothing yet
