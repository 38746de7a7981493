"""Routine: this week's exercises for the runner's stage, logging training, and a daily symptom check-in."""

from __future__ import annotations

from typing import Any

import streamlit as st

from calfcore.assessment import Stopped, latest_test
from calfcore.checkin import read_checkin
from calfcore.models import RunnerProfile
from calfcore.routine import EquipmentAccess, Routine, exercise_library
from calfcore.validation import (
    MAX_NOTES_LENGTH,
    InputErrors,
    parse_routine_log,
    parse_symptom_checkin,
)
from calfcore.warning_signs import warning_of
from calfstore import RunnerRecords
from calfui import checkin_view, forms, navigation, widgets
from calfui.context import PageContext, render_page
from calfui.result import EQUIPMENT_KEY, EQUIPMENT_LABELS, assessment_of, render_stopped
from calfui.saving import saving
from calfui.sidebar import require_runner
from calfui.state import runner_key, runner_state


def render(context: PageContext) -> None:
    st.title("This week's routine")
    runner = require_runner(context, doing="Training of")
    if runner is None:
        return
    records = context.data.records(runner.saved_id)
    plan_tab, log_tab, checkin_tab = st.tabs(["This week", "Log training", "Daily check-in"])
    with plan_tab:
        routine = _plan(context, records)
    with log_tab:
        _log_training(context, runner, routine)
    with checkin_tab:
        _checkin(context, runner)
        checkin_view.render_warning_records(context.data, runner.saved_id, records, context.today)


def _plan(context: PageContext, records: RunnerRecords) -> Routine | None:
    latest = latest_test(records.tests)
    st.session_state.setdefault(EQUIPMENT_KEY, EquipmentAccess.HOME)
    st.radio("What can you train with?", list(EQUIPMENT_LABELS), format_func=EQUIPMENT_LABELS.get, key=EQUIPMENT_KEY)
    routine = None
    warning = warning_of(records)
    if latest is None and warning is not None:
        checkin_view.render_standing(warning, link=False)
    elif latest is None:
        st.info("Record a test first: the routine is chosen from your result.", icon=":material/info:")
        navigation.page_link("record", label="Record a test", icon=":material/add_circle:")
    else:
        result = assessment_of(records, latest, context.today, context.data)
        if isinstance(result, Stopped):
            render_stopped(result, link=False)
        else:
            routine = result.routine
            st.caption(f"Based on your test of {latest.tested_on:%d %b %Y} and your symptoms this week.")
            widgets.render_routine(routine)
    return routine


WARM_UP_ROLES = frozenset({"prep", "after"})  # the week's warm-up and cool-down: not what a runner logs first


def _log_training(context: PageContext, runner: RunnerProfile, routine: Routine | None) -> None:
    runner_id = runner.saved_id
    state = runner_state("routine", runner_id)
    library = exercise_library()
    prescribed = routine.prescriptions if routine else []
    # The week's first strength exercise first: that is what a runner comes to log.
    work = [p.exercise.id for p in prescribed if p.role not in WARM_UP_ROLES]
    suggested = list(dict.fromkeys(work + [p.exercise.id for p in prescribed]))
    choices = suggested + sorted((i for i in library if i not in suggested), key=lambda i: library[i].name)
    widgets.saved_message(state.pop("logged", None))
    prefix = runner_key(runner_id, "log", f"t{state.get('log_task', 0)}") + "_"
    slots: forms.Slots = {}
    raw: dict[str, Any] = {}
    with st.form(f"{prefix}form", border=True, enter_to_submit=False):
        raw["logged_on"] = st.date_input("Date", value=context.today, key=f"{prefix}date", format="YYYY-MM-DD")
        slots["logged_on"] = st.empty()
        raw["exercise_id"] = st.selectbox(
            "Exercise", choices, format_func=lambda i: library[i].name, key=f"{prefix}exercise"
        )
        slots["exercise_id"] = st.empty()
        left, right = st.columns(2)
        raw["sets"] = forms.number_field("Sets", 3, key=f"{prefix}sets", container=left)
        raw["reps"] = forms.number_field("Reps per set", 12, key=f"{prefix}reps", container=right)
        slots["sets"], slots["reps"] = left.empty(), right.empty()
        raw["load"] = forms.number_field(
            f"Load ({runner.units.value}, 0 for body weight)", 0.0, key=f"{prefix}load", step=0.5
        )
        slots["load"] = st.empty()
        raw["pain"] = st.pills("Pain during (0–10)", forms.PAIN_OPTIONS, key=f"{prefix}pain")
        slots["pain"] = st.empty()
        raw["notes"] = st.text_input("Notes (optional)", key=f"{prefix}notes", max_chars=MAX_NOTES_LENGTH)
        slots["notes"] = st.empty()
        logged = st.form_submit_button("Log it", type="primary", key=f"{prefix}submit")
    if logged:
        try:
            entry = parse_routine_log(raw, context.today, runner.units, library)
        except InputErrors as errors:
            widgets.show_errors(errors.errors, slots)
        else:
            with saving(context.store):
                context.data.add_routine_log(runner_id, entry)
                state["logged"] = f"Logged {entry.sets} × {entry.reps} {library[entry.exercise_id].name}."
                state["log_task"] = state.get("log_task", 0) + 1  # new keys: a fresh form for the next entry
                st.rerun()


def _checkin(context: PageContext, runner: RunnerProfile) -> None:
    runner_id = runner.saved_id
    state = runner_state("routine", runner_id)
    st.caption("How do your calves feel? Morning pain and stiffness show whether training is settling.")
    widgets.saved_message(state.pop("checked_in", None))
    prefix = runner_key(runner_id, "checkin", f"t{state.get('checkin_task', 0)}") + "_"
    slots, raw = {}, {}
    with st.form(f"{prefix}form", border=True, enter_to_submit=False):
        raw["logged_on"] = st.date_input("Date", value=context.today, key=f"{prefix}date", format="YYYY-MM-DD")
        slots["logged_on"] = st.empty()
        forms.symptom_fields(slots, raw, {}, prefix=prefix, next_morning_help="Pain on getting up this morning.")
        checked = st.form_submit_button("Save check-in", type="primary", key=f"{prefix}submit")
    if checked:
        try:
            entries = parse_symptom_checkin(raw, context.today)
        except InputErrors as errors:
            widgets.show_errors(errors.errors, slots)
        else:
            earlier = context.data.records(runner_id).symptoms
            with saving(context.store):
                context.data.add_symptoms(runner_id, entries)
                checkin_view.start_warning_check(runner_id, read_checkin(entries, earlier), entries[0].logged_on)
                state["checked_in"] = "Check-in saved."
                state["checkin_task"] = state.get("checkin_task", 0) + 1
                st.rerun()
    checkin_view.render_warning_check(context.data, runner_id)


render_page(render)
