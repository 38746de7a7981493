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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeGuard

import altair as alt
import pandas as pd

from calfcore.models import HeelRaiseTest, Knee, MotionCount, RaiseMark, Side
from calfcore.protocol import BEATS_PER_RAISE

# Counting repetitions from a phone or an inertial sensor agrees with video and encoders (hoffmann_2024,
# schrefl_2024, byrne_2017); no source measures heel height in centimetres from a phone: sizes stay relative.
MOTION_SOURCES = ("hoffmann_2024", "schrefl_2024", "byrne_2017", "sleeswijk_visser_2025")
# What a browser may hand back per leg, at most: anything past these is dropped, never stored. Well above the 150
# raises the form accepts (calfcore.validation.MAX_REPS) and an hour of testing. [OUR CONVENTION]
MAX_RAISES_KEPT = 400
MAX_RAISE_SECONDS = 3600.0
# A relative size above this is no raise of the runner's (a jolt the counter let through): dropped. [OUR CONVENTION]
MAX_RELATIVE_SIZE = 10.0


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
    counted: bool = True  # counted for the test: on the beat and not well short


@dataclass(frozen=True)
class MotionSummary:
    """A leg's per-raise summary, and the stop the counter proposed (None if the runner stopped it)."""

    raises: tuple[RaiseSummary, ...] = ()
    proposed_stop: StopReason | None = None
    counted: int = 0  # raises the counter counted (the runner may correct the count)
    problems: tuple[str, ...] = field(default_factory=tuple)


def summary_from_browser(value: object) -> MotionSummary | None:
    """The component's per-raise summary, checked: anything malformed is dropped, never trusted. A raise outside
    the bounds above (a negative or endless time, an impossible size) is dropped, and so is every raise past
    MAX_RAISES_KEPT."""
    if not isinstance(value, dict):
        return None
    raises = []
    items = value.get("raises")
    for item in items[:MAX_RAISES_KEPT] if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        at, size = item.get("at_s"), item.get("size")
        if not (_number(at) and _number(size) and 0 <= at <= MAX_RAISE_SECONDS and 0 <= size <= MAX_RELATIVE_SIZE):
            continue
        on_beat = item.get("on_beat") is True
        counted = item.get("counted")
        if not isinstance(counted, bool):  # a summary without it: the counter's own rule
            counted = on_beat and size >= MotionParameters(cadence_bpm=60).short_raise_fraction
        raises.append(RaiseSummary(round(float(at), 2), round(float(size), 2), on_beat, counted))
    stop = value.get("proposed_stop")
    counted_total = value.get("counted")
    problems = value.get("problems")
    return MotionSummary(
        raises=tuple(raises),
        proposed_stop=StopReason(stop) if stop in set(StopReason) else None,
        counted=counted_total
        if isinstance(counted_total, int) and not isinstance(counted_total, bool) and counted_total >= 0
        else sum(r.counted for r in raises),
        problems=tuple(str(p) for p in problems if isinstance(p, str))[:5] if isinstance(problems, list) else (),
    )


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _were(count: int) -> str:
    return f"{count} was" if count == 1 else f"{count} were"


def seen_and_counted(summary: MotionSummary) -> str:
    """One sentence on the confirm screen when the motion saw more raises than count for the test ("" otherwise):
    a raise counts only on the beat and not well short of the first ones, the protocol's rules."""
    seen, counted = len(summary.raises), sum(r.counted for r in summary.raises)
    if seen == counted:
        return ""
    off = sum(not r.on_beat for r in summary.raises)
    short = sum(r.on_beat and not r.counted for r in summary.raises)
    why = [f"{_were(off)} off the beat"] if off else []
    why += [f"{_were(short)} well short of your first raises"] if short else []
    rules = MotionParameters(cadence_bpm=60)
    # The first raises set the runner's own size (their median), so they are judged by the beat only: the chart may
    # show one of them under the line, and the sentence says why it still counts.
    return (
        f"The motion saw {seen} raises and {counted} of them count for the test: {' and '.join(why)}. A raise "
        f"counts when it is on the beat; after your first {rules.reference_raises}, which set your own size, it "
        f"must also reach {rules.short_raise_fraction:.0%} of that size."
    )


# -- what is stored: the per-raise marks, and which counts the motion made -----------------------------------------


def marks_from_summary(summary: MotionSummary, knee: Knee, leg: Side) -> tuple[RaiseMark, ...]:
    """A leg's per-raise summary as it is stored with the test."""
    return tuple(
        RaiseMark(knee, leg, number, round(r.at_s * 1000), r.size, r.on_beat, r.counted)
        for number, r in enumerate(summary.raises, start=1)
    )


def motion_record(
    knee: Knee, by_motion: Mapping[str, MotionSummary]
) -> tuple[frozenset[MotionCount], tuple[RaiseMark, ...]]:
    """What a guided test keeps of the motion, from each leg's summary (by side's value): which counts the motion
    made, and each raise as it saw it (left leg first)."""
    counted = frozenset(MotionCount.of(knee, Side(leg)) for leg in by_motion)
    marks = tuple(
        mark
        for side in Side
        if side.value in by_motion
        for mark in marks_from_summary(by_motion[side.value], knee, side)
    )
    return counted, marks


def summary_of_marks(marks: Sequence[RaiseMark]) -> tuple[RaiseSummary, ...]:
    """Stored marks of one leg back as the chart's raises, in order."""
    return tuple(
        RaiseSummary(m.at_ms / 1000, m.relative_size, m.on_beat, m.counted)
        for m in sorted(marks, key=lambda m: m.number)
    )


def still_by_motion(handed: Mapping[MotionCount, float | None], test: HeelRaiseTest) -> frozenset[MotionCount]:
    """The counts that stay "counted by motion" once the form is saved: those the runner left as they were handed
    over (`handed`: the counts confirmed after the guided test, or those stored before a correction). A count
    changed in the form is the runner's own; the motion's marks stay, as what it saw. [OUR CONVENTION]"""
    return frozenset(which for which, count in handed.items() if count is not None and test.count(which) == count)


def corrected_by_hand(stored: HeelRaiseTest, corrected: HeelRaiseTest) -> HeelRaiseTest:
    """A correction of a stored test (History): its counts left as they were stay counted by motion, and its marks
    stay with it."""
    handed = {which: stored.count(which) for which in stored.counted_by_motion}
    return replace(corrected, counted_by_motion=still_by_motion(handed, corrected), raise_marks=stored.raise_marks)


def _legs(sides: Iterable[Side]) -> str:
    names = [side.value for side in Side if side in set(sides)]
    return f"{' and '.join(names)} leg{'s' if len(names) > 1 else ''}"


def counted_by_words(counted: Iterable[MotionCount], marks: Sequence[RaiseMark] = ()) -> str:
    """How the counts were made, for the protocol's line: "" when none came from the motion."""
    counted = frozenset(counted)
    parts = []
    for knee in Knee:
        by_motion = [c.side for c in counted if c.knee is knee]
        changed = {m.leg for m in marks if m.knee is knee} - set(by_motion)
        if by_motion:
            parts.append(f"counted by motion ({_legs(by_motion)}, knee {knee.value})")
        if changed:
            parts.append(f"{_legs(changed)}, knee {knee.value}: the motion's count changed by hand")
    words = "; ".join(parts)
    return f"{words[:1].upper()}{words[1:]}." if parts else ""


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
