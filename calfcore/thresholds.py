"""Every number the scoring, triage and routine rules use, with the source it came from.

A `Threshold` carries its source id (see data/sources.toml) so that the app can show where a line on a chart
or a rule in the routine comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from calfcore.evidence import Source, source


@dataclass(frozen=True)
class Threshold:
    value: float
    unit: str
    source_id: str

    @property
    def source(self) -> Source:
        return source(self.source_id)

    @property
    def text(self) -> str:
        """The value as sentences write it ("90%", "30 reps", "1.5 × body weight"): texts are built from this, so a
        changed threshold changes every sentence that states it."""
        return f"{self.value:g}{self.unit}" if self.unit == "%" else f"{self.value:g} {self.unit}"


def figure_beside(
    value: float, threshold: Threshold, decides: Callable[[float], bool], *, decimals: int = 0, unit: str = "%"
) -> str:
    """`value` as a sentence shows it next to `threshold`, never rounded onto or across it: the rule decides on the
    unrounded value, and the figure shown must land on the same side. 26/29 is 89.7%, not "90%, under the 90% line".
    `decides` is the rule's own comparison (for the symmetry flag, `value < 90`). Whole figures where they are
    clear, one decimal more near the threshold, and "just under 90%" where even that would round onto it."""
    for places in (decimals, decimals + 1):
        shown = round(value, places)
        if decides(shown) == decides(value):
            return f"{shown:.{places}f}{unit}"
    side = "under" if value < threshold.value else "over"
    return f"just {side} {threshold.text}"


# Retest limits of agreement were -6.2 to +6.5 reps (Hébert-Losier 2017): a change between two comparable tests is
# real only beyond them, so a change of 6 raises or fewer is measurement noise. This is the threshold for a change,
# never the width of a band (that is the spread between healthy people, data/norms.toml).
MEASUREMENT_NOISE_REPS = Threshold(6, "reps", "hebert_losier_2017")

# Runner target: expert opinion, not a norm (Green 2022 return-to-play checklist).
RUNNER_TARGET_REPS = Threshold(30, "reps", "green_2022")

# Limb symmetry index: flag below 90% (≤10% asymmetry, Green 2022; about the edge of healthy variation,
# Lawrance 2017). Definition: involved ÷ uninvolved × 100 (Silbernagel 2010).
SYMMETRY_FLAG_PERCENT = Threshold(90, "%", "green_2022")

# Pain-monitoring model zones (Silbernagel 2007, clinic summaries): 0-2 safe, 3-5 acceptable, over 5 too much.
PAIN_SAFE_MAX = Threshold(2, "/10", "silbernagel_2007")
PAIN_ACCEPTABLE_MAX = Threshold(5, "/10", "silbernagel_2007")

# Morning stiffness beyond 30 minutes is a reason for a medical review (referral flags).
MORNING_STIFFNESS_REFERRAL_MINUTES = Threshold(30, "min", "referral_flags")

# Morning stiffness must not rise week on week (Silbernagel 2007, READ-SECONDARY), but minutes are a rough self-report:
# a rise counts only when it is at least 10 minutes (a third of the 30-minute referral line), so 2 -> 4 min is not a
# warning and 5 -> 15 min is. Our convention, not a published cut-off; the 30-minute referral stays as it is.
STIFFNESS_RISE_MARGIN_MINUTES = Threshold(10, "min", "silbernagel_2007")
STIFFNESS_RISE_MARGIN_BASIS = "Calf Check's convention (a rise of 10 minutes or more), not a published figure"

# Loaded soleus and straight-knee targets relative to body weight (expert opinion, Green 2022, 1RM-8RM loads).
SEATED_SOLEUS_TARGET_BW = Threshold(1.5, "× body weight", "green_2022")
STRAIGHT_KNEE_LOAD_TARGET_BW = Threshold(1.0, "× body weight", "green_2022")

# Knee-to-wall: changes or side differences under about 2 cm are within error (MDC 1.6-1.9 cm, Powden 2015).
KNEE_TO_WALL_NOISE_CM = Threshold(2, "cm", "powden_2015")
KNEE_TO_WALL_HEALTHY_CM = Threshold(12, "cm", "hoch_mckeon_2011")

# Bands in units of the reference's spread (standard deviation between healthy people): typical within 1 SD,
# "well below" 2 SD or more under (about the lowest 2.5% of a normal spread). Our convention, not a published cut-off.
TYPICAL_SPREADS = 1
WELL_BELOW_SPREADS = 2

# Plyometrics: the first power week has about 25-50 ground contacts per session in total (clinic advice, expert
# opinion). Each further week in which pain stayed at 2/10 or less and had settled by the next morning adds about
# 5 contacts to each plyometric exercise (seed 001: "+5 as you progress").
PLYO_FIRST_WEEK_CONTACTS_MIN = Threshold(25, "contacts per session", "healthhp_plyo")
PLYO_FIRST_WEEK_CONTACTS_MAX = Threshold(50, "contacts per session", "healthhp_plyo")
PLYO_WEEKLY_RISE_PER_EXERCISE = Threshold(5, "contacts", "seed_001")

# Return to run (data/return_to_run.toml): hop on the spot at least 10 times on each leg (Goom 2019: 10 each leg;
# the checklist asks 10-15), with pain in the safe zone of the pain-monitoring model (0-2/10, Silbernagel 2007).
RETURN_HOPS_MIN = Threshold(10, "hops per leg", "goom_2019")
RETURN_HOPS_PAIN_MAX = Threshold(2, "/10", "silbernagel_2007")

# Running volume: a week whose distance is more than 30% above the week before it goes with more overuse injuries in
# novice runners (Nielsen 2014, read second-hand). Exactly 30% is not a jump; 30.1% is.
RUNNING_JUMP_PERCENT = Threshold(30, "%", "nielsen_2014")
