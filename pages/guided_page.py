"""Guided test: the app keeps a 60 beats/min pace, counts the raises, and fills in the record form.

Nothing is saved here: the counts go to the record form, where the runner adds symptoms and saves. With motion
counting (issue 28) the phone's motion counts and proposes the stop; the runner confirms, and the per-raise summary
goes with the counts to the form (saved with the test; never the raw motion: that stays in the browser unless the
runner downloads it).
"""

from __future__ import annotations

import itertools
from typing import Any

import streamlit as st

from calfcore import protocol
from calfcore.guided import (
    MAX_GUIDED_CADENCE,
    MIN_GUIDED_CADENCE,
    GuidedResult,
    GuidedSettings,
    GuidedTest,
    beat_jitter,
    settings_problems,
)
from calfcore.models import Knee, LegPair, Side, Surface
from calfcore.motion import (
    STOP_SENTENCES,
    MotionSummary,
    motion_record,
    seen_and_counted,
    summary_from_browser,
)
from calfcore.validation import MAX_REPS, InputErrors, parse_count
from calfui import navigation, widgets
from calfui.context import PageContext, render_page
from calfui.forms import SURFACE_LABELS, number_field
from calfui.guided_component import guided_test, raw_trace_link, rest_timer
from calfui.motion_view import render_fatigue
from calfui.recording import start_from_guided_test
from calfui.sidebar import require_runner
from calfui.state import runner_state

_run_ids = itertools.count(1)
UNREADABLE_SUMMARY = (
    "The motion counted this leg, but what it saw of each raise could not be read: the count stands as yours, "
    "without the raises chart."
)


def _state(runner_id: int) -> dict[str, Any]:
    """This runner's guided test: switching runner mid-test never hands one runner's counts to another."""
    state = runner_state("guided", runner_id)
    state.setdefault("step", "setup")
    return state


def _reset(state: dict[str, Any]) -> None:
    state.clear()
    state["step"] = "setup"


def _new_run(state: dict[str, Any], step: str) -> None:
    state["step"] = step
    state["run_id"] = f"{id(state)}-{next(_run_ids)}"


def _ignore() -> None:
    """Component events are read from its result after the rerun they trigger."""


def _setup(state: dict[str, Any]) -> None:
    st.markdown(
        "The app keeps the beat and counts your raises. You tap **Stop** (or press the space bar) when a "
        "stop rule is met. Works with the sound off too: follow the big circle."
    )
    st.caption(
        "Testing alone? Tick **Count with the phone's motion** before Start and strap the phone to your shin: it "
        "counts the raises and proposes the stop, and you confirm. Assisted counting, not a measurement: the "
        "relative size of a raise is a guide to the stop rule, not a height, and the counter has been checked on "
        "modelled motion only. The motion itself never leaves your phone unless you download it."
    )
    with st.expander("Set-up and stop rules", expanded=True):
        st.markdown("\n".join(f"- {step}" for step in protocol.SET_UP))  # one list of steps, not one list each
        st.markdown("**Stop when** " + " ".join(protocol.STOP_RULES))
    tests = list(GuidedTest)
    test = st.radio("Test", tests, format_func=lambda t: f"Knee {t.value}", horizontal=True, key="guided_test")
    first = st.radio(
        "First leg", list(Side), format_func=lambda s: s.value.capitalize(), horizontal=True, key="guided_first_leg"
    )
    cadence = number_field(  # no bounds: 200 reaches the check below, which says what is allowed
        "Metronome (beats/min)",
        protocol.STANDARD_PROTOCOL.cadence_bpm,
        key="guided_cadence",
        step=5,
        help="60 is the standard: one beat up, one beat down.",
    )
    surface = st.radio(
        "Surface", list(SURFACE_LABELS), format_func=SURFACE_LABELS.get, horizontal=True, key="guided_surface"
    )
    sound = st.toggle("Click sound", value=True, key="guided_sound")
    if "cancelled" in state:
        widgets.move_focus(".st-key-guided_start button", f"cancelled_{id(state)}_{state['cancelled']}")
    if st.button("Start the guided test", type="primary", key="guided_start", width="stretch"):
        assert test is not None and first is not None and surface is not None  # radios with a default always hold one
        try:
            beats = parse_count(
                cadence,
                "Metronome (beats/min)",
                MIN_GUIDED_CADENCE,
                MAX_GUIDED_CADENCE,
                whole_as="a whole number of beats",
            )
        except InputErrors as errors:
            st.error("Not started. " + errors.errors["value"], icon=":material/error:")
            return
        settings = GuidedSettings(
            test=GuidedTest(test),
            first_leg=Side(first),
            cadence_bpm=beats,
            surface=Surface(surface),
            sound=bool(sound),
        )
        problems = settings_problems(settings)
        if problems:
            for problem in problems:
                st.error(problem)
            return
        state.update(settings=settings, leg_index=0, counts={}, jitter=[], motion={})
        _new_run(state, "test")
        st.rerun()


def _test(state: dict[str, Any]) -> None:
    settings: GuidedSettings = state["settings"]
    leg = settings.legs[state["leg_index"]]
    st.header(f"{leg.value.capitalize()} leg, knee {settings.test.value}")
    st.caption("Stop when " + " ".join(protocol.STOP_RULES))
    result = guided_test(
        settings, leg, state["run_id"], _ignore, motion_default=bool(state.get("motion_default", False))
    )
    finished = getattr(result, "finished", None)
    if finished and finished.get("run_id") == state["run_id"]:
        state["pending"] = finished
        state["step"] = "confirm"
        st.rerun()


