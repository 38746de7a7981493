"""Form pieces used by more than one page: the heel-raise test form (record and correct) and symptom fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from calfcore.guided import GuidedResult, GuidedTest
from calfcore.models import (
    HeelRaiseTest,
    Knee,
    PainLocation,
    Protocol,
    Side,
    Surface,
    SymptomEntry,
    Units,
)
from calfcore.motion import counted_by_words
from calfcore.triage import red_flags
from calfcore.validation import MAX_NOTES_LENGTH
from calfui.widgets import to_display_units

PAIN_OPTIONS = list(range(11))
LOCATION_LABELS = {
    PainLocation.NONE: "Nowhere",
    PainLocation.ACHILLES: "Achilles",
    PainLocation.CALF: "Calf belly",
    PainLocation.SHIN: "Shin",
    PainLocation.PLANTAR_FASCIA: "Sole / plantar fascia",
    PainLocation.OTHER: "Other",
}
CHANGED_BY_HAND = "Change a count and it is saved as your own count; what the motion saw of each raise is kept."
SURFACE_LABELS = {Surface.INCLINE_10: "10° incline board", Surface.FLAT: "Flat floor"}

Slots = dict[str, Any]


def _slot(slots: Slots, name: str) -> None:
    slots[name] = st.empty()


def _number(
    slots: Slots,
    raw: dict[str, Any],
    key: str,
    label: str,
    value: float | None,
    *,
    prefix: str,
    step: float = 1,
    help: str | None = None,
) -> None:
    """A number field with no min/max: out-of-range values reach validation, which explains what is allowed."""
    raw[key] = number_field(label, value, key=f"{prefix}{key}", step=step, help=help)
    _slot(slots, key)


def number_field(
    label: str,
    value: float | None,
    *,
    key: str,
    step: float = 1,
    help: str | None = None,
    placeholder: str = "—",
    container: Any = None,
) -> float | None:
    """Every form's number box: what the person typed reaches validation, which answers with a sentence.

    No min/max: out of bounds, the browser keeps the earlier value and only marks the box. Always a float, counts
    too (step 1): an integer box would store 12.5 raises as 12; the whole-number rule in calfcore.validation refuses
    it. Shown as typed ("%g"), never rounded to a format's decimals."""
    typed: float | None = (container or st).number_input(
        label,
        value=None if value is None else float(value),
        step=float(step),
        format="%g",
        key=key,
        help=help,
        placeholder=placeholder,
    )
    return typed


def _pair(
    slots: Slots,
    raw: dict[str, Any],
    key: str,
    label: str,
    values: tuple[Any, Any],
    *,
    prefix: str,
    step: float = 1.0,
    help: str | None = None,
) -> None:
    left, right = st.columns(2)
    with left:
        _number(slots, raw, f"{key}_left", f"{label}: left", values[0], prefix=prefix, step=step, help=help)
    with right:
        _number(slots, raw, f"{key}_right", f"{label}: right", values[1], prefix=prefix, step=step, help=help)


def protocol_fields(slots: Slots, raw: dict[str, Any], protocol: Protocol, units: Units, *, prefix: str) -> None:
    _number(
        slots,
        raw,
        "cadence_bpm",
        "Metronome (beats/min, 0 if none)",
        protocol.cadence_bpm,
        prefix=prefix,
        help="The standard is 60: one beat up, one beat down, so 30 raises a minute.",
    )
    raw["surface"] = st.radio(
        "Surface",
        list(SURFACE_LABELS),
        format_func=SURFACE_LABELS.get,
        horizontal=True,
        index=list(SURFACE_LABELS).index(protocol.surface),
        key=f"{prefix}surface",
    )
    raw["cued"] = st.checkbox(
        "Technique cued (someone, or the guided test, called out faults)", value=protocol.cued, key=f"{prefix}cued"
    )
    raw["fingertip_support"] = st.checkbox(
        "Fingertips on a wall for balance only", value=protocol.fingertip_support, key=f"{prefix}fingertip_support"
    )
    _number(
        slots,
        raw,
        "added_load",
        f"Added load ({units.value}, 0 if none)",
        to_display_units(protocol.added_load_kg, units),
        prefix=prefix,
        step=0.5,
    )


def symptom_fields(
    slots: Slots,
    raw: dict[str, Any],
    existing: dict[Side, SymptomEntry],
    *,
    prefix: str,
    next_morning_help: str = "Add it tomorrow from History if you record right after the test.",
) -> None:
    for side in Side:
        s = side.value
        entry = existing.get(side)
        st.markdown(f"**{s.capitalize()} leg**")
        raw[f"pain_during_{s}"] = st.pills(
            f"Pain during, {s} (0 none – 10 worst)",
            PAIN_OPTIONS,
            default=entry.pain_during if entry else None,
            key=f"{prefix}pain_during_{s}",
        )
        _slot(slots, f"pain_during_{s}")
        raw[f"pain_next_morning_{s}"] = st.pills(
            f"Pain next morning, {s}",
            PAIN_OPTIONS,
            default=entry.pain_next_morning if entry else None,
            key=f"{prefix}pain_next_morning_{s}",
            help=next_morning_help,
        )
        _slot(slots, f"pain_next_morning_{s}")
        _number(
            slots,
            raw,
            f"stiffness_minutes_{s}",
            f"Morning stiffness, {s} (minutes)",
            entry.stiffness_minutes if entry else None,
            prefix=prefix,
        )
        raw[f"location_{s}"] = st.selectbox(
            f"Where it hurts, {s}",
            list(LOCATION_LABELS),
            format_func=lambda location: LOCATION_LABELS[location],
            index=list(LOCATION_LABELS).index(entry.location) if entry else 0,
            key=f"{prefix}location_{s}",
        )
        _slot(slots, f"location_{s}")


