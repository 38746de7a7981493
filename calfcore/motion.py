"""Counting the guided test's raises from the phone's motion sensors (issue 28): the numbers, owned by Python.

The browser owns the signal (calfui/assets/motion_counter.js, no Streamlit in it); every number it uses comes from
here, handed to it as data like BEATS_PER_RAISE. Each number says where it comes from: a source in data/sources.toml,
or [OUR CONVENTION] where no study gives one. The model behind the checks is in docs/motion.md.

What is kept after a test is the per-raise summary (time, relative size, on the beat or not), never the raw motion.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import altair as alt
import pandas as pd

from calfcore.protocol import BEATS_PER_RAISE

# Counting repetitions from a phone or an inertial sensor agrees with video and encoders (hoffmann_2024,
# schrefl_2024, byrne_2017); no source measures heel height in centimetres from a phone: sizes stay relative.
MOTION_SOURCES = ("hoffmann_2024", "schrefl_2024", "byrne_2017", "sleeswijk_visser_2025")
COUNTED_BY_MOTION = "Counted by motion (phone strapped to the shin); the runner checked the count."


def counted_by_note(legs_by_motion: Sequence[str], legs: int = 2) -> str:
    """The record's note on how the count was made: "" when the runner tapped, else which legs motion counted."""
    if not legs_by_motion:
        return ""
    if len(legs_by_motion) >= legs:
        return COUNTED_BY_MOTION
    return (
        f"{' and '.join(leg.capitalize() for leg in legs_by_motion)} leg: "
        + COUNTED_BY_MOTION[0].lower()
        + (COUNTED_BY_MOTION[1:])
    )


class StopReason(StrEnum):
    PACE = "pace"  # off the beat (or a beat missed) for two raises in a row
    SHORT = "short"  # two raises in a row below SHORT_RAISE_FRACTION of the first raises
    STILL = "still"  # movement stopped


STOP_SENTENCES = {
    StopReason.PACE: "The pace was lost: two raises in a row off the beat.",
    StopReason.SHORT: "Two raises in a row fell well short of your first raises.",
    StopReason.STILL: "Movement stopped.",
}


