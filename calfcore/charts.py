"""Altair charts for the progress page, built from the small frames in calfcore.progress.

Tooltips on every mark; a colour-blind-safe palette (Okabe-Ito blue and vermillion for the legs) with every colour
at 3:1 or more against white (WCAG 1.4.11, checked in tests/unit/test_accessibility.py), and the legs also told
apart by point shape and dash; sized to the container so they read on a 390 px phone. What each chart shows in
words (for screen readers) is in calfcore.chart_text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from typing import Any, cast

import altair as alt
import pandas as pd

from calfcore.glance import glance_frame
from calfcore.models import Side
from calfcore.norms import format_reps
from calfcore.scoring import TestScore
from calfcore.thresholds import PAIN_ACCEPTABLE_MAX, PAIN_SAFE_MAX, RUNNER_TARGET_REPS, SYMMETRY_FLAG_PERCENT

LEGS = ["left", "right"]
LEG_COLOURS = alt.Scale(domain=LEGS, range=["#0072B2", "#D55E00"])
# Not by colour only (WCAG 1.4.1): a filled circle and a solid line for the left leg, a square and a dash for the right.
LEG_SHAPES = alt.Scale(domain=LEGS, range=["circle", "square"])
LEG_DASHES = alt.Scale(domain=LEGS, range=[[1, 0], [6, 3]])
BAND_COLOUR = "#007A5A"  # the typical band's edges: 5.3:1 on white (its fill is a light tint of the same green)
TARGET_COLOUR = "#AA3377"  # the runner target and symmetry lines: 6.1:1 on white
SYMMETRY_LINE_LABEL = f"{SYMMETRY_FLAG_PERCENT.text} line"  # built from the threshold: a new value renames it
TRAINING_COLOUR = "#0072B2"
ZONE_EDGE_COLOUR = "#6B6B6B"  # the pain zones' borders: 5.3:1 on white
CHART_HEIGHT = 260
# One compact legend row above the plot: on a phone, legends below or beside the plot squeeze it flat. labelLimit=0:
# a label is never cut ("Runner target 30+ (expe…"), whatever its length.
_TOP_LEGEND = alt.Legend(orient="top", direction="horizontal", labelLimit=0)
# A dash's legend shows the dash itself (a line), not a dot. Its label ("Runner target 30+ (expert opinion)") is
# drawn on two lines, the tag in brackets under the name: on one line, beside the legs' legend, it ran past the
# right edge of a phone's chart (390 px), cut off there.
_TWO_LINES_AT_BRACKET = (
    "indexof(datum.label, ' (') > 0 ? [slice(datum.label, 0, indexof(datum.label, ' (')), "
    "slice(datum.label, indexof(datum.label, ' (') + 1)] : datum.label"
)
_DASH_LEGEND = alt.Legend(
    orient="top",
    direction="horizontal",
    labelLimit=0,
    labelExpr=_TWO_LINES_AT_BRACKET,
    symbolType="stroke",
    symbolStrokeWidth=2,
    symbolSize=300,
)


# A tap (or click) on a point selects it: the page names its values under the chart, since a phone has no hover for
# the tooltip. The point is told by its row number in the chart's own rows (counted in the browser, in row order).
TAPPED = "tapped"
TAPPED_ROW = "tapped_row"
TAPPED_VIEW = "tappable_points"


def _tap_layer(data: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list[alt.Tooltip]) -> alt.Chart:
    """An unseen point over each of the chart's points, on top of the other layers: a tap anywhere on the plot
    selects the nearest one (a finger need not land on it; Vega-Lite finds the nearest only for points, not lines).
    Out of the screen reader's tree: the chart's text alternative and table give every value."""
    tap = alt.selection_point(name=TAPPED, fields=[TAPPED_ROW], on="click", nearest=True, clear=False)
    row_number = alt.WindowFieldDef.from_dict({"op": "row_number", "as": TAPPED_ROW})
    points = (
        alt.Chart(data)
        .mark_point(opacity=0, aria=False)
        .encode(x=x, y=y, tooltip=tooltip)
        .transform_window(window=[row_number])
        .add_params(tap)
    )
    # A fixed name, where altair would make one up for each chart built (the pages' specs are templates).
    return cast(alt.Chart, points.properties(name=TAPPED_VIEW))


LONE_BAND_WIDTH = 36  # px: the typical band drawn on a single date, wide enough to read behind a leg's points


def _date_axis(field: str = "tested_on", title: str = "Date") -> alt.X:
    return alt.X(f"{field}:T", title=title, axis=alt.Axis(format="%d %b", labelAngle=-30, tickCount=5))


def _page_chart(layers: alt.LayerChart | alt.FacetChart) -> alt.LayerChart:
    """A layered chart at the pages' height and the container's width."""
    assert isinstance(layers, alt.LayerChart)  # alt.layer of plain charts (Altair's annotations allow a facet too)
    return layers.properties(height=CHART_HEIGHT, width="container")


def reps_chart(frame: pd.DataFrame, knee: str = "straight") -> alt.LayerChart:
    """Raises per leg over time for one knee angle, with the typical band (the reference ± the spread between
    healthy people, only where a reference fits the runner's age and protocol) and the runner target line."""
    data = frame[frame["knee"] == knee]
    base = alt.Chart(data)
    band_tooltip = [
        alt.Tooltip("tested_on:T", title="Date", format="%d %b %Y"),
        # The band is the reference ± one SD between healthy people, not the test's noise.
        alt.Tooltip("typical_low:Q", title="Typical range (healthy spread) from", format=".0f"),
        alt.Tooltip("typical_high:Q", title="Typical range (healthy spread) to", format=".0f"),
        alt.Tooltip("reference:N", title="Reference"),
    ]
    with_band = base.transform_filter("datum.typical_low != null")
    # The band's fill is a light tint; its edges carry the 3:1 contrast. Left out of the screen reader's tree
    # (aria=False): the chart's text alternative states the band, and an empty band was announced as an
    # unnamed graphic.
    band = with_band.mark_area(opacity=0.15, color=BAND_COLOUR, aria=False).encode(
        x=_date_axis(), y="typical_low:Q", y2="typical_high:Q", tooltip=band_tooltip
    )
    edges = [
        with_band.mark_line(color=BAND_COLOUR, strokeWidth=1.5, strokeDash=[2, 2], aria=False).encode(
            x=_date_axis(), y=f"{edge}:Q", tooltip=band_tooltip
        )
        for edge in ("typical_low", "typical_high")
    ]
    # An area needs two dates to have a width: with the band on one date only (a runner's first test, or all
    # tests on one day), it is drawn as a short bar with its two edges, so the band the heading names is there.
    lone = (
        with_band.transform_joinaggregate(band_dates="distinct(tested_on)")
        .transform_filter("datum.band_dates == 1")
        .transform_window(band_row="row_number()", groupby=["tested_on"])
        .transform_filter("datum.band_row == 1")  # once, not once per leg and test: the tint would darken
    )
    lone_band = [
        lone.mark_rule(color=BAND_COLOUR, opacity=0.15, strokeWidth=LONE_BAND_WIDTH, aria=False).encode(
            x=_date_axis(), y="typical_low:Q", y2="typical_high:Q", tooltip=band_tooltip
        ),
        *(
            lone.mark_tick(
                color=BAND_COLOUR, opacity=1, thickness=1.5, size=LONE_BAND_WIDTH, orient="horizontal", aria=False
            ).encode(x=_date_axis(), y=f"{edge}:Q", tooltip=band_tooltip)
            for edge in ("typical_low", "typical_high")
        ),
    ]
    y = alt.Y("reps:Q", title="Raises", scale=alt.Scale(zero=True))
    tooltip = [
        alt.Tooltip("tested_on:T", title="Date", format="%d %b %Y"),
        alt.Tooltip("side:N", title="Leg"),
        alt.Tooltip("reps:Q", title="Raises"),
        alt.Tooltip("protocol:N", title="Protocol"),
        alt.Tooltip("reference:N", title="Reference"),
    ]
    lines = base.mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=_date_axis(),
        y=y,
        color=alt.Color("side:N", scale=LEG_COLOURS, title=None, legend=_TOP_LEGEND),
        shape=alt.Shape("side:N", scale=LEG_SHAPES, title=None, legend=_TOP_LEGEND),
        strokeDash=alt.StrokeDash("side:N", scale=LEG_DASHES, title=None, legend=None),  # (drawn, not in the key)
        detail="protocol:N",  # one line per protocol: different protocols are never joined up
        tooltip=tooltip,
    )
    # Knee bent has no published reference, so no band at all (not an empty one).
    layers = [band, *edges, *lone_band, lines] if knee == "straight" else [lines]
    if knee == "straight":
        label = f"Runner target {int(RUNNER_TARGET_REPS.value)}+ (expert opinion)"
        target = alt.Chart(pd.DataFrame({"target": [RUNNER_TARGET_REPS.value], "label": [label]}))
        # The dashed line gets a legend entry of its own (a dash, not a colour), beside the legs'.
        layers.append(
            target.mark_rule(color=TARGET_COLOUR, size=2).encode(
                y="target:Q",
                strokeDash=alt.StrokeDash(
                    "label:N", title=None, legend=_DASH_LEGEND, scale=alt.Scale(domain=[label], range=[[6, 4]])
                ),
                tooltip=[alt.Tooltip("label:N", title="Line"), alt.Tooltip("target:Q", title="Raises")],
            )
        )
    layers.append(_tap_layer(data, _date_axis(), y, tooltip))
    # The target's dash has a legend of its own, apart from the legs' dashes.
    return _page_chart(alt.layer(*layers).resolve_scale(strokeDash="independent"))


