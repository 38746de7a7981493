"""What each progress chart shows, in words and as a table, built from the chart's own frame (calfcore.progress).

A screen reader hears a chart as one graphic: the sentence here is its text alternative (WCAG 1.1.1), and the
table gives every value the chart draws, for anyone who cannot read them off the marks or hover for a tooltip.
"""

from __future__ import annotations

import pandas as pd

from calfcore.norms import format_reps
from calfcore.scoring import symmetry_text as symmetry_figure
from calfcore.thresholds import PAIN_ACCEPTABLE_MAX, PAIN_SAFE_MAX, RUNNER_TARGET_REPS, SYMMETRY_FLAG_PERCENT


def _day(value: pd.Timestamp) -> str:
    return f"{value.day} {value.strftime('%b %Y')}"


def _span(dates: pd.Series, what: str) -> str:
    """'5 tests from 25 Aug 2026 to 17 Nov 2026', or '1 test on 17 Nov 2026'."""
    count = dates.nunique()
    first, last = dates.min(), dates.max()
    noun = what if count == 1 else f"{what}s"
    if first == last:
        return f"{count} {noun} on {_day(first)}"
    return f"{count} {noun} from {_day(first)} to {_day(last)}"


def _trend(values: pd.Series, unit: str = "") -> str:
    """'18 to 26' (first to latest), or '26' for a single value."""
    first, last = format_reps(float(values.iloc[0])), format_reps(float(values.iloc[-1]))
    return f"{first}{unit}" if len(values) == 1 else f"{first}{unit} to {last}{unit}"


def _symmetry_trend(values: pd.Series) -> str:
    """'84.5% to 89.7%': each figure as it reads beside the 90% line (never rounded onto it)."""
    first, last = symmetry_figure(float(values.iloc[0])), symmetry_figure(float(values.iloc[-1]))
    return first if len(values) == 1 else f"{first} to {last}"


def reps_text(frame: pd.DataFrame, knee: str) -> str:
    """'Raises per leg, knee straight, 5 tests from …: left leg 18 to 26, right leg 26 to 28 (first to latest).
    Typical band at the latest test 22 to 34. Runner target 30 or more.'"""
    data = frame[frame["knee"] == knee].sort_values("tested_on")
    if data.empty:
        return f"Raises per leg, knee {knee}: no tests in this period."
    legs = [f"{side} leg {_trend(rows['reps'])}" for side, rows in data.groupby("side", sort=True)]
    text = f"Raises per leg, knee {knee}, {_span(data['tested_on'], 'test')}: {', '.join(legs)} (first to latest)."
    if knee == "straight":
        banded = data.dropna(subset=["typical_low"])
        if banded.empty:
            text += " No typical band: no published reference fits."
        else:
            latest = banded.iloc[-1]
            text += (
                f" Typical band at the latest test {format_reps(latest['typical_low'])} to "
                f"{format_reps(latest['typical_high'])}."
            )
        text += f" Runner target {format_reps(RUNNER_TARGET_REPS.value)} or more."
    return text


def symmetry_text(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "Symmetry: needs both legs tested."
    data = frame.sort_values("tested_on")
    parts = [
        f"{measure} " + _symmetry_trend(rows["symmetry_percent"])
        for measure, rows in data.groupby("measure", sort=True)
    ]
    return (
        f"Symmetry between the legs, {_span(data['tested_on'], 'test')}: {', '.join(parts)} (first to latest). "
        f"The line marks {format_reps(SYMMETRY_FLAG_PERCENT.value)}%."
    )


def pain_text(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "Pain: none recorded in this period."
    data = frame.sort_values("day")
    parts = [
        f"{side} leg {kind}: highest {rows['pain'].max()}, latest {rows['pain'].iloc[-1]}"
        for (side, kind), rows in data.groupby(["side", "kind"], sort=True)
    ]
    safe, acceptable = format_reps(PAIN_SAFE_MAX.value), format_reps(PAIN_ACCEPTABLE_MAX.value)
    return (
        f"Pain from 0 to 10 on {_span(data['day'], 'day')}: {'; '.join(parts)}. Zones: safe 0 to {safe}, "
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
    data = frame.sort_values("tested_on")
    legs = [f"{side} leg {_trend(rows['hops'])}" for side, rows in data.groupby("side", sort=True)]
    return (
        f"Hops on the spot per leg, {_span(data['tested_on'], 'test')}: {', '.join(legs)} (first to latest). "
        f"The line marks {format_reps(line)} hops."
    )


def _dates(series: pd.Series) -> pd.Series:
    """Each date in words, worked out once per distinct date: a test's date repeats on every leg and knee, and
    three years of tests made this the table's largest cost after every save (issue 25)."""
    words = {day: _day(day) for day in series.unique()}
    return series.map(words)


def reps_table(frame: pd.DataFrame, knee: str) -> pd.DataFrame:
    """Every point of the raises chart: newest first, as the runner reads a log."""
    data = frame[frame["knee"] == knee].sort_values(["tested_on", "side"], ascending=[False, True])
    bands = list(zip(data["typical_low"].tolist(), data["typical_high"].tolist(), strict=True))
    words = {  # a band repeats on every test of one age, sex and protocol: worded once each
        (low, high): f"{format_reps(low)} to {format_reps(high)}" if pd.notna(low) else "none" for low, high in bands
    }
    band = [words[pair] for pair in bands]
    table = pd.DataFrame({"Date": _dates(data["tested_on"]), "Leg": data["side"], "Raises": data["reps"]})
    if knee == "straight":
        table["Typical band"] = band
    table["Protocol"] = data["protocol"]
    return table.reset_index(drop=True)


def symmetry_table(frame: pd.DataFrame) -> pd.DataFrame:
    data = frame.sort_values("tested_on", ascending=False)
    return pd.DataFrame(
        {
            "Date": _dates(data["tested_on"]),
            "Test": data["measure"],
            "Symmetry (%)": data["symmetry_percent"].round(1),
            "Protocol": data["protocol"],
        }
    ).reset_index(drop=True)


def pain_table(frame: pd.DataFrame) -> pd.DataFrame:
    data = frame.sort_values(["day", "side", "kind"], ascending=[False, True, True])
    return pd.DataFrame(
        {"Day": _dates(data["day"]), "Leg": data["side"], "When": data["kind"], "Pain (0-10)": data["pain"]}
    ).reset_index(drop=True)


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
