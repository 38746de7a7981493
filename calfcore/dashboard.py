"""What the dashboard shows, assembled without Streamlit: the periods, the records within one, every progress chart
as a Vega-Lite spec with its text alternative and table, the words under the raises chart, and the references table.
The shell (calfui.dashboard_view) only converts the data for the browser and draws; the coach's view and the PDF report read
the same pieces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
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
    table (the training chart's, `training_table`, is shown open under it; the others' folded away)."""

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


@dataclass(frozen=True)
class ChartSource:
    """A chart's rows and how it is drawn from them (`draw`, one per `kind` of chart). The chart, its text and its
    table depend on the rows alone, so equal rows of one kind always draw the same chart: the shell reuses a chart
    whose rows a Save left as they were (calfui.drawn_charts, issue 25)."""

    kind: str
    rows: pd.DataFrame
    draw: Callable[[pd.DataFrame], ChartView]

    def view(self) -> ChartView:
        return self.draw(self.rows)


def _reps_view(knee: str) -> Callable[[pd.DataFrame], ChartView]:
    from calfcore import chart_text, charts

    def draw(reps: pd.DataFrame) -> ChartView:
        return ChartView(
            charts.reps_spec(reps, knee), chart_text.reps_text(reps, knee), chart_text.reps_table(reps, knee)
        )

    return draw


def _symmetry_view(symmetry: pd.DataFrame) -> ChartView:
    from calfcore import chart_text, charts

    return ChartView(
        charts.symmetry_spec(symmetry), chart_text.symmetry_text(symmetry), chart_text.symmetry_table(symmetry)
    )


def _pain_view(pain: pd.DataFrame) -> ChartView:
    from calfcore import chart_text, charts

    return ChartView(charts.pain_spec(pain), chart_text.pain_text(pain), chart_text.pain_table(pain))


def _training_view(weekly: pd.DataFrame) -> ChartView:
    from calfcore import chart_text, charts

    return ChartView(charts.routine_spec(weekly), chart_text.training_text(weekly), training_table(weekly))


_DRAW_STRAIGHT = _reps_view("straight")
_DRAW_BENT = _reps_view("bent")


def _reps_source(reps: pd.DataFrame, knee: str) -> ChartSource:
    """A raises chart's source holds only its knee's rows (each chart draws only those), so a test saved with the knee
    straight leaves the bent-knee chart's rows, and its chart, as they were."""
    return ChartSource(knee, reps[reps["knee"] == knee], _DRAW_STRAIGHT if knee == "straight" else _DRAW_BENT)


def raises_source(records: RunnerRecords, today: dt.date) -> ChartSource:
    """The knee-straight raises chart over the default period: the dashboard's "straight" chart at its default."""
    return _reps_source(raises_frame(records, today), "straight")


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


def progress_chart_sources(
    records: RunnerRecords, today: dt.date, sessions_planned: int, away: frozenset[dt.date]
) -> dict[str, ChartSource]:
    """Every progress chart the records allow, as rows to draw: "straight" always, "bent", "symmetry" and "pain"
    when there is something to draw, and "training"."""
    from calfcore import progress

    sources: dict[str, ChartSource] = {}
    reps = progress.reps_frame(records.tests, records.runner)
    sources["straight"] = _reps_source(reps, "straight")
    if (reps["knee"] == "bent").any():
        sources["bent"] = _reps_source(reps, "bent")
    symmetry = progress.symmetry_frame(records.tests, records.runner)
    if not symmetry.empty:
        sources["symmetry"] = ChartSource("symmetry", symmetry, _symmetry_view)
    pain = progress.pain_frame(records.symptoms)
    if not pain.empty:
        sources["pain"] = ChartSource("pain", pain, _pain_view)
    sources["training"] = ChartSource(
        "training", training_weeks(records, today, sessions_planned, away), _training_view
    )
    return sources


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
