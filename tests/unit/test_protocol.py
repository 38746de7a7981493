"""calfcore.protocol: the standard test, its steps and stop rules, stated from its own constants."""

from __future__ import annotations

from calfcore.evidence import sources
from calfcore.protocol import (
    BEATS_PER_RAISE,
    PROTOCOL_SOURCES,
    SET_UP,
    STANDARD_PROTOCOL,
    WARM_UP_DOUBLE_LEG_RAISES,
)


def test_the_standard_test_is_paced_uncued_on_an_incline() -> None:
    assert STANDARD_PROTOCOL.cadence_bpm == 60 and not STANDARD_PROTOCOL.cued
    assert BEATS_PER_RAISE == 2  # one beat up, one down: 30 raises a minute at 60 beats


def test_the_steps_state_the_warm_up_from_its_constant_and_cite_known_sources() -> None:
    assert f"{WARM_UP_DOUBLE_LEG_RAISES} easy raises on both feet" in SET_UP[0]
    assert set(PROTOCOL_SOURCES) <= set(sources())
