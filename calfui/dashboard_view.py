"""The dashboard as the pages show it: its charts (as Arrow data), the retest schedule, the report button."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import streamlit as st

from calfcore import charts, dashboard
from calfcore.models import HeelRaiseTest
from calfcore.retest import AwayDay, RetestPlan
from calfcore.warning_signs import warning_of
from calfstore import RunnerRecords, StoreError
from calfui import drawn_charts
from calfui.arrow import arrow_datasets, arrow_table
from calfui.cache import OwnerData, RunnerRows
from calfui.drawn_charts import DrawnChart
from calfui.result import equipment_access, render_result
from calfui.state import runner_key
from calfui.widgets import plain

_LOG = logging.getLogger("calfcheck.store")


@functools.cache
def reference_arrow() -> pa.Table:
    """The published references' table (calfcore.dashboard.reference_table) in Arrow form, once per process: the
    data files don't change while the app runs, and the home page shows it on every visit."""
    return arrow_table(dashboard.reference_table())


_DRAWN_POINTS = "_chart_points_drawn"  # session state: chart key base -> (generation, the points it last drew)


def tap_key(base: str, points: Sequence[str]) -> str:
    """The key of a chart whose points answer a tap (a tap is remembered by the point's place in the chart's rows).
    While points are only added after the ones it last drew (a test saved), the key stays: the browser adds the new
    points to the chart it has (Vega updates its data in place, issue 25) and a tapped point is still the same one.
    When an earlier point changed, moved or went (a correction, a deletion, the period moving on), the key changes:
    a new chart, with no tap that could now name another point."""
    drawn: dict[str, tuple[int, Sequence[str]]] = st.session_state.setdefault(_DRAWN_POINTS, {})
    generation, before = drawn.get(base, (0, ()))
    if not charts.only_added_after(before, points):
        generation += 1
    drawn[base] = (generation, points)  # the cached list itself, not a copy
    return f"{base}_g{generation}"


def render_chart(
    spec: dict[str, Any],
    text: str,
    table: pa.Table | None,
    *,
    key: str | None = None,
    points: Sequence[str] = (),
    table_key: str | None = None,
) -> None:
    """A chart with its text alternative (read as the chart's name) and, folded away, every value as a table
    (`render_chart_table`, keyed by `table_key`, else by the chart's `key`).

    With a `key` and its `points` (calfcore.charts.point_words), a tap on a point names its values in a line under
    the chart: a phone has no hover for the tooltip."""
    if key is None or not points:
        st.vega_lite_chart(spec, width="stretch", alt=text)
    else:
        event = st.vega_lite_chart(
            spec, width="stretch", alt=text, key=key, on_select="rerun", selection_mode=charts.TAPPED
        )
        row = charts.tapped_row(event.selection.get(charts.TAPPED))
        with st.container(key=f"{key}_tapped"):
            if row is not None and row < len(points):
                st.markdown(f"**Tapped:** {plain(points[row])}")
            else:
                st.caption("Tap a point to see its values here.")
    if table is not None:
        render_chart_table(table, table_key or (f"{key}_table" if key else None))


def render_chart_table(table: pa.Table, key: str | None) -> None:
    """ "Chart as a table", folded away, drawn only once opened (opening it is a rerun): the browser renders every
    cell of a table as page elements again at each run of the page, folded away or not, and the raises chart's table
    alone took about 50 ms of the browser's main thread after each Save (issue 25, a Chromium trace). Without a key
    to remember the opening by, drawn folded away at every run."""
    folded = st.expander("Chart as a table", key=key, on_change="rerun") if key else st.expander("Chart as a table")
    if key and not folded.open:
        return
    with folded:
        # Said outright: left to decide, st.table turns an Arrow table back into pandas on every run just to see
        # whether it has an index to hide (it never has): about 40 ms a run on a dashboard (issue 25).
        st.table(table, hide_index=True)


def away_days(data: OwnerData, runner_id: int) -> list[AwayDay]:
    """The days the runner marked away, read once per data version; a Save of a test or a log keeps them."""
    return data.cached(
        ("away days", runner_id),
        lambda: data.list_away_days(runner_id),
        runner_id=runner_id,
        reads={RunnerRows.AWAY_DAYS},
    )


def own_retest_choice(data: OwnerData, runner_id: int) -> int | None:
    """The retest interval the runner chose (None: by stage), read once per data version; a Save keeps it."""
    return data.cached(
        ("retest choice", runner_id),
        lambda: data.retest_choice(runner_id),
        runner_id=runner_id,
        reads={RunnerRows.RETEST_CHOICE},
    )


def retest_schedule(data: OwnerData, records: RunnerRecords, today: dt.date) -> tuple[RetestPlan | None, set[dt.date]]:
    """The runner's next retest (calfcore.retest) and days away, read once per data version."""
    from calfcore.retest import next_retest

    runner_id = records.runner.saved_id
    away = {a.day for a in away_days(data, runner_id)}
    own = own_retest_choice(data, runner_id)
    _, plan = data.cached(
        ("next retest", runner_id, today),
        lambda: next_retest(
            records.runner, records.tests, records.symptoms, today, own, away, warning=warning_of(records)
        ),
        runner_id=runner_id,
    )
    return plan, away