def symmetry_chart(frame: pd.DataFrame) -> alt.LayerChart:
    base = alt.Chart(frame)
    y = alt.Y("symmetry_percent:Q", title="Symmetry (%)", scale=alt.Scale(domain=[50, 110], clamp=True))
    tooltip = [
        alt.Tooltip("tested_on:T", title="Date", format="%d %b %Y"),
        alt.Tooltip("measure:N", title="Test"),
        alt.Tooltip("symmetry_percent:Q", title="Symmetry (%)", format=".1f"),
        alt.Tooltip("protocol:N", title="Protocol"),
    ]
    points = base.mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=_date_axis(),
        y=y,
        color=alt.Color("measure:N", title=None, scale=alt.Scale(range=["#0072B2", "#D55E00"]), legend=_TOP_LEGEND),
        shape=alt.Shape("measure:N", title=None, scale=alt.Scale(range=["circle", "square"]), legend=_TOP_LEGEND),
        tooltip=tooltip,
    )
    line = (
        alt.Chart(pd.DataFrame({"line": [SYMMETRY_FLAG_PERCENT.value], "label": [SYMMETRY_LINE_LABEL]}))
        .mark_rule(strokeDash=[6, 4], color=TARGET_COLOUR, size=2)
        .encode(y="line:Q", tooltip=[alt.Tooltip("label:N", title="Line"), alt.Tooltip("line:Q", title="%")])
    )
    return _page_chart(alt.layer(line, points, _tap_layer(frame, _date_axis(), y, tooltip)))


