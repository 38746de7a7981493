"""Property-based tests (hypothesis) for every validator in calfcore.validation, and export -> import round trips
through the real store: any valid data set survives unchanged.

tests/unit/test_validation.py and tests/unit/test_exchange.py already check parse_test in range, out-of-range
rep counts, pounds, names of letters and hidden control characters, and CSV-level round trips of tests. These add
what they don't cover: every other parser, garbage of any type for every parser, the limits of numbers, dates,
choices, flags and red flags, what text_problem lets through, and round trips of whole data sets through a DuckDB
file (store -> CSV -> import into another runner -> store)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calfcore import validation as v
from calfcore.exchange import (
    export_csv,
    export_json,
    fingerprints,
    neutralise_formula,
    plan_import,
)
from calfcore.models import (
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    SoleusTest,
    Surface,
    SymptomEntry,
    Units,
)
from calfcore.routine import exercise_library
from calfcore.triage import red_flag_ids
from calfcore.units import KG_PER_LB
from calfstore import LOCAL_OWNER, open_store
from calfstore.duckdb_store import DuckDBStore

TODAY = dt.date(2025, 6, 16)
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STORE_PROPERTY = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PARSERS = {
    "parse_test": lambda raw: v.parse_test(raw, TODAY),
    "parse_test_lb": lambda raw: v.parse_test(raw, TODAY, Units.LB),
    "parse_runner": lambda raw: v.parse_runner(raw, TODAY),
    "parse_symptom_entry": lambda raw: v.parse_symptom_entry(raw, TODAY),
    "parse_symptom_checkin": lambda raw: v.parse_symptom_checkin(raw, TODAY),
    "parse_routine_log": lambda raw: v.parse_routine_log(raw, TODAY, Units.KG, exercise_library()),
}
FIELD_NAMES = [
    "tested_on",
    "logged_on",
    "cadence_bpm",
    "surface",
    "cued",
    "fingertip_support",
    "added_load",
    "straight_left",
    "straight_right",
    "bent_left",
    "bent_right",
    "height_left",
    "height_right",
    "knee_to_wall_left",
    "knee_to_wall_right",
    "soleus_load",
    "soleus_reps_left",
    "soleus_reps_right",
    "body_weight",
    "red_flags",
    "notes",
    "pain_during_left",
    "pain_during_right",
    "pain_next_morning_left",
    "stiffness_minutes_right",
    "location_left",
    "name",
    "birth_year",
    "sex",
    "units",
    "injured_side",
    "side",
    "pain_during",
    "pain_next_morning",
    "stiffness_minutes",
    "location",
    "exercise_id",
    "sets",
    "reps",
    "load",
    "pain",
    "id",
]

# Anything a widget, a CSV cell, a JSON file or a bug could hand a parser.
garbage = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.binary(max_size=8)
    | st.dates()
    | st.datetimes()
    | st.decimals(allow_nan=True)
    | st.sampled_from(["", " ", "nan", "inf", "-0", "1e999", "0x10", "１２", "٢٥"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=4,
)


@settings(PROPERTY, max_examples=1000)
@given(parser=st.sampled_from(sorted(PARSERS)), raw=st.dictionaries(st.sampled_from(FIELD_NAMES), garbage, max_size=12))
def test_any_garbage_gives_a_model_or_input_errors_never_a_crash(parser, raw):
    try:
        PARSERS[parser](raw)
    except v.InputErrors as errors:
        assert errors.errors and all(isinstance(m, str) and m for m in errors.errors.values())


@PROPERTY
@given(text=st.text(), max_length=st.integers(0, 600), multiline=st.booleans())
def test_text_problem_lets_through_only_text_that_is_safe_to_store_show_and_export(text, max_length, multiline):
    problem = v.text_problem(text, "Notes", max_length, multiline=multiline)
    if problem is not None:
        assert problem.startswith("Notes")
        return
    assert len(text) <= max_length
    allowed = {"\n", "\t"} if multiline else set()
    for char in text:
        assert unicodedata.category(char) not in {"Cc", "Cs", "Co", "Cn"} or char in allowed
        assert char not in v._BIDI_CONTROLS
    assert not re.search(r"<[/?!]?[a-zA-Z!]", text)  # no tag, comment or doctype
    assert not text.startswith(("=", "@"))  # a sign first is ordinary text ("- felt tight"): the export handles it
    # What is let through can be exported: the cell a spreadsheet sees never starts a formula, even after blanks.
    cell = neutralise_formula(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.startswith("'") or not v.formula_view(cell.lstrip()).startswith(("=", "+", "-", "@"))


@PROPERTY
@given(surrogate=st.integers(0xD800, 0xDFFF), before=st.text(max_size=5))
def test_unpaired_surrogates_are_never_stored(surrogate, before):
    assert "can't be stored" in v.text_problem(before + chr(surrogate), "Name", 60) or v.text_problem(
        before + chr(surrogate), "Name", 60
    )


# -- numbers -------------------------------------------------------------------------------------------------------


@PROPERTY
@given(
    number=st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
    form=st.sampled_from(["number", "repr", "padded"]),
)
def test_any_finite_number_is_read_the_same_however_it_is_written(number, form):
    value = {"number": number, "repr": repr(number), "padded": f"  {number!r}\t"}[form]
    fields = v._Fields({"x": value})
    read = fields.number("x", "X", -math.inf, math.inf)
    assert fields.errors == {} and read == float(number)


@PROPERTY
@given(value=st.sampled_from([math.nan, math.inf, -math.inf]), as_text=st.booleans(), required=st.booleans())
def test_nan_and_infinity_are_never_numbers(value, as_text, required):
    raw = {"x": str(value) if as_text else value}
    fields = v._Fields(raw)
    assert fields.number("x", "X", -1e308, 1e308, required=required) is None
    if isinstance(raw["x"], float) and math.isnan(raw["x"]):  # an empty CSV cell, as pandas reads it
        assert ("x" in fields.errors) == required
    else:
        assert "real number" in fields.errors["x"]


@PROPERTY
@given(low=st.integers(-1000, 1000), span=st.integers(0, 1000), offset=st.integers(-3000, 3000))
def test_whole_numbers_are_accepted_exactly_inside_their_limits(low, span, offset):
    high, value = low + span, low + offset
    fields = v._Fields({"x": str(value)})
    read = fields.whole("x", "X", low, high)
    assert (read == value) == (low <= value <= high)
    assert ("x" in fields.errors) == (not low <= value <= high)


@PROPERTY
@given(value=st.floats(0.01, 1000).filter(lambda f: not f.is_integer()))
def test_fractions_are_never_whole_numbers(value):
    fields = v._Fields({"x": value})
    assert fields.whole("x", "X", 0, 10_000) is None and "whole number" in fields.errors["x"]


# -- dates, choices, flags, red flags --------------------------------------------------------------------------


@PROPERTY
@given(day=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), form=st.sampled_from(["date", "datetime", "iso"]))
def test_a_day_is_accepted_exactly_between_the_earliest_date_and_today(day, form):
    value = {"date": day, "datetime": dt.datetime.combine(day, dt.time(12)), "iso": day.isoformat()}[form]
    fields = v._Fields({"d": value})
    read = fields.day("d", "Date", TODAY)
    assert (read == day) == (v.EARLIEST_DATE <= day <= TODAY)
    if day > TODAY:
        assert "future" in fields.errors["d"]
    elif day < v.EARLIEST_DATE:
        assert "before" in fields.errors["d"]


@PROPERTY
@given(enum=st.sampled_from([Sex, Units, Surface, Side, PainLocation]), data=st.data())
def test_choices_accept_their_values_in_any_case_and_nothing_else(enum, data):
    member = data.draw(st.sampled_from(list(enum)))
    spelled = data.draw(st.sampled_from([member.value, member.value.upper(), member.value.title(), member]))
    fields = v._Fields({"c": spelled})
    assert fields.choice("c", "C", enum) is member and fields.errors == {}
    other = data.draw(
        st.text(min_size=1, max_size=12).filter(
            lambda t: t.strip() and t.strip().lower() not in {m.value for m in enum}
        )
    )
    fields = v._Fields({"c": other})
    assert fields.choice("c", "C", enum) is None and "must be one of" in fields.errors["c"]


@PROPERTY
@given(text=st.text(max_size=8))
def test_flags_are_yes_or_no_or_an_error(text):
    fields = v._Fields({"f": text})
    read = fields.flag("f", "F", default=False)
    word = text.strip().lower()
    if word in {"true", "yes", "1", "y"}:
        assert read is True
    elif word in {"false", "no", "0", "n", ""}:
        assert read is False and fields.errors == {}
    else:
        assert "yes or no" in fields.errors["f"]


@PROPERTY
@given(
    known=st.frozensets(st.sampled_from(sorted(red_flag_ids()))),
    unknown=st.frozensets(
        st.text(st.characters(categories=["Ll", "Nd"], include_characters="_"), min_size=1, max_size=10).filter(
            lambda t: t not in red_flag_ids()
        ),
        max_size=2,
    ),
    as_text=st.booleans(),
)
def test_red_flags_are_known_answers_only(known, unknown, as_text):
    flags = sorted(known | unknown)
    raw = "|".join(flags) if as_text else flags
    fields = v._Fields({})
    read = v._red_flags(raw, fields)
    if unknown:
        assert read == frozenset() and "Unknown red-flag" in fields.errors["red_flags"]
    else:
        assert read == known and fields.errors == {}


# -- the parsers, value by value -----------------------------------------------------------------------------------

name_text = st.text(
    st.characters(categories=["Lu", "Ll", "Lo", "Nd", "So", "Zs"], exclude_characters="\u3000"), min_size=1, max_size=70
)


@PROPERTY
@given(
    name=name_text,
    age=st.integers(-5, 130),
    sex=st.sampled_from(list(Sex)),
    units=st.sampled_from(list(Units)),
    injured=st.sampled_from([None, "none", "left", "right"]),
)
def test_parse_runner_keeps_every_value_or_names_the_bad_field(name, age, sex, units, injured):
    raw = {
        "name": name,
        "birth_year": TODAY.year - age,
        "sex": sex.value,
        "units": units.value,
        "injured_side": injured,
    }
    clean = unicodedata.normalize("NFC", name.strip())
    bad = set()
    if not clean or len(clean) > v.MAX_NAME_LENGTH:
        bad.add("name")
    if not v.YOUNGEST_AGE <= age <= v.OLDEST_AGE:
        bad.add("birth_year")
    if bad:
        with pytest.raises(v.InputErrors) as refused:
            v.parse_runner(raw, TODAY)
        assert set(refused.value.errors) == bad
        return
    runner = v.parse_runner(raw, TODAY)
    assert (runner.name, runner.birth_year, runner.sex, runner.units) == (clean, TODAY.year - age, sex, units)
    assert runner.injured_side == (Side(injured) if injured in ("left", "right") else None)


pain = st.none() | st.integers(-3, 13)
stiffness = st.none() | st.integers(-10, 1500)


def _in_range(value, high):
    return value is None or 0 <= value <= high


@PROPERTY
@given(
    day=st.dates(dt.date(1985, 1, 1), TODAY + dt.timedelta(days=5)),
    side=st.sampled_from(list(Side)),
    during=pain,
    morning=pain,
    minutes=stiffness,
    location=st.sampled_from(list(PainLocation)),
)
def test_parse_symptom_entry_keeps_every_value_or_names_the_bad_field(day, side, during, morning, minutes, location):
    raw = {
        "logged_on": day.isoformat(),
        "side": side.value,
        "pain_during": during,
        "pain_next_morning": morning,
        "stiffness_minutes": "" if minutes is None else str(minutes),
        "location": location.value,
    }
    bad = {
        name
        for name, ok in (
            ("logged_on", v.EARLIEST_DATE <= day <= TODAY),
            ("pain_during", _in_range(during, 10)),
            ("pain_next_morning", _in_range(morning, 10)),
            ("stiffness_minutes", _in_range(minutes, v.MAX_STIFFNESS_MINUTES)),
        )
        if not ok
    }
    if bad:
        with pytest.raises(v.InputErrors) as refused:
            v.parse_symptom_entry(raw, TODAY)
        assert set(refused.value.errors) == bad
        return
    assert v.parse_symptom_entry(raw, TODAY) == SymptomEntry(day, side, during, morning, minutes, location)


@PROPERTY
@given(
    values=st.fixed_dictionaries(
        {
            f"{kind}_{side}": st.none() | st.integers(0, 10)
            for kind in ("pain_during", "pain_next_morning")
            for side in ("left", "right")
        }
    ),
    minutes=st.fixed_dictionaries(
        {f"stiffness_minutes_{side}": st.none() | st.integers(0, 1440) for side in ("left", "right")}
    ),
)
def test_a_check_in_records_exactly_the_legs_with_a_value(values, minutes):
    raw = {"logged_on": TODAY, **values, **minutes}
    legs = [
        side
        for side in Side
        if any(raw[f"{k}_{side.value}"] is not None for k in ("pain_during", "pain_next_morning", "stiffness_minutes"))
    ]
    if not legs:
        with pytest.raises(v.InputErrors, match="at least one leg"):
            v.parse_symptom_checkin(raw, TODAY)
        return
    entries = v.parse_symptom_checkin(raw, TODAY)
    assert [e.side for e in entries] == legs
    for entry in entries:
        s = entry.side.value
        assert (entry.pain_during, entry.pain_next_morning, entry.stiffness_minutes) == (
            raw[f"pain_during_{s}"],
            raw[f"pain_next_morning_{s}"],
            raw[f"stiffness_minutes_{s}"],
        )


@PROPERTY
@given(
    exercise=st.sampled_from(sorted(exercise_library())) | st.text(min_size=1, max_size=20),
    sets=st.integers(-2, 25),
    reps=st.integers(-2, 520),
    load=st.integers(-10, 1200).map(lambda n: n / 2),
    units=st.sampled_from(list(Units)),
    pain_value=pain,
)
def test_parse_routine_log_keeps_every_value_or_names_the_bad_field(exercise, sets, reps, load, units, pain_value):
    library = exercise_library()
    raw = {"logged_on": TODAY, "exercise_id": exercise, "sets": sets, "reps": reps, "load": load, "pain": pain_value}
    factor = KG_PER_LB if units is Units.LB else 1.0
    bad = {
        name
        for name, ok in (
            ("exercise_id", exercise in library),
            ("sets", 1 <= sets <= v.MAX_SETS),
            ("reps", 1 <= reps <= v.MAX_ROUTINE_REPS),
            ("load", 0 <= load <= v.MAX_LOAD_KG / factor),
            ("pain", _in_range(pain_value, 10)),
        )
        if not ok
    }
    if bad:
        with pytest.raises(v.InputErrors) as refused:
            v.parse_routine_log(raw, TODAY, units, library)
        assert bad <= set(refused.value.errors)
        return
    entry = v.parse_routine_log(raw, TODAY, units, library)
    assert (entry.exercise_id, entry.sets, entry.reps, entry.pain) == (exercise, sets, reps, pain_value)
    assert entry.load_kg == round(load * factor, 3) and 0 <= entry.load_kg <= v.MAX_LOAD_KG + 0.001


@PROPERTY
@given(cadence=st.integers(-50, 300))
def test_the_metronome_is_self_paced_or_30_to_120(cadence):
    raw = {"tested_on": TODAY, "cadence_bpm": cadence, "straight_left": 20, "straight_right": 20}
    if cadence in v.ALLOWED_CADENCES:
        assert v.parse_test(raw, TODAY)[0].protocol.cadence_bpm == cadence
    else:
        with pytest.raises(v.InputErrors) as refused:
            v.parse_test(raw, TODAY)
        assert set(refused.value.errors) == {"cadence_bpm"}


# -- whole data sets through the store and back --------------------------------------------------------------------

reps = st.integers(0, 150)
cm = st.integers(0, 3000).map(lambda n: n / 100)
kg = st.integers(0, 500_000).map(lambda grams: grams / 1000)
safe_text = (
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Co", "Cn"]), max_size=40)
    .map(lambda text: unicodedata.normalize("NFC", text.strip()))
    .filter(lambda text: v.text_problem(text, "Notes", v.MAX_NOTES_LENGTH, multiline=True) is None)
)
notes = safe_text | st.sampled_from(["line one\nline two", "tab\there", "-2 kg next time", "'=quoted", 'a, "b"'])
days = st.dates(v.EARLIEST_DATE, TODAY)


@st.composite
def heel_tests(draw):
    return HeelRaiseTest(
        tested_on=draw(days),
        protocol=Protocol(
            cadence_bpm=draw(st.sampled_from(v.ALLOWED_CADENCES)),
            surface=draw(st.sampled_from(list(Surface))),
            cued=draw(st.booleans()),
            fingertip_support=draw(st.booleans()),
            added_load_kg=draw(kg),
        ),
        straight_reps=LegPair(draw(reps), draw(reps)),
        bent_reps=draw(st.none() | st.builds(LegPair, reps, reps)),
        heel_height_cm=draw(st.none() | st.builds(LegPair, cm, cm)),
        soleus=draw(
            st.none()
            | st.builds(
                SoleusTest, kg, st.builds(LegPair, reps, reps), st.integers(25_000, 300_000).map(lambda g: g / 1000)
            )
        ),
        knee_to_wall_cm=draw(st.none() | st.builds(LegPair, cm | st.none(), cm)),
        red_flags=draw(st.frozensets(st.sampled_from(sorted(red_flag_ids())), max_size=3)),
        notes=draw(notes),
    )


def symptoms_on(day):
    return st.builds(
        SymptomEntry,
        st.just(day) if day else days,
        st.sampled_from(list(Side)),
        st.none() | st.integers(0, 10),
        st.none() | st.integers(0, 10),
        st.none() | st.integers(0, 1440),
        st.sampled_from(list(PainLocation)),
    )


routine_logs = st.builds(
    RoutineLogEntry,
    days,
    st.sampled_from(sorted(exercise_library())),
    st.integers(1, 20),
    st.integers(1, 500),
    kg,
    st.none() | st.integers(0, 10),
    notes,
)


@st.composite
def data_sets(draw):
    tests = draw(st.lists(heel_tests(), max_size=5))
    with_symptoms = [(t, draw(st.lists(symptoms_on(t.tested_on), max_size=2))) for t in tests]
    free = draw(st.lists(symptoms_on(None), max_size=4))
    logs = draw(st.lists(routine_logs, max_size=5))
    assume(tests or free or logs)
    return with_symptoms, free, logs


def _plain(records):
    """Everything a runner recorded, without database ids; test symptoms keyed by their test's position."""
    position = {t.id: i for i, t in enumerate(records.tests)}
    tests = [dataclasses.replace(t, id=None) for t in records.tests]
    symptoms = Counter(dataclasses.replace(s, id=None, test_id=position.get(s.test_id)) for s in records.symptoms)
    logs = [dataclasses.replace(r, id=None) for r in records.routine_logs]
    return tests, symptoms, Counter(logs)


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def round_trip_store(request, tmp_path_factory):
    """One store per backend for every example: a real DuckDB file, and a database in the throwaway PostgreSQL."""
    if request.param == "duckdb":
        store = DuckDBStore.open(tmp_path_factory.mktemp("round-trip") / "calfcheck.duckdb")
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        store = open_store(cluster.url(cluster.create_database()))
    yield store
    store.close()