def render_retest(plan: RetestPlan | None, today: dt.date, away: set[dt.date]) -> None:
    """ "Retest due" once its day has come (never on a day away), else when the next test is, with what to repeat."""
    if plan is None:
        return
    repeat = f"Repeat it the same way: {plan.repeat}."
    if plan.is_due(today, away):
        st.warning(
            f"**Retest due** since {plan.due_on:%a %d %b %Y} ({plan.why}). {repeat}", icon=":material/event_repeat:"
        )
    else:
        st.info(f"**Next retest:** {plan.due_on:%a %d %b %Y} ({plan.why}). {repeat}", icon=":material/event:")


# The Record page's raises chart is named the same on every run; its figures are the line of text above it.
RAISES_CHART_NAME = (
    "Chart of your knee-straight raises: the line above it gives the figures. Tap a point for its values."
)


def render_raises_chart(data: OwnerData, records: RunnerRecords, today: dt.date) -> None:
    """The knee-straight raises over the dashboard's default period: where a test just saved sits in the trend.

    The chart's accessible name never changes and its summary is written above it: Streamlit's frontend draws a
    new Vega view whenever a chart's spec changes, and the name is part of the spec, so a name holding the figures
    made every Save draw the chart from scratch instead of adding the new points to the one on the page (issue 25,
    figure 3)."""
    chart = data.cached(
        ("raises chart", records.runner.id, today),
        lambda: drawn_charts.draw(dashboard.raises_source(records, today)),
        runner_id=records.runner.id,
    )
    st.markdown(f"**Your raises, last {dashboard.DEFAULT_PERIOD}** (knee straight), {dashboard.band_words(records)}")
    st.caption(plain(chart.text))
    key = tap_key(runner_key(records.runner.saved_id, "raises_chart"), chart.points)
    render_chart(chart.spec, RAISES_CHART_NAME, chart.table, key=key, points=chart.points)


def _drawn_charts(
    records: RunnerRecords, today: dt.date, sessions_planned: int, away: frozenset[dt.date]
) -> dict[str, DrawnChart]:
    """Every progress chart (calfcore.dashboard) ready for the browser, by name. Built once per data version (see
    calfui.cache); a chart whose rows the last write left as they were is taken as it was (calfui.drawn_charts)."""
    return {
        name: drawn_charts.draw(source)
        for name, source in dashboard.progress_chart_sources(records, today, sessions_planned, away).items()
    }


LINK_ENDED_NOTICE = (
    "This share link no longer works: the runner withdrew it or it expired, so there is no report. "
    "Ask them for a new link."
)
# A coach's report while the database can't be reached: the link can't be checked, so the report holds no data.
LINK_UNCHECKED_NOTICE = (
    "This share link couldn't be checked just now because the database isn't answering, so there is no report. "
    "Nothing was changed. Try again in a moment."
)


def render_report_button(
    records: RunnerRecords,
    today: dt.date,
    plan: RetestPlan | None,
    away: set[dt.date],
    *,
    still_allowed: Callable[[], bool] | None = None,
) -> None:
    """ "Download report (PDF)": the one-page report for a clinician (calfui.report_pdf). Drawn only when clicked
    (it takes about a second), on a thread of its own. For a coach, `still_allowed` checks the share link again at
    that moment: a link revoked after the page was drawn gives a page that says so, with none of the runner's data.
    The click never reruns the page: a rerun racing the drawing (Streamlit drops a button's deferred file once the run
    after the click has drawn the page) lost the coach's download now and then, with a traceback in the log; the
    coach's next click or reload shows the ended link."""
    from calfui import report_pdf

    access = equipment_access()

    def make() -> bytes:
        if still_allowed is not None:
            try:
                allowed = still_allowed()
            except StoreError as error:  # an outage: no data without a checked link (the detail is in the log)
                _LOG.warning("A coach's report was refused: the share link couldn't be checked (%s)", error)
                return report_pdf.notice_pdf(LINK_UNCHECKED_NOTICE)
            if not allowed:
                return report_pdf.notice_pdf(LINK_ENDED_NOTICE)
        return report_pdf.runner_report(records, today, plan, away, access)

    st.download_button(
        "Download report (PDF)",
        data=make,
        file_name=report_pdf.file_name(records.runner, today),
        mime="application/pdf",
        key=runner_key(records.runner.saved_id, "report_pdf"),
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        help="One page for a physiotherapist or doctor: latest test, references and sources, symptoms, "
        "the raises chart and this week's routine.",
    )


