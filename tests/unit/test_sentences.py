"""The plain sentences under a result: which leg is weaker, and where the pain sat."""

from __future__ import annotations

from calfcore.models import LegPair, Side
from calfcore.scoring import PainZone
from calfcore.sentences import pain_sentence, weaker_leg


def test_the_weaker_leg_is_named_with_both_counts() -> None:
    assert weaker_leg(LegPair(18, 26)) == "Left 18, right 26: the left leg is weaker."
    assert weaker_leg(LegPair(30, 22)) == "Left 30, right 22: the right leg is weaker."
    assert weaker_leg(LegPair(25, 25)) == "Left 25, right 25: both legs did the same."
    assert weaker_leg(LegPair(25, None)) is None


def test_pain_is_a_sentence_with_the_zone_and_its_range() -> None:
    assert pain_sentence({Side.LEFT: PainZone.SAFE, Side.RIGHT: PainZone.SAFE}) == (
        "Pain: the safe zone (0–2) on both legs.")
    mixed = pain_sentence({Side.RIGHT: PainZone.SAFE, Side.LEFT: PainZone.ACCEPTABLE})
    assert mixed == ("Pain: left in the acceptable zone (3–5, fine if it settles by the next morning); "
                     "right in the safe zone (0–2).")
    assert "over 5" in pain_sentence({Side.LEFT: PainZone.TOO_MUCH})
    assert pain_sentence({}) is None
