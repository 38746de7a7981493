"""Export and import: a runner's whole history leaves as one CSV and comes back unchanged; a malformed file is
refused with a clear problem and nothing is imported; spreadsheet formulas are neutralised."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import unicodedata
from collections import Counter

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from calfcore.demo import demo_data
from calfcore.exchange import (
    CSV_COLUMNS,
    MAX_IMPORT_BYTES,
    _after_blanks,
    _restore,
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
    Side,
    SoleusTest,
    Surface,
    SymptomEntry,
)
from calfcore.triage import red_flag_ids
from calfcore.validation import ALLOWED_CADENCES, InputErrors, text_problem
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.unit.helpers import FEW, PROPERTY, TODAY, runner

FORMULA_STARTS = ("=", "+", "-", "@")


def no_id(item):
    return dataclasses.replace(item, id=None)


def no_ids(entry: SymptomEntry) -> SymptomEntry:
    return dataclasses.replace(entry, id=None, test_id=None)


def with_ids(tests, symptoms=(), logs=()):
    """Records as the store hands them out: every record has an id and test symptoms point at their test."""
    numbered_tests, numbered_symptoms = [], []
    next_symptom = 1
    for index, (test, entries) in enumerate(tests, start=1):
        numbered_tests.append(dataclasses.replace(test, id=index))
        for entry in entries:
            numbered_symptoms.append(dataclasses.replace(entry, id=next_symptom, test_id=index))
            next_symptom += 1
    for entry in symptoms:
        numbered_symptoms.append(dataclasses.replace(entry, id=next_symptom, test_id=None))
        next_symptom += 1
    numbered_logs = [dataclasses.replace(entry, id=i) for i, entry in enumerate(logs, start=1)]
    return numbered_tests, numbered_symptoms, numbered_logs


def round_trip(tests, symptoms=(), logs=()):
    text = export_csv(*with_ids(tests, symptoms, logs))
    plan = plan_import(text.encode("utf-8"), TODAY)
    assert plan.problems == []
    return plan


def assert_same_records(plan, tests, symptoms, logs):
    assert Counter((no_id(t), tuple(sorted(map(repr, map(no_ids, s))))) for t, s in plan.tests) == Counter(
        (no_id(t), tuple(sorted(map(repr, map(no_ids, s))))) for t, s in tests
    )
    assert Counter(map(no_ids, plan.symptoms)) == Counter(map(no_ids, symptoms))
    assert Counter(map(no_id, plan.routine_logs)) == Counter(map(no_id, logs))


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- round trips --------------------------------------------------------------------------------------------------


def test_demo_data_round_trips_through_the_store_and_a_csv(tmp_path):
    demo = demo_data(TODAY)
    assert demo.tests and demo.symptoms and demo.routine_logs
    store = DuckDBStore.open(tmp_path / "demo.duckdb")
    try:
        runner_id = int(store.create_runner(LOCAL_OWNER, demo.runner).id)
        store.import_records(LOCAL_OWNER, runner_id, demo.tests, demo.symptoms, demo.routine_logs)
        records = store.load_records(LOCAL_OWNER, runner_id)
        text = export_csv(records.tests, records.symptoms, records.routine_logs)
        plan = plan_import(text.encode("utf-8"), TODAY)
        assert plan.problems == []
        assert len(plan.tests) == len(demo.tests)
        assert plan.record_count == len(cells(text))
        assert_same_records(plan, demo.tests, demo.symptoms, demo.routine_logs)

        # Importing the same file again into the same runner adds nothing: every row is already there.
        again = plan_import(
            text.encode("utf-8"), TODAY, fingerprints(records.tests, records.symptoms, records.routine_logs)
        )
        assert again.problems == []
        assert again.record_count == 0
        assert again.skipped_duplicates == len(cells(text))

        # Into a fresh runner, the import reproduces the same history.
        fresh = int(store.create_runner(LOCAL_OWNER, demo.runner).id)
        store.import_records(LOCAL_OWNER, fresh, plan.tests, plan.symptoms, plan.routine_logs)
        copy = store.load_records(LOCAL_OWNER, fresh)
        assert [no_id(t) for t in copy.tests] == [no_id(t) for t in records.tests]
        assert Counter(map(no_ids, copy.symptoms)) == Counter(map(no_ids, records.symptoms))
        assert [no_id(r) for r in copy.routine_logs] == [no_id(r) for r in records.routine_logs]
    finally:
        store.close()


def test_demo_data_round_trips_as_numbered_records():
    demo = demo_data(TODAY, seed=3)
    plan = round_trip(demo.tests, demo.symptoms, demo.routine_logs)
    assert_same_records(plan, demo.tests, demo.symptoms, demo.routine_logs)


def test_every_test_field_survives_the_round_trip():
    test = HeelRaiseTest(
        tested_on=dt.date(2025, 5, 30),
        protocol=Protocol(cadence_bpm=0, surface=Surface.FLAT, cued=True, fingertip_support=False, added_load_kg=7.5),
        straight_reps=LegPair(33, 35),
        bent_reps=LegPair(36, None),
        heel_height_cm=LegPair(9.35, 10.1),
        soleus=SoleusTest(93.25, LegPair(6, 8), 62.123),
        knee_to_wall_cm=LegPair(None, 11.4),
        red_flags=frozenset({"sudden_pop", "fluoroquinolone"}),
        notes='Felt strong, "quoted", commas, and\nnew line',
    )
    entries = [SymptomEntry(test.tested_on, Side.RIGHT, 3, None, 20, PainLocation.PLANTAR_FASCIA)]
    log = RoutineLogEntry(dt.date(2025, 5, 31), "single_leg_calf_raise_weighted", 3, 10, 12.5, 2, "-2 kg next time")
    plan = round_trip([(test, entries)], [], [log])
    ((imported, imported_entries),) = plan.tests
    assert no_id(imported) == test
    assert [no_ids(e) for e in imported_entries] == entries
    assert [no_id(r) for r in plan.routine_logs] == [log]


reps = st.integers(0, 150)
cm = st.floats(0, 30, allow_nan=False)
kg = st.integers(0, 500_000).map(lambda grams: grams / 1000)
notes = (
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
    .map(lambda text: unicodedata.normalize("NFC", text.strip()))
    .filter(lambda text: text_problem(text, "Notes", 500, multiline=True) is None)
)


@st.composite
def valid_tests(draw) -> HeelRaiseTest:
    return HeelRaiseTest(
        tested_on=draw(st.dates(dt.date(1990, 1, 1), TODAY)),
        protocol=Protocol(
            cadence_bpm=draw(st.sampled_from(ALLOWED_CADENCES)),
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


@st.composite
def valid_symptoms(draw, day: dt.date | None = None) -> SymptomEntry:
    pain = st.none() | st.integers(0, 10)
    return SymptomEntry(
        day or draw(st.dates(dt.date(1990, 1, 1), TODAY)),
        draw(st.sampled_from(list(Side))),
        draw(pain),
        draw(pain),
        draw(st.none() | st.integers(0, 1440)),
        draw(st.sampled_from(list(PainLocation))),
    )


def same_record(item):
    return no_id(item) if not isinstance(item, SymptomEntry) else no_ids(item)


@PROPERTY
@given(tests=st.lists(valid_tests(), max_size=4, unique_by=same_record), data=st.data())
def test_any_valid_tests_round_trip(tests, data):
    with_symptoms = [
        (t, data.draw(st.lists(valid_symptoms(t.tested_on), max_size=2, unique_by=same_record))) for t in tests
    ]
    free = data.draw(st.lists(valid_symptoms(), max_size=3, unique_by=same_record))
    logs = data.draw(
        st.lists(
            st.builds(
                RoutineLogEntry,
                st.dates(dt.date(1990, 1, 1), TODAY),
                st.sampled_from(["single_leg_calf_raise", "four_way_pogo"]),
                st.integers(1, 20),
                st.integers(1, 500),
                kg,
                st.none() | st.integers(0, 10),
                notes,
            ),
            max_size=3,
            unique_by=same_record,
        )
    )
    assume(tests or free or logs)  # an export with no records has nothing to import
    plan = round_trip(with_symptoms, free, logs)
    assert_same_records(plan, with_symptoms, free, logs)


@PROPERTY
@given(tests=st.lists(valid_tests(), min_size=1, max_size=3))
def test_no_exported_cell_can_run_as_a_spreadsheet_formula(tests):
    text = export_csv(*with_ids([(t, []) for t in tests]))
    for row in cells(text):
        for column, value in row.items():
            assert not value.startswith(FORMULA_STARTS + ("\t", "\r")), (column, value)


# --- bugs a runner would notice -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note", ["'-3 reps felt easy", "'+1 on the left", "'=)", "'@coach look", "'quoted'", "''", "'"]
)
def test_notes_starting_with_an_apostrophe_survive_the_round_trip(note):
    # Validation accepts these notes (they start with an apostrophe, not a formula character), so export and
    # import must give them back unchanged.
    assert text_problem(note, "Notes", 500, multiline=True) is None
    test = HeelRaiseTest(dt.date(2025, 6, 1), Protocol(), LegPair(20, 22), notes=note)
    ((imported, _),) = round_trip([(test, [])]).tests
    assert imported.notes == note


def test_two_identical_sessions_on_one_day_both_come_back():
    # Morning and evening sessions of the same exercise are two records with two ids; an export of them must
    # import again rather than be refused as a repeated row.
    morning = RoutineLogEntry(dt.date(2025, 6, 1), "single_leg_calf_raise", 3, 15)
    evening = RoutineLogEntry(dt.date(2025, 6, 1), "single_leg_calf_raise", 3, 15)
    plan = round_trip([], [], [morning, evening])
    assert len(plan.routine_logs) == 2


# --- formulas -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "=cmd|' /C calc'!A0", "+foo", "-3", "-3 reps", "@SUM(A1:A2)", "\tx"])
def test_neutralise_formula_prefixes_text_a_spreadsheet_would_run(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["", "abc", "3-2", "Zoë", "a=b", "12 reps", " x", "a\n=b"])
def test_neutralise_formula_leaves_other_text_alone(text):
    assert neutralise_formula(text) == text


@pytest.mark.parametrize("note", ["-3 reps felt easy", "+2 since last time", "-.5 cm on the left"])
def test_neutralised_notes_are_restored_on_import(note):
    test = HeelRaiseTest(dt.date(2025, 6, 1), Protocol(), LegPair(20, 22), notes=note)
    text = export_csv(*with_ids([(test, [])]))
    assert cells(text)[0]["notes"] == "'" + note
    ((imported, _),) = plan_import(text.encode(), TODAY).tests
    assert imported.notes == note


# A spreadsheet may trim blanks, tabs and line breaks (and invisible format characters) before a cell's text: a
# formula after them is as live as one at the start (issue 23).
FORMULAS_AFTER_BLANKS = [
    " =1+1",
    "   =1+1",
    '\n=HYPERLINK("http://evil.example","x")',
    "\r\n=1+1",
    "\t=1+1",
    "  @SUM(A1)",
    " +cmd|' /C calc'!A0",
    "\u3000-2+3+cmd|' /C calc'!A0",  # an ideographic space
    "\u00a0=1+1",  # a no-break space
    "\u200b=1+1",  # a zero-width space
    " \n\t ＝1+1",  # a full-width look-alike after mixed blanks
]


@pytest.mark.parametrize("text", FORMULAS_AFTER_BLANKS)
def test_a_formula_after_blanks_tabs_or_line_breaks_is_neutralised_and_restored_exactly(text):
    cell = neutralise_formula(text)
    assert cell == "'" + text
    assert _restore(cell) == text


@pytest.mark.parametrize("text", FORMULAS_AFTER_BLANKS)
def test_an_exported_formula_after_blanks_comes_back_from_the_file_exactly(text):
    # Stored by another tool or before validation trimmed text: every text column of the file is neutralised.
    log = RoutineLogEntry(dt.date(2025, 6, 1), "single_leg_calf_raise", 3, 15, notes=text, id=1)
    test = HeelRaiseTest(dt.date(2025, 6, 1), Protocol(), LegPair(20, 22), notes=text, id=7)
    exported = export_csv([test], [], [log])
    read = list(csv.DictReader(io.StringIO(exported, newline="")))
    expected = text.replace("\r\n", "\n").replace("\r", "\n")  # a bare CR is written as a line feed
    assert [row["notes"] for row in read] == ["'" + expected, "'" + expected]
    for row in read:
        for value in row.values():
            assert not _after_blanks(value).startswith(FORMULA_STARTS), value
    assert [_restore(row["notes"]) for row in read] == [expected, expected]


@pytest.mark.parametrize(
    "note",
    [
        "- felt tight on the left",
        "+1 on the left, felt easy",
        "-- no pain --",
        "－ full-width dash first",
        "a note\n=1+1 on its second line",
    ],
)
def test_ordinary_notes_starting_with_a_sign_are_accepted_exported_inert_and_imported_exactly(note):
    assert text_problem(note, "Notes", 500, multiline=True) is None
    test = HeelRaiseTest(dt.date(2025, 6, 1), Protocol(), LegPair(20, 22), notes=note)
    log = RoutineLogEntry(dt.date(2025, 6, 1), "single_leg_calf_raise", 3, 15, notes=note)
    text = export_csv(*with_ids([(test, [])], [], [log]))
    for row in cells(text):
        assert not _after_blanks(row["notes"]).startswith(FORMULA_STARTS)
    plan = plan_import(text.encode(), TODAY)
    assert plan.problems == []
    assert [t.notes for t, _ in plan.tests] == [note] and [r.notes for r in plan.routine_logs] == [note]


def test_import_refuses_a_formula_written_into_the_file_by_hand():
    text = export_csv(*with_ids([(HeelRaiseTest(dt.date(2025, 6, 1), Protocol(), LegPair(20, 22)), [])]))
    rows = cells(text)
    rows[0]["notes"] = "=cmd|' /C calc'!A0"
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert plan.problems and plan.tests == []
    assert "formula" in plan.problems[0].message


# --- malformed files ------------------------------------------------------------------------------------------------


def write_csv(rows: list[dict[str, str]], columns=CSV_COLUMNS, lineterminator="\n") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator=lineterminator, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.fixture
def good_rows() -> list[dict[str, str]]:
    demo = demo_data(TODAY)
    return cells(export_csv(*with_ids(demo.tests[:3], demo.symptoms[:4], demo.routine_logs[:4])))


def refused(data: bytes) -> dict[str, str]:
    with pytest.raises(InputErrors) as caught:
        plan_import(data, TODAY)
    return caught.value.errors


def assert_empty_plan(plan):
    assert plan.problems
    assert not plan.ok
    assert plan.tests == [] and plan.symptoms == [] and plan.routine_logs == []
    assert plan.record_count == 0


def assert_problem_at(plan, row: int) -> None:
    """The bad row is reported; any other report is a symptom whose test row was refused with it."""
    assert row in [p.row for p in plan.problems]
    for problem in plan.problems:
        if problem.row != row:
            assert problem.record_type == "symptom" and "names no test row" in problem.message, problem


def test_good_rows_import(good_rows):
    plan = plan_import(write_csv(good_rows).encode(), TODAY)
    assert plan.ok and plan.record_count == len(good_rows)


def test_excel_style_bom_and_crlf_are_accepted(good_rows):
    data = ("\ufeff" + write_csv(good_rows, lineterminator="\r\n")).encode("utf-8")
    plan = plan_import(data, TODAY)
    assert plan.ok and plan.record_count == len(good_rows)


@pytest.mark.parametrize("header", ["foo,bar", "name,age,reps", "Record Type,Date"])
def test_wrong_headers_are_refused(header):
    errors = refused(f"{header}\n1,2,3\n".encode())
    assert "Calf Check CSV" in errors["file"]


def test_missing_required_columns_are_named(good_rows):
    columns = [c for c in CSV_COLUMNS if c != "date"]
    errors = refused(write_csv(good_rows, columns).encode())
    assert "missing" in errors["file"] and "date" in errors["file"]


def test_extra_columns_are_named(good_rows):
    rows = [{**row, "favourite_colour": "blue"} for row in good_rows]
    errors = refused(write_csv(rows, (*CSV_COLUMNS, "favourite_colour")).encode())
    assert "unknown" in errors["file"] and "favourite_colour" in errors["file"]


def test_duplicate_headers_are_refused(good_rows):
    text = write_csv(good_rows)
    header, rest = text.split("\n", 1)
    errors = refused((header + ",notes\n" + rest).encode())
    assert "twice" in errors["file"]


def test_non_utf8_bytes_are_refused(good_rows):
    text = write_csv(good_rows).replace("First test", "Zoë's first test")
    errors = refused(text.encode("latin-1"))
    assert "UTF-8" in errors["file"]


def test_binary_nul_is_refused(good_rows):
    data = write_csv(good_rows).encode()
    errors = refused(data[:40] + b"\x00\x00" + data[40:])
    assert "binary" in errors["file"]


def test_files_over_5_mb_are_refused(good_rows):
    header_and_rows = write_csv(good_rows).encode()
    padding = b"\n" * (MAX_IMPORT_BYTES + 1 - len(header_and_rows))
    errors = refused(header_and_rows + padding)
    assert "MB" in errors["file"]
    assert MAX_IMPORT_BYTES == 5 * 1024 * 1024


@pytest.mark.parametrize("data", [b"", b"\n", "\ufeff".encode()])
def test_empty_files_are_refused(data):
    assert "file" in refused(data)


def test_header_without_records_is_refused():
    errors = refused((",".join(CSV_COLUMNS) + "\n").encode())
    assert "no records" in errors["file"]


def test_a_row_with_more_cells_than_the_header_stops_the_import(good_rows):
    text = write_csv(good_rows)
    lines = text.splitlines()
    lines[2] += ",surplus"
    plan = plan_import(("\n".join(lines) + "\n").encode(), TODAY)
    assert_empty_plan(plan)
    assert_problem_at(plan, 3)
    assert "more cells" in plan.problems[0].message


def test_a_repeated_row_stops_the_import(good_rows):
    rows = good_rows + [good_rows[1]]
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert_empty_plan(plan)
    assert [p.row for p in plan.problems] == [len(rows) + 1]
    assert "repeats" in plan.problems[0].message


def test_a_symptom_pointing_at_no_test_stops_the_import(good_rows):
    rows = [dict(row) for row in good_rows]
    linked = next(i for i, row in enumerate(rows) if row["record_type"] == "symptom" and row["test_ref"])
    rows[linked]["test_ref"] = "t999"
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert_empty_plan(plan)
    (problem,) = plan.problems
    assert problem.row == linked + 2 and "t999" in problem.message


def test_a_test_ref_used_twice_stops_the_import(good_rows):
    rows = [dict(row) for row in good_rows]
    tests = [i for i, row in enumerate(rows) if row["record_type"] == "test"]
    rows[tests[1]]["record_ref"] = rows[tests[0]]["record_ref"]
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert_empty_plan(plan)


@pytest.mark.parametrize("bad_date", ["2023-02-30", "30/01/2023", "", "tomorrow", "2999-01-01", "1989-12-31"])
@pytest.mark.parametrize("record_type", ["test", "symptom", "routine_log"])
def test_bad_dates_stop_the_import_and_name_the_row(good_rows, bad_date, record_type):
    rows = [dict(row) for row in good_rows]
    index = next(i for i, row in enumerate(rows) if row["record_type"] == record_type)
    rows[index]["date"] = bad_date
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert_empty_plan(plan)
    assert_problem_at(plan, index + 2)
    (problem,) = [p for p in plan.problems if p.row == index + 2]
    assert problem.record_type == record_type
    assert "date" in problem.message.lower()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("straight_left", "151"),
        ("straight_left", "abc"),
        ("straight_right", ""),
        ("cadence_bpm", "10"),
        ("surface", "grass"),
        ("red_flags", "made_up"),
        ("notes", "<script>x</script>"),
        ("cued", "perhaps"),
    ],
)
def test_a_bad_test_value_stops_the_import(good_rows, column, value):
    rows = [dict(row) for row in good_rows]
    index = next(i for i, row in enumerate(rows) if row["record_type"] == "test")
    rows[index][column] = value
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert_empty_plan(plan)
    assert_problem_at(plan, index + 2)


@pytest.mark.parametrize(
    ("column", "value"), [("side", "middle"), ("pain_during", "11"), ("stiffness_minutes", "-1"), ("location", "knee")]
)
def test_a_bad_symptom_value_stops_the_import(good_rows, column, value):
    rows = [dict(row) for row in good_rows]
    index = next(i for i, row in enumerate(rows) if row["record_type"] == "symptom")
    rows[index][column] = value
    assert_empty_plan(plan_import(write_csv(rows).encode(), TODAY))


@pytest.mark.parametrize(("column", "value"), [("sets", "0"), ("reps", "x"), ("load_kg", "-5"), ("pain", "12")])
def test_a_bad_routine_value_stops_the_import(good_rows, column, value):
    rows = [dict(row) for row in good_rows]
    index = next(i for i, row in enumerate(rows) if row["record_type"] == "routine_log")
    rows[index][column] = value
    assert_empty_plan(plan_import(write_csv(rows).encode(), TODAY))


def test_unknown_record_type_stops_the_import(good_rows):
    rows = [dict(row) for row in good_rows]
    rows[0]["record_type"] = "workout"
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert_empty_plan(plan)
    assert "record_type" in plan.problems[0].message


def test_every_bad_row_is_reported_not_just_the_first(good_rows):
    rows = [dict(row) for row in good_rows]
    rows[0]["date"] = "2023-02-30"
    rows[-1]["date"] = "nope"
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert_empty_plan(plan)
    reported = {p.row for p in plan.problems}
    assert {2, len(rows) + 1} <= reported


def test_masses_in_files_are_kilograms(good_rows):
    rows = [dict(row) for row in good_rows]
    index = next(i for i, row in enumerate(rows) if row["record_type"] == "test")
    rows[index] |= {"soleus_load_kg": "50", "soleus_reps_left": "8", "soleus_reps_right": "9", "body_weight_kg": "70"}
    plan = plan_import(write_csv(rows).encode(), TODAY)
    assert plan.ok
    soleus = plan.tests[0][0].soleus
    assert soleus is not None and (soleus.load_kg, soleus.body_weight_kg) == (50, 70)


def test_json_export_holds_everything():
    demo = demo_data(TODAY)
    tests, symptoms, logs = with_ids(demo.tests, demo.symptoms, demo.routine_logs)
    document = json.loads(export_json(demo.runner, tests, symptoms, logs, dt.datetime(2025, 6, 16, 9, 0)))
    assert document["format"] == "calf-check-export" and document["units_in_file"] == "kg"
    assert document["runner"]["name"] == demo.runner.name
    assert document["runner"]["injured_side"] == "left"
    assert (len(document["tests"]), len(document["symptoms"]), len(document["routine_logs"])) == (
        len(tests),
        len(symptoms),
        len(logs),
    )
    assert document["tests"][0]["straight_left"] == tests[0].straight_reps.left


def test_json_export_holds_check_in_warning_signs_and_all_clears():
    from calfcore.models import CheckinWarning, ClinicianAllClear

    ticks = [
        CheckinWarning(dt.date(2025, 6, 10), frozenset({"sudden_pop", "calf_swollen_warm_red"}), id=1),
        CheckinWarning(dt.date(2025, 6, 12), frozenset({"fluoroquinolone"}), dt.datetime(2025, 6, 12, 8, 0), id=2),
    ]
    clears = [ClinicianAllClear(dt.date(2025, 6, 14), "Seen by Dr Ng: a strain", id=1)]
    text = export_json(runner(), [], [], [], dt.datetime(2025, 6, 16), checkin_warnings=ticks, all_clears=clears)
    document = json.loads(text)
    assert document["checkin_warning_signs"] == [
        {"date": "2025-06-10", "red_flags": ["calf_swollen_warm_red", "sudden_pop"], "marked_mistaken_at": None},
        {"date": "2025-06-12", "red_flags": ["fluoroquinolone"], "marked_mistaken_at": "2025-06-12T08:00:00"},
    ]
    assert document["clinician_all_clears"] == [{"date": "2025-06-14", "note": "Seen by Dr Ng: a strain"}]


def test_json_export_holds_runs_without_any_route():
    from calfcore.models import Run, RunSource

    start = dt.datetime(2025, 6, 14, 7, 2, 11)
    runs = [Run(start.date(), 10.02, 3011, 84.0, start, RunSource.FIT, id=4), Run(dt.date(2025, 6, 15), None, 1800)]
    document = json.loads(export_json(runner(), [], [], [], dt.datetime(2025, 6, 16), runs=runs))
    assert document["runs"] == [
        {
            "date": "2025-06-14",
            "started_at": "2025-06-14T07:02:11",
            "distance_km": 10.02,
            "moving_seconds": 3011,
            "elevation_gain_m": 84.0,
            "source": "fit",
        },
        {
            "date": "2025-06-15",
            "started_at": None,
            "distance_km": None,
            "moving_seconds": 1800,
            "elevation_gain_m": None,
            "source": "hand",
        },
    ]


@FEW
@given(runner_name=st.sampled_from(["Zoë", "محمد", "李"]))
def test_json_export_keeps_unicode_readable(runner_name):
    text = export_json(dataclasses.replace(runner(), name=runner_name), [], [], [], dt.datetime(2025, 6, 16))
    assert runner_name in text


# -- issue 12: a hostile file costs no more than the row limit, and an exercise must exist --------------------


def test_reading_stops_at_the_row_limit():
    """Rows past the limit are never read: here the file breaks after the limit, and the answer is the limit."""
    from calfcore.exchange import MAX_IMPORT_ROWS

    rows = "".join(f"routine_log,{n},2025-06-01\n" for n in range(MAX_IMPORT_ROWS + 1))
    data = ("record_type,record_ref,date\n" + rows + 'routine_log,"never closed\n').encode()
    errors = refused(data)
    assert f"more than {MAX_IMPORT_ROWS} rows" in errors["file"]


def test_a_file_of_tiny_rows_just_under_the_size_cap_is_refused_in_bounded_memory():
    import tracemalloc

    data = b"record_type,date\n" + b"x,\n" * ((MAX_IMPORT_BYTES - 20) // 3)  # about 1.7 million rows
    tracemalloc.start()
    try:
        errors = refused(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "rows" in errors["file"]
    assert peak < 60 * 1024 * 1024, f"{peak / 1_048_576:.0f} MB"  # the 5 MB file and 20,001 small rows


def test_an_import_naming_an_exercise_that_does_not_exist_is_refused():
    data = (
        "record_type,record_ref,date,exercise_id,sets,reps\n"
        f"routine_log,r1,{TODAY - dt.timedelta(days=3)},no_such_exercise,3,10\n"
    ).encode()
    plan = plan_import(data, TODAY)
    assert not plan.ok and not plan.routine_logs
    assert "'no_such_exercise' is not an exercise in the library" in plan.problems[0].message


def test_the_json_export_carries_hop_tests_checklists_and_days_away() -> None:
    """A runner's data is theirs: every kind of record they can make leaves with the JSON export."""
    from calfcore.readiness import HopTest, ReadinessCheck
    from calfcore.retest import AwayDay, AwayReason

    text = export_json(
        runner(),
        [],
        [],
        [],
        dt.datetime(2026, 12, 1, 9, 0),
        hop_tests=[HopTest(dt.date(2026, 11, 30), LegPair(12, 10), LegPair(1, 2), frozenset())],
        readiness_checks=[ReadinessCheck(dt.date(2026, 11, 29), True, False)],
        away_days=[AwayDay(dt.date(2026, 11, 28), AwayReason.TRAVELLING)],
    )
    document = json.loads(text)
    assert document["hop_tests"] == [
        {"date": "2026-11-30", "hops_left": 12, "hops_right": 10, "pain_left": 1, "pain_right": 2, "red_flags": []}
    ]
    assert document["readiness_checks"] == [
        {"date": "2026-11-29", "walked_pain_free": True, "settled_next_morning": False, "red_flags": []}
    ]
    assert document["away_days"] == [{"date": "2026-11-28", "reason": "travelling"}]


def test_json_export_says_which_counts_the_motion_made_and_holds_each_raise_it_saw():
    from calfcore.models import HeelRaiseTest, Knee, LegPair, MotionCount, Protocol, RaiseMark, Side

    marks = (
        RaiseMark(Knee.STRAIGHT, Side.LEFT, 1, 1020, 1.0, True, True),
        RaiseMark(Knee.STRAIGHT, Side.LEFT, 2, 3400, 0.41, True, False),
    )
    test = HeelRaiseTest(
        TODAY,
        Protocol(),
        LegPair(1, 14),
        id=5,
        counted_by_motion=frozenset({MotionCount.STRAIGHT_LEFT}),
        raise_marks=marks,
    )
    document = json.loads(export_json(runner(), [test], [], [], dt.datetime(2025, 6, 16)))
    [exported] = document["tests"]
    assert exported["counted_by_motion"] == ["straight_left"]
    assert exported["raise_marks"][1] == {
        "knee": "straight",
        "leg": "left",
        "raise": 2,
        "at_ms": 3400,
        "relative_size": 0.41,
        "on_beat": True,
        "counted": False,
    }
    assert "raise_marks" not in export_csv([test], [], [])  # the CSV keeps one cell per field of the form