def pain_chart(frame: pd.DataFrame) -> alt.LayerChart:
    zones = pd.DataFrame(
        {
            "zone": ["safe (0-2)", "acceptable (3-5)", "too much (6-10)"],
            "low": [0, PAIN_SAFE_MAX.value, PAIN_ACCEPTABLE_MAX.value],
            "high": [PAIN_SAFE_MAX.value, PAIN_ACCEPTABLE_MAX.value, 10],
        }
    )
    # The zones are a light tint behind the lines, named in a legend; their borders are drawn at 3:1 or more.
    zone_layer = (
        alt.Chart(zones)
        .mark_rect(opacity=0.2, aria=False)
        .encode(
            y=alt.Y("low:Q", title="Pain (0-10)", scale=alt.Scale(domain=[0, 10])),
            y2="high:Q",
            # Fill, not colour: the legs own the colour scale, so their colour and shape share one legend.
            fill=alt.Fill(
                "zone:N",
                title="Pain zone",
                legend=_TOP_LEGEND,
                scale=alt.Scale(domain=list(zones["zone"]), range=["#009E73", "#F0E442", "#D55E00"]),
            ),
            tooltip=[alt.Tooltip("zone:N", title="Zone")],
        )
    )
    borders = (
        alt.Chart(zones.iloc[1:])
        .mark_rule(color=ZONE_EDGE_COLOUR, strokeDash=[2, 3], aria=False)
        .encode(y="low:Q", tooltip=[alt.Tooltip("zone:N", title="Zone from here up")])
    )
    y = alt.Y("pain:Q", scale=alt.Scale(domain=[0, 10]))
    tooltip = [
        alt.Tooltip("day:T", title="Day", format="%d %b %Y"),
        alt.Tooltip("side:N", title="Leg"),
        alt.Tooltip("kind:N", title="When"),
        alt.Tooltip("pain:Q", title="Pain"),
    ]
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=50, filled=True))
        .encode(
            x=_date_axis("day", "Day"),
            y=y,
            color=alt.Color("side:N", scale=LEG_COLOURS, title=None, legend=_TOP_LEGEND),  # line and point alike
            # The legs differ by point shape as well as colour; during and next morning by dash.
            shape=alt.Shape("side:N", scale=LEG_SHAPES, title=None, legend=_TOP_LEGEND),
            strokeDash=alt.StrokeDash("kind:N", title=None, legend=_TOP_LEGEND),
            tooltip=tooltip,
        )
    )
    return _page_chart(alt.layer(zone_layer, borders, lines, _tap_layer(frame, _date_axis("day", "Day"), y, tooltip)))


