"""What each progress chart shows, in words and as a table, built from the chart's own frame (calfcore.progress).

A screen reader hears a chart as one graphic: the sentence here is its text alternative (WCAG 1.1.1), and the
table gives every value the chart draws, for anyone who cannot read them off the marks or hover for a tooltip.

A chart's frame is a few dozen rows, and every save builds these again: they read the rows once into plain Python
(`_rows`) and sort and group there. Done with pandas (a filter, a sort, a groupby per sentence) they were the largest
cost of ours after a save (issue 25: about 1 ms of fixed cost per pandas operation on a loaded machine).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from calfcore.norms import format_reps
from calfcore.scoring import symmetry_text as symmetry_figure
from calfcore.thresholds import (
    PAIN_ACCEPTABLE_MAX,
    PAIN_SAFE_MAX,
    RUNNER_TARGET_REPS,
    SYMMETRY_FLAG_PERCENT,
    figure_beside,
)


def _day(value: pd.Timestamp) -> str:
    return f"{value.day} {value.strftime('%b %Y')}"


def _rows(frame: pd.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    """The frame's rows as tuples of these columns, in the frame's order."""
    return list(zip(*(frame[column].tolist() for column in columns), strict=True))


def _oldest_first(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows whose first value is their day, oldest first (rows of one day keep the frame's order)."""
    return sorted(rows, key=lambda row: row[0])


def _newest_first(
    rows: list[tuple[Any, ...]], then: Callable[[tuple[Any, ...]], tuple[Any, ...]] = lambda row: ()
) -> list[tuple[Any, ...]]:
    """Rows whose first value is their day (a Timestamp), newest first, as a log reads; within a day in `then`'s
    order, and rows alike in both the last saved first (the frame holds them as saved)."""
    return sorted(reversed(rows), key=lambda row: (-row[0].value, *then(row)))


def _grouped(rows: Sequence[tuple[Any, ...]], key: int, value: int) -> list[tuple[Any, list[Any]]]:
    """(group, its values in row order) for each distinct `row[key]`, groups in sorted order (as groupby sorts)."""
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row[value])
    return sorted(groups.items(), key=lambda item: item[0])


def _span(dates: Sequence[pd.Timestamp], what: str, count: int | None = None) -> str:
    """'5 tests from 25 Aug 2026 to 17 Nov 2026', or '1 test on 17 Nov 2026'. `count` is how many there are (two
    tests on one day are two tests); without it, the number of days."""
    count = len(set(dates)) if count is None else count
    first, last = min(dates), max(dates)
    noun = what if count == 1 else f"{what}s"
    if first == last:
        return f"{count} {noun} on {_day(first)}"
    return f"{count} {noun} from {_day(first)} to {_day(last)}"


def _first_to_latest(tests: int) -> str:
    """What a pair of figures means ('18 to 26'): said only when there are two tests or more to go from and to."""
    return " (first to latest)" if tests > 1 else ""


def _trend(values: Sequence[float], unit: str = "") -> str:
    """'18 to 26' (first to latest), or '26' for a single value."""
    first, last = format_reps(float(values[0])), format_reps(float(values[-1]))
    return f"{first}{unit}" if len(values) == 1 else f"{first}{unit} to {last}{unit}"


def _symmetry_trend(values: Sequence[float]) -> str:
    """'84.5% to 89.7%': each figure as it reads beside the 90% line (never rounded onto it)."""
    first, last = symmetry_figure(float(values[0])), symmetry_figure(float(values[-1]))
    return first if len(values) == 1 else f"{first} to {last}"


def reps_text(frame: pd.DataFrame, knee: str) -> str:
    """'Raises per leg, knee straight, 5 tests from …: left leg 18 to 26, right leg 26 to 28 (first to latest).
    Typical band at the latest test 22 to 34. Runner target 30 or more.'"""
    rows = _oldest_first(
        [
            row
            for row in _rows(frame, "tested_on", "side", "reps", "typical_low", "typical_high", "knee")
            if row[5] == knee
        ]
    )
    if not rows:
        return f"Raises per leg, knee {knee}: no tests in this period."
    by_leg = _grouped(rows, 1, 2)
    legs = [f"{side} leg {_trend(reps)}" for side, reps in by_leg]
    tests = max(len(reps) for _, reps in by_leg)  # a row per test and leg: the leg tested most often
    text = (
        f"Raises per leg, knee {knee}, {_span([row[0] for row in rows], 'test', tests)}: {', '.join(legs)}"
        f"{_first_to_latest(tests)}."
    )
    if knee == "straight":
        banded = [row for row in rows if pd.notna(row[3])]
        if not banded:
            text += " No typical band: no published reference fits."
        else:
            latest = banded[-1]
            text += f" Typical band at the latest test {format_reps(latest[3])} to {format_reps(latest[4])}."
        text += f" Runner target {format_reps(RUNNER_TARGET_REPS.value)} or more."
    return text


