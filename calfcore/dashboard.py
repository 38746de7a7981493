"""What the dashboard shows, assembled without Streamlit: the periods, the records within one, every progress chart
as a Vega-Lite spec with its text alternative and table, the words under the raises chart, and the references table.
The shell (calfui.dashboard_view) only converts the data for the browser and draws; the coach's view and the PDF report read
the same pieces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import pandas as pd

from calfcore.assessment import latest_test
from calfcore.evidence import TRUST_WORDS
from calfcore.models import RunnerRecords
from calfcore.norms import all_reference_rows, find_reference

# The chart modules (calfcore.charts, chart_text, progress) bring altair; they are imported inside the functions that
# draw, so a process imports altair with its first chart, not with its first page (figure 5, cold start).

DEFAULT_SESSIONS_PER_WEEK = 3  # adherence baseline before any routine exists (the build stage's frequency)
PERIODS: dict[str, int | None] = {"12 weeks": 12, "6 months": 26, "Everything": None}  # label -> weeks back
DEFAULT_PERIOD = "12 weeks"


@dataclass(frozen=True)
class ChartView:
    """One chart: its spec (data in calfcore.charts.RUNNER_DATA), the sentence that describes it, and its values as a
    table (None where the page shows its own table instead)."""

    spec: dict[str, Any]
    text: str
    table: pd.DataFrame | None


def within(records: RunnerRecords, today: dt.date, weeks: int | None) -> RunnerRecords:
    """The records of the last `weeks` weeks (None: all of them)."""
    if weeks is None:
        return records
    start = today - dt.timedelta(weeks=weeks)
    return dataclasses.replace(  # warning signs and all-clears stay whole: whether one stands is not a period's
        records,
        tests=[t for t in records.tests if t.tested_on >= start],
        symptoms=[s for s in records.symptoms if s.logged_on >= start],
        routine_logs=[r for r in records.routine_logs if r.logged_on >= start],
    )


def raises_frame(records: RunnerRecords, today: dt.date) -> pd.DataFrame:
    """The raises chart's rows over the default period: the dashboard, the record result and the PDF report draw it."""
    from calfcore import progress

    recent = within(records, today, PERIODS[DEFAULT_PERIOD])
    return progress.reps_frame(recent.tests, recent.runner)


def raises_chart(records: RunnerRecords, today: dt.date) -> ChartView:
    """The knee-straight raises chart over the default period."""
    from calfcore import chart_text, charts

    reps = raises_frame(records, today)
    return ChartView(
        charts.reps_spec(reps, "straight"),
        chart_text.reps_text(reps, "straight"),
        chart_text.reps_table(reps, "straight"),
    )


def band_words(records: RunnerRecords) -> str:
    """What the raises chart shows for the latest test: a band only where a published reference fits."""
    latest = latest_test(records.tests)
    runner = records.runner
    if latest is not None and find_reference(latest.protocol, runner.sex, runner.age_on(latest.tested_on)):
        return (
            "with the typical band for your age group (the healthy spread around the reference) and the runner target."
        )
    return (
        "with the runner target. No published reference fits your latest test (age or protocol), so there is "
        "no band: compare your legs and your own trend."
    )


def progress_charts(
    records: RunnerRecords, today: dt.date, sessions_planned: int, away: frozenset[dt.date]
) -> dict[str, ChartView]:
    """Every progress chart the records allow: "straight" always, "bent", "symmetry" and "pain" when there is
    something to draw, and "training" (whose table is `training_table`)."""
    from calfcore import chart_text, charts, progress

    views: dict[str, ChartView] = {}
    reps = progress.reps_frame(records.tests, records.runner)
    for knee in ("straight", "bent"):
        if knee == "straight" or (reps["knee"] == "bent").any():
            views[knee] = ChartView(
                charts.reps_spec(reps, knee), chart_text.reps_text(reps, knee), chart_text.reps_table(reps, knee)
            )
    symmetry = progress.symmetry_frame(records.tests, records.runner)
    if not symmetry.empty:
        views["symmetry"] = ChartView(
            charts.symmetry_spec(symmetry), chart_text.symmetry_text(symmetry), chart_text.symmetry_table(symmetry)
        )
    pain = progress.pain_frame(records.symptoms)
    if not pain.empty:
        views["pain"] = ChartView(charts.pain_spec(pain), chart_text.pain_text(pain), chart_text.pain_table(pain))
    views["training"] = ChartView(
        charts.routine_spec(weekly := training_weeks(records, today, sessions_planned, away)),
        chart_text.training_text(weekly),
        None,
    )
    return views