def routine_chart(frame: pd.DataFrame) -> alt.LayerChart:
    # Weeks as equal slots (not a time axis), so this week's bar at the edge is as wide as the others.
    bars = (
        alt.Chart(frame)
        .mark_bar(color=TRAINING_COLOUR)
        .encode(
            x=alt.X(
                "yearmonthdate(week_start):O",
                title="Week of",
                axis=alt.Axis(format="%d %b", formatType="time", labelAngle=-30, labelOverlap=True),
            ),
            y=alt.Y("volume_reps:Q", title="Reps logged"),
            tooltip=[
                alt.Tooltip("week_start:T", title="Week of", format="%d %b %Y"),
                alt.Tooltip("volume_reps:Q", title="Reps logged"),
                alt.Tooltip("sessions:Q", title="Sessions"),
                alt.Tooltip("planned:Q", title="Planned"),
                alt.Tooltip("adherence_percent:Q", title="Adherence (%)"),
            ],
        )
    )
    return _page_chart(alt.layer(bars))


# -- specs for the pages ---------------------------------------------------------------------------------------

RUNNER_DATA = "runner_data"  # the name of a chart's own rows in its spec; constant layers keep altair's names
_templates: dict[tuple[Any, ...], str] = {}


def _spec(build: Callable[..., alt.TopLevelMixin], frame: pd.DataFrame, **options: Any) -> dict[str, Any]:
    """`build(frame, **options).to_dict()`, with altair's part done once per chart kind, the frame left as it is.

    Altair takes tens of milliseconds to assemble a chart (most of a save's server time), yet from one save or
    runner to the next only the rows differ. So each kind of chart is built once from an empty frame with the same
    columns and types, kept as a JSON template, and every call puts its frame's rows in, under one fixed name (a
    name that stays the same also lets the browser update the drawn chart instead of drawing it anew). `build`
    must chart the frame as given, without filtering it: the public functions below filter first.
    """
    key = (build, tuple(sorted(options.items())), tuple((str(c), str(t)) for c, t in frame.dtypes.items()))
    template = _templates.get(key)
    if template is None:
        spec = build(frame.iloc[0:0], **options).to_dict(validate=False)
        empty = [name for name, rows in spec.get("datasets", {}).items() if rows == []]
        if len(empty) != 1:
            raise ValueError(f"{build.__name__}: expected one dataset for the frame, found {len(empty)} empty ones")
        template = json.dumps(spec).replace(json.dumps(empty[0]), json.dumps(RUNNER_DATA))
        _templates[key] = template  # a race builds it twice, harmlessly
    spec = json.loads(template)
    # A frame, not altair's JSON rows: Streamlit turns a frame into Arrow directly, while rows would be sanitised,
    # listed and then turned back into a frame (several times the work). For a JSON spec: json_spec(). Dates go as
    # ISO text, as altair sends them: the browser reads them as local dates, never as UTC instants that a time
    # zone west of Greenwich would show as the day before.
    dates = {
        str(c): frame[c].dt.strftime("%Y-%m-%dT%H:%M:%S")
        for c, t in frame.dtypes.items()
        if pd.api.types.is_datetime64_any_dtype(t)
    }
    spec["datasets"][RUNNER_DATA] = frame.assign(**dates) if dates else frame
    return cast(dict[str, Any], spec)


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = [spec]
    for layer in spec.get("layer", []):
        found.extend(_layers(layer))
    return found


