"""The check-in's warning signs: the questions asked after a check-in with pain over 5 or a new pain, the warning a
tick leaves standing (calfcore.warning_signs) as every page shows it, and where the runner records a clinician's
all-clear or marks a tick as a mistake."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from calfcore.checkin import CheckinReading, advise
from calfcore.models import CheckinWarning, RunnerRecords
from calfcore.triage import Triage, red_flags, triage
from calfcore.validation import MAX_NOTES_LENGTH, InputErrors, parse_all_clear
from calfcore.warning_signs import UNTIL_WORDS, ActiveWarning, is_cleared, warning_of
from calfui import forms, navigation, widgets
from calfui.cache import OwnerData
from calfui.context import now
from calfui.saving import saving
from calfui.state import runner_key, runner_state

FLASH = "warning_flash"  # in runner_state("routine", ...): what the last warning-sign action did


def _warning_check_key(runner_id: int) -> str:
    return f"checkin_{runner_id}_warning_check"


def start_warning_check(runner_id: int, reading: CheckinReading, day: dt.date) -> None:
    """After a check-in with pain over 5 or a new pain, ask this runner the warning signs (until answered). `day`:
    the check-in's date, which a ticked sign keeps."""
    if reading.ask_warning_signs:
        st.session_state[_warning_check_key(runner_id)] = (reading, day)


def render_warning_check(data: OwnerData, runner_id: int) -> None:
    """The warning-sign questions a check-in raised. A tick is stored, dated by the check-in, and its clinician
    message replaces the advice here and the routine everywhere until it is cleared."""
    key = _warning_check_key(runner_id)
    asked: tuple[CheckinReading, dt.date] | None = st.session_state.get(key)
    if asked is None:
        return
    reading, day = asked
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
    result = advise(reading, ticked)
    if result.triage.stop:
        with saving(data.store):
            data.save_checkin_warning(runner_id, CheckinWarning(day, frozenset(ticked)))
            _forget_questions(runner_id)
            runner_state("routine", runner_id)[FLASH] = ("ticked", f"{day:%d %b %Y}", frozenset(ticked))
            st.rerun()  # every part of the page, this week's routine first, now leads with the warning
        return
    _forget_questions(runner_id)
    for text in result.advice:
        st.info(text, icon=":material/info:")


def _forget_questions(runner_id: int) -> None:
    del st.session_state[_warning_check_key(runner_id)]
    for flag in red_flags():  # the next check-in asks afresh
        st.session_state.pop(runner_key(runner_id, "checkin_flag", flag.id), None)


def render_standing(
    warning: ActiveWarning, shown: Triage | None = None, *, runner_view: bool = True, link: bool = True
) -> None:
    """The warning that stands in place of the routine: the clinician message (`shown`: the test's own signs with
    the check-in's, when a test is being read), when and where the signs were ticked, and what clears them. For the
    runner, where to record a clinician's all-clear or a mistaken tick (`link`: with a link to that page)."""
    with st.container(key="standing_warning"):
        widgets.render_triage(shown or warning.triage)
        st.markdown(f"**Warning sign {warning.reported()}.** {UNTIL_WORDS}")
    if runner_view:
        st.caption(
            "Seen a clinician, or ticked a sign by mistake? Say so on the Routine page, under Daily check-in: "
            "your routine comes back then."
        )
        if link:
            navigation.page_link("routine", label="Routine: daily check-in", icon=":material/fitness_center:")


def render_warning_records(data: OwnerData, runner_id: int, records: RunnerRecords, today: dt.date) -> None:
    """The check-in area's warning signs: each tick still standing, with a way to mark it a mistake, and the form
    that records a clinician's all-clear (dated, with an optional note)."""
    state = runner_state("routine", runner_id)
    warning = warning_of(records)
    _render_flash(state, warning)
    if warning is None:
        _render_recorded_all_clears(data, runner_id, records, state)
        return
    st.subheader("Warning signs standing")
    st.error(warning.message, icon=":material/medical_services:")
    for tick in warning.standing:
        tick_id = tick.id if tick.id is not None else 0
        with st.container(border=True, key=runner_key(runner_id, "standing_warning", tick_id)):
            st.markdown(f"Ticked in the check-in of {tick.flagged_on:%d %b %Y}:")
            for flag in triage(tick.red_flags).flags:
                st.markdown(f"- {widgets.plain(flag.question)}")
            if st.button(
                "Ticked by mistake: remove it",
                key=runner_key(runner_id, "warning_mistaken", tick_id),
                icon=":material/undo:",
                help="Only if none of these signs applies. A sign that does apply stays until a clinician has seen "
                "you or a later test is clear.",
            ):
                with saving(data.store):
                    data.mark_checkin_warning_mistaken(runner_id, tick_id, now())
                    state[FLASH] = ("mistaken", f"{tick.flagged_on:%d %b %Y}")
                    st.rerun()
    _all_clear_form(data, runner_id, today, state)
    _render_recorded_all_clears(data, runner_id, records, state)