@STORE_PROPERTY
@given(data=data_sets(), name=name_text.filter(lambda n: 0 < len(unicodedata.normalize("NFC", n.strip())) <= 60))
def test_any_valid_data_set_survives_store_export_import_store(round_trip_store, data, name):
    store = round_trip_store
    tests, free, logs = data
    runner = RunnerProfile(unicodedata.normalize("NFC", name.strip()), 1988, Sex.FEMALE)
    source = int(store.create_runner(LOCAL_OWNER, runner).id)
    store.import_records(LOCAL_OWNER, source, tests, free, logs)
    original = store.load_records(LOCAL_OWNER, source)

    text = export_csv(original.tests, original.symptoms, original.routine_logs)
    plan = plan_import(text.encode("utf-8"), TODAY)
    assert plan.problems == []
    copy_id = int(store.create_runner(LOCAL_OWNER, runner).id)
    store.import_records(LOCAL_OWNER, copy_id, plan.tests, plan.symptoms, plan.routine_logs)
    copy = store.load_records(LOCAL_OWNER, copy_id)
    assert _plain(copy) == _plain(original)  # field for field: every value, every symptom with its test

    # The JSON export says the same of both (ids aside), and importing the CSV again into the source adds nothing.
    def without_ids(document: str) -> dict:
        parsed = json.loads(document)
        for kind in ("tests", "symptoms", "routine_logs"):
            for item in parsed[kind]:
                item.pop("record_ref", None)
                item.pop("test_ref", None)
            parsed[kind].sort(key=json.dumps)
        return parsed

    stamp = dt.datetime(2025, 6, 16, 12)
    assert without_ids(export_json(copy.runner, copy.tests, copy.symptoms, copy.routine_logs, stamp)) == without_ids(
        export_json(original.runner, original.tests, original.symptoms, original.routine_logs, stamp)
    )
    again = plan_import(
        text.encode("utf-8"), TODAY, fingerprints(original.tests, original.symptoms, original.routine_logs)
    )
    assert again.problems == [] and again.record_count == 0
    store.delete_runner(LOCAL_OWNER, source)
    store.delete_runner(LOCAL_OWNER, copy_id)


