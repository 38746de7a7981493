"""Where each leg stands, at a glance: the one short line under the per-leg bars (calfcore.charts.leg_bars), the
bars' rows, and the picture's text alternative. Built from a test's score (calfcore.scoring), so the words and the
picture decide exactly as the score does: a count on a band edge is "in the typical range" because the score's
band says typical for it, and the band drawn is the same whole-raise range (`NormReference.typical`).
"""

from __future__ import annotations

import pandas as pd

from calfcore.models import Side
from calfcore.norms import format_reps
from calfcore.scoring import Band, LegScore, TestScore
from calfcore.thresholds import RUNNER_TARGET_REPS

SIDE_NAMES = {Side.LEFT: "Left", Side.RIGHT: "Right"}

BAND_PHRASES = {
    Band.WELL_BELOW: "well below the typical range",
    Band.BELOW: "below the typical range",
    Band.TYPICAL: "in the typical range",
    Band.ABOVE: "above the typical range",
}
ALT_START = "At a glance, raises per leg (knee straight):"  # how the picture's text alternative begins
NO_BAND_PHRASE = "no typical range (no published reference fits this test)"


def target_phrase(reps: float) -> str:
    """'under the runner target of 30', 'at the runner target of 30' or 'over the runner target of 30'."""
    target = RUNNER_TARGET_REPS.value
    side = "under" if reps < target else "at" if reps == target else "over"
    return f"{side} the runner target of {format_reps(target)}"


def band_phrase(leg: LegScore) -> str:
    """'in the typical range for men aged 40–49', or that no range fits: the score's own band, never recomputed."""
    if leg.reference is None or leg.band is None:
        return NO_BAND_PHRASE
    return f"{BAND_PHRASES[leg.band]} for {leg.reference.group}"


def leg_line(leg: LegScore) -> str:
    """The one short line under the picture: 'Left 18: under the runner target of 30; in the typical range for men
    aged 40–49'."""
    return f"{SIDE_NAMES[leg.side]} {leg.reps}: {target_phrase(leg.reps)}; {band_phrase(leg)}"


def leg_lines(score: TestScore) -> tuple[str, str]:
    left, right = (leg_line(leg) for leg in score.legs)
    return left, right


def leg_label(leg: LegScore, injured_side: Side | None = None) -> str:
    """A bar's row name: 'Left', or 'Right (injured)'."""
    return SIDE_NAMES[leg.side] + (" (injured)" if leg.side is injured_side else "")


def glance_frame(score: TestScore, injured_side: Side | None = None) -> pd.DataFrame:
    """One row per leg for the bars: its count, the other leg's, its typical range (NaN where no reference fits)
    and the runner target."""
    rows = []
    for leg in score.legs:
        other = score.leg(leg.side.other)
        typical = leg.reference.typical if leg.reference is not None and leg.band is not None else None
        rows.append(
            {
                "leg": leg_label(leg, injured_side),
                "side": leg.side.value,
                "reps": leg.reps,
                "other_reps": other.reps,
                "typical_low": float(typical.low) if typical else float("nan"),
                "typical_high": float(typical.high) if typical else float("nan"),
                "typical": typical.text if typical else "none",
                "target": RUNNER_TARGET_REPS.value,
                "line": leg_line(leg),
            }
        )
    return pd.DataFrame(rows)


def glance_text(score: TestScore) -> str:
    """The picture's text alternative: every count, range and line it draws, in words."""
    left, right = score.legs
    text = f"{ALT_START} left {left.reps}, right {right.reps}."
    reference = left.reference if left.band is not None else right.reference if right.band is not None else None
    if reference is None:
        text += " No typical range shown: no published reference fits this test."
    else:
        text += f" Shaded: the typical range, {reference.typical.text} raises for {reference.group}."
    text += f" Dashed line: the runner target of {format_reps(RUNNER_TARGET_REPS.value)}."
    return f"{text} {leg_line(left)}. {leg_line(right)}."