def _moment(value: Any) -> dt.date:
    """A point's date as the chart's frame holds it: ISO text (as altair sends dates), a date or a timestamp."""
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, dt.date):  # a datetime and pandas' Timestamp are dates too
        return value
    return cast(dt.date, pd.Timestamp(value))


def _tooltip_value(value: Any, tooltip: dict[str, Any]) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if tooltip.get("type") == "temporal":
        return f"{_moment(value):%d %b %Y}"
    number_format = tooltip.get("format")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if number_format:
            return format(value, number_format)
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


def point_words(spec: dict[str, Any]) -> list[str]:
    """What a tap on each point of a chart's own rows shows under the chart, in row order: its tooltip as one line
    ("Date: 05 Dec 2026 · Leg: left · Raises: 20"). Empty for a chart whose points don't answer a tap."""
    layers = _layers(spec)
    params = [p for layer in layers for p in layer.get("params", []) if p.get("name") == TAPPED]
    views = {view for p in params for view in p.get("views", [])}  # altair lifts a layer's params to the top
    tappable = [layer for layer in layers if layer.get("name") in views or (layer.get("params") and not views)]
    tappable = [layer for layer in tappable if layer.get("encoding", {}).get("tooltip")]
    rows = spec.get("datasets", {}).get(RUNNER_DATA)
    if not tappable or rows is None:
        return []
    tooltips = tappable[0].get("encoding", {}).get("tooltip", [])
    # Only the tooltips' columns, read once each (a frame's rows as dicts cost more than the words themselves).
    if isinstance(rows, pd.DataFrame):
        count = len(rows)
        columns = {t["field"]: rows[t["field"]].tolist() if t["field"] in rows else [None] * count for t in tooltips}
    else:
        count = len(rows)
        columns = {t["field"]: [row.get(t["field"]) for row in rows] for t in tooltips}
    words = []
    for index in range(count):
        parts = []
        for tooltip in tooltips:
            shown = _tooltip_value(columns[tooltip["field"]][index], tooltip)
            if shown is not None:
                parts.append(f"{tooltip.get('title', tooltip['field'])}: {shown}")
        words.append(" · ".join(parts))
    return words


def only_added_after(before: Sequence[str], now: Sequence[str]) -> bool:
    """Whether a chart's points `now` keep every point it drew `before` in its place, with any new ones after them
    (a test saved), so a tap remembered by its row still names the same point."""
    return list(now[: len(before)]) == list(before)


def tapped_row(selection: Any) -> int | None:
    """The row (from 0) of the point a tap selected, from Streamlit's selection state for TAPPED, if any."""
    if not selection:
        return None
    first = selection[0] if isinstance(selection, (list, tuple)) else selection
    number = first.get(TAPPED_ROW) if isinstance(first, dict) else None
    return int(number) - 1 if isinstance(number, (int, float)) and number >= 1 else None


def json_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A spec from the functions below with its frame as JSON rows, exactly as altair's to_dict() gives them."""
    datasets = {
        name: alt.to_values(rows)["values"] if isinstance(rows, pd.DataFrame) else rows
        for name, rows in spec["datasets"].items()
    }
    return {**spec, "datasets": datasets}


def reps_spec(frame: pd.DataFrame, knee: str = "straight") -> dict[str, Any]:
    """reps_chart as a Vega-Lite spec."""
    return _spec(reps_chart, frame[frame["knee"] == knee], knee=knee)


def symmetry_spec(frame: pd.DataFrame) -> dict[str, Any]:
    return _spec(symmetry_chart, frame)


def pain_spec(frame: pd.DataFrame) -> dict[str, Any]:
    return _spec(pain_chart, frame)


def routine_spec(frame: pd.DataFrame) -> dict[str, Any]:
    return _spec(routine_chart, frame)


# Running: a week whose distance jumped is a vermillion bar with a hatch-free label in its tooltip and a "jump" row in
# the table (not by colour only: the text alternative names those weeks).
RUNNING_KINDS = alt.Scale(domain=["usual week", "jump"], range=[TRAINING_COLOUR, "#D55E00"])


