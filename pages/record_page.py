"""Record a heel-raise test with its protocol, symptoms and the safety check, then see the score at once."""

from __future__ import annotations

from typing import Any

import streamlit as st

from calfcore.guided import GuidedResult
from calfcore.models import Protocol, RunnerProfile
from calfcore.storage import STORE_ERRORS
from calfcore.validation import InputErrors, parse_test
from calfui import components, forms, navigation
from calfui.shell import PageContext, render_page
from calfui.views import render_raises_chart, render_result, require_runner

JUST_SAVED = "record_just_saved_test_id"
NOT_SAVED = "record_not_saved"  # why the last Save click saved nothing: field -> message ("" for the store's)
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


def _save(context: PageContext, runner: RunnerProfile, field_names: list[str]) -> None:
    """Save test's click handler. It runs before the page does, so the run that follows draws the result straight
    away, and never draws the form again just to read it. What went wrong is kept for the page to show."""
    raw = forms.submitted_values(field_names, prefix="")
    try:
        test, symptoms = parse_test(raw, context.today, runner.units)
        test_id = context.store.save_test(str(context.viewer.owner_key), int(runner.id), test, symptoms)
    except InputErrors as errors:
        st.session_state[NOT_SAVED] = errors.errors
        return
    except STORE_ERRORS as error:  # disk full, locked file, deleted profile: nothing was saved, and the page says why
        st.session_state[NOT_SAVED] = {"": context.store.explain(error)}
        return
    st.session_state[JUST_SAVED] = test_id
    st.session_state.pop(GUIDED_PREFILL, None)
    for key in forms.widget_keys(field_names, prefix=""):  # "Record another test" then starts from a fresh form
        st.session_state.pop(key, None)


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
    if guided is not None:
        st.info(f"Filled in from your guided test (knee {guided.test.value}): left {int(guided.raises.left or 0)}, "
                f"right {int(guided.raises.right or 0)} raises. Add your symptoms and the safety check, then save.",
                icon=":material/timer:")
    else:
        navigation.page_link("guided", label="Or let the app keep the beat and count: guided test",
                             icon=":material/timer:")
    slots: forms.Slots = {}
    raw: dict[str, Any] = {}
    with st.form("record_test", border=False):
        forms.test_form_fields(slots, raw, runner.units, prefix="", protocol=last_protocol, today=context.today,
                               guided=guided)
        st.form_submit_button("Save test", type="primary", key="save_test", width="stretch", on_click=_save,
                              args=(context, runner, list(raw)))
    problems = st.session_state.pop(NOT_SAVED, None)
    if problems and "" in problems:
        st.error(problems[""], icon=":material/error:")
    elif problems:
        components.show_errors(problems, slots)


render_page(render)
