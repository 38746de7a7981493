"""Clinical review (issue 11): known cases, written from the sources, each naming the rule and the source it checks.

Expected values come from shared/reference/evidence.md, never from the code's output:
- Hébert-Losier 2017: sample aged 20-81, 10° incline, 60 beats/min; retest limits of agreement -6.2 to +6.5 raises;
  per-decade table second-hand (20-29 M 37 / F 30-31, 30-39 F 27-28, 80+ M 10).
- Green 2024 (uncued 33.9 ± 10.3) and Lunsford & Perry 1995 (27.9, give or take 10): healthy people spread by an
  SD of about 10 raises, the width of the typical band. Cued counts run about 12 lower: never mixed.
- Lunsford & Perry 1995: flat floor, ages 20-59, pace unconfirmed.
- Green 2022 (expert opinion): 30+ raises, asymmetry ≤10% (weaker ÷ stronger ≥90%) before power work.
- Health & High Performance clinic (expert opinion): start plyometrics at about 25-50 ground contacts.
- Silbernagel 2007: pain ≤5 and settled by the next morning; next-morning pain or stiffness must not rise weekly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from calfcore.checkin import advise, read_checkin
from calfcore.models import (
    LegPair,
    PainLocation,
    Protocol,
    RunnerProfile,
    Sex,
    Side,
    Surface,
)
from calfcore.norms import find_reference
from calfcore.protocol import STANDARD_PROTOCOL, STANDARD_REFERENCE_ID
from calfcore.routine import (
    EquipmentAccess,
    Stage,
    choose_stage,
    pain_picture,
    recommend,
)
from calfcore.scoring import Band, rep_changes, score_test
from calfcore.triage import triage
from tests.unit.helpers import STANDARD, TODAY, heel_test, runner, symptom

FLAT_60 = Protocol(cadence_bpm=60, surface=Surface.FLAT, cued=False)
FLAT_SELF_PACED = Protocol(cadence_bpm=0, surface=Surface.FLAT, cued=False)
CUED = dataclasses.replace(STANDARD, cued=True)
LOADED = dataclasses.replace(STANDARD, added_load_kg=10)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@dataclass(frozen=True)
class Case:
    rule: str
    source: str  # a data/sources.toml id
    given: dict[str, Any]
    expect: Any

    @property
    def id(self) -> str:
        return f"{self.rule} [{self.source}]"


def cases(*table: Case) -> Any:
    return pytest.mark.parametrize("case", table, ids=[case.id for case in table])


# --- bands: the healthy spread, only inside the sample's ages, protocol and cueing ---------------------------------

BAND_CASES = (
    Case(
        "band edge: 28 is typical for a 20-year-old man (37 - 1 SD < 28)",
        "hebert_losier_2017_decades",
        {"sex": Sex.MALE, "age": 20, "protocol": STANDARD, "reps": 28},
        Band.TYPICAL,
    ),
    Case(
        "band edge: 27 is below for a 20-year-old man (37 - 10)",
        "green_2024",
        {"sex": Sex.MALE, "age": 20, "protocol": STANDARD, "reps": 27},
        Band.BELOW,
    ),
    Case(
        "band: a count 6 under the reference is typical, not below (the band is not the noise)",
        "green_2024",
        {"sex": Sex.MALE, "age": 29, "protocol": STANDARD, "reps": 31},
        Band.TYPICAL,
    ),
    Case(
        "band: 47 is above for a 29-year-old man (37 + 1 SD)",
        "hebert_losier_2017_decades",
        {"sex": Sex.MALE, "age": 29, "protocol": STANDARD, "reps": 47},
        Band.ABOVE,
    ),
    Case(
        "band: 17 is well below for a 25-year-old man (37 - 2 SD)",
        "green_2024",
        {"sex": Sex.MALE, "age": 25, "protocol": STANDARD, "reps": 17},
        Band.WELL_BELOW,
    ),
    Case(
        "band edge: 38 is above for a 30-year-old woman (27-28 + 10)",
        "hebert_losier_2017_decades",
        {"sex": Sex.FEMALE, "age": 30, "protocol": STANDARD, "reps": 38},
        Band.ABOVE,
    ),
    Case(
        "band edge: 18 is typical for a 39-year-old woman (27 - 10 < 18)",
        "hebert_losier_2017_decades",
        {"sex": Sex.FEMALE, "age": 39, "protocol": STANDARD, "reps": 18},
        Band.TYPICAL,
    ),
    Case(
        "band: the oldest age sampled (81) still has a reference",
        "hebert_losier_2017",
        {"sex": Sex.MALE, "age": 81, "protocol": STANDARD, "reps": 20},
        Band.ABOVE,
    ),
    Case(
        "no band: 82 is older than anyone in the sample (20-81)",
        "hebert_losier_2017",
        {"sex": Sex.MALE, "age": 82, "protocol": STANDARD, "reps": 20},
        None,
    ),
    Case(
        "no band: 95 is not served by the '80+' row",
        "hebert_losier_2017",
        {"sex": Sex.FEMALE, "age": 95, "protocol": STANDARD, "reps": 14},
        None,
    ),
    Case(
        "no band: 19 is younger than anyone in the sample",
        "hebert_losier_2017",
        {"sex": Sex.FEMALE, "age": 19, "protocol": STANDARD, "reps": 30},
        None,
    ),
    Case(
        "no band: under-18s", "hebert_losier_2017", {"sex": Sex.MALE, "age": 16, "protocol": STANDARD, "reps": 30}, None
    ),
    Case(
        "no band: a loaded test",
        "hebert_losier_2017",
        {"sex": Sex.FEMALE, "age": 35, "protocol": LOADED, "reps": 30},
        None,
    ),
    Case(
        "no band: a cued test against the uncued per-decade table",
        "green_2024",
        {"sex": Sex.FEMALE, "age": 35, "protocol": CUED, "reps": 22},
        None,
    ),
    Case(
        "no band: a flat cued test (Green's cued sample has no recorded ages)",
        "green_2024",
        {"sex": Sex.MALE, "age": 25, "protocol": dataclasses.replace(FLAT_60, cued=True), "reps": 22},
        None,
    ),
    Case(
        "no band: a pooled reference with no recorded ages is not stretched to an unspecified sex",
        "sleeswijk_visser_2025",
        {"sex": Sex.UNSPECIFIED, "age": 35, "protocol": STANDARD, "reps": 25},
        None,
    ),
    Case(
        "flat uncued: 18 is typical against 27.9 ± 10",
        "lunsford_perry_1995",
        {"sex": Sex.FEMALE, "age": 35, "protocol": FLAT_60, "reps": 18},
        Band.TYPICAL,
    ),
    Case(
        "flat uncued: 17 is below against 27.9 ± 10",
        "lunsford_perry_1995",
        {"sex": Sex.FEMALE, "age": 35, "protocol": FLAT_60, "reps": 17},
        Band.BELOW,
    ),
    Case(
        "flat, self-paced: Lunsford & Perry is not tied to 60 beats/min",
        "lunsford_perry_1995",
        {"sex": Sex.MALE, "age": 40, "protocol": FLAT_SELF_PACED, "reps": 28},
        Band.TYPICAL,
    ),
    Case(
        "no band: flat floor at 60, but older than Lunsford & Perry's 20-59",
        "lunsford_perry_1995",
        {"sex": Sex.MALE, "age": 60, "protocol": FLAT_60, "reps": 28},
        None,
    ),
)


@cases(*BAND_CASES)
def test_band(case: Case) -> None:
    g = case.given
    who = runner(g["sex"], g["age"])
    score = score_test(heel_test(g["reps"], g["reps"], protocol=g["protocol"]), who)
    assert score.leg(Side.LEFT).band is case.expect
    assert (score.leg(Side.LEFT).reference is None) is (case.expect is None)


def test_band_width_is_the_published_spread_with_its_tag() -> None:
    # Rule: the band's width comes from a published spread, with its source and tag [green_2024].
    reference = find_reference(STANDARD, Sex.FEMALE, 35)
    assert reference is not None
    assert (reference.typical_low, reference.typical_high) == (17, 38)
    assert "Green et al. 2024" in reference.spread_label and "read in the study itself" in reference.spread_label


def test_lunsford_perry_is_shown_as_approximate() -> None:
    # Rule: a reference whose pace is unconfirmed is shown as approximate [lunsford_perry_1995].
    reference = find_reference(FLAT_60, Sex.MALE, 30)
    assert reference is not None and reference.approximate and not reference.pace_confirmed
    assert reference.label == "about 27.9 reps"


def test_the_standard_protocol_has_the_cueing_of_its_reference() -> None:
    # Rule: the app's standard protocol matches the cueing of the reference it points to [green_2024].
    reference = find_reference(STANDARD_PROTOCOL, Sex.FEMALE, 35)
    assert reference is not None and reference.reference_id == STANDARD_REFERENCE_ID
    assert reference.cued is STANDARD_PROTOCOL.cued


# --- noise: the threshold for a real change --------------------------------------------------------------------

NOISE_CASES = (
    Case("change of exactly +6 is noise (LoA up to +6.5)", "hebert_losier_2017", {"delta": 6}, True),
    Case("change of exactly -6 is noise (LoA down to -6.2)", "hebert_losier_2017", {"delta": -6}, True),
    Case("change of +7 is beyond the limits: real", "hebert_losier_2017", {"delta": 7}, False),
    Case("change of -7 is beyond the limits: real", "hebert_losier_2017", {"delta": -7}, False),
)


@cases(*NOISE_CASES)
def test_change_noise(case: Case) -> None:
    before = heel_test(24, 24, day=ago(14), id=1)
    now = heel_test(24 + case.given["delta"], 24, id=2)
    left = rep_changes(now, before)[0]
    assert left.within_noise is case.expect


# --- stages: the power gate --------------------------------------------------------------------------------------


def stage_of(
    left: int,
    right: int,
    *,
    who: RunnerProfile | None = None,
    protocol: Protocol = STANDARD,
    symptoms: tuple = (),
    **extra: Any,
) -> tuple[Stage, str]:
    who = who or runner(Sex.FEMALE, 35)
    score = score_test(heel_test(left, right, protocol=protocol, **extra), who)
    decision = choose_stage(score, pain_picture(list(symptoms), TODAY))
    return decision.stage, " ".join(decision.reasons)


GATE_CASES = (
    Case("power: both legs at 30, symmetric, no pain", "green_2022", {"reps": (30, 30)}, (Stage.POWER, "")),
    Case(
        "power gated by the runner target, not the age reference (man of 25: reference 37)",
        "green_2022",
        {"reps": (31, 31), "who": runner(Sex.MALE, 25)},
        (Stage.POWER, "below the reference"),
    ),
    Case("no power at 29 raises on the weaker leg", "green_2022", {"reps": (29, 35)}, (Stage.LOAD, "30 raises")),
    Case(
        "no power: knee-bent asymmetry over 10% (30/35 = 86%)",
        "green_2022",
        {"reps": (30, 30), "bent_reps": LegPair(30, 35)},
        (Stage.LOAD, "knee bent (now 86%)"),
    ),
    Case(
        "no power: heel-height asymmetry over 10% (8.0/9.5 = 84%)",
        "healthhp_plyo",
        {"reps": (30, 30), "heel_height_cm": LegPair(8.0, 9.5)},
        (Stage.LOAD, "heel height (now 84%)"),
    ),
    Case(
        "power: every variant recorded at 90% or more",
        "green_2022",
        {"reps": (30, 31), "bent_reps": LegPair(32, 35), "heel_height_cm": LegPair(9.0, 9.5)},
        (Stage.POWER, ""),
    ),
    Case(
        "no power with pain 3 this week",
        "silbernagel_2007",
        {"reps": (30, 30), "symptoms": (symptom(ago(2), Side.LEFT, during=3),)},
        (Stage.LOAD, "pain at 2/10"),
    ),
    Case(
        "power with pain 2 this week",
        "silbernagel_2007",
        {"reps": (30, 30), "symptoms": (symptom(ago(2), Side.LEFT, during=2),)},
        (Stage.POWER, ""),
    ),
    Case(
        "injured side marked: an uninjured leg 15% weaker is flagged, not passed at 117%",
        "green_2022",
        {"reps": (30, 35), "who": runner(Sex.FEMALE, 35, injured_side=Side.RIGHT)},
        (Stage.LOAD, "knee straight (now 86%)"),
    ),
    Case(
        "injured side marked: injured leg weaker by 14% keeps power closed",
        "silbernagel_2010",
        {"reps": (35, 30), "who": runner(Sex.FEMALE, 35, injured_side=Side.RIGHT)},
        (Stage.LOAD, "now 86%"),
    ),
    Case(
        "no reference (under 18): 31 each leg, symmetric, no pain opens power",
        "green_2022",
        {"reps": (31, 31), "who": runner(Sex.MALE, 16)},
        (Stage.POWER, "No published reference fits"),
    ),
    Case(
        "no reference (under 18): under the runner target builds, and says why",
        "green_2022",
        {"reps": (25, 26), "who": runner(Sex.MALE, 16)},
        (Stage.BUILD, "runner target of 30+"),
    ),
    Case(
        "no reference (loaded test): staged on the target, symmetry, pain and own trend",
        "hebert_losier_2017",
        {"reps": (30, 30), "protocol": LOADED, "bent_reps": LegPair(25, 30)},
        (Stage.LOAD, "own trend"),
    ),
)


@cases(*GATE_CASES)
def test_power_gate(case: Case) -> None:
    g = dict(case.given)
    left, right = g.pop("reps")
    stage, reasons = stage_of(left, right, **g)
    expected_stage, words = case.expect
    assert stage is expected_stage
    assert words in reasons
    if score_reference_missing(left, right, g):
        # No wording that implies a band the runner does not have.
        assert "for your age and sex" not in reasons and "general median" not in reasons


def score_reference_missing(left: int, right: int, given: dict[str, Any]) -> bool:
    who = given.get("who") or runner(Sex.FEMALE, 35)
    score = score_test(heel_test(left, right, protocol=given.get("protocol", STANDARD)), who)
    return score.legs[0].reference is None


def test_the_tracked_symmetry_stays_injured_over_uninjured() -> None:
    # Rule: with an injured side marked, the tracked figure stays injured ÷ uninjured [silbernagel_2010], and the
    # flag uses weaker ÷ stronger [green_2022].
    score = score_test(heel_test(30, 35), runner(Sex.FEMALE, 35, injured_side=Side.RIGHT))
    assert score.symmetry_percent == pytest.approx(116.7)
    assert score.symmetry_flagged


# --- plyometric doses --------------------------------------------------------------------------------------------


def power_routine(test_days: tuple[int, ...], symptoms: tuple = ()) -> Any:
    who = runner(Sex.FEMALE, 35)
    tests = [heel_test(32, 32, day=ago(days), id=index + 1) for index, days in enumerate(test_days)]
    latest = tests[-1]
    score = score_test(latest, who, tests)
    return recommend(latest, score, triage([]), who, list(symptoms), TODAY, EquipmentAccess.GYM, tests)


def test_first_power_week_is_25_to_50_contacts_per_session() -> None:
    # Rule: the first power week has about 25-50 ground contacts per session in total [healthhp_plyo].
    routine = power_routine((0,))
    assert routine.stage is Stage.POWER and routine.plyometrics.first_week
    jumps = [p for p in routine.prescriptions if p.exercise.category == "plyometric"]
    assert jumps and all("ground contacts" in p.dose for p in jumps)
    lows_and_highs = [tuple(int(n) for n in p.reps.split(" ")[0].split("–")) for p in jumps]
    assert sum(low for low, _ in lows_and_highs) >= 25 and sum(high for _, high in lows_and_highs) <= 50
    assert "25–50 ground contacts per session" in routine.plyometrics.summary


def test_contacts_rise_over_weeks_with_pain_at_2_or_less() -> None:
    # Rule: contacts rise week on week while pain stays ≤2 and settles by the next morning [healthhp_plyo, seed_001].
    first, third = power_routine((0,)).plyometrics, power_routine((21, 14, 0)).plyometrics
    assert third.settled_weeks == 3 and third.total_min > first.total_min and third.total_max > first.total_max


def test_contacts_do_not_rise_in_a_week_whose_pain_did_not_settle() -> None:
    # Rule: a week whose next-morning pain was over 2 adds nothing [silbernagel_2007].
    held = power_routine((21, 14, 0), symptoms=(symptom(ago(18), Side.LEFT, morning=3),)).plyometrics
    assert held.settled_weeks == 2


# --- the pain-monitoring warning ------------------------------------------------------------------------------------

PAIN_CASES = (
    Case(
        "next-morning pain rising week on week (1 -> 4) is the warning",
        "silbernagel_2007",
        {"before": {"morning": 1}, "now": {"morning": 4}},
        Stage.CALM_DOWN,
    ),
    Case(
        "morning stiffness rising week on week (10 -> 20 min) is the warning",
        "silbernagel_2007",
        {"before": {"stiffness": 10}, "now": {"stiffness": 20}},
        Stage.CALM_DOWN,
    ),
    Case(
        "pain during the test rising (2 -> 5) with settled mornings is not the warning",
        "silbernagel_2007",
        {"before": {"during": 2, "morning": 1}, "now": {"during": 5, "morning": 1}},
        Stage.LOAD,
    ),
    Case(
        "stiffness falling (20 -> 10 min) is no warning",
        "silbernagel_2007",
        {"before": {"stiffness": 20}, "now": {"stiffness": 10}},
        Stage.LOAD,
    ),
)


@cases(*PAIN_CASES)
def test_week_on_week_warning(case: Case) -> None:
    symptoms = (symptom(ago(10), Side.LEFT, **case.given["before"]), symptom(ago(3), Side.LEFT, **case.given["now"]))
    stage, reasons = stage_of(20, 20, symptoms=symptoms)
    assert stage is case.expect
    if case.expect is Stage.CALM_DOWN:
        assert "rising week on week" in reasons


# --- the daily check-in ------------------------------------------------------------------------------------------

CHECKIN_CASES = (
    Case(
        "check-in: pain over 5 asks the warning signs",
        "silbernagel_2007",
        {"now": {"during": 6}, "earlier": ({"during": 4},)},
        True,
    ),
    Case(
        "check-in: pain of 5 the runner already had does not ask",
        "silbernagel_2007",
        {"now": {"during": 5}, "earlier": ({"during": 4},)},
        False,
    ),
    Case(
        "check-in: a new pain (none on that leg for two weeks) asks",
        "aaos_2009",
        {"now": {"morning": 2}, "earlier": ()},
        True,
    ),
    Case(
        "check-in: pain in a new place asks",
        "aaos_2009",
        {
            "now": {"morning": 2, "location": PainLocation.CALF},
            "earlier": ({"morning": 2, "location": PainLocation.ACHILLES},),
        },
        True,
    ),
    Case(
        "check-in: the same pain in the same place does not ask",
        "silbernagel_2007",
        {
            "now": {"morning": 2, "location": PainLocation.ACHILLES},
            "earlier": ({"morning": 3, "location": PainLocation.ACHILLES},),
        },
        False,
    ),
)


@cases(*CHECKIN_CASES)
def test_checkin_asks_warning_signs(case: Case) -> None:
    earlier = [symptom(ago(3), Side.LEFT, **entry) for entry in case.given["earlier"]]
    reading = read_checkin([symptom(TODAY, Side.LEFT, **case.given["now"])], earlier)
    assert reading.ask_warning_signs is case.expect


def test_a_checkin_warning_sign_gives_the_tests_message_and_no_advice() -> None:
    # Rule: a warning sign replaces the advice with the same message the test gives [aaos_2009].
    reading = read_checkin([symptom(TODAY, Side.LEFT, during=7)], [])
    answer = advise(reading, ["sudden_pop"])
    assert answer.triage.stop and answer.advice == ()
    assert answer.triage.message == triage(["sudden_pop"]).message


def test_a_checkin_without_warning_signs_gives_the_pain_advice() -> None:
    # Rule: pain over 5 is too much: ease off [silbernagel_2007].
    answer = advise(read_checkin([symptom(TODAY, Side.LEFT, during=7)], []), [])
    assert not answer.triage.stop and any("ease off" in text for text in answer.advice)