def running_chart(frame: pd.DataFrame, measure: str = "distance_km") -> alt.LayerChart:
    """Weekly running volume (frame: calfcore.runs.weekly_volume with a `week` kind column), on the training chart's
    week slots."""
    title = "Km run" if measure == "distance_km" else "Minutes run"
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonthdate(week_start):O",
                title="Week of",
                axis=alt.Axis(format="%d %b", formatType="time", labelAngle=-30, labelOverlap=True),
            ),
            y=alt.Y(f"{measure}:Q", title=title),
            color=alt.Color("kind:N", scale=RUNNING_KINDS, title=None, legend=_TOP_LEGEND),
            tooltip=[
                alt.Tooltip("week_start:T", title="Week of", format="%d %b %Y"),
                alt.Tooltip(f"{measure}:Q", title=title, format=".1f"),
                alt.Tooltip("runs:Q", title="Runs"),
                alt.Tooltip("kind:N", title="Week"),
            ],
        )
    )
    return _page_chart(alt.layer(bars))


def running_spec(frame: pd.DataFrame, measure: str = "distance_km") -> dict[str, Any]:
    return _spec(running_chart, frame, measure=measure)


# The squad chart: a runner who needs attention is a vermillion triangle, one on track a blue circle (not by colour
# only). The values are calfcore.roster's NEEDS_ATTENTION and ON_TRACK.
ATTENTION_COLOURS = alt.Scale(domain=["needs attention", "on track"], range=["#D55E00", "#0072B2"])
ATTENTION_SHAPES = alt.Scale(domain=["needs attention", "on track"], range=["triangle-up", "circle"])
# Symmetry from 50% up (a point below sits on the edge; its tooltip gives the value), as on the symmetry chart.
_SQUAD_SYMMETRY_SCALE = alt.Scale(domain=[50, 100], clamp=True)


def squad_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """One point per runner (calfcore.roster.squad_frame): the weaker leg's raises across, weaker ÷ stronger up,
    with the runner target and the 90% line, so a coach sees the spread and who sits below either at a glance."""
    points = (
        alt.Chart(frame)
        .mark_point(size=90, filled=True, opacity=0.9)
        .encode(
            x=alt.X("weaker_raises:Q", title="Weaker leg's raises (latest test)", scale=alt.Scale(zero=True)),
            y=alt.Y("symmetry_percent:Q", title="Weaker ÷ stronger (%)", scale=_SQUAD_SYMMETRY_SCALE),
            color=alt.Color("attention:N", scale=ATTENTION_COLOURS, title=None, legend=_TOP_LEGEND),
            shape=alt.Shape("attention:N", scale=ATTENTION_SHAPES, title=None, legend=_TOP_LEGEND),
            tooltip=[
                alt.Tooltip("runner:N", title="Runner"),
                alt.Tooltip("left:Q", title="Left raises"),
                alt.Tooltip("right:Q", title="Right raises"),
                alt.Tooltip("symmetry_percent:Q", title="Weaker ÷ stronger (%)", format=".1f"),
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("flags:N", title="Needs attention"),
                alt.Tooltip("tested_on:T", title="Latest test", format="%d %b %Y"),
            ],
        )
    )
    target_label = f"Runner target {int(RUNNER_TARGET_REPS.value)}+ (expert opinion)"
    target = (
        alt.Chart(pd.DataFrame({"target": [RUNNER_TARGET_REPS.value], "label": [target_label]}))
        .mark_rule(strokeDash=[6, 4], color=TARGET_COLOUR, size=2)
        .encode(x="target:Q", tooltip=[alt.Tooltip("label:N", title="Line"), alt.Tooltip("target:Q", title="Raises")])
    )
    line = (
        alt.Chart(pd.DataFrame({"line": [SYMMETRY_FLAG_PERCENT.value], "label": [SYMMETRY_LINE_LABEL]}))
        .mark_rule(strokeDash=[2, 3], color=TARGET_COLOUR, size=2)
        .encode(
            y=alt.Y("line:Q", scale=_SQUAD_SYMMETRY_SCALE),
            tooltip=[alt.Tooltip("label:N", title="Line"), alt.Tooltip("line:Q", title="%")],
        )
    )
    return _page_chart(alt.layer(target, line, points))


def squad_spec(frame: pd.DataFrame) -> dict[str, Any]:
    """squad_chart as a Vega-Lite spec."""
    return _spec(squad_chart, frame)


