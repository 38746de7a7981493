"""Rendering pieces shared by pages: score card, red-flag message, routine, and plain-text helpers.

Anything a runner typed is shown through `plain()` (or st.text/st.dataframe), never as markdown or HTML.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from calfcore.models import HeelRaiseTest, RunnerProfile, Side, Units
from calfcore.motion import counted_by_words
from calfcore.norms import describe_protocol, why_no_reference
from calfcore.routine import Routine
from calfcore.scoring import TestScore, knee_to_wall_text, soleus_text, symmetry_text
from calfcore.sentences import pain_sentence, weaker_leg
from calfcore.thresholds import (
    KNEE_TO_WALL_HEALTHY_CM,
    MEASUREMENT_NOISE_REPS,
    RUNNER_TARGET_REPS,
    SEATED_SOLEUS_TARGET_BW,
    SYMMETRY_FLAG_PERCENT,
)
from calfcore.triage import Triage, Urgency
from calfcore.units import in_units

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
# Streamlit's markdown turns bare URLs and e-mail addresses into links after parsing, escapes or not (GitHub's
# autolink rule: "http://", "https://", "www." and "name@domain"). An invisible WORD JOINER (U+2060) inside each of
# those starts keeps the text as typed on screen, and plain text.
_WORD_JOINER = "\u2060"
_AUTOLINK_STARTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)


def plain(text: str) -> str:
    """Escape user text for a markdown context so it shows exactly as typed: no formatting, no links."""
    unlinked = _AUTOLINK_STARTS.sub(_WORD_JOINER, text)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", unlinked).replace("\n", "  \n")


def to_display_units(kg: float | None, units: Units) -> float | None:
    """A stored mass for a form's number box, in the runner's units (one decimal in pounds)."""
    if kg is None:
        return None
    return round(in_units(kg, units), 1) if units is Units.LB else kg


def show_errors(errors: dict[str, str], slots: dict[str, st.delta_generator.DeltaGenerator]) -> None:
    """Each message next to its field (when the page reserved a slot for it), and a summary."""
    for field, message in errors.items():
        slot = slots.get(field)
        if slot is not None:
            slot.error(message, icon=":material/error:")
    st.error("Nothing was saved. Please fix: " + " ".join(errors.values()), icon=":material/error:")


def render_triage(result: Triage) -> None:
    """The red-flag message replaces every score and routine."""
    if result.urgency is Urgency.EMERGENCY:
        st.error("**Emergency.** " + result.message, icon=":material/emergency:")
    else:
        st.error("**See a clinician.** " + result.message, icon=":material/medical_services:")
    with st.container(border=True):
        st.markdown("You told us:")
        for flag in result.flags:
            st.markdown(f"- {plain(flag.question)}")
        st.caption("Calf Check informs and never diagnoses. These signs need a person who can examine you.")


GLANCE_DETAILS = "Reference, spread and sources"


def render_glance(score: TestScore, injured_side: Side | None, spec: dict[str, Any] | None = None) -> None:
    """Each leg at a glance: its bar against the typical band, the runner target and the other leg (calfcore.charts.
    leg_bars, the picture the PDF report prints), named for screen readers by its text alternative, with each leg's
    one short line under it. `spec`: that chart already made (calfui.result.glance_chart), else made here."""
    from calfcore.charts import leg_bars_spec
    from calfcore.glance import glance_text, leg_lines

    with st.container(key="at_a_glance"):
        st.vega_lite_chart(spec or leg_bars_spec(score, injured_side), width="stretch", alt=glance_text(score))
        for line in leg_lines(score):
            st.markdown(line)  # our own words (no runner text), shown as written


def render_score(
    test: HeelRaiseTest, score: TestScore, runner: RunnerProfile, glance: dict[str, Any] | None = None
) -> None:
    counted = counted_by_words(test.counted_by_motion, test.raise_marks)  # part of the protocol: how it was counted
    st.caption(
        f"Test on {test.tested_on:%d %b %Y} · {describe_protocol(test.protocol)}" + (f" · {counted}" if counted else "")
    )
    columns = st.columns(2)
    for column, leg in zip(columns, score.legs, strict=True):
        with column:
            change = next((c for c in score.changes if c.side is leg.side), None)
            delta = None
            if change is not None:
                delta = f"{change.delta:+d} since last" + (" (within noise)" if change.within_noise else "")
            label = leg.side.value.capitalize() + (" (injured side)" if runner.injured_side is leg.side else "")
            st.metric(
                label,
                f"{leg.reps} raises",
                delta=delta,
                delta_color="off" if change is None or change.within_noise else "normal",
            )
    render_glance(score, runner.injured_side, glance)
    weaker = weaker_leg(test.straight_reps)
    if weaker is not None:
        st.markdown(f"**{weaker}**")
    # The long explanation, one tap away: whom the range describes, its spread, and every source.
    with st.expander(GLANCE_DETAILS, icon=":material/menu_book:"):
        reference = score.legs[0].reference
        if reference is not None:
            st.markdown(
                f"**Reference:** {reference.label} for {reference.population} "
                f"({'any sex' if reference.sex == 'any' else reference.sex}, {reference.ages}). **Typical range:** "
                f"{reference.typical.text} raises, the reference "
                f"{reference.spread_label}."
            )
            approximate = "" if reference.pace_confirmed else " Approximate: this study's pace is not confirmed."
            st.caption(
                f"Source: {reference.source.label}.{approximate} A change between two comparable tests counts "
                f"only beyond ±{int(MEASUREMENT_NOISE_REPS.value)} raises, the test's retest limits "
                f"({MEASUREMENT_NOISE_REPS.source.short})."
            )
        else:
            why = why_no_reference(test.protocol, runner.sex, runner.age_on(test.tested_on))
            st.info(
                f"No band for this test: {why}. It is compared with the runner target, between legs and with your "
                "own earlier tests of the same protocol.",
                icon=":material/info:",
            )
        st.caption(
            f"Runner target {int(RUNNER_TARGET_REPS.value)}+ raises per leg: "
            f"{RUNNER_TARGET_REPS.source.label}. A goal, not a norm."
        )

    if score.symmetry_percent is not None:
        straight = next((value for name, value in score.gate_symmetries if name == "knee straight"), None)
        line = SYMMETRY_FLAG_PERCENT.text
        verdict = f":orange[under the {line} line]" if score.symmetry_flagged else f":green[at or above {line}]"
        if runner.injured_side is not None and straight is not None and straight != score.symmetry_percent:
            st.markdown(
                f"**Limb symmetry:** {symmetry_text(score.symmetry_percent)} (injured ÷ uninjured); weaker ÷ "
                f"stronger {symmetry_text(straight)}, {verdict}"
            )
        else:
            how = "injured ÷ uninjured" if runner.injured_side is not None else "weaker ÷ stronger"
            st.markdown(f"**Limb symmetry:** {symmetry_text(score.symmetry_percent)} ({how}), {verdict}")
    extras = []
    if score.bent_symmetry_percent is not None and test.bent_reps is not None:
        extras.append(
            f"knee bent {int(test.bent_reps.left or 0)} / {int(test.bent_reps.right or 0)} "
            f"(symmetry {symmetry_text(score.bent_symmetry_percent)})"
        )
    if score.height_symmetry_percent is not None:
        extras.append(f"heel height symmetry {symmetry_text(score.height_symmetry_percent)}")
    if score.soleus_ratio_bw is not None:
        met = "meets" if score.soleus_meets_target else "under"
        extras.append(
            f"seated soleus {soleus_text(score.soleus_ratio_bw)} × body weight ({met} the {SEATED_SOLEUS_TARGET_BW.text} expert target)"
        )
    if score.knee_to_wall_difference_cm is not None:
        reach = test.knee_to_wall_cm.both() if test.knee_to_wall_cm is not None else None
        reached = f"{reach.left:g} / {reach.right:g} cm, " if reach is not None else ""
        extras.append(
            f"knee-to-wall {reached}difference {knee_to_wall_text(score.knee_to_wall_difference_cm)} (healthy adults reach about "
            f"{KNEE_TO_WALL_HEALTHY_CM.text}, {KNEE_TO_WALL_HEALTHY_CM.source.short})"
        )
    if extras:
        st.caption("Also: " + "; ".join(extras) + ".")
    if score.previous_test is not None and score.changes:
        if all(c.within_noise for c in score.changes):
            st.caption(
                f"Since your last comparable test ({score.previous_test.tested_on:%d %b}): within measurement "
                f"noise (changes of {int(MEASUREMENT_NOISE_REPS.value)} raises or fewer)."
            )
    elif score.previous_test is None:
        st.caption("No earlier test with the same protocol to compare with yet.")
    pain = pain_sentence(score.pain_zones)
    if pain is not None:
        st.caption(pain)
    for advisory in score.advisories:
        st.warning(advisory.message, icon=":material/warning:")


def render_routine(routine: Routine) -> None:
    st.header(f"Stage: {routine.title}")
    for reason in routine.reasons:
        st.markdown(reason)
    st.markdown(f"**Goal:** {routine.goal}")
    st.markdown(f"**How often:** {routine.sessions_per_week} sessions a week, with a rest day between.")
    for line in routine.extra_work:
        st.markdown(f"**Weaker side:** {line}")
    if routine.plyometrics is not None:
        st.markdown(f"**Jumping:** {routine.plyometrics.summary}")
    for item in routine.prescriptions:
        with st.expander(f"{item.exercise.name} — {item.dose}", expanded=False):
            st.markdown(f"*{item.role.capitalize()}.* {item.exercise.purpose}")
            st.markdown(f"**Load:** {item.load}")
            for cue in item.exercise.cues:
                st.markdown(f"- {cue}")
            st.caption("From: " + "; ".join(_source_short(s) for s in item.exercise.sources))
    st.markdown("**Move on when:**")
    for criterion in routine.exit_criteria:
        st.markdown(f"- {criterion}")
    with st.expander("Tips"):
        for text, source_id in routine.tips:
            st.markdown(f"- {text} ({_source_short(source_id)})")


def _source_short(source_id: str) -> str:
    from calfcore.evidence import source

    return source(source_id).short


SIDE_LABELS = {Side.LEFT: "Left", Side.RIGHT: "Right"}


def confirm(warning: str, yes_label: str, key: str) -> bool | None:
    """A warning with a 'yes' button and 'Cancel' side by side, for anything that can't be undone. The 'yes' is not
    the green primary button: the safe choice should not be the one that looks like "go on".
    True: yes was clicked; False: cancel; None: neither yet. Keys: <key>_confirm and <key>_cancel."""
    st.warning(warning)
    yes_column, cancel_column = st.columns(2)
    yes = yes_column.button(yes_label, key=f"{key}_confirm", icon=":material/warning:")
    cancel = cancel_column.button("Cancel", key=f"{key}_cancel")
    return True if yes else False if cancel else None


_ASSETS = Path(__file__).resolve().parent / "assets"
_focus = st.components.v2.component("calf_check_focus", js=(_ASSETS / "focus.js").read_text())


def move_focus(selector: str, event_id: str) -> None:
    """Put the keyboard focus on the element matching `selector` (a CSS selector, e.g. '.st-key-<widget key>
    input'), once for this event: after an action, on what comes next rather than the page body."""
    _focus(data={"selector": selector, "id": event_id}, key=f"focus_{event_id}")


# Read once (given the file's path, st.html reads it on every run); given text, st.html takes it as HTML, so the
# style sheet goes in a <style> element, and style alone takes no space on the page.
_FOCUS_STYLE = f"<style>{(_ASSETS / 'focus.css').read_text()}</style>"


def focus_styles() -> None:
    """The app's visible focus ring (calfui/assets/focus.css), sent as style only: it takes no space on the page."""
    st.html(_FOCUS_STYLE)


_saved_message_js = st.components.v2.component(
    "calf_check_saved_message", js=(_ASSETS / "saved_message.js").read_text()
)


def saved_message(text: str | None, *, icon: str = ":material/check_circle:") -> None:
    """A save's confirmation, shown once by the run after that save (the caller pops it). It belongs to that save
    alone: in the browser it goes away at the person's first change to a form after it (calfui/assets/
    saved_message.js), since a form's edits don't rerun the page. Not for a message the person must still read
    after editing (a new link shown only once).

    Its place on the page is taken whether there is a message or not (`text` None: nothing shown), so what comes
    after it keeps its place across the save's run: a tab the runner had open (Hop test, Daily check-in) stays open,
    where a message appearing above the tabs made them new ones, back on the first tab."""
    slot = st.container()
    if not text:
        return
    key = f"calf_saved_{uuid.uuid4().hex[:16]}"  # once per save: the browser hides this one by its key
    with slot, st.container(key=key):
        st.success(text, icon=icon)
    with slot:
        _saved_message_js(key=f"{key}_js")


_drawer = st.components.v2.component("calf_check_drawer", js=(_ASSETS / "drawer.js").read_text())


def sidebar_drawer() -> None:
    """In the sidebar: on a phone, the open sidebar closes when the keyboard's focus leaves it for the page it
    covers (calfui/assets/drawer.js)."""
    with st.sidebar:
        _drawer(key="calf_drawer")


def confirmed_action(
    state: dict[str, Any],
    target: object,
    *,
    button: str,
    icon: str,
    warning: str,
    yes_label: str,
    key: str,
    act: Callable[[], None],
    store: Any,
) -> None:
    """A button for something that can't be undone, acting on `target` (a stored item's id) only after confirm():
    the first click arms it for that target (kept in this runner's `state`), Yes runs `act` as one save (a
    missing item says so), Cancel disarms. Keys: `key`, `key`_confirm, `key`_cancel."""
    from calfstore import NotFound
    from calfui.saving import saving

    if state.get("confirming") != target:
        if st.button(button, key=key, icon=icon):
            state["confirming"] = target
            st.rerun()
        return
    choice = confirm(warning, yes_label, key=key)
    if choice:
        with saving(store):
            try:
                act()
            except NotFound as missing:
                st.error(str(missing))
            state.pop("confirming", None)
            st.rerun()
    elif choice is False:
        state.pop("confirming", None)
        st.rerun()
