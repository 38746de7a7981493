"""Views shared by several pages: the 'pick a runner first' prompt and a test's result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from calfcore import dashboard
from calfcore.assessment import Assessment, assess
from calfcore.checkin import CheckinReading, advise
from calfcore.models import HeelRaiseTest
from calfcore.retest import RetestPlan
from calfcore.routine import EquipmentAccess
from calfcore.triage import red_flags
from calfstore import RunnerRecords
from calfui import navigation, widgets
from calfui.cache import OwnerData
from calfui.state import runner_key

EQUIPMENT_KEY = "equipment_access"
EQUIPMENT_LABELS = {
    EquipmentAccess.BODY_WEIGHT: "Body weight (a step and a wall)",
    EquipmentAccess.HOME: "Home (plus dumbbells or kettlebell, bench, ball)",
    EquipmentAccess.GYM: "Gym (barbell and machines too)",
}


def render_scoring_rules() -> None:
    """'How scoring works' in a few lines, from the same constants and data the scoring uses."""
    from calfcore.protocol import STANDARD_PROTOCOL
    from calfcore.thresholds import (
        MEASUREMENT_NOISE_REPS,
        PLYO_FIRST_WEEK_CONTACTS_MAX,
        PLYO_FIRST_WEEK_CONTACTS_MIN,
        RUNNER_TARGET_REPS,
        SYMMETRY_FLAG_PERCENT,
    )

    noise = int(MEASUREMENT_NOISE_REPS.value)
    cueing = "cued" if STANDARD_PROTOCOL.cued else "not cued"
    st.markdown(
        "- Each leg is compared with a published reference measured **with the same protocol** (cued and uncued "
        f"tests are never mixed; the standard test above is {cueing}, like its reference) and **only within the "
        "ages and population it was measured in**. *Typical* is within about one standard deviation of it, the "
        "spread between healthy people (about 10 raises).\n"
        "- No reference covers runners under 18, ages outside a study's sample, tests with added load or "
        "protocols no study used: those tests get **no band**. Your stage then comes from the runner target, "
        "symmetry, pain and your own trend.\n"
        f"- A change between two comparable tests is real only beyond ±{noise} raises: retesting the same person a "
        f"week apart varies that much, so a change of {noise} or fewer is noise.\n"
        f"- The runner target is **{int(RUNNER_TARGET_REPS.value)}+ raises per leg**: expert opinion, not a norm. "
        "It, not an age reference, opens the power stage.\n"
        f"- Limb symmetry is the weaker leg ÷ the stronger × 100 (you also see injured ÷ uninjured when you mark a "
        f"side); under **{int(SYMMETRY_FLAG_PERCENT.value)}%** on any variant you record (knee straight, knee "
        "bent, heel height) the weaker side gets extra work and jumping waits.\n"
        "- Pain 0–2 is safe, 3–5 acceptable if settled by the next morning, over 5 too much. Next-morning pain or "
        "stiffness rising week on week is a warning.\n"
        f"- Jumping starts at {int(PLYO_FIRST_WEEK_CONTACTS_MIN.value)}–{int(PLYO_FIRST_WEEK_CONTACTS_MAX.value)} "
        "ground contacts per session and rises only while pain stays at 2 or less.\n"
        "- Any warning sign in the safety check stops everything and sends you to a clinician."
    )


def equipment_access() -> EquipmentAccess:
    return EquipmentAccess(st.session_state.get(EQUIPMENT_KEY, EquipmentAccess.HOME))


def assessment_of(records: RunnerRecords, test: HeelRaiseTest, today: dt.date, data: OwnerData | None) -> Assessment:
    """The test's assessment with the equipment this session picked; given the owner's data, computed once per data
    version and shared by every page that shows it."""
    access = equipment_access()

    def assessment() -> Assessment:
        return assess(test, records.runner, records.tests, records.symptoms, today, access)

    return data.cached(("assessment", records.runner.id, test.id, today, access), assessment) if data else assessment()


def render_result(records: RunnerRecords, test_id: int, today: dt.date, *, show_routine: bool = True,
                  read_only: bool = False, data: OwnerData | None = None) -> Assessment | None:
    """A test's red-flag check, score and (optionally) routine. Returns the assessment for reuse.

    Given the owner's data, the assessment is computed once per data version (see calfui.cache)."""
    test = next((t for t in records.tests if t.id == test_id), None)
    if test is None:
        st.warning("That test no longer exists.")
        return None
    result = assessment_of(records, test, today, data)
    if result.triage.stop:
        widgets.render_triage(result.triage)
        return result
    widgets.render_score(test, result.score, records.runner)  # type: ignore[arg-type]
    if show_routine and result.routine is not None:
        st.divider()
        if read_only:  # the coach has no other page to go to: show the routine here
            widgets.render_routine(result.routine)
            return result
        st.markdown(f"**This week:** {result.routine.title} stage. {' '.join(result.routine.reasons)}")
        navigation.page_link("routine", label="See this week's routine", icon=":material/fitness_center:")
    return result


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A table for st.dataframe in Arrow form, for tables cached across reruns: given a pandas frame, Streamlit
    converts it to Arrow on every rerun; given an Arrow table, it only writes it out."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def _arrow_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart's data (the runner's frame, and the rows of constant layers such as the target line) as Arrow
    bytes, converted once per data version. Given a frame or rows, st.vega_lite_chart converts them on every rerun,
    the largest share of a chart's server time; given bytes, it passes them on as they are. The conversion is
    Streamlit's own, so the chart receives exactly what it would have."""
    from streamlit import dataframe_util

    spec["datasets"] = {name: dataframe_util.convert_anything_to_arrow_bytes(rows)
                        for name, rows in spec.get("datasets", {}).items()}
    return spec