def hops_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Hops on the spot per leg over time (calfcore.readiness.hops_frame), with the return-to-run line of 10 hops."""
    from calfcore.thresholds import RETURN_HOPS_MIN

    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True))
        .encode(
            x=_date_axis(),
            y=alt.Y("hops:Q", title="Hops on the spot", scale=alt.Scale(zero=True)),
            color=alt.Color("side:N", scale=LEG_COLOURS, title=None, legend=_TOP_LEGEND),
            shape=alt.Shape("side:N", scale=LEG_SHAPES, title=None, legend=_TOP_LEGEND),  # not by colour only
            tooltip=[
                alt.Tooltip("tested_on:T", title="Date", format="%d %b %Y"),
                alt.Tooltip("side:N", title="Leg"),
                alt.Tooltip("hops:Q", title="Hops"),
                alt.Tooltip("pain:Q", title="Pain (/10)"),
                alt.Tooltip("symmetry_percent:Q", title="Symmetry (%)", format=".1f"),
            ],
        )
    )
    line = alt.Chart(pd.DataFrame({"hops": [RETURN_HOPS_MIN.value], "label": ["Return-to-run checklist"]}))
    rule = line.mark_rule(strokeDash=[6, 4], color=TARGET_COLOUR, size=2).encode(
        y="hops:Q", tooltip=[alt.Tooltip("label:N", title="Line"), alt.Tooltip("hops:Q", title="Hops per leg")]
    )
    return _page_chart(alt.layer(lines, rule))


# -- each leg at a glance -----------------------------------------------------------------------------------------

GLANCE_HEIGHT_PX = 120  # the whole picture: two rows of about 26 px under the names, over the axis
GLANCE_BAND_FILL = "#CCE4DC"  # the typical band's light tint (its edges are drawn in BAND_COLOUR, at 5.3:1)
GLANCE_TEXT_COLOUR = "#222222"
# Streamlit's chart reads padding as an object (a bare number breaks it in the browser).
GLANCE_PADDING = {"left": 5, "top": 5, "right": 5, "bottom": 5}
NO_BAND_COLOUR = "#595959"  # 7:1 on white
NO_BAND_LABEL = "no typical range: no published reference fits"


def glance_rows(score: TestScore, injured_side: Side | None = None) -> pd.DataFrame:
    """calfcore.glance's rows with what the picture writes over them, each in the first row: the axis's end (past
    every count, band edge and the target, with room for a count's label), the band's name at its middle, or a note
    that no band fits. One frame for every layer, so the spec is a template (see `_spec`)."""
    frame = glance_frame(score, injured_side)
    columns = {name: list(values) for name, values in frame.items()}  # plain lists: pandas per step is slow here
    lows, highs = columns["typical_low"], columns["typical_high"]
    banded = [i for i, low in enumerate(lows) if not math.isnan(low)]
    ranges = {columns["typical"][i] for i in banded}
    one = banded[0] if len(ranges) == 1 else None  # one reference for both legs (always, today): named once
    top = max([*columns["reps"], *(highs[i] for i in banded), RUNNER_TARGET_REPS.value])
    count = len(frame)
    columns |= {
        "first": [True] + [False] * (count - 1),
        "room": [float(math.ceil(top * 1.18 / 5) * 5)] * count,
        "target_label": [f"runner target {format_reps(RUNNER_TARGET_REPS.value)}"] * count,
        "middle": [(lows[one] + highs[one]) / 2 if one is not None else 0.0] * count,
        "band_label": [f"typical {columns['typical'][one]}" if one is not None else ""] * count,
        "note": [NO_BAND_LABEL if not banded else ""] * count,
    }
    return pd.DataFrame(columns)


def leg_bars_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """Each leg's count as a horizontal bar (a row per leg, so each reads against the other), over its typical band
    (a shaded range with solid edges, only where a reference fits) and the runner target (a dashed line).

    Not by colour only: the rows are named, each bar carries its count, the band and the target are named above
    the plot, and they differ by shape (a shaded area with edges, a dashed line). The same spec is drawn on the
    pages and, through vl-convert, in the PDF report. Its words: calfcore.glance.
    """
    x_scale = alt.Scale(zero=True, nice=False)
    y = alt.Y("leg:N", title=None, sort=None, scale=alt.Scale(paddingInner=0.35, paddingOuter=0.2))
    # No title ("raises"): each bar's count is written on it. Label colours set here, over the page theme's grey.
    x_axis = alt.Axis(title=None, tickCount=5, grid=False, labelFontSize=11, labelColor=NO_BAND_COLOUR)
    base = alt.Chart(rows)
    first = base.transform_filter("datum.first")
    tooltip = [
        alt.Tooltip("leg:N", title="Leg"),
        alt.Tooltip("reps:Q", title="Raises"),
        alt.Tooltip("other_reps:Q", title="Other leg"),
        alt.Tooltip("typical:N", title="Typical range"),
        alt.Tooltip("target:Q", title="Runner target"),
    ]
    banded = base.transform_filter("isValid(datum.typical_low) && isFinite(datum.typical_low)")
    edges = [
        banded.mark_tick(color=BAND_COLOUR, thickness=2, aria=False).encode(
            x=alt.X(f"{edge}:Q", scale=x_scale), y=y, tooltip=tooltip
        )
        for edge in ("typical_low", "typical_high")
    ]
    layers = [
        first.mark_point(opacity=0, aria=False).encode(x=alt.X("room:Q", scale=x_scale)),  # the axis's end
        banded.mark_rect(color=GLANCE_BAND_FILL, aria=False).encode(
            x=alt.X("typical_low:Q", scale=x_scale, axis=x_axis), x2="typical_high:Q", y=y, tooltip=tooltip
        ),
        base.mark_bar(size=16, aria=False).encode(
            x=alt.X("reps:Q", scale=x_scale, axis=x_axis),
            y=alt.Y(
                "leg:N",
                title=None,
                sort=None,
                axis=alt.Axis(labelFontSize=13, labelFontWeight="bold", labelColor=GLANCE_TEXT_COLOUR),
            ),
            color=alt.Color("side:N", scale=LEG_COLOURS, legend=None),
            tooltip=tooltip,
        ),
        *edges,  # over the bars: a count on an edge shows the edge on its bar
        first.mark_rule(color=TARGET_COLOUR, size=2, strokeDash=[6, 4], aria=False).encode(
            x=alt.X("target:Q", scale=x_scale), tooltip=[alt.Tooltip("target_label:N", title="Line")]
        ),
        # The names above the plot, on two lines of their own so that they never overlap: the target's on top.
        first.mark_text(dy=-25, fontSize=12, color=TARGET_COLOUR, aria=False).encode(
            x=alt.X("target:Q", scale=x_scale), y=alt.value(0), text="target_label:N"
        ),
        first.transform_filter("datum.band_label != ''")
        .mark_text(dy=-9, fontSize=12, color=BAND_COLOUR, aria=False)
        .encode(x=alt.X("middle:Q", scale=x_scale), y=alt.value(0), text="band_label:N"),
        first.transform_filter("datum.note != ''")  # no band drawn, and the picture says why
        .mark_text(dy=-9, align="left", fontSize=12, color=NO_BAND_COLOUR, aria=False)
        .encode(x=alt.value(0), y=alt.value(0), text="note:N"),
        # Each count last, over the target's line and the band's edges, on a white halo so it reads over them.
        base.mark_text(
            align="left", dx=4, fontSize=14, fontWeight="bold", color=GLANCE_TEXT_COLOUR, stroke="white", strokeWidth=3
        ).encode(x=alt.X("reps:Q", scale=x_scale), y=y, text="reps:Q", tooltip=tooltip),
        base.mark_text(align="left", dx=4, fontSize=14, fontWeight="bold", color=GLANCE_TEXT_COLOUR, aria=False).encode(
            x=alt.X("reps:Q", scale=x_scale), y=y, text="reps:Q"
        ),
    ]
    chart: alt.LayerChart = (
        alt.layer(*layers)
        .properties(
            height=GLANCE_HEIGHT_PX,
            width="container",
            padding=GLANCE_PADDING,
            # The whole picture, names and axis included, at this height: the page's chart is held to its spec's
            # height, and vl-convert draws the same.
            autosize=alt.AutoSizeParams(type="fit", contains="padding"),
        )
        .configure_view(strokeWidth=0)
    )
    return chart


def leg_bars(score: TestScore, injured_side: Side | None = None) -> alt.LayerChart:
    """The per-leg bars of a test's score (see `leg_bars_chart`)."""
    return leg_bars_chart(glance_rows(score, injured_side))


def leg_bars_spec(score: TestScore, injured_side: Side | None = None) -> dict[str, Any]:
    """leg_bars as a Vega-Lite spec: altair's part done once (see `_spec`), so a page or a roster of many runners
    draws it in well under a millisecond."""
    return _spec(leg_bars_chart, glance_rows(score, injured_side))
