"""The guided test's timing-critical part, as a Streamlit custom component (components v2).

The browser keeps the beat and counts; Python gets the result once, when the runner stops.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from calfcore.guided import GuidedSettings
from calfcore.models import Side
from calfcore.protocol import BEATS_PER_RAISE

_ASSETS = Path(__file__).resolve().parent / "assets"
_guided_test = st.components.v2.component(
    "calf_check_guided_test",
    js=(_ASSETS / "guided_test.js").read_text(),
    css=(_ASSETS / "guided_test.css").read_text(),
)


def guided_test(settings: GuidedSettings, leg: Side, run_id: str, on_finished: Callable[[], None]) -> Any:
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
