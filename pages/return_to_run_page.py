"""Return to run: the checklist a runner records like a test, and the hop test that feeds it.

It informs; it does not clear anyone to run. Every item shows its sources and evidence tags and the day it was
last met. A warning sign in the checklist, a hop test or the latest heel-raise test gives the test's message
instead of the checklist. New records get forms with new keys (a task number per runner), like the record page.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from calfcore.readiness import (
    INFORMS_ONLY,
    HopTest,
    ReadinessCheck,
    assess_readiness,
    hop_symmetry,
    hops_frame,
)
from calfcore.scoring import symmetry_text
from calfcore.triage import red_flags
from calfcore.validation import InputErrors, parse_hop_test, parse_readiness_check
from calfstore import StoreError
from calfui import widgets
from calfui.context import PageContext, render_page
from calfui.forms import PAIN_OPTIONS, number_field
from calfui.pickers import pick
from calfui.sidebar import require_runner
from calfui.state import runner_key, runner_state

MARKS = {
    True: ":green[:material/check_circle: met]",
    False: ":orange[:material/cancel: not yet]",
    None: ":grey[:material/radio_button_unchecked: not recorded]",
}


def render(context: PageContext) -> None:
    st.title("Return to run")
    runner = require_runner(context, doing="Recording for")
    if runner is None:
        return
    runner_id = runner.saved_id
    state = runner_state("return_to_run", runner_id)
    st.warning(INFORMS_ONLY, icon=":material/info:")
    checks = context.data.cached(
        ("readiness checks", runner_id), lambda: context.data.list_readiness_checks(runner_id), runner_id=runner_id
    )
    hops = context.data.cached(
        ("hop tests", runner_id), lambda: context.data.list_hop_tests(runner_id), runner_id=runner_id
    )
    tests = context.data.records(runner_id).tests
    readiness = context.data.cached(
        ("readiness", runner_id), lambda: assess_readiness(runner, checks, hops, tests), runner_id=runner_id
    )
    if readiness.triage.stop:
        widgets.render_triage(readiness.triage)
    # The thing to do first (on a phone the cards of past results would push the forms off the screen); a save's
    # message belongs to that save alone: shown once, above the forms.
    widgets.saved_message(state.pop("flash", None))
    checklist_tab, hop_tab = st.tabs(["Record the checklist", "Hop test"])
    with checklist_tab:
        _checklist_form(context, runner_id, state)
    with hop_tab:
        _hop_form(context, runner_id, state)
    if not readiness.triage.stop:
        _checklist(readiness)
        if hops:
            _hop_progress(hops, runner)
    if checks or hops:
        _remove_entry(context, runner_id, state, checks, hops)


def _remove_entry(context: PageContext, runner_id: int, state: dict[str, Any], checks: Any, hops: Any) -> None:
    """A wrong entry can be removed: picked by id, with a confirmation."""
    labels = {
        f"h{h.id}": f"{h.tested_on:%Y-%m-%d} · hop test · left {h.hops.left} / right {h.hops.right}"
        for h in reversed(hops)
    }
    labels |= {
        f"c{c.id}": f"{c.checked_on:%Y-%m-%d} · checklist · walked {'without' if c.walked_pain_free else 'with'} pain"
        for c in reversed(checks)
    }
    st.header("Remove an entry")
    target = pick("Entry to remove", labels, key=runner_key(runner_id, "return_remove_pick"), none_label="—")
    if target is None:
        return

    def remove() -> None:
        if target.startswith("h"):
            context.data.delete_hop_test(runner_id, int(target[1:]))
        else:
            context.data.delete_readiness_check(runner_id, int(target[1:]))
        state["flash"] = "Entry removed."

    widgets.confirmed_action(
        state,
        target,
        button="Remove it",
        icon=":material/delete:",
        warning="Remove this entry? This can't be undone.",
        yes_label="Yes, remove it",
        key=runner_key(runner_id, "return_remove", target),
        store=context.store,
        act=remove,
    )


def _checklist(readiness: Any) -> None:
    st.header("Checklist")
    for status in readiness.items:
        with st.container(border=True):
            st.markdown(f"**{status.item.text}**  \n{MARKS[status.met]} · {status.detail}")
            last = f"Last met {status.last_met:%d %b %Y}" if status.last_met else "Not met yet"
            st.caption(f"{last}. Source: " + "; ".join(s.label for s in status.item.sources))
    if readiness.all_met:
        st.info(
            "Every item is met by your latest records. That is information for you and your clinician or coach, "
            "not a clearance to run.",
            icon=":material/info:",
        )


def _flags(prefix: str) -> list[str]:
    st.markdown("**Safety check**: tick any that apply")
    return [flag.id for flag in red_flags() if st.checkbox(flag.question, key=f"{prefix}flag_{flag.id}")]


def _checklist_form(context: PageContext, runner_id: int, state: dict[str, Any]) -> None:
    prefix = runner_key(runner_id, "readiness", f"t{state.get('check_task', 0)}") + "_"
    raw: dict[str, Any] = {}
    with st.form(f"{prefix}form", border=True, enter_to_submit=False):
        raw["checked_on"] = st.date_input("Date", value=context.today, key=f"{prefix}date", format="YYYY-MM-DD")
        raw["walked_pain_free"] = st.checkbox("I walked for 30 minutes without pain", key=f"{prefix}walked")
        raw["settled_next_morning"] = st.checkbox("Any pain had settled by the next morning", key=f"{prefix}settled")
        raw["red_flags"] = _flags(prefix)
        saved = st.form_submit_button("Save checklist", type="primary", key=f"{prefix}save", width="stretch")
    if saved:
        _save(
            context,
            runner_id,
            state,
            "check_task",
            {},
            lambda: _saved_check(context, runner_id, parse_readiness_check(raw, context.today)),
        )


def _hop_form(context: PageContext, runner_id: int, state: dict[str, Any]) -> None:
    st.caption(
        "Hop on the spot on one leg, as many times as you comfortably can up to about 15, then the other "
        "leg. Stop at once if it hurts more than a little."
    )
    prefix = runner_key(runner_id, "hops", f"t{state.get('hop_task', 0)}") + "_"
    raw: dict[str, Any] = {}
    slots: dict[str, Any] = {}
    with st.form(f"{prefix}form", border=True, enter_to_submit=False):
        raw["tested_on"] = st.date_input("Date", value=context.today, key=f"{prefix}date", format="YYYY-MM-DD")
        slots["tested_on"] = st.empty()
        left, right = st.columns(2)
        # No bounds on the boxes: -1 or 500 reaches validation, which says what is allowed (up to MAX_HOPS).
        raw["hops_left"] = number_field("Hops: left", None, key=f"{prefix}hops_left", container=left)
        raw["hops_right"] = number_field("Hops: right", None, key=f"{prefix}hops_right", container=right)
        slots["hops_left"], slots["hops_right"] = left.empty(), right.empty()
        # Required: tapping the picked value again keeps it (it would otherwise empty a required field).
        raw["pain_left"] = st.pills(
            "Pain while hopping, left (0 none – 10 worst)",
            PAIN_OPTIONS,
            default=0,
            required=True,
            key=f"{prefix}pain_left",
        )
        slots["pain_left"] = st.empty()
        raw["pain_right"] = st.pills(
            "Pain while hopping, right", PAIN_OPTIONS, default=0, required=True, key=f"{prefix}pain_right"
        )
        slots["pain_right"] = st.empty()
        raw["red_flags"] = _flags(prefix)
        saved = st.form_submit_button("Save hop test", type="primary", key=f"{prefix}save", width="stretch")
    if saved:
        _save(
            context,
            runner_id,
            state,
            "hop_task",
            slots,
            lambda: _saved_hops(context, runner_id, parse_hop_test(raw, context.today)),
        )


def _saved_check(context: PageContext, runner_id: int, check: ReadinessCheck) -> str:
    context.data.save_readiness_check(runner_id, check)
    return f"Checklist saved. Dated {check.checked_on:%d %b}."


def _saved_hops(context: PageContext, runner_id: int, hop_test: HopTest) -> str:
    context.data.save_hop_test(runner_id, hop_test)
    hops = hop_test.hops
    return f"Hop test saved. {hop_test.tested_on:%d %b}: left {hops.left}, right {hops.right} hops."


def _save(
    context: PageContext, runner_id: int, state: dict[str, Any], task: str, slots: dict[str, Any], write: Any
) -> None:
    """Parse and save; a bad field or a failed write shows why, by the form's button, and stores nothing."""
    try:
        done = write()
    except InputErrors as errors:
        widgets.show_errors(errors.errors, slots)
        return
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    state[task] = state.get(task, 0) + 1  # the next entry starts from a fresh form
    state["flash"] = done
    st.rerun()


def _hop_progress(hops: Any, runner: Any) -> None:
    from calfcore.chart_text import hops_text
    from calfcore.charts import hops_chart
    from calfcore.thresholds import RETURN_HOPS_MIN

    latest = max(hops, key=lambda h: (h.tested_on, h.id or 0))
    symmetry = hop_symmetry(latest, runner)
    name = "injured ÷ uninjured" if runner.injured_side else "weaker ÷ stronger"
    st.metric(f"Hop symmetry ({name}), {latest.tested_on:%d %b}", "—" if symmetry is None else symmetry_text(symmetry))
    frame = hops_frame(hops, runner)
    st.altair_chart(hops_chart(frame), width="stretch", alt=hops_text(frame, RETURN_HOPS_MIN.value))


render_page(render)
