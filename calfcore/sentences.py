"""Plain sentences about a result, built from the rules' own values so a changed threshold changes the wording."""

from __future__ import annotations

from collections.abc import Mapping

from calfcore.models import LegPair, Side
from calfcore.scoring import PainZone
from calfcore.thresholds import PAIN_ACCEPTABLE_MAX, PAIN_SAFE_MAX

ZONE_WORDS = {
    PainZone.SAFE: f"the safe zone (0–{int(PAIN_SAFE_MAX.value)})",
    PainZone.ACCEPTABLE: (f"the acceptable zone ({int(PAIN_SAFE_MAX.value) + 1}–{int(PAIN_ACCEPTABLE_MAX.value)}, "
                          "fine if it settles by the next morning)"),
    PainZone.TOO_MUCH: f"the too-much zone (over {int(PAIN_ACCEPTABLE_MAX.value)}: ease off)",
}


def weaker_leg(raises: LegPair) -> str | None:
    """'Left 18, right 26: the left leg is weaker.' None when a leg is missing. Worded for anyone reading it: the
    coach's view and the PDF report show it too."""
    if not raises.complete:
        return None
    left, right = int(raises.left or 0), int(raises.right or 0)
    if left == right:
        return f"Left {left}, right {right}: both legs did the same."
    weaker = Side.LEFT if left < right else Side.RIGHT
    return f"Left {left}, right {right}: the {weaker.value} leg is weaker."


def pain_sentence(zones: Mapping[Side, PainZone]) -> str | None:
    """Where the worst pain of the test sat in the pain-monitoring model (Silbernagel 2007), per leg."""
    if not zones:
        return None
    if len(zones) == 2 and len(set(zones.values())) == 1:
        return f"Pain: {ZONE_WORDS[next(iter(zones.values()))]} on both legs."
    parts = [f"{side.value} in {ZONE_WORDS[zone]}" for side, zone in sorted(zones.items())]
    return "Pain: " + "; ".join(parts) + "."