def test_form_fields(
    slots: Slots,
    raw: dict[str, Any],
    units: Units,
    *,
    prefix: str,
    protocol: Protocol,
    test: HeelRaiseTest | None = None,
    symptoms: dict[Side, SymptomEntry] | None = None,
    today: dt.date,
    guided: GuidedResult | None = None,
    body_weight_kg: float | None = None,
) -> None:
    """Every field of a test. `test` pre-fills them (correcting an entry); `guided` fills in a guided test's counts
    and protocol; otherwise the protocol comes from the last test."""
    guided_straight = guided.raises if guided and guided.test is GuidedTest.STRAIGHT else None
    guided_bent = guided.raises if guided and guided.test is GuidedTest.BENT else None
    if guided is not None:
        protocol = guided.protocol
    raw["tested_on"] = st.date_input(
        "Test date", value=test.tested_on if test else today, key=f"{prefix}tested_on", format="YYYY-MM-DD"
    )
    _slot(slots, "tested_on")

    st.markdown("**Knee straight: raises to fatigue**")
    straight = test.straight_reps if test else guided_straight
    _pair(
        slots, raw, "straight", "Raises", (straight.left, straight.right) if straight else (None, None), prefix=prefix
    )
    _counted_by(Knee.STRAIGHT, test or guided)

    with st.expander("How you tested (protocol)", expanded=test is not None):
        protocol_fields(slots, raw, test.protocol if test else protocol, units, prefix=prefix)

    with st.expander("More tests (optional)", expanded=guided_bent is not None):
        bent = test.bent_reps if test and test.bent_reps else guided_bent
        _pair(slots, raw, "bent", "Knee bent raises", (bent.left, bent.right) if bent else (None, None), prefix=prefix)
        _counted_by(Knee.BENT, test or guided)
        height = test.heel_height_cm if test and test.heel_height_cm else None
        _pair(
            slots,
            raw,
            "height",
            "Max heel height (cm)",
            (height.left, height.right) if height else (None, None),
            prefix=prefix,
            step=0.5,
        )
        ktw = test.knee_to_wall_cm if test and test.knee_to_wall_cm else None
        _pair(
            slots,
            raw,
            "knee_to_wall",
            "Knee-to-wall (cm)",
            (ktw.left, ktw.right) if ktw else (None, None),
            prefix=prefix,
            step=0.5,
            help="Toe-to-wall distance with the knee just touching the wall, heel down.",
        )
        soleus = test.soleus if test else None
        st.markdown("Seated soleus raise (knee bent about 90°, weight on the knees)")
        _number(
            slots,
            raw,
            "soleus_load",
            f"Load ({units.value})",
            to_display_units(soleus.load_kg, units) if soleus else None,
            prefix=prefix,
            step=0.5,
        )
        _pair(
            slots,
            raw,
            "soleus_reps",
            "Soleus reps",
            (soleus.reps.left, soleus.reps.right) if soleus else (None, None),
            prefix=prefix,
        )
        _number(
            slots,
            raw,
            "body_weight",
            f"Body weight ({units.value})",
            to_display_units(soleus.body_weight_kg if soleus else body_weight_kg, units),
            prefix=prefix,
            step=0.5,
            help="Filled in from the profile; change it here if it changed.",
        )

    st.markdown("**Symptoms**")
    symptom_fields(slots, raw, symptoms or {}, prefix=prefix)

    st.markdown("**Safety check**: tick any that apply")
    ticked = []
    for flag in red_flags():
        if st.checkbox(flag.question, value=bool(test and flag.id in test.red_flags), key=_flag_key(prefix, flag.id)):
            ticked.append(flag.id)
    raw["red_flags"] = ticked
    _slot(slots, "red_flags")
    # max_chars shows how many characters are left; validation still checks the length of what arrives.
    raw["notes"] = st.text_area(
        "Notes (optional)",
        value=test.notes if test else "",
        max_chars=MAX_NOTES_LENGTH,
        key=f"{prefix}notes",
        height=80,
    )
    _slot(slots, "notes")


def _counted_by(knee: Knee, source: HeelRaiseTest | GuidedResult | None) -> None:
    """Under a knee's counts: which of them the phone's motion made (part of the protocol stored with the test), and
    what changing one does (calfcore.motion.still_by_motion)."""
    if source is None:
        return
    words = counted_by_words(
        [c for c in source.counted_by_motion if c.knee is knee], [m for m in source.raise_marks if m.knee is knee]
    )
    if words:
        st.caption(f":material/sensors: {words} {CHANGED_BY_HAND}")


def _flag_key(prefix: str, flag_id: str) -> str:
    return f"{prefix}flag_{flag_id}"


def widget_keys(field_names: list[str], prefix: str) -> list[str]:
    """The session-state keys of the test form's widgets: one per field of `raw`, but the safety check, which is
    one checkbox per warning sign. Forgetting them gives the next test a fresh form."""
    keys = [f"{prefix}{name}" for name in field_names if name != "red_flags"]
    return keys + [_flag_key(prefix, flag.id) for flag in red_flags()]


def submitted_values(field_names: list[str], prefix: str) -> dict[str, Any]:
    """What test_form_fields would return in `raw`, read from the session state: for a form's click handler,
    which runs before the page (and its widgets) do."""
    raw = {name: st.session_state.get(f"{prefix}{name}") for name in field_names if name != "red_flags"}
    raw["red_flags"] = [flag.id for flag in red_flags() if st.session_state.get(_flag_key(prefix, flag.id))]
    return raw
