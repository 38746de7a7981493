"""A test's result as the pages show it: the red-flag check, the score and the week's routine, with the equipment
this session picked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from calfcore.assessment import Assessment, Stopped, assess
from calfcore.models import HeelRaiseTest
from calfcore.routine import EquipmentAccess
from calfcore.scoring import TestScore
from calfcore.warning_signs import warning_of
from calfstore import RunnerRecords
from calfui import checkin_view, motion_view, navigation, widgets
from calfui.arrow import arrow_datasets
from calfui.cache import OwnerData
from calfui.state import runner_key

EQUIPMENT_KEY = "equipment_access"
EQUIPMENT_LABELS = {
    EquipmentAccess.BODY_WEIGHT: "Body weight (a step and a wall)",
    EquipmentAccess.HOME: "Home (plus dumbbells or kettlebell, bench, ball)",
    EquipmentAccess.GYM: "Gym (barbell and machines too)",
}


def equipment_access() -> EquipmentAccess:
    return EquipmentAccess(st.session_state.get(EQUIPMENT_KEY, EquipmentAccess.HOME))


def assessment_of(
    records: RunnerRecords, test: HeelRaiseTest, today: dt.date, data: OwnerData | None, *, as_now: bool = True
) -> Assessment:
    """The test's assessment with the equipment this session picked; given the owner's data, computed once per data
    version and shared by every page that shows it. `as_now`: read as this week's picture, so check-in warning
    signs still standing (calfcore.warning_signs) replace the score and the routine; False for a past test looked
    up on its own (History)."""
    access = equipment_access()

    def assessment() -> Assessment:
        warning = warning_of(records) if as_now else None
        return assess(test, records.runner, records.tests, records.symptoms, today, access, warning=warning)

    key = ("assessment", records.runner.id, test.id, today, access, as_now)
    return data.cached(key, assessment, runner_id=records.runner.id) if data else assessment()


def glance_chart(
    records: RunnerRecords, test: HeelRaiseTest, score: TestScore, today: dt.date, data: OwnerData | None
) -> dict[str, Any]:
    """The test's legs-at-a-glance chart (calfcore.charts.leg_bars_spec) with its data in Arrow form; given the owner's
    data, made once per data version (the score it draws is the assessment's, cached the same way)."""

    def chart() -> dict[str, Any]:
        from calfcore.charts import leg_bars_spec  # altair comes in only where a chart is drawn

        return arrow_datasets(leg_bars_spec(score, records.runner.injured_side))

    key = ("glance chart", records.runner.id, test.id, today)  # as the assessment's key: the score drawn is its
    return data.cached(key, chart, runner_id=records.runner.id) if data else chart()


def render_stopped(result: Stopped, *, runner_view: bool = True, link: bool = True) -> None:
    """What a stopped reading shows instead of a score and a routine: a check-in's warning sign still standing (with
    the test's own signs), or the test's own warning signs."""
    if result.warning is not None:
        checkin_view.render_standing(result.warning, result.triage, runner_view=runner_view, link=link)
    else:
        widgets.render_triage(result.triage)


def render_result(
    records: RunnerRecords,
    test_id: int,
    today: dt.date,
    *,
    show_routine: bool = True,
    read_only: bool = False,
    data: OwnerData | None = None,
) -> Assessment | None:
    """A test's red-flag check, score and (optionally) routine. Returns the assessment for reuse.

    Given the owner's data, the assessment is computed once per data version (see calfui.cache)."""
    test = next((t for t in records.tests if t.id == test_id), None)
    if test is None:
        st.warning("That test no longer exists.")
        return None
    result = assessment_of(records, test, today, data, as_now=show_routine)
    if isinstance(result, Stopped):
        render_stopped(result, runner_view=not read_only)
        return result
    widgets.render_score(test, result.score, records.runner, glance_chart(records, test, result.score, today, data))
    motion_view.render_saved_motion(test, key=runner_key(records.runner.saved_id, "fatigue", test.saved_id))
    if show_routine:
        st.divider()
        if read_only:  # the coach has no other page to go to: show the routine here
            widgets.render_routine(result.routine)
            return result
        st.markdown(f"**This week:** {result.routine.title} stage. {' '.join(result.routine.reasons)}")
        navigation.page_link("routine", label="See this week's routine", icon=":material/fitness_center:")
    return result