arrow_datasets = _arrow_datasets  # public for the roster's squad chart (calfui.roster_cards)


def _raises_spec(records: RunnerRecords, today: dt.date) -> tuple[dict[str, Any], str, pa.Table]:
    """The knee-straight raises chart, its text alternative and its table, ready for the browser."""
    view = dashboard.raises_chart(records, today)
    assert view.table is not None
    return _arrow_datasets(view.spec), view.text, arrow_table(view.table)


def render_chart(spec: dict, text: str, table: pa.Table | None) -> None:
    """A chart with its text alternative (read as the chart's name) and, folded away, every value as a table."""
    st.vega_lite_chart(spec, width="stretch", alt=text)
    if table is not None:
        with st.expander("Chart as a table"):
            st.table(table)


def retest_schedule(data: OwnerData, records: RunnerRecords, today: dt.date) -> tuple[RetestPlan | None, set[dt.date]]:
    """The runner's next retest (calfcore.retest) and days away, read once per data version."""
    from calfcore.retest import next_retest

    runner_id = int(records.runner.id)  # type: ignore[arg-type]
    away = {a.day for a in data.cached(("away days", runner_id),
                                       lambda: data.list_away_days(runner_id))}
    own = data.cached(("retest choice", runner_id), lambda: data.retest_choice(runner_id))
    _, plan = data.cached(("next retest", runner_id, today),
                          lambda: next_retest(records.runner, records.tests, records.symptoms, today, own, away))
    return plan, away


def render_retest(plan: RetestPlan | None, today: dt.date, away: set[dt.date]) -> None:
    """"Retest due" once its day has come (never on a day away), else when the next test is, with what to repeat."""
    if plan is None:
        return
    repeat = f"Repeat it the same way: {plan.repeat}."
    if plan.is_due(today, away):
        st.warning(f"**Retest due** since {plan.due_on:%a %d %b %Y} ({plan.why}). {repeat}",
                   icon=":material/event_repeat:")
    else:
        st.info(f"**Next retest:** {plan.due_on:%a %d %b %Y} ({plan.why}). {repeat}", icon=":material/event:")


def render_raises_chart(data: OwnerData, records: RunnerRecords, today: dt.date) -> None:
    """The knee-straight raises over the dashboard's default period: where a test just saved sits in the trend."""
    spec, text, table = data.cached(("raises chart", records.runner.id, today), lambda: _raises_spec(records, today))
    st.markdown(f"**Your raises, last {dashboard.DEFAULT_PERIOD}** (knee straight), {dashboard.band_words(records)}")
    render_chart(spec, text, table)


def _chart_specs(records: RunnerRecords, today: dt.date, sessions_planned: int,
                 away: frozenset[dt.date]) -> dict[str, Any]:
    """Every progress chart (calfcore.dashboard) ready for the browser: "<name>" its spec, "<name> text" its text
    alternative, "<name> table" its table, and the training table. Built once per data version (see calfui.cache)."""
    specs: dict[str, Any] = {}
    for name, view in dashboard.progress_charts(records, today, sessions_planned, away).items():
        specs[name] = _arrow_datasets(view.spec)
        specs[f"{name} text"] = view.text
        if view.table is not None:
            specs[f"{name} table"] = arrow_table(view.table)
    specs["training table"] = arrow_table(dashboard.training_table(
        dashboard.training_weeks(records, today, sessions_planned, away)))
    return specs


LINK_ENDED_NOTICE = ("This share link no longer works: the runner withdrew it or it expired, so there is no report. "
                     "Ask them for a new link.")


def render_report_button(records: RunnerRecords, today: dt.date, plan: RetestPlan | None, away: set[dt.date], *,
                         still_allowed: Callable[[], bool] | None = None) -> None:
    """"Download report (PDF)": the one-page report for a clinician (calfui.report_pdf). Drawn only when clicked
    (it takes about a second), on a thread of its own. For a coach, `still_allowed` checks the share link again at
    that moment: a link revoked after the page was drawn gives a page that says so, with none of the runner's data,
    and the click's rerun shows the coach the same."""
    from calfui import report_pdf

    access = equipment_access()

    def make() -> bytes:
        if still_allowed is not None and not still_allowed():
            return report_pdf.notice_pdf(LINK_ENDED_NOTICE)
        return report_pdf.runner_report(records, today, plan, away, access)

    st.download_button("Download report (PDF)", data=make, file_name=report_pdf.file_name(records.runner, today),
                       mime="application/pdf", key=runner_key(int(records.runner.id), "report_pdf"),  # type: ignore[arg-type]
                       icon=":material/picture_as_pdf:", on_click="ignore" if still_allowed is None else "rerun",
                       help="One page for a physiotherapist or doctor: latest test, references and sources, symptoms, "
                            "the raises chart and this week's routine.")


