"""Scoring: bands against the reference, limb symmetry, pain zones, change since the last comparable test,
symptom advisories, soleus ratio and knee-to-wall difference.

Rules (design §2, evidence §0, issue 11): the typical band is the reference ± the spread between healthy people
(SD about 10, Green 2024 / Lunsford & Perry 1995); retest limits of agreement -6.2 to +6.5 reps, so changes of 6 or
fewer are noise; LSI = weaker ÷ stronger (or injured ÷ uninjured),
flagged under 90%; pain 0-2 safe, 3-5 acceptable, over 5 too much; runner target 30 raises (expert opinion).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from calfcore.models import LegPair, Protocol, Sex, Side, SoleusTest, Surface
from calfcore.norms import find_reference
from calfcore.scoring import (
    Band,
    PainZone,
    band_for,
    limb_symmetry_index,
    pain_zone,
    previous_comparable,
    rep_changes,
    score_test,
    symptom_advisories,
    weaker_side,
)
from tests.unit.helpers import (
    PROPERTY,
    STANDARD,
    TODAY,
    heel_test,
    reference,
    runner,
    symptom,
)

BAND_ORDER = [Band.WELL_BELOW, Band.BELOW, Band.TYPICAL, Band.ABOVE]
NOISE = 6  # Hébert-Losier 2017: 95% limits of agreement about ±6 reps
SPREAD = 10  # SD between healthy people (Green 2024 uncued 10.3; Lunsford & Perry 1995 about 10)


# --- bands -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reps", "band"),
    [
        (60, Band.ABOVE),
        (42, Band.ABOVE),  # issue 22: over the range's upper edge (31 + 10 = 41, inside): above
        (41, Band.TYPICAL),
        (40, Band.TYPICAL),
        (37, Band.TYPICAL),
        (31, Band.TYPICAL),
        (25, Band.TYPICAL),
        (21, Band.TYPICAL),  # < 1 SD
        (20, Band.TYPICAL),  # issue 22: exactly 1 SD under is the range's lower edge, inside it
        (19, Band.BELOW),
        (16, Band.BELOW),
        (11, Band.BELOW),  # 1 SD or more under, less than 2 SD
        (10, Band.WELL_BELOW),
        (9.9, Band.WELL_BELOW),
        (1, Band.WELL_BELOW),
        (0, Band.WELL_BELOW),  # 2 SD or more
    ],
)
def test_band_boundaries_for_a_30_to_31_reference(reps, band):
    assert band_for(reps, reference(30, 31)) is band


@pytest.mark.parametrize(
    ("reps", "band"),
    [
        (38, Band.ABOVE),  # issue 22: the range is whole raises, 17.9-37.9 holds 18 to 37
        (37, Band.TYPICAL),
        (18, Band.TYPICAL),
        (17, Band.BELOW),
        (7.95, Band.BELOW),
        (7.85, Band.WELL_BELOW),
    ],
)
def test_band_boundaries_for_a_single_value_reference(reps, band):
    assert band_for(reps, reference(27.9)) is band


@PROPERTY
@given(low=st.integers(5, 60), spread=st.integers(0, 1), a=st.integers(0, 150), b=st.integers(0, 150))
def test_band_is_monotonic_in_reps(low, spread, a, b):
    ref = reference(low, low + spread)
    lo, hi = sorted((a, b))
    assert BAND_ORDER.index(band_for(lo, ref)) <= BAND_ORDER.index(band_for(hi, ref))


@PROPERTY
@given(low=st.integers(5, 60), spread=st.integers(0, 1), data=st.data())
def test_anything_within_five_reps_of_the_range_is_typical(low, spread, data):
    high = low + spread
    reps = data.draw(st.integers(max(0, low - 5), high + 5))
    assert band_for(reps, reference(low, high)) is Band.TYPICAL


@PROPERTY
@given(low=st.integers(5, 60), data=st.data())
def test_a_one_rep_disagreement_between_table_versions_never_changes_the_band(low, data):
    # Versions of the same table differ by one rep (evidence §1.1). For any count within 5 reps of the range,
    # the low version, the high version and the combined range all give the same band.
    high = low + 1
    reps = data.draw(st.integers(max(0, low - 5), high + 5) | st.floats(low - 5, high + 5, allow_nan=False))
    assume(reps >= 0)
    combined = band_for(reps, reference(low, high))
    assert combined is Band.TYPICAL
    if abs(reps - low) < NOISE:
        assert band_for(reps, reference(low)) is combined
    if abs(reps - high) < NOISE:
        assert band_for(reps, reference(high)) is combined


@PROPERTY
@given(low=st.integers(5, 60), reps=st.integers(0, 150))
def test_the_range_never_contradicts_two_versions_that_agree(low, reps):
    low_version, high_version = band_for(reps, reference(low)), band_for(reps, reference(low + 1))
    if low_version is high_version:
        assert band_for(reps, reference(low, low + 1)) is low_version


@pytest.mark.parametrize(("sex", "age"), [(Sex.MALE, 25), (Sex.FEMALE, 25), (Sex.FEMALE, 45), (Sex.MALE, 81)])
def test_scored_leg_shows_the_fitting_reference_and_band(sex, age):
    ref = find_reference(STANDARD, sex, age)
    assert ref is not None
    test = heel_test(int(ref.reps_low), ref.typical.high + 1)
    score = score_test(test, runner(sex, age))
    assert score.leg(Side.LEFT).reference == ref
    assert score.leg(Side.LEFT).band is Band.TYPICAL
    assert score.leg(Side.RIGHT).band is Band.ABOVE


def test_no_band_when_no_reference_fits_the_protocol():
    test = heel_test(20, 22, protocol=Protocol(cadence_bpm=80))
    score = score_test(test, runner())
    assert all(leg.band is None and leg.reference is None for leg in score.legs)
    assert score.symmetry_percent is not None  # symmetry and own trend still work


@pytest.mark.parametrize(("reps", "meets"), [(29, False), (30, True), (31, True), (0, False)])
def test_runner_target_is_30_raises(reps, meets):
    score = score_test(heel_test(reps, 40), runner())
    assert score.leg(Side.LEFT).meets_runner_target is meets
    assert score.leg(Side.RIGHT).meets_runner_target is True


# --- limb symmetry ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (27, 30, 90.0),
        (30, 27, 90.0),
        (20, 25, 80.0),
        (25, 25, 100.0),
        (0, 25, 0.0),
        (9, 10, 90.0),
    ],
)
def test_lsi_is_weaker_over_stronger(left, right, expected):
    assert limb_symmetry_index(LegPair(left, right)) == pytest.approx(expected)


def test_lsi_with_an_injured_side_is_injured_over_uninjured():
    assert limb_symmetry_index(LegPair(20, 25), Side.LEFT) == pytest.approx(80.0)
    assert limb_symmetry_index(LegPair(20, 25), Side.RIGHT) == pytest.approx(125.0)  # may exceed 100


@pytest.mark.parametrize(
    ("pair", "injured"),
    [
        (LegPair(None, 20), None),
        (LegPair(20, None), None),
        (LegPair(None, None), None),
        (LegPair(0, 0), None),
        (LegPair(5, 0), Side.LEFT),
        (LegPair(0, 5), Side.RIGHT),
        (LegPair(None, 5), Side.LEFT),
    ],
)
def test_lsi_is_none_when_undefined(pair, injured):
    assert limb_symmetry_index(pair, injured) is None


@PROPERTY
@given(
    left=st.integers(0, 150) | st.floats(0, 150, allow_nan=False),
    right=st.integers(0, 150) | st.floats(0, 150, allow_nan=False),
)
def test_lsi_is_at_most_100_and_symmetric_under_swapping_legs(left, right):
    lsi = limb_symmetry_index(LegPair(left, right))
    swapped = limb_symmetry_index(LegPair(right, left))
    assert lsi == swapped
    if max(left, right) == 0:
        assert lsi is None
    else:
        assert lsi is not None and 0 <= lsi <= 100
        assert lsi == pytest.approx(min(left, right) / max(left, right) * 100, abs=0.06)  # rounded to 0.1


@PROPERTY
@given(left=st.integers(1, 150), right=st.integers(1, 150), injured=st.sampled_from(list(Side)))
def test_injured_side_lsi_mirrors_under_swapping_legs(left, right, injured):
    assert limb_symmetry_index(LegPair(left, right), injured) == limb_symmetry_index(
        LegPair(right, left), injured.other
    )


@pytest.mark.parametrize(
    ("left", "right", "flagged"), [(26, 29, True), (27, 30, False), (30, 30, False), (20, 30, True)]
)
def test_symmetry_flag_below_90_percent(left, right, flagged):
    score = score_test(heel_test(left, right), runner())
    assert score.symmetry_flagged is flagged
    assert any(a.kind == "asymmetry" for a in score.advisories) is flagged


def test_bent_knee_and_height_symmetry_are_scored_too():
    test = heel_test(30, 30, bent_reps=LegPair(20, 25), heel_height_cm=LegPair(8.0, 10.0))
    score = score_test(test, runner())
    assert score.bent_symmetry_percent == pytest.approx(80.0)
    assert score.height_symmetry_percent == pytest.approx(80.0)


def test_weaker_side():
    assert weaker_side(LegPair(20, 25)) is Side.LEFT
    assert weaker_side(LegPair(25, 20)) is Side.RIGHT
    assert weaker_side(LegPair(25, 25)) is None
    assert weaker_side(LegPair(None, 25)) is None
    # Issue 11: a marked injured side does not hide a weaker uninjured leg; it decides only between equal legs.
    assert weaker_side(LegPair(25, 20), Side.LEFT) is Side.RIGHT
    assert weaker_side(LegPair(25, 25), Side.LEFT) is Side.LEFT


@PROPERTY
@given(left=st.integers(0, 150), right=st.integers(0, 150))
def test_weaker_side_is_the_leg_with_fewer_reps(left, right):
    side = weaker_side(LegPair(left, right))
    if left == right:
        assert side is None
    else:
        assert side is not None
        pair = LegPair(left, right)
        assert pair.get(side) < pair.get(side.other)


# --- pain zones --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "zone"),
    [
        (0, PainZone.SAFE),
        (1, PainZone.SAFE),
        (2, PainZone.SAFE),
        (3, PainZone.ACCEPTABLE),
        (4, PainZone.ACCEPTABLE),
        (5, PainZone.ACCEPTABLE),
        (6, PainZone.TOO_MUCH),
        (8, PainZone.TOO_MUCH),
        (10, PainZone.TOO_MUCH),
    ],
)
def test_pain_zone_boundaries(pain, zone):
    assert pain_zone(pain) is zone


def test_pain_zones_per_leg_use_the_worst_pain_of_the_test():
    symptoms = [symptom(TODAY, Side.LEFT, during=2, morning=6), symptom(TODAY, Side.RIGHT, during=3, morning=1)]
    score = score_test(heel_test(25, 25), runner(), symptoms=symptoms)
    assert score.pain_zones == {Side.LEFT: PainZone.TOO_MUCH, Side.RIGHT: PainZone.ACCEPTABLE}


def test_no_pain_zone_for_a_leg_without_pain_values():
    score = score_test(heel_test(25, 25), runner(), symptoms=[symptom(TODAY, Side.LEFT, stiffness=10)])
    assert score.pain_zones == {}


# --- change since the last comparable test ----------------------------------------------------------------------


def day(offset: int) -> dt.date:
    return TODAY - dt.timedelta(days=offset)


def test_change_uses_the_latest_earlier_test_with_the_same_protocol():
    older = heel_test(15, 20, day=day(60), id=1)
    previous = heel_test(18, 22, day=day(30), id=2)
    other_protocols = [
        heel_test(40, 40, day=day(10), id=3, protocol=dataclasses.replace(STANDARD, cued=True)),
        heel_test(40, 40, day=day(9), id=4, protocol=dataclasses.replace(STANDARD, surface=Surface.FLAT)),
        heel_test(40, 40, day=day(8), id=5, protocol=dataclasses.replace(STANDARD, cadence_bpm=0)),
        heel_test(40, 40, day=day(7), id=6, protocol=dataclasses.replace(STANDARD, added_load_kg=5)),
        heel_test(40, 40, day=day(6), id=7, protocol=dataclasses.replace(STANDARD, fingertip_support=False)),
    ]
    later = heel_test(50, 50, day=TODAY + dt.timedelta(days=3), id=9)
    current = heel_test(25, 24, day=TODAY, id=8)
    history = [older, previous, *other_protocols, current, later]
    assert previous_comparable(current, history) == previous
    score = score_test(current, runner(), history)
    assert score.previous_test == previous
    changes = {c.side: c for c in score.changes}
    assert (changes[Side.LEFT].previous_reps, changes[Side.LEFT].delta) == (18, 7)
    assert (changes[Side.RIGHT].previous_reps, changes[Side.RIGHT].delta) == (22, 2)
    assert changes[Side.LEFT].within_noise is False
    assert changes[Side.RIGHT].within_noise is True


def test_no_change_without_an_earlier_comparable_test():
    current = heel_test(25, 24, id=3)
    history = [heel_test(10, 10, day=day(5), id=1, protocol=dataclasses.replace(STANDARD, cued=True)), current]
    score = score_test(current, runner(), history)
    assert score.previous_test is None and score.changes == ()


def test_the_test_itself_is_not_its_own_previous_test():
    current = heel_test(25, 24, id=3)
    assert previous_comparable(current, [current]) is None


def test_a_new_unsaved_test_compares_with_the_latest_saved_one():
    saved = [heel_test(20, 20, day=day(14), id=1), heel_test(22, 21, day=day(7), id=2)]
    new = heel_test(30, 21)
    assert previous_comparable(new, saved) == saved[1]


def test_same_day_retest_compares_with_the_earlier_entry():
    first = heel_test(20, 20, id=1)
    second = heel_test(27, 20, id=2)
    assert previous_comparable(second, [first, second]) == first
    assert previous_comparable(first, [first, second]) is None


@pytest.mark.parametrize(
    ("delta", "noise"), [(0, True), (5, True), (-5, True), (6, True), (-6, True), (7, False), (-7, False), (12, False)]
)
def test_changes_of_six_reps_or_fewer_are_within_noise(delta, noise):
    previous = heel_test(25, 25, day=day(14), id=1)
    current = heel_test(25 + delta, 25, id=2)
    (left, right) = rep_changes(current, previous)
    assert left.side is Side.LEFT and left.delta == delta and left.within_noise is noise
    assert right.delta == 0 and right.within_noise is True


# --- symptom advisories -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "kind", "expected"),
    [
        ({"during": 5}, "pain_too_much", False),
        ({"during": 6}, "pain_too_much", True),
        ({"morning": 2}, "pain_not_settled", False),
        ({"morning": 3}, "pain_not_settled", True),
        ({"stiffness": 30}, "long_stiffness", False),
        ({"stiffness": 31}, "long_stiffness", True),
    ],
)
def test_symptom_advisory_thresholds(kwargs, kind, expected):
    advisories = symptom_advisories([symptom(TODAY, Side.RIGHT, **kwargs)])
    found = [a for a in advisories if a.kind == kind]
    assert bool(found) is expected
    for advisory in found:
        assert "right" in advisory.message
        assert advisory.source_id in {"silbernagel_2007", "referral_flags"}


def test_calm_symptoms_give_no_advisory():
    assert symptom_advisories([symptom(TODAY, Side.LEFT, during=5, morning=2, stiffness=30)]) == []


def test_long_stiffness_advisory_points_to_a_clinician():
    (advisory,) = symptom_advisories([symptom(TODAY, Side.LEFT, stiffness=45)])
    assert "clinician" in advisory.message and "45" in advisory.message


def test_score_carries_the_symptom_advisories():
    score = score_test(heel_test(25, 25), runner(), symptoms=[symptom(TODAY, Side.LEFT, during=7)])
    assert [a.kind for a in score.advisories] == ["pain_too_much"]


# --- soleus and knee-to-wall ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("load", "body_weight", "ratio", "meets"),
    [
        (93, 62, 1.5, True),
        (120, 60, 2.0, True),
        (90, 62, 1.45, False),
        (62, 62, 1.0, False),
        (0, 70, 0.0, False),
    ],
)
def test_soleus_ratio_against_the_one_and_a_half_body_weight_target(load, body_weight, ratio, meets):
    test = heel_test(25, 25, soleus=SoleusTest(load, LegPair(8, 8), body_weight))
    score = score_test(test, runner())
    assert score.soleus_ratio_bw == pytest.approx(ratio, abs=0.005)
    assert score.soleus_meets_target is meets


def test_soleus_target_needs_at_least_one_rep_at_that_load():
    test = heel_test(25, 25, soleus=SoleusTest(100, LegPair(0, 3), 60))
    assert score_test(test, runner()).soleus_meets_target is False


def test_no_soleus_ratio_without_a_soleus_test():
    score = score_test(heel_test(25, 25), runner())
    assert score.soleus_ratio_bw is None and score.soleus_meets_target is None


@pytest.mark.parametrize(
    ("left", "right", "difference", "advised"),
    [
        (9.5, 11.5, 2.0, True),
        (10.0, 11.5, 1.5, False),
        (12.1, 10.1, 2.0, True),
        (12.0, 12.0, 0.0, False),
        (8.0, 13.0, 5.0, True),
        (10.0, 11.9, 1.9, False),
    ],
)
def test_knee_to_wall_difference_and_its_2_cm_noise_line(left, right, difference, advised):
    score = score_test(heel_test(25, 25, knee_to_wall_cm=LegPair(left, right)), runner())
    assert score.knee_to_wall_difference_cm == pytest.approx(difference)
    assert any(a.kind == "knee_to_wall" for a in score.advisories) is advised


def test_knee_to_wall_difference_needs_both_legs():
    score = score_test(heel_test(25, 25, knee_to_wall_cm=LegPair(10.0, None)), runner())
    assert score.knee_to_wall_difference_cm is None


def test_weaker_reps_is_the_lower_leg():
    assert score_test(heel_test(31, 24), runner()).weaker_reps == 24
