"""The daily check-in's warning-sign questions: asked after a check-in with pain over 5 or a new pain."""

from __future__ import annotations

import streamlit as st

from calfcore.checkin import CheckinReading, advise
from calfcore.triage import red_flags
from calfui import widgets
from calfui.state import runner_key


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
        ticked = [
            flag.id
            for flag in red_flags()
            if st.checkbox(flag.question, key=runner_key(runner_id, "checkin_flag", flag.id))
        ]
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
