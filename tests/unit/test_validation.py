"""Validation: everything a runner types (or a CSV cell holds) is checked before it can be stored.

Limits are the plausibility bounds declared in calfcore.validation; realistic values from the evidence notes
(100+ raises is exceptional, knee-to-wall about 12 cm, body weights of real adults) must always pass.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfcore import validation as v
from calfcore.models import LegPair, PainLocation, Sex, Side, Surface, Units
from calfcore.readiness import MAX_HOPS
from calfcore.triage import red_flag_ids
from calfcore.units import KG_PER_LB
from calfcore.validation import (
    InputErrors,
    parse_routine_log,
    parse_runner,
    parse_share_label,
    parse_symptom_checkin,
    parse_symptom_entry,
    parse_test,
)
from tests.unit.helpers import PROPERTY, TODAY, raw_test

SOLEUS_COMPLETE = {"soleus_reps_left": "8", "soleus_reps_right": "10", "soleus_load": "40", "body_weight": "62"}


def errors_of(raw: dict, units: Units = Units.KG) -> dict[str, str]:
    with pytest.raises(InputErrors) as caught:
        parse_test(raw, TODAY, units)
    return caught.value.errors


def runner_raw(**overrides) -> dict:
    return {"name": "Sam Runner", "birth_year": "1990", "sex": "female", **overrides}


def runner_errors(**overrides) -> dict[str, str]:
    with pytest.raises(InputErrors) as caught:
        parse_runner(runner_raw(**overrides), TODAY)
    return caught.value.errors


# --- a valid test parses into the right model values ---------------------------------------------------------


def test_valid_minimal_test_parses_into_model_values():
    test, symptoms = parse_test(raw_test(), TODAY)
    assert test.tested_on == dt.date(2025, 6, 10)
    assert test.straight_reps == LegPair(24, 27)
    assert test.protocol.cadence_bpm == 60
    assert test.protocol.surface is Surface.INCLINE_10
    assert test.protocol.cued is False
    assert test.protocol.fingertip_support is True
    assert test.protocol.added_load_kg == 0
    assert test.bent_reps is None and test.soleus is None and test.knee_to_wall_cm is None
    assert test.red_flags == frozenset()
    assert symptoms == []


def test_full_test_with_symptoms_parses_every_field():
    raw = raw_test(
        bent_left="26",
        bent_right="30",
        height_left="8.5",
        height_right="9.6",
        knee_to_wall_left="10.5",
        knee_to_wall_right="12",
        notes="Left felt heavy.\nRetest soon.",
        pain_during_left="3",
        pain_next_morning_left="1",
        stiffness_minutes_left="15",
        location_left="achilles",
        red_flags="",
        **SOLEUS_COMPLETE,
    )
    test, symptoms = parse_test(raw, TODAY)
    assert test.bent_reps == LegPair(26, 30)
    assert test.heel_height_cm == LegPair(8.5, 9.6)
    assert test.knee_to_wall_cm == LegPair(10.5, 12)
    assert test.soleus is not None
    assert test.soleus.load_kg == 40 and test.soleus.body_weight_kg == 62
    assert test.soleus.reps == LegPair(8, 10)
    assert test.notes == "Left felt heavy.\nRetest soon."
    assert len(symptoms) == 1
    (entry,) = symptoms
    assert (entry.side, entry.pain_during, entry.pain_next_morning, entry.stiffness_minutes, entry.location) == (
        Side.LEFT,
        3,
        1,
        15,
        PainLocation.ACHILLES,
    )
    assert entry.logged_on == test.tested_on


def test_realistic_values_from_the_evidence_are_accepted():
    # 100+ raises is exceptional but real; knee-to-wall about 12 cm; peak heel height about 9-14 cm.
    test, _ = parse_test(
        raw_test(
            straight_left="104",
            straight_right="98",
            height_left="14.1",
            height_right="9.3",
            knee_to_wall_left="12",
            knee_to_wall_right="15.2",
        ),
        TODAY,
    )
    assert test.straight_reps == LegPair(104, 98)
    assert test.knee_to_wall_cm == LegPair(12, 15.2)


# --- every field's range: just inside accepted, just outside rejected --------------------------------------


def parsed_value(test, symptoms, field: str):
    """Where a raw form field ends up in the parsed test."""
    side = Side.LEFT if field.endswith("_left") else Side.RIGHT
    if field.startswith(("pain_during", "pain_next_morning", "stiffness_minutes")):
        (entry,) = [e for e in symptoms if e.side is side]
        return getattr(entry, field.rsplit("_", 1)[0])
    pairs = {
        "straight": test.straight_reps,
        "bent": test.bent_reps,
        "height": test.heel_height_cm,
        "knee_to_wall": test.knee_to_wall_cm,
        "soleus_reps": test.soleus.reps if test.soleus else None,
    }
    for prefix, pair in pairs.items():
        if field in (f"{prefix}_left", f"{prefix}_right"):
            return pair.get(side)
    return {
        "added_load": test.protocol.added_load_kg,
        "soleus_load": test.soleus.load_kg if test.soleus else None,
        "body_weight": test.soleus.body_weight_kg if test.soleus else None,
    }[field]


WHOLE_FIELDS = [
    # field, low, high, extra fields needed for the field to be read on its own
    ("straight_left", 0, v.MAX_REPS, {}),
    ("straight_right", 0, v.MAX_REPS, {}),
    ("bent_left", 0, v.MAX_REPS, {}),
    ("bent_right", 0, v.MAX_REPS, {}),
    ("pain_during_left", 0, 10, {}),
    ("pain_during_right", 0, 10, {}),
    ("pain_next_morning_left", 0, 10, {}),
    ("pain_next_morning_right", 0, 10, {}),
    ("stiffness_minutes_left", 0, 24 * 60, {}),
    ("stiffness_minutes_right", 0, 24 * 60, {}),
    ("soleus_reps_left", 0, v.MAX_REPS, {"soleus_load": "40", "body_weight": "62"}),
    ("soleus_reps_right", 0, v.MAX_REPS, {"soleus_load": "40", "body_weight": "62"}),
]

DECIMAL_FIELDS = [
    ("height_left", 0, v.MAX_HEEL_HEIGHT_CM, {}),
    ("height_right", 0, v.MAX_HEEL_HEIGHT_CM, {}),
    ("knee_to_wall_left", 0, v.MAX_KNEE_TO_WALL_CM, {}),
    ("knee_to_wall_right", 0, v.MAX_KNEE_TO_WALL_CM, {}),
    ("added_load", 0, v.MAX_LOAD_KG, {}),
    ("soleus_load", 0, v.MAX_LOAD_KG, {"soleus_reps_left": "8", "soleus_reps_right": "8", "body_weight": "62"}),
    (
        "body_weight",
        v.MIN_BODY_WEIGHT_KG,
        v.MAX_BODY_WEIGHT_KG,
        {"soleus_reps_left": "8", "soleus_reps_right": "8", "soleus_load": "40"},
    ),
]


def test_pain_limits_are_the_0_to_10_scale():
    # The pain-monitoring model uses a 0-10 scale.
    assert v.MAX_PAIN == 10


@pytest.mark.parametrize(("field", "low", "high", "extra"), WHOLE_FIELDS)
def test_whole_number_fields_accept_their_limits(field, low, high, extra):
    for value in (low, high, str(low), str(high)):
        test, symptoms = parse_test(raw_test(**extra, **{field: value}), TODAY)
        assert parsed_value(test, symptoms, field) == float(value)


@pytest.mark.parametrize(("field", "low", "high", "extra"), WHOLE_FIELDS)
def test_whole_number_fields_reject_one_past_their_limits(field, low, high, extra):
    for value in (low - 1, high + 1, str(low - 1), str(high + 1)):
        errors = errors_of(raw_test(**extra, **{field: value}))
        assert list(errors) == [field], (value, errors)
        assert "between" in errors[field]


@pytest.mark.parametrize(("field", "low", "high", "extra"), WHOLE_FIELDS)
def test_whole_number_fields_reject_fractions(field, low, high, extra):
    errors = errors_of(raw_test(**extra, **{field: "2.5"}))
    assert list(errors) == [field]
    assert "whole number" in errors[field]


def test_whole_number_written_with_a_decimal_point_is_accepted_as_an_integer():
    test, _ = parse_test(raw_test(straight_left="24.0", straight_right=27.0), TODAY)
    assert test.straight_reps == LegPair(24, 27)
    assert isinstance(test.straight_reps.left, int)


@pytest.mark.parametrize(("field", "low", "high", "extra"), DECIMAL_FIELDS)
def test_decimal_fields_accept_their_limits(field, low, high, extra):
    for value in (low, high, str(low), str(high), (low + high) / 2):
        test, symptoms = parse_test(raw_test(**extra, **{field: value}), TODAY)
        assert parsed_value(test, symptoms, field) == pytest.approx(float(value))


@pytest.mark.parametrize(("field", "low", "high", "extra"), DECIMAL_FIELDS)
def test_decimal_fields_reject_just_outside_their_limits(field, low, high, extra):
    for value in (low - 0.01, high + 0.01, str(round(low - 0.01, 2)), str(high + 0.01)):
        errors = errors_of(raw_test(**extra, **{field: value}))
        assert list(errors) == [field], (value, errors)


@pytest.mark.parametrize("cadence", [0, 30, 60, 120])
def test_allowed_cadences(cadence):
    test, _ = parse_test(raw_test(cadence_bpm=str(cadence)), TODAY)
    assert test.protocol.cadence_bpm == cadence


@pytest.mark.parametrize("cadence", [-1, 1, 15, 29, 121, 300, "60.5"])
def test_rejected_cadences(cadence):
    errors = errors_of(raw_test(cadence_bpm=str(cadence)))
    assert list(errors) == ["cadence_bpm"]


def test_cadence_is_required():
    assert "cadence_bpm" in errors_of(raw_test(cadence_bpm=""))


@pytest.mark.parametrize("field", ["straight_left", "straight_right", "tested_on"])
def test_required_fields_are_named_when_missing(field):
    raw = raw_test()
    del raw[field]
    errors = errors_of(raw)
    assert list(errors) == [field]
    assert "required" in errors[field]


@pytest.mark.parametrize(
    "field", ["straight_left", "height_left", "knee_to_wall_right", "pain_during_left", "added_load", "bent_right"]
)
@pytest.mark.parametrize("text", ["twelve", "12 reps", "1,5", "0x10", "--3", "12abc"])
def test_non_numeric_strings_are_rejected(field, text):
    errors = errors_of(raw_test(**{field: text}))
    assert list(errors) == [field]
    assert "number" in errors[field]


@pytest.mark.parametrize(
    "field", ["straight_left", "bent_left", "height_left", "pain_during_right", "stiffness_minutes_left", "added_load"]
)
@pytest.mark.parametrize("value", [True, False])
def test_bool_is_not_accepted_as_a_number(field, value):
    # True would otherwise count as 1 raise and False as 0 (which would even raise a red flag).
    errors = errors_of(raw_test(**{field: value}))
    assert list(errors) == [field]


@pytest.mark.parametrize(
    "field", ["straight_left", "bent_left", "height_right", "knee_to_wall_left", "pain_next_morning_left", "added_load"]
)
@pytest.mark.parametrize("value", [math.inf, -math.inf, "inf", "-inf", "Infinity", "nan", "NaN"])
def test_infinity_and_nan_text_are_rejected(field, value):
    errors = errors_of(raw_test(**{field: value}))
    assert list(errors) == [field]


@pytest.mark.parametrize("field", ["straight_left", "straight_right"])
def test_nan_in_a_required_count_is_an_error_not_a_number(field):
    errors = errors_of(raw_test(**{field: math.nan}))
    assert list(errors) == [field]


def test_nan_in_an_optional_field_is_an_empty_cell():
    # pandas reads an empty CSV cell as NaN: that means "not measured", never a value.
    test, _ = parse_test(raw_test(height_left=math.nan, height_right=math.nan, bent_left=math.nan), TODAY)
    assert test.heel_height_cm is None and test.bent_reps is None


def test_surrounding_whitespace_is_ignored_in_numbers():
    test, _ = parse_test(raw_test(straight_left="  31 ", straight_right="\t29\n"), TODAY)
    assert test.straight_reps == LegPair(31, 29)


def test_one_leg_of_an_optional_pair_may_be_missing():
    test, _ = parse_test(raw_test(bent_left="20"), TODAY)
    assert test.bent_reps == LegPair(20, None)


# --- choices and flags ------------------------------------------------------------------------------------------


def test_surface_and_flags_are_read_case_insensitively():
    test, _ = parse_test(raw_test(surface="FLAT", cued="Yes", fingertip_support="N"), TODAY)
    assert test.protocol.surface is Surface.FLAT
    assert test.protocol.cued is True
    assert test.protocol.fingertip_support is False


@pytest.mark.parametrize(
    ("field", "value"), [("surface", "grass"), ("cued", "maybe"), ("fingertip_support", "2"), ("location_left", "knee")]
)
def test_unknown_choices_are_rejected(field, value):
    errors = errors_of(raw_test(**{field: value}))
    assert list(errors) == [field]


# --- dates ------------------------------------------------------------------------------------------------------


def test_today_is_accepted_and_tomorrow_is_not():
    test, _ = parse_test(raw_test(tested_on=TODAY.isoformat()), TODAY)
    assert test.tested_on == TODAY
    errors = errors_of(raw_test(tested_on=(TODAY + dt.timedelta(days=1)).isoformat()))
    assert list(errors) == ["tested_on"]
    assert "future" in errors["tested_on"]


def test_date_objects_and_datetimes_are_accepted():
    test, _ = parse_test(raw_test(tested_on=dt.datetime(2025, 6, 1, 7, 30)), TODAY)
    assert test.tested_on == dt.date(2025, 6, 1)
    test, _ = parse_test(raw_test(tested_on=dt.date(2024, 2, 29)), TODAY)
    assert test.tested_on == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-30",
        "2023-02-29",
        "2023-13-01",
        "2023-04-31",
        "2023-00-10",
        "31/01/2023",
        "yesterday",
        "2023/01/05",
        "2023-1-5x",
    ],
)
def test_impossible_or_malformed_dates_are_rejected(text):
    errors = errors_of(raw_test(tested_on=text))
    assert list(errors) == ["tested_on"]
    assert "YYYY-MM-DD" in errors["tested_on"]


def test_leap_day_is_a_real_date():
    test, _ = parse_test(raw_test(tested_on="2024-02-29"), TODAY)
    assert test.tested_on == dt.date(2024, 2, 29)


def test_dates_before_the_earliest_plausible_day_are_rejected():
    parse_test(raw_test(tested_on=v.EARLIEST_DATE.isoformat()), TODAY)
    errors = errors_of(raw_test(tested_on=(v.EARLIEST_DATE - dt.timedelta(days=1)).isoformat()))
    assert list(errors) == ["tested_on"]


def test_a_number_is_not_a_date():
    errors = errors_of(raw_test(tested_on=20250601))
    assert list(errors) == ["tested_on"]


# --- soleus: load, reps and body weight together, in the runner's units -----------------------------------------


def test_soleus_needs_load_reps_and_body_weight_together():
    test, _ = parse_test(raw_test(**SOLEUS_COMPLETE), TODAY)
    assert test.soleus is not None


@pytest.mark.parametrize(
    ("given_fields", "missing_errors"),
    [
        ({"soleus_reps_left": "8"}, {"soleus_load", "body_weight"}),
        ({"soleus_reps_right": "8", "body_weight": "62"}, {"soleus_load"}),
        ({"soleus_load": "40"}, {"soleus_reps_left", "body_weight"}),
        ({"soleus_load": "40", "body_weight": "62"}, {"soleus_reps_left"}),
        ({"soleus_load": "40", "soleus_reps_left": "8"}, {"body_weight"}),
    ],
)
def test_incomplete_soleus_entries_name_every_missing_part(given_fields, missing_errors):
    errors = errors_of(raw_test(**given_fields))
    assert set(errors) == missing_errors


def test_soleus_with_body_weight_only_as_load_is_allowed():
    # A load of 0 means body weight only; it is still a soleus result.
    test, _ = parse_test(
        raw_test(soleus_load="0", soleus_reps_left="25", soleus_reps_right="22", body_weight="70"), TODAY
    )
    assert test.soleus is not None and test.soleus.load_kg == 0


def test_pounds_are_converted_to_kilograms():
    raw = raw_test(soleus_load="100", soleus_reps_left="8", soleus_reps_right="8", body_weight="150", added_load="10")
    test, _ = parse_test(raw, TODAY, Units.LB)
    assert test.soleus is not None
    assert test.soleus.load_kg == pytest.approx(45.359, abs=0.001)
    assert test.soleus.body_weight_kg == pytest.approx(68.039, abs=0.001)
    assert test.protocol.added_load_kg == pytest.approx(4.536, abs=0.001)


def test_pound_limits_are_the_kilogram_limits_converted():
    # 25 kg is 55.1 lb: 55 lb is a too-light body weight, 56 lb is fine; 300 kg is 661.4 lb.
    base = {"soleus_load": "40", "soleus_reps_left": "8", "soleus_reps_right": "8"}
    parse_test(raw_test(**base, body_weight="56"), TODAY, Units.LB)
    parse_test(raw_test(**base, body_weight="661"), TODAY, Units.LB)
    for too_far in ("55", "662"):
        errors = errors_of(raw_test(**base, body_weight=too_far), Units.LB)
        assert list(errors) == ["body_weight"]
        assert "lb" in errors["body_weight"]
    # 150 kg is a plausible body weight, 150 lb even more so: the same number must work in both units.
    parse_test(raw_test(**base, body_weight="150"), TODAY, Units.KG)
    # 20 kg is below any plausible adult body weight.
    assert list(errors_of(raw_test(**base, body_weight="20"), Units.KG)) == ["body_weight"]


def test_routine_log_load_in_pounds_is_stored_in_kilograms():
    entry = parse_routine_log(
        {
            "logged_on": "2025-06-10",
            "exercise_id": "single_leg_calf_raise_weighted",
            "sets": "3",
            "reps": "10",
            "load": "22",
        },
        TODAY,
        Units.LB,
    )
    assert entry.load_kg == pytest.approx(22 * 0.45359237, abs=0.001)


# --- red flags ----------------------------------------------------------------------------------------------------


def test_known_red_flags_are_read_from_a_pipe_list_or_an_iterable():
    ids = sorted(red_flag_ids())[:2]
    test, _ = parse_test(raw_test(red_flags=" | ".join(ids)), TODAY)
    assert test.red_flags == frozenset(ids)
    test, _ = parse_test(raw_test(red_flags=ids), TODAY)
    assert test.red_flags == frozenset(ids)


@pytest.mark.parametrize("flags", ["made_up_flag", "sudden_pop|not_a_flag", ["chest_pain"]])
def test_unknown_red_flag_ids_are_rejected(flags):
    errors = errors_of(raw_test(red_flags=flags))
    assert list(errors) == ["red_flags"]


# --- every bad field is named at once ------------------------------------------------------------------------------


def test_input_errors_name_every_bad_field_at_once():
    raw = raw_test(
        tested_on="2023-02-30",
        cadence_bpm="200",
        surface="grass",
        straight_left="abc",
        straight_right="-1",
        bent_left="2.5",
        height_right="31",
        knee_to_wall_left="inf",
        pain_during_left="11",
        stiffness_minutes_right="-5",
        notes="<b>hi</b>",
        red_flags="nope",
        soleus_load="40",
    )
    errors = errors_of(raw)
    expected = {
        "tested_on",
        "cadence_bpm",
        "surface",
        "straight_left",
        "straight_right",
        "bent_left",
        "height_right",
        "knee_to_wall_left",
        "pain_during_left",
        "stiffness_minutes_right",
        "notes",
        "red_flags",
        "soleus_reps_left",
        "body_weight",
    }
    assert expected <= set(errors)
    # The exception text names each field too, so a log line is enough to see what was wrong.
    with pytest.raises(InputErrors) as caught:
        parse_test(raw, TODAY)
    for field in expected:
        assert field in str(caught.value)


def test_runner_errors_are_collected_together():
    errors = runner_errors(name="", birth_year="1800", sex="robot", units="stone", injured_side="middle")
    assert set(errors) == {"name", "birth_year", "sex", "units", "injured_side"}


# --- runner profile: names and birth year -----------------------------------------------------------------------


def test_runner_profile_parses():
    runner = parse_runner(runner_raw(units="lb", injured_side="left"), TODAY)
    assert (runner.name, runner.birth_year, runner.sex, runner.units, runner.injured_side) == (
        "Sam Runner",
        1990,
        Sex.FEMALE,
        Units.LB,
        Side.LEFT,
    )


def test_runner_defaults():
    runner = parse_runner({"name": "Sam", "birth_year": 1990}, TODAY)
    assert runner.sex is Sex.UNSPECIFIED and runner.units is Units.KG and runner.injured_side is None


@pytest.mark.parametrize("none", [None, "", "none", "neither"])
def test_no_injured_side(none):
    assert parse_runner(runner_raw(injured_side=none), TODAY).injured_side is None


def test_birth_year_limits():
    oldest, youngest = TODAY.year - v.OLDEST_AGE, TODAY.year - v.YOUNGEST_AGE
    assert parse_runner(runner_raw(birth_year=str(oldest)), TODAY).birth_year == oldest
    assert parse_runner(runner_raw(birth_year=youngest), TODAY).birth_year == youngest
    for bad in (oldest - 1, youngest + 1, TODAY.year + 1, "1990.5", "nineteen ninety", True):
        assert list(runner_errors(birth_year=bad)) == ["birth_year"], bad


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_empty_names_are_rejected(name):
    errors = runner_errors(name=name)
    assert list(errors) == ["name"]


def test_name_length_limit():
    assert parse_runner(runner_raw(name="x" * v.MAX_NAME_LENGTH), TODAY).name == "x" * v.MAX_NAME_LENGTH
    errors = runner_errors(name="x" * (v.MAX_NAME_LENGTH + 1))
    assert "too long" in errors["name"]


def test_name_must_be_text():
    assert list(runner_errors(name=12345)) == ["name"]


@pytest.mark.parametrize(
    "name",
    [
        "Sam \x00Runner",
        "Sam\x07",
        "Sam\nRunner",
        "Sam\tRunner",
        "Sam\x1b[31m",
        "Sam\x7f",
        "Sam \u202eenuR",
        "\u202dSam",
        "Sam\u2066x\u2069",
        "Sam\u200f",
        "Sam\u200e",
        "a\u202ab",
    ],
)
def test_names_with_control_or_bidi_override_characters_are_rejected(name):
    errors = runner_errors(name=name)
    assert list(errors) == ["name"]
    assert "control character" in errors["name"]


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<b>Sam</b>",
        "Sam<br>",
        "<img src=x onerror=alert(1)>",
        "<!-- hidden -->",
        "</div>",
        "<?xml version='1.0'?>",
        "<a href='javascript:alert(1)'>me</a>",
    ],
)
def test_html_tags_are_rejected_in_names_and_notes(text):
    assert "HTML" in runner_errors(name=text[:60])["name"]
    assert "HTML" in errors_of(raw_test(notes=text))["notes"]


@pytest.mark.parametrize(
    "text",
    [
        "=cmd|' /C calc'!A0",
        "=1+1",
        "@SUM(A1:A2)",
        '=HYPERLINK("http://x")',
        "  =1+1",
        "@",
        # look-alikes (issue 12): full-width, small, superscript and subscript forms
        "＝1+1",
        "＠SUM(A1:A2)",
        "﹦1+1",
        "﹫SUM(1)",
        "⁼1",
        "₌1",
    ],
)
def test_spreadsheet_formulas_are_rejected_in_names_and_notes(text):
    assert "formula" in runner_errors(name=text)["name"]
    assert "formula" in errors_of(raw_test(notes=text))["notes"]


@pytest.mark.parametrize(
    "text",
    [
        "- felt tight on the left",
        "+1 on the left, felt easy",
        "-foo",
        "+foo",
        "+",
        "-",
        "+-1",
        "--- no pain today ---",
        # look-alikes of a sign (issue 12 refused them): full-width, small, super- and subscript, the minus sign
        "＋foo",
        "－foo",
        "﹢foo",
        "﹣foo",
        "⁺foo",
        "⁻foo",
        "−foo",
    ],
)
def test_notes_and_names_that_merely_start_with_a_sign_are_ordinary_text(text):
    # Issue 23: the CSV export neutralises them (calfcore.exchange), so they are stored as typed, not refused.
    test, _ = parse_test(raw_test(notes=text), TODAY)
    assert test.notes == text
    assert parse_runner(runner_raw(name=text), TODAY).name == text


@pytest.mark.parametrize(
    "text",
    [
        "-3 reps versus last time",
        "+2 since the last test",
        "-0.5 cm",
        "-.5 cm",
        "Left 3<5 right",
        "Sam <3",
        "left < right",
        "pain 2/10 -> 1/10",
        "a - b",
        "Score: =good",
        "me@example.com",
    ],
)
def test_ordinary_text_that_looks_a_little_like_code_is_allowed_in_notes(text):
    test, _ = parse_test(raw_test(notes=text), TODAY)
    assert test.notes == text


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Müller",
        "José Ñúñez",
        "محمد علي",
        "שרה כהן",
        "李小龙",
        "Ólafur Þór",
        "Sam 🏃‍♀️",
        "👩‍👩‍👧 family",
        "🇳🇿 Kiwi",
        "O'Brien",
        "Jean-Luc",
        "Anne-Marie (coach)",
        "Sam_1",
        "नमस्ते",
        "Ελένη",
    ],
)
def test_emoji_and_right_to_left_names_are_allowed(name):
    assert parse_runner(runner_raw(name=name), TODAY).name == unicodedata.normalize("NFC", name)


def test_names_are_trimmed_and_normalised():
    decomposed = "  Zoe\u0308  "
    assert parse_runner(runner_raw(name=decomposed), TODAY).name == "Zoë"


def test_notes_allow_line_breaks_and_tabs_but_names_do_not():
    test, _ = parse_test(raw_test(notes="line one\nline two\tindented"), TODAY)
    assert test.notes == "line one\nline two\tindented"
    assert "name" in runner_errors(name="line one\nline two")


@pytest.mark.parametrize("bad", ["carriage\rreturn", "bell\x07", "rlo \u202e", "null\x00"])
def test_notes_reject_other_control_characters(bad):
    assert list(errors_of(raw_test(notes=bad))) == ["notes"]


def test_notes_length_limit():
    parse_test(raw_test(notes="x" * v.MAX_NOTES_LENGTH), TODAY)
    assert list(errors_of(raw_test(notes="x" * (v.MAX_NOTES_LENGTH + 1)))) == ["notes"]


def test_unpaired_surrogates_and_unassigned_characters_are_rejected():
    assert "name" in runner_errors(name="Sam \ud800")
    assert "name" in runner_errors(name="Sam \U000e0fff")  # unassigned code point


# --- symptoms and routine logs ----------------------------------------------------------------------------------


def test_symptom_checkin_needs_at_least_one_value():
    with pytest.raises(InputErrors):
        parse_symptom_checkin({"logged_on": "2025-06-10"}, TODAY)
    entries = parse_symptom_checkin({"logged_on": "2025-06-10", "pain_next_morning_right": "2"}, TODAY)
    assert [(e.side, e.pain_next_morning) for e in entries] == [(Side.RIGHT, 2)]


def test_symptom_checkin_location_alone_is_recorded():
    entries = parse_symptom_checkin({"logged_on": "2025-06-10", "location_left": "shin"}, TODAY)
    assert [(e.side, e.location) for e in entries] == [(Side.LEFT, PainLocation.SHIN)]


def test_symptom_entry_requires_a_known_leg():
    with pytest.raises(InputErrors) as caught:
        parse_symptom_entry({"logged_on": "2025-06-10", "pain_during": "2"}, TODAY)
    assert "side" in caught.value.errors
    with pytest.raises(InputErrors) as caught:
        parse_symptom_entry({"logged_on": "2025-06-10", "side": "middle", "pain_during": "11"}, TODAY)
    assert set(caught.value.errors) == {"side", "pain_during"}


def test_routine_log_limits():
    base = {"logged_on": "2025-06-10", "exercise_id": "single_leg_calf_raise", "sets": "3", "reps": "15"}
    entry = parse_routine_log(base, TODAY, exercise_ids=["single_leg_calf_raise"])
    assert (entry.sets, entry.reps, entry.load_kg, entry.volume) == (3, 15, 0.0, 45)
    for field, bad in (
        ("sets", "0"),
        ("sets", str(v.MAX_SETS + 1)),
        ("reps", "0"),
        ("reps", str(v.MAX_ROUTINE_REPS + 1)),
        ("pain", "11"),
        ("load", "-1"),
        ("logged_on", (TODAY + dt.timedelta(days=1)).isoformat()),
    ):
        with pytest.raises(InputErrors) as caught:
            parse_routine_log({**base, field: bad}, TODAY)
        assert list(caught.value.errors) == [field], (field, bad)
    parse_routine_log({**base, "sets": str(v.MAX_SETS), "reps": str(v.MAX_ROUTINE_REPS)}, TODAY)


def test_routine_log_rejects_an_exercise_outside_the_library():
    with pytest.raises(InputErrors) as caught:
        parse_routine_log(
            {"logged_on": "2025-06-10", "exercise_id": "bicep_curl", "sets": "3", "reps": "10"},
            TODAY,
            exercise_ids=["single_leg_calf_raise"],
        )
    assert list(caught.value.errors) == ["exercise_id"]


# --- properties -------------------------------------------------------------------------------------------------

reps_values = st.integers(0, v.MAX_REPS)
cm_values = st.floats(0, 30, allow_nan=False, allow_infinity=False)
pain_values = st.integers(0, 10)


def as_input(value):
    """Values arrive as numbers from widgets or as text from CSV cells."""
    return st.sampled_from([value, repr(value) if isinstance(value, float) else str(value)])


@PROPERTY
@given(
    day=st.dates(v.EARLIEST_DATE, TODAY),
    cadence=st.sampled_from(v.ALLOWED_CADENCES),
    surface=st.sampled_from(list(Surface)),
    cued=st.booleans(),
    left=reps_values,
    right=reps_values,
    bent=st.none() | st.tuples(reps_values, reps_values),
    height=st.none() | st.tuples(cm_values, cm_values),
    ktw=st.none() | st.tuples(cm_values, cm_values),
    soleus=st.none()
    | st.tuples(
        st.integers(0, 500_000).map(lambda g: g / 1000),
        reps_values,
        reps_values,
        st.integers(25_000, 300_000).map(lambda g: g / 1000),
    ),
    pains=st.tuples(pain_values, pain_values, st.integers(0, 24 * 60)),
    data=st.data(),
)
def test_any_in_range_values_parse_and_round_trip(
    day, cadence, surface, cued, left, right, bent, height, ktw, soleus, pains, data
):
    raw = raw_test(
        tested_on=day.isoformat(),
        cadence_bpm=data.draw(as_input(cadence)),
        surface=surface.value,
        cued="yes" if cued else "no",
        straight_left=data.draw(as_input(left)),
        straight_right=data.draw(as_input(right)),
        pain_during_right=str(pains[0]),
        pain_next_morning_right=pains[1],
        stiffness_minutes_right=str(pains[2]),
    )
    if bent:
        raw |= {"bent_left": data.draw(as_input(bent[0])), "bent_right": data.draw(as_input(bent[1]))}
    if height:
        raw |= {"height_left": data.draw(as_input(height[0])), "height_right": data.draw(as_input(height[1]))}
    if ktw:
        raw |= {"knee_to_wall_left": data.draw(as_input(ktw[0])), "knee_to_wall_right": data.draw(as_input(ktw[1]))}
    if soleus:
        raw |= {
            "soleus_load": data.draw(as_input(soleus[0])),
            "soleus_reps_left": soleus[1],
            "soleus_reps_right": soleus[2],
            "body_weight": data.draw(as_input(soleus[3])),
        }
    test, symptoms = parse_test(raw, TODAY)
    assert test.tested_on == day
    assert (test.protocol.cadence_bpm, test.protocol.surface, test.protocol.cued) == (cadence, surface, cued)
    assert test.straight_reps == LegPair(left, right)
    assert test.bent_reps == (LegPair(*bent) if bent else None)
    assert test.heel_height_cm == (LegPair(*height) if height else None)
    assert test.knee_to_wall_cm == (LegPair(*ktw) if ktw else None)
    if soleus:
        assert test.soleus is not None
        assert (test.soleus.load_kg, test.soleus.reps, test.soleus.body_weight_kg) == (
            soleus[0],
            LegPair(soleus[1], soleus[2]),
            soleus[3],
        )
    else:
        assert test.soleus is None
    assert [(s.side, s.pain_during, s.pain_next_morning, s.stiffness_minutes) for s in symptoms] == [
        (Side.RIGHT, *pains)
    ]


@PROPERTY
@given(
    reps=st.integers().filter(lambda n: n < 0 or n > v.MAX_REPS),
    side=st.sampled_from(["left", "right"]),
    as_text=st.booleans(),
)
def test_any_out_of_range_rep_count_is_rejected(reps, side, as_text):
    field = f"straight_{side}"
    errors = errors_of(raw_test(**{field: str(reps) if as_text else reps}))
    assert list(errors) == [field]


@PROPERTY
@given(
    reps=st.integers().filter(lambda n: n < 0 or n > v.MAX_REPS),
    field=st.sampled_from(["bent_left", "bent_right", "soleus_reps_left", "soleus_reps_right"]),
)
def test_any_out_of_range_optional_rep_count_is_rejected(reps, field):
    extra = {"soleus_load": "10", "body_weight": "60"} if field.startswith("soleus") else {}
    assert field in errors_of(raw_test(**extra, **{field: reps}))


@PROPERTY
@given(
    pounds=st.floats(v.MIN_BODY_WEIGHT_KG / KG_PER_LB + 0.01, v.MAX_BODY_WEIGHT_KG / KG_PER_LB - 0.01, allow_nan=False)
)
def test_any_plausible_body_weight_in_pounds_converts_to_kilograms(pounds):
    test, _ = parse_test(
        raw_test(soleus_load="0", soleus_reps_left="5", soleus_reps_right="5", body_weight=repr(pounds)),
        TODAY,
        Units.LB,
    )
    assert test.soleus is not None
    assert test.soleus.body_weight_kg == pytest.approx(pounds * 0.45359237, abs=0.0006)
    assert v.MIN_BODY_WEIGHT_KG <= test.soleus.body_weight_kg <= v.MAX_BODY_WEIGHT_KG


name_chars = st.characters(categories=["Lu", "Ll", "Lt", "Lo", "Nd", "So"])


@PROPERTY
@given(words=st.lists(st.text(name_chars, min_size=1, max_size=8), min_size=1, max_size=5))
def test_any_name_of_letters_digits_and_symbols_is_accepted(words):
    name = " ".join(words)
    normalised = unicodedata.normalize("NFC", name)
    if len(normalised) > v.MAX_NAME_LENGTH:
        assert "name" in runner_errors(name=name)
    else:
        assert parse_runner(runner_raw(name=name), TODAY).name == normalised


@PROPERTY
@given(
    before=st.text(name_chars, max_size=10),
    after=st.text(name_chars, max_size=10),
    control=st.sampled_from(sorted(v._BIDI_CONTROLS) + ["\x00", "\x1b", "\x7f", "\x85"]),
)
def test_any_text_hiding_a_control_character_is_rejected(before, after, control):
    name = f"A{before}{control}{after}Z"
    assert "name" in runner_errors(name=name)
    assert "notes" in errors_of(raw_test(notes=name))


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "Give the link a label"),
        ("   ", "Give the link a label"),
        (None, "Give the link a label"),
        (42, "Give the link a label"),
        ("x" * 61, "too long"),
        ("<b>Sam</b>", "HTML tags"),
        ("=1+1", "formula"),
        ("Sam\u202eevil", "control"),
    ],
)
def test_a_share_label_that_cannot_be_shown_safely_is_refused(raw, message):
    with pytest.raises(InputErrors) as refused:
        parse_share_label(raw)
    assert message in refused.value.errors["label"]


def test_a_share_label_is_kept_as_typed_without_surrounding_spaces():
    assert parse_share_label("  Coach Sam (track) ") == "Coach Sam (track)"


# -- a clinician's all-clear (calfcore.warning_signs) ------------------------------------------------------------


def test_an_all_clear_takes_a_day_and_an_optional_plain_note():
    clear = v.parse_all_clear({"seen_on": TODAY, "note": "  Seen by Dr Ng.\nA strain, no clot.  "}, TODAY)
    assert clear.seen_on == TODAY and clear.note == "Seen by Dr Ng.\nA strain, no clot."
    assert v.parse_all_clear({"seen_on": "2025-06-01"}, TODAY).note == ""


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"seen_on": TODAY + dt.timedelta(days=1)}, "seen_on", "future"),
        ({"seen_on": None}, "seen_on", "required"),
        ({"seen_on": "16/06/2025"}, "seen_on", "YYYY-MM-DD"),
        ({"seen_on": TODAY, "note": "x" * (v.MAX_NOTES_LENGTH + 1)}, "note", "characters"),
        ({"seen_on": TODAY, "note": "seen\u202eevil"}, "note", "control character"),
        ({"seen_on": TODAY, "note": 12}, "note", "text"),
    ],
)
def test_a_bad_all_clear_gets_a_sentence(raw, field, words):
    with pytest.raises(v.InputErrors) as refused:
        v.parse_all_clear(raw, TODAY)
    assert words in refused.value.errors[field]


# --- what the forms' number fields send: the sentence for a fraction or a number out of range (issue 24) ----------
# The widgets have no bounds and hold decimals (a bounded widget keeps its earlier value; a whole-number widget
# truncates 12.5 to 12), so these rules are all that stands between a typed number and the store.


def _hop_raw(**overrides: object) -> dict:
    return {
        "tested_on": "2025-06-10",
        "hops_left": 12.0,
        "hops_right": 14.0,
        "pain_left": 0,
        "pain_right": 1,
    } | overrides


def _hop_errors(**overrides: object) -> dict[str, str]:
    with pytest.raises(InputErrors) as caught:
        v.parse_hop_test(_hop_raw(**overrides), TODAY)
    return caught.value.errors


@pytest.mark.parametrize("field", ["hops_left", "hops_right"])
def test_hop_counts_at_their_edges_one_each_side(field):
    assert getattr(v.parse_hop_test(_hop_raw(**{field: 0.0}), TODAY).hops, field[5:]) == 0
    assert getattr(v.parse_hop_test(_hop_raw(**{field: float(MAX_HOPS)}), TODAY).hops, field[5:]) == MAX_HOPS
    side = field[5:]
    assert _hop_errors(**{field: -1.0}) == {
        field: f"Hops, {side} must be between 0 and {MAX_HOPS}; -1 is out of range."
    }
    assert _hop_errors(**{field: MAX_HOPS + 1.0}) == {
        field: f"Hops, {side} must be between 0 and {MAX_HOPS}; {MAX_HOPS + 1} is out of range."
    }


def test_a_hop_count_with_a_decimal_is_refused_with_a_sentence_not_rounded():
    assert v.parse_hop_test(_hop_raw(hops_left=12.0), TODAY).hops.left == 12
    assert _hop_errors(hops_left=12.5) == {"hops_left": "Hops, left: 12.5 is not a whole number of hops."}


def test_raises_with_a_decimal_are_refused_not_stored_as_the_whole_number():
    test, _ = parse_test(raw_test(straight_left=12.0, straight_right=13.0), TODAY)
    assert test.straight_reps == LegPair(12, 13)
    assert errors_of(raw_test(straight_left=12.5)) == {
        "straight_left": "Knee-straight raises, left: 12.5 is not a whole number of raises."
    }
    assert errors_of(raw_test(straight_right=12.01))["straight_right"].endswith("is not a whole number of raises.")


@pytest.mark.parametrize(
    ("field", "label"), [("bent_left", "Knee-bent raises, left"), ("soleus_reps_right", "Seated soleus reps, right")]
)
def test_every_raise_count_says_a_fraction_is_not_a_whole_number_of_raises(field, label):
    extra = {"soleus_load": "40", "body_weight": "62", "soleus_reps_left": "8"} if "soleus" in field else {}
    assert errors_of(raw_test(**extra, **{field: 7.5})) == {field: f"{label}: 7.5 is not a whole number of raises."}


def test_a_birth_year_with_a_decimal_is_not_a_whole_year_rather_than_out_of_range():
    youngest = TODAY.year - v.YOUNGEST_AGE
    assert parse_runner(runner_raw(birth_year=float(youngest)), TODAY).birth_year == youngest
    assert runner_errors(birth_year=youngest + 1.0) == {
        "birth_year": f"Birth year must be between {TODAY.year - v.OLDEST_AGE} and {youngest}; "
        f"{youngest + 1} is out of range."
    }
    assert runner_errors(birth_year=2024.5) == {"birth_year": "Birth year: 2024.5 is not a whole year."}
    assert runner_errors(birth_year=youngest - 0.5) == {
        "birth_year": f"Birth year: {youngest - 0.5:g} is not a whole year."
    }


def test_stiffness_minutes_sets_and_reps_say_what_they_count():
    checkin = {"logged_on": "2025-06-10", "stiffness_minutes_left": 10.5}
    with pytest.raises(InputErrors) as caught:
        parse_symptom_checkin(checkin, TODAY)
    assert caught.value.errors == {
        "stiffness_minutes_left": "Morning stiffness (min), left: 10.5 is not a whole number of minutes."
    }
    base = {"logged_on": "2025-06-10", "exercise_id": "single_leg_calf_raise", "sets": 3.0, "reps": 15.0}
    assert (parse_routine_log(base, TODAY).sets, parse_routine_log(base, TODAY).reps) == (3, 15)
    for field, bad, counted in (("sets", 2.5, "sets"), ("reps", 12.5, "reps")):
        with pytest.raises(InputErrors) as caught:
            parse_routine_log({**base, field: bad}, TODAY)
        assert caught.value.errors[field].endswith(f"{bad:g} is not a whole number of {counted}.")


@pytest.mark.parametrize(("value", "count"), [(0, 0), (0.0, 0), (150.0, 150), ("150", 150)])
def test_a_count_typed_on_its_own_is_read_inside_its_limits(value, count):
    assert v.parse_count(value, "Raises", 0, v.MAX_REPS, whole_as="a whole number of raises") == count


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1.0, "Raises must be between 0 and 150; -1 is out of range."),
        (151.0, "Raises must be between 0 and 150; 151 is out of range."),
        (12.5, "Raises: 12.5 is not a whole number of raises."),
        (None, "Raises is required."),
    ],
)
def test_a_count_typed_on_its_own_outside_its_limits_gets_a_sentence(value, message):
    with pytest.raises(InputErrors) as caught:
        v.parse_count(value, "Raises", 0, v.MAX_REPS, whole_as="a whole number of raises")
    assert caught.value.errors == {"value": message}
