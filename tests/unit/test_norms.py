"""Norms lookup: the reference a runner's reps are compared with must fit their protocol, sex and age.

Expected values come from the evidence notes (shared/reference/evidence.md), not from the code.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfcore.models import LegPair, Protocol, Sex, Surface
from calfcore.norms import all_reference_rows, describe_protocol, find_reference
from calfcore.progress import reps_frame
from calfcore.scoring import score_test
from tests.unit.helpers import PROPERTY, STANDARD, TODAY, heel_test, runner

# Per-decade values attributed to Hébert-Losier 2017 (10° incline, 60 bpm): three second-hand versions that
# disagree by a rep (evidence §1.1). Decade -> (male A, B, C), (female A, B, C).
DECADES = {
    (20, 29): ((37, 37, 37), (30, 31, 30)),
    (30, 39): ((32, 33, 33), (27, 27, 28)),
    (40, 49): ((28, 28, 28), (24, 25, 25)),
    (50, 59): ((23, 24, 24), (21, 22, 22)),
    (60, 69): ((19, 19, 19), (19, 19, 19)),
    (70, 79): ((14, 15, 15), (16, 17, 17)),
    (80, 81): ((10, 10, 10), (13, 14, 14)),  # labelled "80+", but the sample's oldest was 81
}
DECADE_CASES = [
    (sex, age, versions)
    for (first, last), (male, female) in DECADES.items()
    for sex, versions in ((Sex.MALE, male), (Sex.FEMALE, female))
    for age in (first, (first + last) // 2, last)
]

FLAT_CUED = Protocol(cadence_bpm=60, surface=Surface.FLAT, cued=True)
FLAT_UNCUED = Protocol(cadence_bpm=60, surface=Surface.FLAT, cued=False)
SELF_PACED_UNCUED = Protocol(cadence_bpm=0, surface=Surface.FLAT, cued=False)


@pytest.mark.parametrize(("sex", "age", "versions"), DECADE_CASES)
def test_incline_decade_reference_spans_every_published_version(sex, age, versions):
    found = find_reference(STANDARD, sex, age)
    assert found is not None
    assert (found.reps_low, found.reps_high) == (min(versions), max(versions))
    assert found.sex == sex.value
    assert found.age_min <= age <= found.age_max


@pytest.mark.parametrize(("sex", "age", "versions"), DECADE_CASES[::3])
def test_second_hand_decade_table_is_labelled_approximate(sex, age, versions):
    found = find_reference(STANDARD, sex, age)
    assert found is not None and found.approximate
    assert found.label.startswith("about ")
    assert found.source.tag == "READ-SECONDARY"
    assert "Hébert-Losier" in found.source.short


def test_decade_reference_label_reads_as_a_range_when_versions_differ():
    found = find_reference(STANDARD, Sex.FEMALE, 25)
    assert found is not None and found.label == "about 30–31 reps"
    found = find_reference(STANDARD, Sex.MALE, 25)
    assert found is not None and found.label == "about 37 reps"


def test_older_women_outperform_older_men_and_young_men_do_most():
    # Hébert-Losier 2017: women over 60 outperformed men over 60; younger men do the most.
    for age in (72, 81):
        women, men = find_reference(STANDARD, Sex.FEMALE, age), find_reference(STANDARD, Sex.MALE, age)
        assert women is not None and men is not None and women.midpoint > men.midpoint
    assert find_reference(STANDARD, Sex.MALE, 25).midpoint > find_reference(STANDARD, Sex.FEMALE, 25).midpoint


@pytest.mark.parametrize("sex", [Sex.MALE, Sex.FEMALE])
def test_incline_reference_falls_with_age_across_the_decades(sex):
    midpoints = [find_reference(STANDARD, sex, first).midpoint for first, _ in DECADES]
    assert midpoints == sorted(midpoints, reverse=True)
    assert midpoints[0] > midpoints[-1]


@pytest.mark.parametrize("age", [20, 25, 38, 47, 55, 64, 71, 81])
def test_unspecified_sex_gets_no_band_on_the_standard_protocol(age):
    # The per-decade table is by sex; the pooled Sleeswijk Visser median has no recorded ages and was cued.
    assert find_reference(STANDARD, Sex.UNSPECIFIED, age) is None


@pytest.mark.parametrize("sex", list(Sex))
@pytest.mark.parametrize("age", [18, 19])
def test_adults_younger_than_the_sample_get_no_band(sex, age):
    # Hébert-Losier 2017 sampled ages 20-81: no stretching to 18- and 19-year-olds.
    assert find_reference(STANDARD, sex, age) is None


@pytest.mark.parametrize("sex", [Sex.MALE, Sex.FEMALE])
@pytest.mark.parametrize("age", [82, 89, 90, 104])
def test_no_band_beyond_the_oldest_age_sampled(sex, age):
    assert find_reference(STANDARD, sex, 81) is not None
    assert find_reference(STANDARD, sex, age) is None


@pytest.mark.parametrize("sex", list(Sex))
@pytest.mark.parametrize("age", [10, 12, 15, 17])
def test_children_get_no_adult_reference(sex, age):
    # Every reference is an adult sample; children (7-9 y: 36 ± 18) are out of scope for runner norms.
    assert find_reference(STANDARD, sex, age) is None


@PROPERTY
@given(age=st.integers(20, 81), sex=st.sampled_from([Sex.MALE, Sex.FEMALE]))
def test_a_sex_specific_decade_row_always_wins_over_the_pooled_median(age, sex):
    found = find_reference(STANDARD, sex, age)
    assert found is not None
    assert found.reference_id == "hebert_losier_2017_decades"
    assert found.sex == sex.value and found.age_min <= age <= found.age_max
    assert found.age_max - found.age_min == 9 or (found.age_min, found.age_max) == (80, 81)  # decades, then 80-81


def test_flat_cued_and_uncued_are_judged_apart():
    # Green 2024's cued sample (21.9) has no recorded ages: a cued flat test gets no band, and never the uncued one.
    assert find_reference(FLAT_CUED, Sex.FEMALE, 30) is None
    uncued = find_reference(FLAT_UNCUED, Sex.FEMALE, 30)
    assert uncued is not None and not uncued.cued
    assert uncued.reps_low == pytest.approx(27.9)  # Lunsford & Perry 1995 mean
    assert uncued.source_id == "lunsford_perry_1995"
    assert uncued.label == "about 27.9 reps"  # pace unconfirmed: approximate


@pytest.mark.parametrize("sex", list(Sex))
def test_flat_60_bpm_cued_has_no_band(sex):
    assert find_reference(FLAT_CUED, sex, 25) is None


def test_flat_uncued_reference_only_covers_the_lunsford_perry_ages():
    # Lunsford & Perry sampled ages 20-59; nothing published fits a 65-year-old on that protocol.
    assert find_reference(FLAT_UNCUED, Sex.MALE, 20) is not None
    assert find_reference(FLAT_UNCUED, Sex.MALE, 59) is not None
    assert find_reference(FLAT_UNCUED, Sex.MALE, 65) is None


@pytest.mark.parametrize("sex", list(Sex))
def test_self_paced_uncued_flat_has_no_band(sex):
    # Issue 22: Lunsford & Perry applies only at its own pace (one raise every 2 s = 60 beats/min, second-hand), and
    # Green 2024's uncued rows have no recorded ages: a self-paced flat test gets no band.
    assert find_reference(SELF_PACED_UNCUED, sex, 28) is None


def test_self_paced_cued_or_on_an_incline_has_no_reference():
    assert find_reference(dataclasses.replace(SELF_PACED_UNCUED, cued=True), Sex.MALE, 28) is None
    assert find_reference(dataclasses.replace(SELF_PACED_UNCUED, surface=Surface.INCLINE_10), Sex.MALE, 28) is None


@pytest.mark.parametrize("cadence", [30, 40, 50, 59, 61, 80, 120])
def test_an_unusual_cadence_on_the_incline_has_no_reference(cadence):
    protocol = Protocol(cadence_bpm=cadence, surface=Surface.INCLINE_10)
    for sex in Sex:
        assert find_reference(protocol, sex, 35) is None


def test_lunsford_perry_applies_only_at_its_own_pace_and_as_about():
    found = find_reference(Protocol(cadence_bpm=60, surface=Surface.FLAT), Sex.MALE, 35)
    assert found is not None and found.source_id == "lunsford_perry_1995"
    assert found.approximate and not found.pace_confirmed and found.label.startswith("about")


@pytest.mark.parametrize("cadence", [0, 30, 59, 61, 120])
def test_lunsford_perry_is_never_matched_to_another_pace(cadence):
    for surface in Surface:
        assert find_reference(Protocol(cadence_bpm=cadence, surface=surface), Sex.MALE, 35) is None


@pytest.mark.parametrize("load", [0.5, 5.0, 20.0])
@pytest.mark.parametrize("protocol", [STANDARD, FLAT_CUED, FLAT_UNCUED, SELF_PACED_UNCUED])
def test_added_load_has_no_reference(load, protocol):
    loaded = dataclasses.replace(protocol, added_load_kg=load)
    for sex in Sex:
        assert find_reference(loaded, sex, 30) is None


def test_incline_reference_needs_the_fingertip_support_it_was_measured_with():
    # Both incline studies (Hébert-Losier 2017, Sleeswijk Visser 2025) let the runner rest fingertips on a wall;
    # "needs more than fingertip support" ends the test. Without support balance limits the count, a different
    # protocol, and a reference applies only to the protocol it was measured with.
    no_support = dataclasses.replace(STANDARD, fingertip_support=False)
    assert find_reference(no_support, Sex.FEMALE, 35) is None


def test_knee_bent_results_have_no_reference_band():
    # No published norm for the knee-bent test: symmetry and own trend only.
    test = heel_test(22, 25, bent_reps=LegPair(25, 28))
    frame = reps_frame([test], runner(Sex.FEMALE, 35))
    bent = frame[frame["knee"] == "bent"]
    straight = frame[frame["knee"] == "straight"]
    assert len(bent) == 2 and len(straight) == 2
    assert bent["typical_low"].isna().all() and bent["typical_high"].isna().all()
    assert (bent["reference"] == "no reference fits: no band").all()
    assert straight["typical_low"].notna().all()
    score = score_test(test, runner(Sex.FEMALE, 35))
    assert score.bent_symmetry_percent is not None  # symmetry is still given for the bent knee


def test_every_reference_row_is_listed_with_its_source():
    rows = all_reference_rows()
    assert {row.reference_id for row in rows} >= {
        "hebert_losier_2017_decades",
        "sleeswijk_visser_2025_median",
        "green_2024_cued",
        "lunsford_perry_1995_mean",
        "green_2024_non_cued",
    }
    for row in rows:
        assert row.source.short
        assert row.reps_low <= row.reps_high
        assert row.age_min is None or row.age_min <= row.age_max


def test_protocol_descriptions_tell_the_protocols_apart():
    descriptions = {
        describe_protocol(p)
        for p in (
            STANDARD,
            FLAT_CUED,
            FLAT_UNCUED,
            SELF_PACED_UNCUED,
            dataclasses.replace(STANDARD, added_load_kg=5),
            dataclasses.replace(STANDARD, fingertip_support=False),
        )
    }
    assert len(descriptions) == 6
    assert "10° incline" in describe_protocol(STANDARD) and "60 beats/min" in describe_protocol(STANDARD)
    assert "self-paced" in describe_protocol(SELF_PACED_UNCUED)
    assert "+5 kg" in describe_protocol(dataclasses.replace(STANDARD, added_load_kg=5))


def test_age_is_taken_in_the_year_of_the_test():
    sam = runner(Sex.MALE, age=30)
    assert sam.age_on(TODAY) == 30
    # The same runner tested two years earlier was 28: the 20-29 row applies.
    earlier = TODAY.replace(year=TODAY.year - 2)
    found = find_reference(STANDARD, sam.sex, sam.age_on(earlier))
    assert found is not None and found.age_max == 29