def running_weeks(records: RunnerRecords, today: dt.date, weeks: int | None) -> pd.DataFrame:
    """Running per week over the period's weeks, each marked a usual week or a jump (calfcore.runs)."""
    from calfcore import runs

    return runs.marked_weeks(records.runs, today, weeks)


def running_view(records: RunnerRecords, today: dt.date, weeks: int | None, measure: str) -> ChartView:
    """The running bars, their text alternative and their table (newest week first)."""
    from calfcore import chart_text, charts

    weekly = running_weeks(records, today, weeks)
    table = weekly.assign(week=weekly["week_start"].dt.strftime("%d %b"))[
        ["week", "runs", "distance_km", "minutes", "kind"]
    ]
    # Written as text: a table of floats prints 4 decimals ("13.0000"), and one decimal would put "13.0" after
    # "10.0" beside "jump" (13.04 km is 30.4% more). Kilometres to the 10 m, minutes whole.
    shown = table.assign(
        distance_km=table["distance_km"].map("{:.2f}".format), minutes=table["minutes"].map("{:.0f}".format)
    ).rename(columns=RUNNING_TABLE_HEADINGS)
    return ChartView(charts.running_spec(weekly, measure), chart_text.running_text(weekly, measure), shown.iloc[::-1])


# The running table's headings in the runner's words, as the raises' table has ("Date", "Leg", "Raises").
RUNNING_TABLE_HEADINGS = {
    "week": "Week of",
    "runs": "Runs",
    "distance_km": "Distance (km)",
    "minutes": "Time (minutes)",
    "kind": "Week",
}


def training_weeks(
    records: RunnerRecords, today: dt.date, sessions_planned: int, away: frozenset[dt.date]
) -> pd.DataFrame:
    """Training per week from the runner's first record (test or log) on, days away not counted against them."""
    from calfcore import progress

    recorded = [t.tested_on for t in records.tests[:1]] + [r.logged_on for r in records.routine_logs[:1]]
    return progress.weekly_routine(
        records.routine_logs, sessions_planned, today, since=min(recorded) if recorded else today, away=away
    )


def training_table(weekly: pd.DataFrame) -> pd.DataFrame:
    """The training chart's table, newest week first, as the runner reads it."""
    table: pd.DataFrame = weekly.assign(week=weekly["week_start"].dt.strftime("%d %b"))[
        ["week", "sessions", "planned", "adherence_percent", "volume_reps"]
    ].iloc[::-1]
    return table


@functools.cache
def reference_table() -> pd.DataFrame:
    """The published references, for 'where the numbers come from'. Built once per process: the data files don't
    change while the app runs."""
    return pd.DataFrame(
        [
            {
                "reference": r.source.short,
                "evidence": r.source.trust,
                "sex": r.sex,
                "age": f"{r.age_min}-{r.age_max}" if r.age_min is not None else "not recorded: no band",
                "cued": ("yes" if r.cued else "no") if r.cueing_stated else "not stated (matched to no cues)",
                "pace": (f"{r.cadence_bpm} beats/min" if r.cadence_bpm else "self-paced")
                + ("" if r.pace_confirmed else ", second-hand: about"),
                "raises": r.label,
                "spread (SD)": f"±{r.spread_sd:g} ({r.spread_source.short}, {TRUST_WORDS[r.spread_tag]}"
                + (f"; {r.spread_cv * 100:.0f}% of the mean, scaled: our convention)" if r.spread_cv else ")"),
                "population": r.population,
            }
            for r in all_reference_rows()
        ]
    )
