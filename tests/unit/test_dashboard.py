"""calfcore.dashboard: what the dashboard shows, assembled without Streamlit (periods, charts with their text and
tables, the words under the raises chart, the references table)."""

from __future__ import annotations

import datetime as dt

from calfcore import dashboard
from calfcore.charts import RUNNER_DATA
from calfcore.demo import demo_data
from calfcore.models import RunnerRecords

TODAY = dt.date(2026, 6, 15)


def _demo() -> RunnerRecords:
    demo = demo_data(TODAY)
    runner = demo.runner
    tests = [test for test, _ in demo.tests]
    symptoms = [entry for _, entries in demo.tests for entry in entries] + demo.symptoms
    return RunnerRecords(runner, tests, symptoms, demo.routine_logs)


def test_a_period_keeps_only_its_weeks_and_everything_keeps_all() -> None:
    records = _demo()
    recent = dashboard.within(records, TODAY, 4)
    start = TODAY - dt.timedelta(weeks=4)
    assert recent.tests and all(t.tested_on >= start for t in recent.tests)
    assert len(recent.tests) < len(records.tests)
    assert all(s.logged_on >= start for s in recent.symptoms) and all(r.logged_on >= start for r in recent.routine_logs)
    assert dashboard.within(records, TODAY, dashboard.PERIODS["Everything"]) is records


def test_every_chart_the_records_allow_comes_with_its_words_and_table() -> None:
    views = {n: s.view() for n, s in dashboard.progress_chart_sources(_demo(), TODAY, 3, frozenset()).items()}
    assert {"straight", "symmetry", "pain", "training"} <= set(views)
    for name, view in views.items():
        assert RUNNER_DATA in view.spec["datasets"], name
        assert view.text, name
        assert view.table is not None and not view.table.empty, name
    weekly = dashboard.training_weeks(_demo(), TODAY, 3, frozenset())
    assert views["training"].table.equals(dashboard.training_table(weekly))


def test_no_symmetry_or_pain_chart_without_anything_to_draw() -> None:
    records = _demo()
    bare = RunnerRecords(records.runner, records.tests[:1], [], [])
    views = dashboard.progress_chart_sources(bare, TODAY, 3, frozenset())
    assert "pain" not in views and "training" in views and "straight" in views


def test_the_training_table_reads_newest_week_first() -> None:
    records = _demo()
    weekly = dashboard.training_weeks(records, TODAY, 3, frozenset())
    table = dashboard.training_table(weekly)
    assert list(table.columns) == ["week", "sessions", "planned", "adherence_percent", "volume_reps"]
    assert table.iloc[0]["week"] == weekly["week_start"].max().strftime("%d %b")


def test_the_raises_chart_covers_the_default_period_and_names_its_band() -> None:
    records = _demo()
    frame = dashboard.raises_frame(records, TODAY)
    start = TODAY - dt.timedelta(weeks=dashboard.PERIODS[dashboard.DEFAULT_PERIOD] or 0)
    assert (frame["tested_on"].dt.date >= start).all()
    assert "typical band" in dashboard.band_words(records)
    young = RunnerRecords(
        records.runner.__class__(records.runner.name, TODAY.year - 15, records.runner.sex), records.tests, [], []
    )
    assert "no band" in dashboard.band_words(young)  # no reference covers under-18s


def test_the_references_table_lists_every_reference_with_its_trust_words() -> None:
    table = dashboard.reference_table()
    assert len(table) > 5 and {"reference", "evidence", "spread (SD)"} <= set(table.columns)
    assert not table["evidence"].str.contains(r"\[read-").any()


def test_running_bars_mark_the_jump_week_in_colour_text_and_table() -> None:
    from calfcore.models import Run

    records = demo_data(dt.date(2025, 6, 18))
    monday = dt.date(2025, 6, 16)
    runs = [Run(monday - dt.timedelta(weeks=back), km, None) for back, km in ((2, 20.0), (1, 24.0), (0, 38.0))]
    records = RunnerRecords(records.runner, records.tests, records.symptoms, records.routine_logs, runs=runs)
    view = dashboard.running_view(records, dt.date(2025, 6, 18), 12, "distance_km")
    rows = view.spec["datasets"][RUNNER_DATA]
    assert len(rows) == 12 and list(rows["kind"])[-3:] == ["usual week", "usual week", "jump"]
    assert view.text.startswith("Running per week, 12 weeks from 31 Mar 2025: 82 km in 3 runs. This week 38 km.")
    assert "Distance jumped in the week of 16 Jun 2025." in view.text
    assert view.table is not None and list(view.table["Week"])[:1] == ["jump"]  # newest week first
    timed = dashboard.running_view(records, dt.date(2025, 6, 18), 12, "minutes")
    assert "0 minutes in 3 runs" in timed.text


def test_the_running_table_never_shows_a_jump_week_as_30_percent() -> None:
    """13.04 km after 10 km is a jump (+30.4%): the table says 13.04, not 13.0 (or 13.0000) beside "jump"."""
    from calfcore.models import Run

    records = demo_data(dt.date(2025, 6, 18))
    monday = dt.date(2025, 6, 16)
    runs = [Run(monday - dt.timedelta(weeks=1), 10.0, 3300), Run(monday, 13.04, 4320)]
    records = RunnerRecords(records.runner, records.tests, records.symptoms, records.routine_logs, runs=runs)
    view = dashboard.running_view(records, dt.date(2025, 6, 18), 12, "distance_km")
    assert view.table is not None
    assert list(view.table.columns) == ["Week of", "Runs", "Distance (km)", "Time (minutes)", "Week"]  # words
    newest = view.table.iloc[:3][["Distance (km)", "Time (minutes)", "Week"]].to_dict("records")
    assert newest == [
        {"Distance (km)": "13.04", "Time (minutes)": "72", "Week": "jump"},
        {"Distance (km)": "10.00", "Time (minutes)": "55", "Week": "usual week"},
        {"Distance (km)": "0.00", "Time (minutes)": "0", "Week": "usual week"},
    ]
