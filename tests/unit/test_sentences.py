"""The plain sentences under a result: which leg is weaker, and where the pain sat."""

from __future__ import annotations

import pytest

from calfcore import sentences
from calfcore.models import LegPair, Side
from calfcore.scoring import PainZone
from calfcore.sentences import pain_sentence, scoring_rules, weaker_leg
from calfcore.thresholds import (
    MEASUREMENT_NOISE_REPS,
    PAIN_ACCEPTABLE_MAX,
    PAIN_SAFE_MAX,
    PLYO_FIRST_WEEK_CONTACTS_MAX,
    PLYO_FIRST_WEEK_CONTACTS_MIN,
    RUNNER_TARGET_REPS,
    SYMMETRY_FLAG_PERCENT,
    Threshold,
)


def test_the_weaker_leg_is_named_with_both_counts() -> None:
    assert weaker_leg(LegPair(18, 26)) == "Left 18, right 26: the left leg is weaker."
    assert weaker_leg(LegPair(30, 22)) == "Left 30, right 22: the right leg is weaker."
    assert weaker_leg(LegPair(25, 25)) == "Left 25, right 25: both legs did the same."
    assert weaker_leg(LegPair(25, None)) is None


def test_pain_is_a_sentence_with_the_zone_and_its_range() -> None:
    assert pain_sentence({Side.LEFT: PainZone.SAFE, Side.RIGHT: PainZone.SAFE}) == (
        "Pain: the safe zone (0–2) on both legs."
    )
    mixed = pain_sentence({Side.RIGHT: PainZone.SAFE, Side.LEFT: PainZone.ACCEPTABLE})
    assert mixed == (
        "Pain: left in the acceptable zone (3–5, fine if it settles by the next morning); right in the safe zone (0–2)."
    )
    assert "over 5" in pain_sentence({Side.LEFT: PainZone.TOO_MUCH})
    assert pain_sentence({}) is None


def test_the_scoring_rules_state_the_thresholds_values() -> None:
    rules = scoring_rules()
    assert f"**{int(RUNNER_TARGET_REPS.value)}+ raises per leg**" in rules
    assert f"under **{SYMMETRY_FLAG_PERCENT.text}**" in rules
    assert f"beyond ±{int(MEASUREMENT_NOISE_REPS.value)} raises" in rules
    assert f"Pain 0–{int(PAIN_SAFE_MAX.value)} is safe" in rules
    assert f"over {int(PAIN_ACCEPTABLE_MAX.value)} too much" in rules
    assert (
        f"{int(PLYO_FIRST_WEEK_CONTACTS_MIN.value)}–{int(PLYO_FIRST_WEEK_CONTACTS_MAX.value)} ground contacts" in rules
    )


def test_a_changed_threshold_changes_the_scoring_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sentences, "SYMMETRY_FLAG_PERCENT", Threshold(85, "%", "test"))
    monkeypatch.setattr(sentences, "RUNNER_TARGET_REPS", Threshold(28, "reps", "test"))
    rules = scoring_rules()
    assert "under **85%**" in rules and "**28+ raises per leg**" in rules
    assert "90%" not in rules