@dataclass(frozen=True)
class MotionParameters:
    """What the browser's counter needs, for one metronome pace. All times in ms, sizes relative, angles in degrees.

    Sources: the stop rules (pace lost, heel no longer rising, two faults in a row) are the protocol's
    (sleeswijk_visser_2025: "the test ends after two consecutive un-corrected prompts"); every threshold below is
    [OUR CONVENTION], chosen from the model in docs/motion.md and checked on the trace library only.
    """

    cadence_bpm: int
    beats_per_raise: int = BEATS_PER_RAISE
    # Filter band of the vertical signal, in Hz: from a quarter of the raise rate (removes the drift of a tilted
    # phone and of double integration) to 5 Hz (a raise's shape; taps and footfalls are faster). [OUR CONVENTION]
    band_low_hz: float = 0.0
    band_high_hz: float = 5.0
    # A top is confirmed once the filtered travel has come down this share of the rise (or 6 mm): small enough to
    # count within about a tenth of a raise after the top, large enough to ignore noise. [OUR CONVENTION]
    confirm_drop_share: float = 0.10
    # A raise comes at most once per this many ms: half the metronome's raise period. [OUR CONVENTION]
    min_between_raises_ms: float = 0.0
    # A raise's top more than this share of a beat away from its up-beat is off the beat. [OUR CONVENTION]
    off_beat_share: float = 0.4
    # How many of the first counted raises set the runner's own size (their median). [OUR CONVENTION]
    reference_raises: int = 3
    # A raise below this share of the first raises falls short: half is far outside the raise-to-raise spread
    # of a height (about 7%, Byrne 2017's encoder) and the counter's own spread on the library, so a short raise
    # is a clear fall in height, not noise ("clearly not as high as at the start", calfcore.protocol). [OUR CONVENTION]
    short_raise_fraction: float = 0.5
    # Faults in a row that propose a stop (sleeswijk_visser_2025: two consecutive faults end the test).
    faults_to_stop: int = 2
    # Smallest rise counted at all, in metres of the filtered vertical travel: about a fifth of the ~9.5 cm a
    # shin rises (sleeswijk_visser_2025, marker below the ankle), well above a phone's noise; the filter shrinks
    # a first raise after standing still. [OUR CONVENTION]
    min_rise_m: float = 0.02
    # A rise (bottom to top of the filtered travel) takes at most a raise's period: a slower one is a drift.
    # (0.75 was tried: it also dropped slow late raises, so counts got worse on the library.) [OUR CONVENTION]
    max_rise_share: float = 1.0
    # Standing still before the test: this long, with the acceleration steadier than this. [OUR CONVENTION]
    still_ms: float = 2000.0
    still_limit_ms2: float = 0.25
    # The phone is flat (not on an upright shin) when gravity is within this angle of the screen's axis.
    flat_within_deg: float = 35.0
    # The phone slipped (or was taken off) when "down" moved this far from what it learned. [OUR CONVENTION]
    slip_deg: float = 20.0
    # A swing of the shin (walking): "down", seen quickly, this far from what was learned. A raise tilts the shin
    # a few degrees (docs/motion.md). [OUR CONVENTION]
    swing_deg: float = 25.0
    # Too much movement for a heel raise: a linear acceleration above this (footfalls, a swing). A quick raise
    # at 120 beats/min (9 cm in 0.3 s) peaks near 5 m/s² (docs/motion.md). [OUR CONVENTION]
    movement_limit_ms2: float = 8.0
    # Quick jolts void a raise for a moment: what is left above the band, across "down" (a tap on the screen
    # pushes the phone into the shin), above the first; along "down" (a raise's own quick start at 120 beats/min
    # sampled at 30 Hz leaves up to about 3 m/s² there), above the second. [OUR CONVENTION]
    jolt_limit_ms2: float = 1.0
    jolt_along_limit_ms2: float = 4.0
    jolt_hold_ms: float = 600.0

    @property
    def beat_ms(self) -> float:
        return 60_000.0 / self.cadence_bpm

    @property
    def raise_period_ms(self) -> float:
        return self.beat_ms * self.beats_per_raise

    def as_data(self) -> dict[str, float | int]:
        """The component's data: plain numbers the browser reads."""
        data: dict[str, float | int] = asdict(self)
        data["beat_ms"] = self.beat_ms
        data["raise_period_ms"] = self.raise_period_ms
        return data


def motion_parameters(cadence_bpm: int) -> MotionParameters:
    """The counter's numbers at this metronome pace (the band and the minimum time follow the raise rate)."""
    raise_hz = cadence_bpm / 60.0 / BEATS_PER_RAISE
    period_ms = 60_000.0 / cadence_bpm * BEATS_PER_RAISE
    return MotionParameters(
        cadence_bpm=cadence_bpm, band_low_hz=round(raise_hz / 4.0, 4), min_between_raises_ms=period_ms / 2.0
    )


@dataclass(frozen=True)
class RaiseSummary:
    """One counted raise: what is kept (never the raw motion)."""

    at_s: float  # seconds from the start of the count
    size: float  # relative to the runner's first raises (1.0 = as high as them); not a height
    on_beat: bool


@dataclass(frozen=True)
class MotionSummary:
    """A leg's per-raise summary, and the stop the counter proposed (None if the runner stopped it)."""

    raises: tuple[RaiseSummary, ...] = ()
    proposed_stop: StopReason | None = None
    counted: int = 0  # raises the counter counted (the runner may correct the count)
    problems: tuple[str, ...] = field(default_factory=tuple)


def summary_from_browser(value: object) -> MotionSummary | None:
    """The component's per-raise summary, checked: anything malformed is dropped, never trusted."""
    if not isinstance(value, dict):
        return None
    raises = []
    for item in value.get("raises", []) if isinstance(value.get("raises"), list) else []:
        if not isinstance(item, dict):
            continue
        at, size = item.get("at_s"), item.get("size")
        if isinstance(at, int | float) and isinstance(size, int | float) and math.isfinite(at) and math.isfinite(size):
            raises.append(RaiseSummary(round(float(at), 2), round(float(size), 2), bool(item.get("on_beat"))))
    stop = value.get("proposed_stop")
    counted = value.get("counted")
    return MotionSummary(
        raises=tuple(raises),
        proposed_stop=StopReason(stop) if stop in set(StopReason) else None,
        counted=int(counted) if isinstance(counted, int) and counted >= 0 else len(raises),
        problems=tuple(str(p) for p in value.get("problems", []) if isinstance(p, str))[:5],
    )