def _all_clear_form(data: OwnerData, runner_id: int, today: dt.date, state: dict[str, Any]) -> None:
    prefix = runner_key(runner_id, "all_clear", f"t{state.get('all_clear_task', 0)}") + "_"
    slots: forms.Slots = {}
    raw: dict[str, Any] = {}
    with st.form(f"{prefix}form", border=True, enter_to_submit=False):
        st.markdown("**A clinician has seen me** about these signs")
        raw["seen_on"] = st.date_input("Date seen", value=today, key=f"{prefix}date", format="YYYY-MM-DD")
        slots["seen_on"] = st.empty()
        raw["note"] = st.text_area(
            "Note (optional)",
            key=f"{prefix}note",
            max_chars=MAX_NOTES_LENGTH,
            placeholder="Who you saw, and what they said about training",
            height=80,
        )
        slots["note"] = st.empty()
        recorded = st.form_submit_button("Record the all-clear", type="primary", key=f"{prefix}submit")
    if not recorded:
        return
    try:
        clear = parse_all_clear(raw, today)
    except InputErrors as errors:
        widgets.show_errors(errors.errors, slots)
        return
    with saving(data.store):
        data.save_all_clear(runner_id, clear)
        state[FLASH] = ("cleared", f"{clear.seen_on:%d %b %Y}")
        state["all_clear_task"] = state.get("all_clear_task", 0) + 1  # a fresh form next time
        st.rerun()


def _render_recorded_all_clears(data: OwnerData, runner_id: int, records: RunnerRecords, state: dict[str, Any]) -> None:
    """All-clears recorded, newest first, each removable if it was recorded by mistake."""
    if not records.all_clears:
        return
    with st.expander("Clinicians' all-clears you recorded"):
        for clear in reversed(records.all_clears):
            clear_id = clear.id if clear.id is not None else 0
            note = f": {widgets.plain(clear.note)}" if clear.note else ""
            st.markdown(f"Seen on {clear.seen_on:%d %b %Y}{note}")
            cleared = [w for w in records.checkin_warnings if not w.mistaken and is_cleared(w, [clear], [])]
            if cleared and st.button(
                "Recorded by mistake: remove it",
                key=runner_key(runner_id, "all_clear_remove", clear_id),
                help="The warning signs it cleared stand again.",
            ):
                with saving(data.store):
                    data.delete_all_clear(runner_id, clear_id)
                    state[FLASH] = ("unclear", f"{clear.seen_on:%d %b %Y}")
                    st.rerun()


FLASH_WORDS = {
    "ticked": "Saved with your check-in of {day}. Until a clinician has seen you or a later test is clear, your "
    "routine, retests and calendar give way to this message on every page, and anyone you share with sees it.",
    "mistaken": "The warning sign of {day} is marked as ticked by mistake.",
    "cleared": "All-clear of {day} recorded: the warning signs ticked up to that day no longer stand.",
    "unclear": "The all-clear of {day} is removed.",
}


def _render_flash(state: dict[str, Any], warning: ActiveWarning | None) -> None:
    flash = state.pop(FLASH, None)
    if flash is None:
        return
    kind, day, *flags = flash
    if kind == "ticked" and warning is None:  # a check-in dated before a clear test or an all-clear: told once
        widgets.render_triage(triage(flags[0]))
        st.info(
            f"Saved with your check-in of {day}. A test without warning signs after that day, or a clinician's "
            "all-clear, is already recorded, so it does not hold up your routine. If the signs are still there "
            "today, please act on the message above.",
            icon=":material/info:",
        )
        return
    widgets.saved_message(FLASH_WORDS[kind].format(day=day))