@STORE_PROPERTY
@given(text=safe_text, name=name_text)
def test_any_accepted_text_is_stored_and_read_back_exactly(round_trip_store, text, name):
    clean = unicodedata.normalize("NFC", name.strip())
    assume(0 < len(clean) <= v.MAX_NAME_LENGTH)
    store = round_trip_store
    runner_id = int(store.create_runner(LOCAL_OWNER, v.parse_runner({"name": name, "birth_year": 1990}, TODAY)).id)
    log = v.parse_routine_log(
        {"logged_on": TODAY, "exercise_id": "single_leg_calf_raise", "sets": 1, "reps": 1, "notes": text}, TODAY
    )
    store.add_routine_log(LOCAL_OWNER, runner_id, log)
    assert store.get_runner(LOCAL_OWNER, runner_id).name == clean
    (stored,) = store.list_routine_logs(LOCAL_OWNER, runner_id)
    assert stored.notes == text
    store.delete_runner(LOCAL_OWNER, runner_id)


def test_the_round_trip_store_ran_on_a_real_database(round_trip_store):
    if round_trip_store.backend == "duckdb":
        assert Path(round_trip_store.path).suffix == ".duckdb" and Path(round_trip_store.path).exists()
    else:
        assert round_trip_store.schema_versions() and "127.0.0.1" in round_trip_store.description