def fatigue_sentence(raises: Sequence[RaiseSummary]) -> str:
    """The fatigue chart's text alternative: how the size went, and how many raises were on the beat."""
    if not raises:
        return "No raises were counted from the motion."
    on_beat = sum(r.on_beat for r in raises)
    first, last = raises[0], raises[-1]
    smallest = min(raises, key=lambda r: r.size)
    return (
        f"{len(raises)} raises seen by the motion over {last.at_s:.0f} seconds, {on_beat} of them on the beat. "
        f"Relative size went from {first.size:.2f} at the first raise to {last.size:.2f} at the last "
        f"(smallest {smallest.size:.2f}, at {smallest.at_s:.0f} s); 1.00 is your own first raises, not a height."
    )


def fatigue_chart_spec(raises: Sequence[RaiseSummary]) -> dict[str, Any]:
    """Each raise's relative size over the test's time, marked on the beat or off it: the fatigue curve.

    A dashed line at the short-raise fraction; no axis says cm: the size is relative, not a height."""
    frame = pd.DataFrame(
        {
            "raise": list(range(1, len(raises) + 1)),
            "seconds": [r.at_s for r in raises],
            "size": [r.size for r in raises],
            "beat": ["on the beat" if r.on_beat else "off the beat" for r in raises],
        }
    )
    x = alt.X("seconds:Q", title="Seconds into the test")
    y = alt.Y("size:Q", title="Size (1 = first raises)", scale=alt.Scale(domainMin=0))
    line = alt.Chart(frame).mark_line(color="#0b6e4f").encode(x=x, y=y)
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape("beat:N", title=None),
            color=alt.Color(
                "beat:N",
                title=None,
                scale=alt.Scale(domain=["on the beat", "off the beat"], range=["#0b6e4f", "#b34700"]),
            ),
            tooltip=[
                alt.Tooltip("raise:Q", title="Raise"),
                alt.Tooltip("seconds:Q", title="Seconds", format=".1f"),
                alt.Tooltip("size:Q", title="Relative size", format=".2f"),
                alt.Tooltip("beat:N", title="Beat"),
            ],
        )
    )
    short = (
        alt.Chart(pd.DataFrame({"size": [MotionParameters(cadence_bpm=60).short_raise_fraction]}))
        .mark_rule(strokeDash=[4, 4], color="#6b6b6b")
        .encode(y="size:Q")
    )
    chart = alt.layer(line, points, short).properties(height=180, width="container")
    return chart.to_dict()


# -- the raw trace: a CSV the runner may download, and the format of the trace library (docs/motion.md) ----------

TRACE_COLUMNS = ("t_ms", "ax", "ay", "az")


def trace_csv(meta: dict[str, object], samples: Iterable[Sequence[float]]) -> str:
    """`# key: value` lines, then t_ms (from the first sample) and accelerationIncludingGravity x, y, z in m/s²."""
    out = io.StringIO()
    for key, value in meta.items():
        out.write(f"# {key}: {value}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TRACE_COLUMNS)
    for row in samples:
        writer.writerow([f"{row[0]:.1f}", *(f"{v:.4f}" for v in row[1:4])])
    return out.getvalue()


def read_trace(text: str) -> tuple[dict[str, str], list[tuple[float, float, float, float]]]:
    meta: dict[str, str] = {}
    rows: list[tuple[float, float, float, float]] = []
    lines = text.splitlines()
    body = []
    for line in lines:
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
        elif line.strip():
            body.append(line)
    reader = csv.reader(body)
    header = next(reader, None)
    if header is None or tuple(header) != TRACE_COLUMNS:
        raise ValueError(f"a motion trace starts with the columns {', '.join(TRACE_COLUMNS)}")
    for row in reader:
        t, x, y, z = (float(v) for v in row)
        rows.append((t, x, y, z))
    return meta, rows
