"""Every number the scoring, triage and routine rules use, with the source it came from.

A `Threshold` carries its source id (see data/sources.toml) so that the app can show where a line on a chart
or a rule in the routine comes from.
"""

from __future__ import annotations

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


# Retest limits of agreement were about ±6 reps (Hébert-Losier 2017): smaller changes are measurement noise.
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

# Loaded soleus and straight-knee targets relative to body weight (expert opinion, Green 2022, 1RM-8RM loads).
SEATED_SOLEUS_TARGET_BW = Threshold(1.5, "× body weight", "green_2022")
STRAIGHT_KNEE_LOAD_TARGET_BW = Threshold(1.0, "× body weight", "green_2022")

# Knee-to-wall: changes or side differences under about 2 cm are within error (MDC 1.6-1.9 cm, Powden 2015).
KNEE_TO_WALL_NOISE_CM = Threshold(2, "cm", "powden_2015")
KNEE_TO_WALL_HEALTHY_CM = Threshold(12, "cm", "hoch_mckeon_2011")

# A result well under the reference: below half of it. Our convention for the lowest band, not a published cut-off.
WELL_BELOW_FRACTION = 0.5