def symmetry_text(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "Symmetry: needs both legs tested."
    rows = _oldest_first(_rows(frame, "tested_on", "measure", "symmetry_percent"))
    by_measure = _grouped(rows, 1, 2)
    parts = [f"{measure} " + _symmetry_trend(values) for measure, values in by_measure]
    tests = max(len(values) for _, values in by_measure)  # a row per test and knee angle
    return (
        f"Symmetry between the legs, {_span([row[0] for row in rows], 'test', tests)}: {', '.join(parts)}"
        f"{_first_to_latest(tests)}. The line marks {format_reps(SYMMETRY_FLAG_PERCENT.value)}%."
    )


def pain_text(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "Pain: none recorded in this period."
    rows = _oldest_first(
        [(day, (side, kind), pain) for day, side, kind, pain in _rows(frame, "day", "side", "kind", "pain")]
    )
    parts = [
        f"{side} leg {kind}: highest {max(values)}, latest {values[-1]}"
        for (side, kind), values in _grouped(rows, 1, 2)
    ]
    safe, acceptable = format_reps(PAIN_SAFE_MAX.value), format_reps(PAIN_ACCEPTABLE_MAX.value)
    return (
        f"Pain from 0 to 10 on {_span([row[0] for row in rows], 'day')}: {'; '.join(parts)}. Zones: safe 0 to {safe}, "
        f"acceptable up to {acceptable}, too much above {acceptable}."
    )


def training_text(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "Training: no weeks to show."
    data = frame.sort_values("week_start")
    weeks = len(data)
    this_week = data.iloc[-1]
    return (
        f"Training per week, {weeks} week{'s' if weeks != 1 else ''} from {_day(data['week_start'].iloc[0])}: "
        f"{int(data['sessions'].sum())} sessions of {int(data['planned'].sum())} planned, "
        f"{int(data['volume_reps'].sum())} reps in all. This week {int(this_week['sessions'])} of "
        f"{int(this_week['planned'])} sessions, {int(this_week['volume_reps'])} reps."
    )


def running_text(frame: pd.DataFrame, measure: str = "distance_km") -> str:
    """'Running per week, 12 weeks from 24 Mar 2025: 212 km in 31 runs. This week 38 km. A jump of more than 30% in
    the weeks of 16 Jun.'"""
    if frame.empty:
        return "Running: no weeks to show."
    data = frame.sort_values("week_start")
    weeks = len(data)
    unit = "km" if measure == "distance_km" else "minutes"
    jumps = [_day(week) for week, kind in zip(data["week_start"], data["kind"]) if kind == "jump"]
    jumped = f" Distance jumped in the week{'s' if len(jumps) != 1 else ''} of {', '.join(jumps)}." if jumps else ""
    return (
        f"Running per week, {weeks} week{'s' if weeks != 1 else ''} from {_day(data['week_start'].iloc[0])}: "
        f"{data[measure].sum():.0f} {unit} in {int(data['runs'].sum())} runs. This week "
        f"{data[measure].iloc[-1]:.0f} {unit}.{jumped}"
    )


def hops_text(frame: pd.DataFrame, line: float) -> str:
    """'Hops on the spot per leg, 3 tests from …: left leg 6 to 12, right leg 14 to 15 (first to latest). The line
    marks 10 hops.'"""
    if frame.empty:
        return "Hops on the spot: no hop tests yet."
    rows = _oldest_first(_rows(frame, "tested_on", "side", "hops"))
    by_leg = _grouped(rows, 1, 2)
    legs = [f"{side} leg {_trend(hops)}" for side, hops in by_leg]
    tests = max(len(hops) for _, hops in by_leg)  # a row per test and leg
    return (
        f"Hops on the spot per leg, {_span([row[0] for row in rows], 'test', tests)}: {', '.join(legs)}"
        f"{_first_to_latest(tests)}. The line marks {format_reps(line)} hops."
    )


def _dates(days: Sequence[pd.Timestamp]) -> list[str]:
    """Each date in words, worked out once per distinct date: a test's date repeats on every leg and knee."""
    words = {day: _day(day) for day in set(days)}
    return [words[day] for day in days]


def _table(columns: dict[str, list[Any]], frame: pd.DataFrame, kept: dict[str, str]) -> pd.DataFrame:
    """A table of these columns; those in `kept` (heading -> frame column) keep the frame column's type, so an empty
    table has the same columns and types as a full one."""
    table = pd.DataFrame(columns)
    for heading, column in kept.items():
        if table[heading].dtype != frame[column].dtype:
            table[heading] = table[heading].astype(frame[column].dtype)
    return table


def reps_table(frame: pd.DataFrame, knee: str) -> pd.DataFrame:
    """Every point of the raises chart: newest first, as the runner reads a log."""
    columns = ("tested_on", "side", "reps", "typical_low", "typical_high", "protocol", "knee")
    rows = _newest_first([row for row in _rows(frame, *columns) if row[6] == knee], then=lambda row: (row[1],))
    words = {  # a band repeats on every test of one age, sex and protocol: worded once each
        (low, high): f"{format_reps(low)} to {format_reps(high)}" if pd.notna(low) else "none"
        for low, high in {(row[3], row[4]) for row in rows}
    }
    table: dict[str, list[Any]] = {
        "Date": _dates([row[0] for row in rows]),
        "Leg": [row[1] for row in rows],
        "Raises": [row[2] for row in rows],
    }
    if knee == "straight":
        table["Typical band"] = [words[(row[3], row[4])] for row in rows]
    table["Protocol"] = [row[5] for row in rows]
    return _table(table, frame, {"Leg": "side", "Raises": "reps", "Protocol": "protocol"})


def symmetry_table(frame: pd.DataFrame) -> pd.DataFrame:
    rows = _newest_first(  # within a day, knee straight before knee bent, as the dashboard shows the charts
        _rows(frame, "tested_on", "measure", "symmetry_percent", "protocol"), then=lambda row: (row[1] == "knee bent",)
    )
    return _table(
        {
            "Date": _dates([row[0] for row in rows]),
            "Test": [row[1] for row in rows],
            # Written as text: st.table prints a float with four decimals ("88.9000" beside the 90% line). One
            # decimal, never rounded onto or across the line (the sentence's rule, calfcore.thresholds).
            "Symmetry (%)": [_symmetry_cell(row[2]) for row in rows],
            "Protocol": [row[3] for row in rows],
        },
        frame,
        {"Test": "measure", "Protocol": "protocol"},
    )


def _symmetry_cell(percent: float) -> str:
    """'88.9', '90.0', or 'just under 90%' where one decimal would round onto the line."""
    line = SYMMETRY_FLAG_PERCENT
    return figure_beside(float(percent), line, lambda value: value < line.value, decimals=1, unit="")


def pain_table(frame: pd.DataFrame) -> pd.DataFrame:
    rows = _newest_first(_rows(frame, "day", "side", "kind", "pain"), then=lambda row: (row[1], row[2]))
    return _table(
        {
            "Day": _dates([row[0] for row in rows]),
            "Leg": [row[1] for row in rows],
            "When": [row[2] for row in rows],
            "Pain (0-10)": [row[3] for row in rows],
        },
        frame,
        {"Leg": "side", "When": "kind", "Pain (0-10)": "pain"},
    )


def squad_text(frame: pd.DataFrame) -> str:
    """The squad chart in words: how many runners, and who sits below the runner target or the 90% line."""
    if frame.empty:
        return "Squad: no runner on the roster has a test with both legs yet."
    target, line = RUNNER_TARGET_REPS.value, SYMMETRY_FLAG_PERCENT.value
    below_line = sorted(frame.loc[frame["symmetry_percent"] < line, "runner"])
    below_target = sorted(frame.loc[frame["weaker_raises"] < target, "runner"])
    text = (
        f"Squad, {len(frame)} runner{'s' if len(frame) != 1 else ''}: weaker leg's raises "
        f"{int(frame['weaker_raises'].min())} to {int(frame['weaker_raises'].max())}."
    )
    text += f" Under {format_reps(line)}% symmetry: {', '.join(below_line) if below_line else 'nobody'}."
    text += (
        f" Under the runner target of {format_reps(target)}: {', '.join(below_target) if below_target else 'nobody'}."
    )
    return text