def render_dashboard(data: OwnerData, records: RunnerRecords, today: dt.date, *, read_only: bool = False,
                     still_allowed: Callable[[], bool] | None = None,
                     about_latest: Callable[[HeelRaiseTest], None] | None = None) -> None:
    """The runner's whole picture: latest result, charts over time, training adherence.

    Shared by the runner's dashboard and the coach's read-only view; it has no widget that writes. `still_allowed`:
    for a coach, checks the share link again when the PDF report is drawn. `about_latest`: drawn under the latest
    test's result (comments on it).
    """
    from calfcore.assessment import latest_test

    latest = latest_test(records.tests)
    if latest is None:
        st.info("No tests yet. Record your first heel-raise test to see your scores.", icon=":material/info:")
        return
    plan, away = retest_schedule(data, records, today)
    render_retest(plan, today, away)  # first: a retest that is due is the one thing to do today
    render_report_button(records, today, plan, away, still_allowed=still_allowed)
    st.header("Latest test")
    assessment = render_result(records, int(latest.id), today, read_only=read_only, data=data)  # type: ignore[arg-type]
    if about_latest is not None:
        about_latest(latest)
    routine = assessment.routine if assessment else None
    sessions_planned = routine.sessions_per_week if routine else dashboard.DEFAULT_SESSIONS_PER_WEEK

    st.header("Progress")
    # Read-only: changes only what the charts show. For a coach, every such click re-checks the share link.
    period = (st.segmented_control("Show", list(dashboard.PERIODS), default=dashboard.DEFAULT_PERIOD,
                                   key="progress_period") or dashboard.DEFAULT_PERIOD)
    specs = data.cached(("dashboard charts", records.runner.id, period, today, sessions_planned),
                        lambda: _chart_specs(dashboard.within(records, today, dashboard.PERIODS[period]), today,
                                             sessions_planned,
                                             frozenset(away)))
    raises_tab, symmetry_tab, pain_tab, training_tab = st.tabs(["Raises", "Symmetry", "Pain", "Training"])
    with raises_tab:
        st.markdown(f"**Knee straight**, {dashboard.band_words(records)}")
        render_chart(specs["straight"], specs["straight text"], specs["straight table"])
        if "bent" in specs:
            st.markdown("**Knee bent** (no published norm: compare legs and trend).")
            render_chart(specs["bent"], specs["bent text"], specs["bent table"])
    with symmetry_tab:
        if "symmetry" in specs:
            render_chart(specs["symmetry"], specs["symmetry text"], specs["symmetry table"])
        else:
            st.caption("Symmetry needs both legs tested.")
    with pain_tab:
        if "pain" in specs:
            render_chart(specs["pain"], specs["pain text"], specs["pain table"])
        else:
            st.caption("No pain recorded yet.")
    with training_tab:
        # The table below is this chart's table view.
        render_chart(specs["training"], specs["training text"], None)
        st.dataframe(specs["training table"], hide_index=True,
                     column_config={"adherence_percent": st.column_config.ProgressColumn(
                         "Adherence", format="%d%%", min_value=0, max_value=100),
                         "volume_reps": "Reps", "sessions": "Sessions", "planned": "Planned"})


def _warning_check_key(runner_id: int) -> str:
    return f"checkin_{runner_id}_warning_check"


def start_warning_check(runner_id: int, reading: CheckinReading) -> None:
    """After a check-in with pain over 5 or a new pain, ask this runner the warning signs (until answered)."""
    if reading.ask_warning_signs:
        st.session_state[_warning_check_key(runner_id)] = reading


def render_warning_check(runner_id: int) -> None:
    """The warning-sign questions a check-in raised. A warning sign replaces the advice with the test's message."""
    key = _warning_check_key(runner_id)
    reading: CheckinReading | None = st.session_state.get(key)
    if reading is None:
        return
    with st.form(runner_key(runner_id, "checkin_warnings"), border=True):
        st.markdown("You reported " + " and ".join(reading.reasons) + ". Before any advice: do any of these apply?")
        ticked = [flag.id for flag in red_flags()
                  if st.checkbox(flag.question, key=runner_key(runner_id, "checkin_flag", flag.id))]
        answered = st.form_submit_button("Answer", type="primary", key=runner_key(runner_id, "checkin_warnings_submit"))
    if not answered:
        return
    del st.session_state[key]
    for flag in red_flags():  # the next check-in asks afresh
        st.session_state.pop(runner_key(runner_id, "checkin_flag", flag.id), None)
    result = advise(reading, ticked)
    if result.triage.stop:
        widgets.render_triage(result.triage)
        return
    for text in result.advice:
        st.info(text, icon=":material/info:")
