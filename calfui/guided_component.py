"""The guided test's timing-critical part, as a Streamlit custom component (components v2).

The browser keeps the beat and counts; Python gets the result once, when the runner stops. With motion counting
(issue 28) the counter (calfui/assets/motion_counter.js, no Streamlit in it) runs in the same module, with its
numbers from calfcore.motion; only its per-raise summary comes back, the raw motion stays in the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from calfcore.guided import GuidedSettings
from calfcore.models import Side
from calfcore.motion import motion_parameters
from calfcore.protocol import BEATS_PER_RAISE

_ASSETS = Path(__file__).resolve().parent / "assets"
_guided_test = st.components.v2.component(
    "calf_check_guided_test",
    js=(_ASSETS / "motion_counter.js").read_text() + "\n" + (_ASSETS / "guided_test.js").read_text(),
    css=(_ASSETS / "guided_test.css").read_text(),
)


def guided_test(
    settings: GuidedSettings, leg: Side, run_id: str, on_finished: Callable[[], None], *, motion_default: bool = False
) -> Any:
    return _guided_test(
        data={
            "mode": "test",
            "run_id": run_id,
            "leg": leg.value.capitalize(),
            "knee": settings.test.value,
            "cadence_bpm": settings.cadence_bpm,
            "warm_up_raises": settings.warm_up_raises,
            "countdown_seconds": settings.countdown_seconds,
            "sound": settings.sound,
            "beats_per_raise": BEATS_PER_RAISE,
            "motion": motion_parameters(settings.cadence_bpm).as_data(),
            "motion_default": motion_default,
        },  # the protocol's, so Python and the browser count alike
        key=f"guided_{run_id}",
        on_finished_change=on_finished,
    )


def rest_timer(seconds: int, next_leg: Side, run_id: str, on_done: Callable[[], None]) -> Any:
    return _guided_test(
        data={"mode": "rest", "run_id": run_id, "rest_seconds": seconds, "next_leg": next_leg.value},
        key=f"rest_{run_id}",
        on_rest_done_change=on_done,
    )


def raw_trace_link(run_id: str, leg: Side) -> Any:
    """The runner's own download of a leg's raw motion, made in the browser from what it kept (nothing if none)."""
    return _guided_test(data={"mode": "download", "run_id": run_id, "leg": leg.value.capitalize()}, key=f"raw_{run_id}")
