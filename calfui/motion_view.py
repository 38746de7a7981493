"""What the phone's motion saw in a guided test (issue 28): each raise's relative size and timing (the fatigue curve)
with its text alternative. Shown on the guided test's confirm and done screens, and under a saved test's result (the
runner's and the coach's)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from calfcore.models import HeelRaiseTest, Knee, Side
from calfcore.motion import RaiseSummary, fatigue_chart_spec, fatigue_sentence, summary_of_marks

LIMITS = (
    "Assisted counting: the relative size is a guide to the stop rule, not a height; the counter has been checked "
    "on modelled motion only."
)


def render_fatigue(raises: Sequence[RaiseSummary], *, key: str) -> None:
    """One leg's raises as the motion saw them: the chart, and the same in words (its text alternative)."""
    text = fatigue_sentence(raises)
    if raises:
        st.vega_lite_chart(fatigue_chart_spec(raises), width="stretch", alt=text, key=key)
    st.caption(f"{text} {LIMITS}")


def render_saved_motion(test: HeelRaiseTest, *, key: str) -> None:
    """A saved test's raises as the motion saw them, per leg (nothing when the motion counted none)."""
    if not test.raise_marks:
        return
    st.markdown("**Each raise, as the phone's motion saw it**")
    for knee in Knee:
        for side in Side:
            marks = [m for m in test.raise_marks if m.knee is knee and m.leg is side]
            if marks:
                st.markdown(f"{side.value.capitalize()} leg, knee {knee.value}")
                render_fatigue(summary_of_marks(marks), key=f"{key}_{knee.value}_{side.value}")