def _confirm(state: dict[str, Any]) -> None:
    settings: GuidedSettings = state["settings"]
    leg = settings.legs[state["leg_index"]]
    pending = state["pending"]
    if pending.get("before_test"):
        st.header(f"{leg.value.capitalize()} leg: stopped during the warm-up")
        st.caption(
            "No raises were counted: the test starts after the warm-up and the countdown. Redo this leg "
            "when you are ready, or enter the count yourself if you did the test."
        )
    else:
        st.header(f"{leg.value.capitalize()} leg: {pending['raises']} raises")
        st.caption("Check the count. If the app counted a raise you didn't finish, or missed one, correct it.")
    by_motion = pending.get("counted_by") == "motion"
    summary = summary_from_browser(pending.get("motion")) if by_motion else None
    if summary is not None:
        seen = seen_and_counted(summary)
        if seen:
            st.markdown(seen)  # the motion saw more raises than count for the test: said, with why
        _motion_result(summary, key=f"confirm_{state['run_id']}")
        raw_trace_link(state["run_id"], leg)
    elif by_motion:  # the browser's summary could not be read: the count stands, as the runner's own
        st.caption(UNREADABLE_SUMMARY)
    corrected = number_field("Raises", int(pending["raises"]), key=f"guided_confirm_{state['run_id']}")
    # After Stop, the focus goes to the count to check (a screen reader reads its label and value).
    widgets.move_focus(f".st-key-guided_confirm_{state['run_id']} input", f"confirm_{state['run_id']}")
    confirm, redo = st.columns(2)
    problem = None
    if confirm.button("Confirm", type="primary", key="guided_confirm", width="stretch"):
        try:
            count = parse_count(corrected, "Raises", 0, MAX_REPS, whole_as="a whole number of raises")
        except InputErrors as errors:
            problem = errors.errors["value"]  # the count stays to correct; nothing goes on to the next step
        else:
            state["counts"][leg.value] = count
            state.setdefault("motion", {}).pop(leg.value, None)
            if summary is not None:
                state["motion"][leg.value] = summary  # the per-raise summary only
            state["motion_default"] = summary is not None  # the other leg starts with the same choice
            state["jitter"].extend(pending.get("offsets_ms", []))
            if state["leg_index"] == 0:
                _new_run(state, "rest")
            else:
                state["step"] = "done"
            st.rerun()
    if redo.button("Redo this leg", key="guided_redo", width="stretch"):
        _new_run(state, "test")
        st.rerun()
    if problem:
        st.error("Not confirmed. " + problem, icon=":material/error:")


def _motion_result(summary: MotionSummary, *, key: str) -> None:
    """What the motion saw: the proposed stop, and each raise's relative size and timing (with its words)."""
    if summary.proposed_stop is not None:
        st.markdown(f"**Counted by motion.** Stop proposed. {STOP_SENTENCES[summary.proposed_stop]}")
    else:
        st.markdown("**Counted by motion.** You stopped it yourself.")
    render_fatigue(summary.raises, key=f"fatigue_{key}")


def _rest(state: dict[str, Any]) -> None:
    settings: GuidedSettings = state["settings"]
    next_leg = settings.legs[1]
    result = rest_timer(settings.rest_seconds, next_leg, state["run_id"], _ignore)
    finished = getattr(result, "rest_done", None)
    if finished and finished.get("run_id") == state["run_id"]:
        state["leg_index"] = 1
        _new_run(state, "test")
        st.rerun()


def _done(state: dict[str, Any], runner_id: int) -> None:
    settings: GuidedSettings = state["settings"]
    counts = state["counts"]
    st.header("Both legs done")
    st.markdown(
        f"Left **{counts['left']}**, right **{counts['right']}** raises, knee {settings.test.value}, "
        f"at {settings.cadence_bpm} beats/min."
    )
    jitter = beat_jitter(state.get("jitter", []))
    if jitter is not None:
        st.caption(
            f"Beat timing on this device: median {jitter.median_abs_ms:.0f} ms, worst {jitter.max_abs_ms:.0f} ms "
            f"off the metronome over {jitter.beats} beats."
        )
    by_motion: dict[str, MotionSummary] = state.get("motion", {})
    for side in settings.legs:
        if side.value in by_motion:
            st.subheader(f"{side.value.capitalize()} leg: each raise")
            _motion_result(by_motion[side.value], key=f"done_{side.value}_{state.get('run_id')}")
    st.markdown("Nothing is saved yet: add how it felt and the safety check in the record form, then save.")
    widgets.move_focus(".st-key-guided_to_record button", f"done_{state.get('run_id')}")
    if st.button("Continue to the record form", type="primary", key="guided_to_record", width="stretch"):
        counted, marks = motion_record(Knee(settings.test.value), by_motion)
        start_from_guided_test(
            runner_id,
            GuidedResult(
                settings.test,
                LegPair(counts["left"], counts["right"]),
                settings.protocol,
                counted_by_motion=counted,
                raise_marks=marks,
            ),
        )
        _reset(state)
        navigation.switch_page("record")


def render(context: PageContext) -> None:
    st.title("Guided test")
    runner = require_runner(context, doing="Testing")
    if runner is None:
        return
    state = _state(runner.saved_id)
    step = state["step"]
    if step == "done":
        _done(state, runner.saved_id)
    else:
        {"setup": _setup, "test": _test, "confirm": _confirm, "rest": _rest}[step](state)
    if state["step"] != "setup" and st.button("Cancel the guided test", key="guided_cancel"):
        _reset(state)  # nothing was saved, nothing is lost
        state["cancelled"] = next(_run_ids)  # the set-up's Start button takes the focus back
        st.rerun()


render_page(render)
