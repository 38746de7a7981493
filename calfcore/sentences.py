"""Plain sentences about a result, built from the rules' own values so a changed threshold changes the wording."""

from __future__ import annotations

from collections.abc import Mapping

from calfcore.models import LegPair, Side
from calfcore.protocol import STANDARD_PROTOCOL
from calfcore.scoring import PainZone
from calfcore.thresholds import (
    MEASUREMENT_NOISE_REPS,
    PAIN_ACCEPTABLE_MAX,
    PAIN_SAFE_MAX,
    PLYO_FIRST_WEEK_CONTACTS_MAX,
    PLYO_FIRST_WEEK_CONTACTS_MIN,
    RUNNER_TARGET_REPS,
    STIFFNESS_RISE_MARGIN_MINUTES,
    SYMMETRY_FLAG_PERCENT,
)

ZONE_WORDS = {
    PainZone.SAFE: f"the safe zone (0–{int(PAIN_SAFE_MAX.value)})",
    PainZone.ACCEPTABLE: (
        f"the acceptable zone ({int(PAIN_SAFE_MAX.value) + 1}–{int(PAIN_ACCEPTABLE_MAX.value)}, "
        "fine if it settles by the next morning)"
    ),
    PainZone.TOO_MUCH: f"the too-much zone (over {int(PAIN_ACCEPTABLE_MAX.value)}: ease off)",
}


def weaker_leg(raises: LegPair) -> str | None:
    """'Left 18, right 26: the left leg is weaker.' None when a leg is missing. Worded for anyone reading it: the
    coach's view and the PDF report show it too."""
    both = raises.both()
    if both is None:
        return None
    left, right = int(both.left), int(both.right)
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


def scoring_rules() -> str:
    """'How scoring works' in a few lines of markdown, from the same constants and data the scoring uses."""
    noise = int(MEASUREMENT_NOISE_REPS.value)
    cueing = "cued" if STANDARD_PROTOCOL.cued else "not cued"
    safe, acceptable = int(PAIN_SAFE_MAX.value), int(PAIN_ACCEPTABLE_MAX.value)
    return (
        "- Each leg is compared with a published reference measured **with the same protocol** (cued and uncued "
        f"tests are never mixed; the standard test above is {cueing}, like its reference) and **only within the "
        "ages and population it was measured in**. *Typical* is within one standard deviation of it, the "
        "spread between healthy people (about 30% of the reference), edges included: the range shown is the one "
        "that decides.\n"
        "- No reference covers runners under 18, ages outside a study's sample, tests with added load or "
        "protocols no study used: those tests get **no band**. Your stage then comes from the runner target, "
        "symmetry, pain and your own trend.\n"
        f"- A change between two comparable tests is real only beyond ±{noise} raises: retesting the same person a "
        f"week apart varies that much, so a change of {noise} or fewer is noise.\n"
        f"- The runner target is **{int(RUNNER_TARGET_REPS.value)}+ raises per leg**: expert opinion, not a norm. "
        "It, not an age reference, opens the power stage.\n"
        f"- Limb symmetry is the weaker leg ÷ the stronger × 100 (you also see injured ÷ uninjured when you mark a "
        f"side); under **{SYMMETRY_FLAG_PERCENT.text}** on any variant you record (knee straight, knee "
        "bent, heel height) the weaker side gets extra work and jumping waits.\n"
        f"- Pain 0–{safe} is safe, {safe + 1}–{acceptable} acceptable if settled by the next morning, over "
        f"{acceptable} too much. Next-morning pain, or stiffness by {STIFFNESS_RISE_MARGIN_MINUTES.text} or more, "
        f"rising week on week is a warning; you leave the calm-down stage once next-morning pain is back to {safe} "
        "or less.\n"
        f"- Jumping starts at {int(PLYO_FIRST_WEEK_CONTACTS_MIN.value)}–{int(PLYO_FIRST_WEEK_CONTACTS_MAX.value)} "
        f"ground contacts per session and rises only in weeks you record as settled (pain at {safe} or less); a "
        "flare starts it again from the first week's dose.\n"
        "- Any warning sign in the safety check stops everything and sends you to a clinician."
    )
