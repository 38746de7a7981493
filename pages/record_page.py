"""Record a heel-raise test with its protocol, symptoms and the safety check, then see the score at once."""

from __future__ import annotations

from typing import Any

import streamlit as st

from calfcore.guided import GuidedResult
from calfcore.models import Protocol, RunnerProfile
from calfcore.validation import InputErrors, parse_test
from calfui import components, forms, navigation
from calfui.saving import saving
from calfui.shell import PageContext, render_page
from calfui.views import render_raises_chart, render_result, require_runner

JUST_SAVED = "record_just_saved_test_id"
GUIDED_PREFILL = "record_prefill"  # set by the guided test page


def _saved(context: PageContext, runner: RunnerProfile, test_id: int) -> None:
    """The test just saved: its result and where it sits in the runner's trend."""
    st.success("Saved.", icon=":material/check_circle:")
    records = context.data.records(runner.id)
    result = render_result(records, test_id, context.today, data=context.data)
    if result is not None and not result.triage.stop:  # after a warning sign, the advice to see a clinician is all
        render_raises_chart(context.data, records, context.today)
    if st.button("Record another test", key="record_another", type="primary"):
        del st.session_state[JUST_SAVED]
        st.rerun()


def render(context: PageContext) -> None:
    st.title("Record a test")
    runner = require_runner(context)
    if runner is None:
        return
    saved_id = st.session_state.get(JUST_SAVED)
    if saved_id is not None:
        _saved(context, runner, int(saved_id))
        return

    tests = context.data.records(runner.id).tests
    last_protocol = tests[-1].protocol if tests else Protocol()  # a runner usually repeats their set-up
    guided: GuidedResult | None = st.session_state.get(GUIDED_PREFILL)
    form_area = st.empty()  # emptied once the test is saved: the result replaces the form in the same run
    slots: forms.Slots = {}
    raw: dict[str, Any] = {}
    with form_area.container():
        if guided is not None:
            st.info(f"Filled in from your guided test (knee {guided.test.value}): left {int(guided.raises.left or 0)}, "
                    f"right {int(guided.raises.right or 0)} raises. Add your symptoms and the safety check, then save.",
                    icon=":material/timer:")
        else:
            navigation.page_link("guided", label="Or let the app keep the beat and count: guided test",
                                 icon=":material/timer:")
        with st.form("record_test", border=False):
            forms.test_form_fields(slots, raw, runner.units, prefix="", protocol=last_protocol, today=context.today,
                                   guided=guided)
            submitted = st.form_submit_button("Save test", type="primary", key="save_test", width="stretch")
    if not submitted:
        return
    try:
        test, symptoms = parse_test(raw, context.today, runner.units)
    except InputErrors as errors:
        components.show_errors(errors.errors, slots)
        return
    test_id = None
    with saving(context.store):  # a failed save shows a clear message (disk full, locked, deleted), not a traceback
        test_id = context.store.save_test(str(context.viewer.owner_key), int(runner.id), test, symptoms)
    if test_id is None:
        return
    st.session_state[JUST_SAVED] = test_id
    st.session_state.pop(GUIDED_PREFILL, None)
    for key in forms.widget_keys(raw, prefix=""):  # "Record another test" then starts from a fresh form
        st.session_state.pop(key, None)
    form_area.empty()
    _saved(context, runner, test_id)


render_page(render)
