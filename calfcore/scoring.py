"""Scores a heel-raise test: per-leg band against the fitting reference, the runner target, limb symmetry,
change since the last comparable test, and pain zones. Pure functions over calfcore.models values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from calfcore.models import HeelRaiseTest, LegPair, RunnerProfile, Side, SymptomEntry
from calfcore.norms import NormReference, find_reference
from calfcore.thresholds import (
    KNEE_TO_WALL_NOISE_CM,
    MEASUREMENT_NOISE_REPS,
    MORNING_STIFFNESS_REFERRAL_MINUTES,
    PAIN_ACCEPTABLE_MAX,
    PAIN_SAFE_MAX,
    RUNNER_TARGET_REPS,
    SEATED_SOLEUS_TARGET_BW,
    SYMMETRY_FLAG_PERCENT,
    WELL_BELOW_SPREADS,
    figure_beside,
)


class Band(StrEnum):
    WELL_BELOW = "well below"
    BELOW = "below"
    TYPICAL = "typical"
    ABOVE = "above"


class PainZone(StrEnum):
    SAFE = "safe"
    ACCEPTABLE = "acceptable"
    TOO_MUCH = "too much"


def band_for(reps: float, reference: NormReference) -> Band:
    """Where reps sit against a reference, in units of the spread between healthy people (its SD).

    Typical: inside the typical range, the reference ± one SD in whole raises, edges included (the same range the
    pages print, `NormReference.typical`); above or below: outside it; well below: two SD or more under. The
    reference may be a narrow range (second-hand tables disagree by a rep); the spread is measured from the nearer
    end, so a 1-rep disagreement between table versions never changes a band.
    """
    typical = reference.typical
    if reps > typical.high:
        return Band.ABOVE
    if typical.contains(reps):
        return Band.TYPICAL
    if reps <= reference.reps_low - WELL_BELOW_SPREADS * reference.spread_sd:
        return Band.WELL_BELOW
    return Band.BELOW


def limb_symmetry_index(pair: LegPair, injured_side: Side | None = None) -> float | None:
    """Limb symmetry index in percent (Silbernagel 2010).

    With an injured side marked: injured ÷ uninjured × 100 (can exceed 100). Otherwise weaker ÷ stronger × 100,
    which is at most 100 and does not depend on which leg is which. None when it cannot be computed.
    """
    both = pair.both()
    if both is None:
        return None
    left, right = float(both.left), float(both.right)
    if injured_side is not None:
        injured, uninjured = (left, right) if injured_side is Side.LEFT else (right, left)
        if uninjured == 0:
            return None
        return injured / uninjured * 100
    stronger = max(left, right)
    if stronger == 0:
        return None
    # Unrounded: rules decide on the exact value, and texts show it with `symmetry_text` (26/29 is 89.7%, never 90%).
    return min(left, right) / stronger * 100


def weaker_side(pair: LegPair, injured_side: Side | None = None) -> Side | None:
    """The side that gets extra volume: the leg with fewer reps, even when the other one is marked injured (an
    uninjured leg can be the weak one). With equal legs, the marked injured side; else None."""
    both = pair.both()
    if both is None:
        return None
    if both.left == both.right:
        return injured_side
    return Side.LEFT if both.left < both.right else Side.RIGHT


def symmetry_text(percent: float) -> str:
    """A symmetry figure as texts show it beside the 90% line: never rounded onto or across it."""
    return figure_beside(percent, SYMMETRY_FLAG_PERCENT, lambda value: value < SYMMETRY_FLAG_PERCENT.value)


def knee_to_wall_text(difference_cm: float) -> str:
    """A side difference beside the 2 cm error line, never rounded onto or across it (1.96 cm is not "2 cm")."""
    return figure_beside(
        difference_cm, KNEE_TO_WALL_NOISE_CM, lambda value: value >= KNEE_TO_WALL_NOISE_CM.value, unit=" cm", decimals=1
    )


def soleus_text(ratio_bw: float) -> str:
    """A seated-soleus load beside the 1.5 × body weight target, never rounded onto or across it."""
    return figure_beside(
        ratio_bw, SEATED_SOLEUS_TARGET_BW, lambda value: value >= SEATED_SOLEUS_TARGET_BW.value, decimals=2, unit=""
    )


def gate_symmetry(pair: LegPair | None) -> float | None:
    """Weaker ÷ stronger × 100, whichever side is marked injured: what the power gate and the 90% flag use, so
    that an uninjured leg weaker than the injured one is never passed at over 100%."""
    return limb_symmetry_index(pair) if pair is not None else None


def pain_zone(pain: int) -> PainZone:
    """Pain-monitoring model zones: 0-2 safe, 3-5 acceptable, over 5 too much (Silbernagel 2007)."""
    if pain <= PAIN_SAFE_MAX.value:
        return PainZone.SAFE
    if pain <= PAIN_ACCEPTABLE_MAX.value:
        return PainZone.ACCEPTABLE
    return PainZone.TOO_MUCH


@dataclass(frozen=True)
class LegScore:
    side: Side
    reps: int
    reference: NormReference | None
    band: Band | None
    meets_runner_target: bool


@dataclass(frozen=True)
class RepChange:
    side: Side
    previous_reps: int
    delta: int
    within_noise: bool


@dataclass(frozen=True)
class Advisory:
    """Something worth attention that does not stop training (unlike a red flag)."""

    kind: str
    message: str
    source_id: str


@dataclass(frozen=True)
class TestScore:
    legs: tuple[LegScore, LegScore]
    symmetry_percent: float | None
    symmetry_flagged: bool
    bent_symmetry_percent: float | None
    height_symmetry_percent: float | None
    previous_test: HeelRaiseTest | None
    changes: tuple[RepChange, ...]
    pain_zones: dict[Side, PainZone]
    soleus_ratio_bw: float | None
    soleus_meets_target: bool | None
    knee_to_wall_difference_cm: float | None
    advisories: tuple[Advisory, ...]
    # Weaker ÷ stronger per variant recorded (knee straight, knee bent, heel height), for the 90% flag and the gate.
    gate_symmetries: tuple[tuple[str, float], ...] = ()

    @property
    def asymmetric_variants(self) -> tuple[tuple[str, float], ...]:
        """The recorded variants whose weaker ÷ stronger is under 90%."""
        return tuple((name, value) for name, value in self.gate_symmetries if value < SYMMETRY_FLAG_PERCENT.value)

    def leg(self, side: Side) -> LegScore:
        return self.legs[0] if side is Side.LEFT else self.legs[1]

    @property
    def weaker_reps(self) -> int:
        return min(leg.reps for leg in self.legs)


def previous_comparable(test: HeelRaiseTest, history: Sequence[HeelRaiseTest]) -> HeelRaiseTest | None:
    """The latest earlier test done with the same protocol; other protocols are never compared."""
    earlier = [
        past
        for past in history
        if past.protocol == test.protocol
        and (past.tested_on, past.id or 0) < (test.tested_on, test.id or 2**62)
        and past.id != test.id
    ]
    return max(earlier, key=lambda past: (past.tested_on, past.id or 0), default=None)


def rep_changes(test: HeelRaiseTest, previous: HeelRaiseTest | None) -> tuple[RepChange, ...]:
    if previous is None:
        return ()
    changes = []
    for side in Side:
        now, before = test.straight_reps.get(side), previous.straight_reps.get(side)
        if now is None or before is None:
            continue
        delta = int(now - before)
        # Limits of agreement -6.2 to +6.5: a change of exactly 6 is still noise.
        changes.append(RepChange(side, int(before), delta, abs(delta) <= MEASUREMENT_NOISE_REPS.value))
    return tuple(changes)


def _worst_pain_by_side(symptoms: Sequence[SymptomEntry]) -> dict[Side, int]:
    worst: dict[Side, int] = {}
    for entry in symptoms:
        if entry.worst_pain is not None:
            worst[entry.side] = max(worst.get(entry.side, 0), entry.worst_pain)
    return worst


def symptom_advisories(symptoms: Sequence[SymptomEntry]) -> list[Advisory]:
    advisories = []
    for entry in symptoms:
        side = entry.side.value
        if entry.pain_during is not None and entry.pain_during > PAIN_ACCEPTABLE_MAX.value:
            advisories.append(
                Advisory(
                    "pain_too_much",
                    f"Pain during the test on the {side} was {entry.pain_during}/10: "
                    "over 5 is more than the tendon should take. Ease off.",
                    "silbernagel_2007",
                )
            )
        if entry.pain_next_morning is not None and entry.pain_next_morning > PAIN_SAFE_MAX.value:
            advisories.append(
                Advisory(
                    "pain_not_settled",
                    f"The {side} had not settled by the next morning "
                    f"({entry.pain_next_morning}/10). Pain should be back to your usual level by then.",
                    "silbernagel_2007",
                )
            )
        if entry.stiffness_minutes is not None and entry.stiffness_minutes > MORNING_STIFFNESS_REFERRAL_MINUTES.value:
            advisories.append(
                Advisory(
                    "long_stiffness",
                    f"Morning stiffness on the {side} lasted {entry.stiffness_minutes} min. "
                    "Stiffness over 30 minutes is worth showing to a clinician.",
                    "referral_flags",
                )
            )
    return advisories


def score_test(
    test: HeelRaiseTest,
    runner: RunnerProfile,
    history: Sequence[HeelRaiseTest] = (),
    symptoms: Sequence[SymptomEntry] = (),
) -> TestScore:
    """Score one test. `history` may include the test itself; only earlier, same-protocol tests are compared."""
    age = runner.age_on(test.tested_on)
    reference = find_reference(test.protocol, runner.sex, age)
    legs = []
    for side in Side:
        reps = int(test.straight_reps.get(side) or 0)
        legs.append(
            LegScore(
                side=side,
                reps=reps,
                reference=reference,
                band=band_for(reps, reference) if reference else None,
                meets_runner_target=reps >= RUNNER_TARGET_REPS.value,
            )
        )
    symmetry = limb_symmetry_index(test.straight_reps, runner.injured_side)
    gates = []
    for name, pair in (
        ("knee straight", test.straight_reps),
        ("knee bent", test.bent_reps),
        ("heel height", test.heel_height_cm),
    ):
        value = gate_symmetry(pair)
        if value is not None:
            gates.append((name, value))
    straight_gate = gate_symmetry(test.straight_reps)
    flagged = straight_gate is not None and straight_gate < SYMMETRY_FLAG_PERCENT.value
    previous = previous_comparable(test, history)

    soleus_ratio = soleus_meets = None
    if test.soleus is not None and test.soleus.body_weight_kg > 0:
        soleus_ratio = test.soleus.load_kg / test.soleus.body_weight_kg  # unrounded: 1.499 does not meet 1.5
        reps_done = [r for r in (test.soleus.reps.left, test.soleus.reps.right) if r is not None]
        # The expert target is a load lifted at least once (1RM-8RM); more reps at that load also meet it.
        soleus_meets = soleus_ratio >= SEATED_SOLEUS_TARGET_BW.value and bool(reps_done) and min(reps_done) >= 1

    knee_to_wall_diff = None
    if test.knee_to_wall_cm is not None and (knee_to_wall := test.knee_to_wall_cm.both()) is not None:
        knee_to_wall_diff = abs(knee_to_wall.left - knee_to_wall.right)

    advisories = symptom_advisories(symptoms)
    if flagged:
        advisories.append(
            Advisory(
                "asymmetry",
                f"Weaker ÷ stronger leg is {symmetry_text(straight_gate or 0)}, under the "
                f"{SYMMETRY_FLAG_PERCENT.text} line: "
                "the weaker side gets extra work.",
                "green_2022",
            )
        )
    for name, value in gates:
        if name != "knee straight" and value < SYMMETRY_FLAG_PERCENT.value:
            advisories.append(
                Advisory(
                    "asymmetry",
                    f"{name.capitalize()}: weaker ÷ stronger side is {symmetry_text(value)}, "
                    f"under the {SYMMETRY_FLAG_PERCENT.text} line.",
                    "green_2022",
                )
            )
    if knee_to_wall_diff is not None and knee_to_wall_diff >= KNEE_TO_WALL_NOISE_CM.value:
        advisories.append(
            Advisory(
                "knee_to_wall",
                f"Knee-to-wall differs by {knee_to_wall_text(knee_to_wall_diff)} between "
                "legs, more than the test's error of about 2 cm.",
                "powden_2015",
            )
        )

    return TestScore(
        legs=(legs[0], legs[1]),
        symmetry_percent=symmetry,
        symmetry_flagged=flagged,
        bent_symmetry_percent=limb_symmetry_index(test.bent_reps, runner.injured_side) if test.bent_reps else None,
        height_symmetry_percent=(
            limb_symmetry_index(test.heel_height_cm, runner.injured_side) if test.heel_height_cm else None
        ),
        previous_test=previous,
        changes=rep_changes(test, previous),
        pain_zones={side: pain_zone(pain) for side, pain in _worst_pain_by_side(symptoms).items()},
        soleus_ratio_bw=soleus_ratio,
        soleus_meets_target=soleus_meets,
        knee_to_wall_difference_cm=knee_to_wall_diff,
        advisories=tuple(advisories),
        gate_symmetries=tuple(gates),
    )
