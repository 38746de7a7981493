"""Record a heel-raise test with its protocol, symptoms and the safety check, then see the score at once.

What this page remembers between clicks belongs to one runner (calfui.recording); the form's widgets are keyed by
runner and by task, so a fresh task (after a save, or with a guided test's counts) starts from a fresh form.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from calfcore.assessment import Scored
from calfcore.guided import GuidedResult
from calfcore.models import HeelRaiseTest, Protocol, RunnerProfile, Side
from calfcore.triage import zero_raise_sides, zero_raises_question
from calfcore.validation import InputErrors, parse_test
from calfstore import StoreError
from calfui import forms, navigation, saving, widgets
from calfui.comments import render_unread_comments
from calfui.context import PageContext, render_page
from calfui.dashboard_view import render_raises_chart, render_retest, retest_schedule
from calfui.recording import (
    GUIDED,
    JUST_SAVED,
    KEPT,
    KEPT_NOTE,
    NOT_SAVED,
    ZERO_QUESTION,
    form_prefix,
    next_task,
    record_state,
)
from calfui.result import render_result
from calfui.sidebar import require_runner
from calfui.state import runner_key


def _saved(context: PageContext, runner: RunnerProfile, state: dict[str, Any], test_id: int) -> bool:
    """The test just saved: its result. True when its place in the trend belongs under it (not after a warning
    sign: then the advice to see a clinician is all)."""
    with st.container(key=runner_key(runner.saved_id, "saved", test_id)):
        st.success("Saved.", icon=":material/check_circle:")
    # After Save, the focus goes to the confirmation, above the result it introduces.
    widgets.move_focus(
        f".st-key-{runner_key(runner.saved_id, 'saved', test_id)} [data-testid='stAlert']",
        f"saved_{runner.id}_{test_id}",
    )
    records = context.data.records(runner.saved_id)
    result = render_result(records, test_id, context.today, data=context.data)
    render_unread_comments(context.data, runner.saved_id, records.tests)  # this test's and earlier ones'
    if isinstance(result, Scored):
        plan, away = retest_schedule(context.data, records, context.today)
        render_retest(plan, context.today, away)
    if st.button("Record another test", key=runner_key(runner.saved_id, "record_another", test_id), type="primary"):
        state.pop(JUST_SAVED, None)
        st.rerun()
    return isinstance(result, Scored)


def _last_saved(runner_id: int, test: HeelRaiseTest) -> None:
    """One line above a fresh form: the runner's last save, and where its result is. (A page link's label never
    wraps: on a phone the whole sentence would be cut off, so the link is its last words, and wraps as a word.)"""
    raises = test.straight_reps
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key=runner_key(runner_id, "last")):
        st.markdown(
            f":material/check_circle: Last saved: {test.tested_on:%d %b}, left {raises.left}, right {raises.right} —",
            width="content",
        )
        navigation.page_link("dashboard", label="see the dashboard", icon=None)


def _save(
    context: PageContext, runner: RunnerProfile, prefix: str, field_names: list[str], zero_confirmed: bool = False
) -> None:
    """Save test's click handler. It runs before the page does, so the run that follows draws the result straight
    away, and never draws the form again just to read it. What went wrong is kept for the page to show. A leg
    entered as 0 raises is asked about first (a slip of the thumb, or a warning sign): nothing is saved until the
    runner confirms it (`zero_confirmed`) or corrects it."""
    state = record_state(runner.saved_id)
    state.pop(ZERO_QUESTION, None)
    raw = forms.submitted_values(field_names, prefix=prefix)
    try:
        test, symptoms = parse_test(raw, context.today, runner.units)
        guided: GuidedResult | None = state.get(GUIDED)
        if guided is not None:  # how the guided test counted, for the counts the runner left as they were
            test = guided.onto(test)
        zero = zero_raise_sides(test.straight_reps)
        if zero and not zero_confirmed:
            state[ZERO_QUESTION] = zero
            return
        test_id = context.data.save_test(runner.saved_id, test, symptoms)
    except InputErrors as errors:
        state[NOT_SAVED] = errors.errors
        return
    except StoreError as error:  # the database not answering, a full disk, a locked file: nothing was saved
        # Said beside the form, or by the shell if the page's own first read meets the same outage; what was typed
        # is kept: the next form (a new task, so no widget keeps a stale value) is filled in with it.
        saving.refused(f"{saving.message(error)} {KEPT_NOTE}")
        state[KEPT] = (test, symptoms)
        next_task(runner.saved_id)
        return
    state[JUST_SAVED] = test_id
    state.pop(GUIDED, None)
    state.pop(KEPT, None)
    for key in forms.widget_keys(field_names, prefix=prefix):  # this form is done with
        st.session_state.pop(key, None)
    next_task(runner.saved_id)  # "Record another test" starts from a fresh form


def _ask_about_zero(
    context: PageContext, runner: RunnerProfile, prefix: str, field_names: list[str], zero: tuple[Side, ...]
) -> None:
    """'0 raises on the left leg: is that right?' Yes saves the test as entered (its warning sign stands); No leaves
    the form as it is, to correct the number."""
    state = record_state(runner.saved_id)
    with st.container(key=f"{prefix}zero_question"):
        st.warning(zero_raises_question(zero), icon=":material/help:")
        yes, no = st.columns(2)
        yes.button(
            "Yes, 0 is right: save",
            key=f"{prefix}zero_confirm",
            type="primary",
            on_click=_save,
            args=(context, runner, prefix, field_names, True),
        )
        if no.button("No, let me correct it", key=f"{prefix}zero_correct"):
            state.pop(ZERO_QUESTION, None)
            st.rerun()
    widgets.move_focus(f".st-key-{prefix}zero_question [data-testid='stAlert']", f"{prefix}zero_{len(zero)}")


def render(context: PageContext) -> None:
    st.title("Record a test")
    runner = require_runner(context, doing="Recording for")
    if runner is None:
        return
    state = record_state(runner.saved_id)
    if navigation.arrived():  # back from another page: a fresh form, not the last save as if it just happened
        state.pop(JUST_SAVED, None)
        state.pop(NOT_SAVED, None)
    saved_id = state.get(JUST_SAVED)
    records = context.data.records(runner.saved_id)
    # The form, or the result of its save, in one container; the raises chart after it, in the same place on both
    # (issue 25): after a Save the browser adds the new points to the chart it already has instead of drawing a new
    # one, and the runner sees where the test lands.
    with st.container():
        if saved_id is not None:
            trend = _saved(context, runner, state, int(saved_id))
        else:
            _form(context, runner, state, records.tests)
            trend = bool(records.tests)
    if trend:
        render_raises_chart(context.data, records, context.today)


def _form(context: PageContext, runner: RunnerProfile, state: dict[str, Any], tests: list[HeelRaiseTest]) -> None:
    """A fresh form, with the last save one line above it."""
    if tests:
        _last_saved(runner.saved_id, max(tests, key=lambda t: t.saved_id))
    last_protocol = tests[-1].protocol if tests else Protocol()  # a runner usually repeats their set-up
    guided: GuidedResult | None = state.get(GUIDED)
    if guided is not None:
        st.info(
            f"Filled in from your guided test (knee {guided.test.value}): left {int(guided.raises.left or 0)}, "
            f"right {int(guided.raises.right or 0)} raises. Add your symptoms and the safety check, then save.",
            icon=":material/timer:",
        )
    else:
        navigation.page_link(
            "guided", label="Or let the app keep the beat and count: guided test", icon=":material/timer:"
        )
    prefix = form_prefix(runner.saved_id)
    kept = state.get(KEPT)  # what the runner typed before a refused Save
    slots: forms.Slots = {}
    raw: dict[str, Any] = {}
    with st.form(f"{prefix}form", border=False, enter_to_submit=False):
        forms.test_form_fields(
            slots,
            raw,
            runner.units,
            prefix=prefix,
            protocol=last_protocol,
            today=context.today,
            guided=guided,
            body_weight_kg=runner.body_weight_kg,
            test=kept[0] if kept else None,
            symptoms={entry.side: entry for entry in kept[1]} if kept else None,
        )
        st.form_submit_button(
            "Save test",
            type="primary",
            key=f"{prefix}save",
            width="stretch",
            on_click=_save,
            args=(context, runner, prefix, list(raw)),
        )
    zero = state.get(ZERO_QUESTION)
    if zero:
        _ask_about_zero(context, runner, prefix, list(raw), zero)
    problems = state.pop(NOT_SAVED, None)
    if problems:
        widgets.show_errors(problems, slots)
    refusal = saving.take_refused()  # the store refused the Save: said beside the button the runner pressed
    if refusal:
        st.error(refusal, icon=":material/error:")


render_page(render)