def render_dashboard(
    data: OwnerData,
    records: RunnerRecords,
    today: dt.date,
    *,
    read_only: bool = False,
    still_allowed: Callable[[], bool] | None = None,
    about_latest: Callable[[HeelRaiseTest], None] | None = None,
) -> None:
    """The runner's whole picture: latest result, charts over time, training adherence.

    Shared by the runner's dashboard and the coach's read-only view; it has no widget that writes. `still_allowed`:
    for a coach, checks the share link again when the PDF report is drawn. `about_latest`: drawn under the latest
    test's result (comments on it).
    """
    from calfcore.assessment import Scored, latest_test

    latest = latest_test(records.tests)
    if latest is None:
        st.info("No tests yet. Record your first heel-raise test to see your scores.", icon=":material/info:")
        return
    plan, away = retest_schedule(data, records, today)
    render_retest(plan, today, away)  # first: a retest that is due is the one thing to do today
    render_report_button(records, today, plan, away, still_allowed=still_allowed)
    st.header("Latest test")
    assessment = render_result(records, latest.saved_id, today, read_only=read_only, data=data)
    if about_latest is not None:
        about_latest(latest)
    routine = assessment.routine if isinstance(assessment, Scored) else None
    sessions_planned = routine.sessions_per_week if routine else dashboard.DEFAULT_SESSIONS_PER_WEEK

    st.header("Progress")
    # Read-only: changes only what the charts show. For a coach, every such click re-checks the share link.
    period = (
        st.segmented_control("Show", list(dashboard.PERIODS), default=dashboard.DEFAULT_PERIOD, key="progress_period")
        or dashboard.DEFAULT_PERIOD
    )
    drawn = data.cached(
        ("dashboard charts", records.runner.id, period, today, sessions_planned),
        lambda: _drawn_charts(
            dashboard.within(records, today, dashboard.PERIODS[period]), today, sessions_planned, frozenset(away)
        ),
        runner_id=records.runner.id,
    )

    def show(name: str) -> None:  # a tapped point belongs to this runner, chart and period's rows
        chart = drawn[name]
        key = tap_key(runner_key(records.runner.saved_id, "chart", name, period), chart.points)
        render_chart(chart.spec, chart.text, chart.table, key=key, points=chart.points)

    render_running_flags(records, today)
    raises_tab, symmetry_tab, pain_tab, running_tab, training_tab = st.tabs(
        ["Raises", "Symmetry", "Pain", "Running", "Training"]
    )
    with raises_tab:
        st.markdown(f"**Knee straight**, {dashboard.band_words(records)}")
        show("straight")
        if "bent" in drawn:
            st.markdown("**Knee bent** (no published norm: compare legs and trend).")
            show("bent")
    with symmetry_tab:
        if "symmetry" in drawn:
            show("symmetry")
        else:
            st.caption("Symmetry needs both legs tested.")
    with pain_tab:
        if "pain" in drawn:
            show("pain")
        else:
            st.caption("No pain recorded yet.")
    with running_tab:
        render_running(data, records, today, dashboard.PERIODS[period])
    with training_tab:
        # The table below is this chart's table view, open.
        training = drawn["training"]
        render_chart(training.spec, training.text, None)
        st.dataframe(
            training.table,
            hide_index=True,
            column_config={
                "adherence_percent": st.column_config.ProgressColumn(
                    "Adherence", format="%d%%", min_value=0, max_value=100
                ),
                "volume_reps": "Reps",
                "sessions": "Sessions",
                "planned": "Planned",
            },
        )


RUNNING_MEASURES = {"distance_km": "Distance", "minutes": "Time"}


def render_running_flags(records: RunnerRecords, today: dt.date) -> None:
    """The jump in running distance and next-morning pain that rose with the running (calfcore.runs), as
    information with its source. Read-only: the coach's view shows the same."""
    from calfcore import runs
    from calfcore.thresholds import RUNNING_JUMP_PERCENT

    if not records.runs:
        return
    jump = runs.running_jump(records.runs, today)
    if jump is not None:
        st.warning(
            f"{jump.sentence(today)} Source: {RUNNING_JUMP_PERCENT.source.label}.", icon=":material/trending_up:"
        )
    pain = runs.pain_rose_with_volume(records.runs, records.symptoms, today)
    if pain is not None:
        st.warning(f"{pain.sentence} Source: {runs.PAIN_WITH_RUNNING_BASIS}.", icon=":material/trending_up:")


def render_running(data: OwnerData, records: RunnerRecords, today: dt.date, weeks: int | None) -> None:
    """Weekly running as bars (distance or time, the viewer's choice), with its text alternative and table."""
    if not records.runs:
        st.caption("No runs yet: import them from a watch or add one on the Runs page.")
        return
    measure = (
        st.segmented_control(
            "Count",
            list(RUNNING_MEASURES),
            format_func=lambda name: RUNNING_MEASURES[name],
            default="distance_km",
            key="running_measure",
        )
        or "distance_km"
    )

    def ready() -> tuple[dict[str, Any], str, pa.Table]:
        view = dashboard.running_view(records, today, weeks, measure)
        assert view.table is not None
        return arrow_datasets(view.spec), view.text, arrow_table(view.table)

    spec, text, table = data.cached(
        ("running chart", records.runner.id, weeks, today, measure), ready, runner_id=records.runner.id
    )
    render_chart(spec, text, table, table_key=runner_key(records.runner.saved_id, "running_chart_table"))
    from calfcore.runs import DATING_NOTE

    st.caption(DATING_NOTE)
