"""Storage on a real DuckDB file: migrations, persistence, owner scoping, atomic writes, edit conflicts,
deletion, and clear messages when the file can't be used."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfcore.models import (
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    Sex,
    Side,
    SoleusTest,
    Surface,
    SymptomEntry,
    Units,
)
from calfstore import LOCAL_OWNER, EditConflict, NotFound, NotSaved, Store, StoreUnavailable, open_store
from calfstore.duckdb_store import DuckDBStore
from calfstore.schema import MIGRATIONS
from calfstore.sql import SqlStore
from calfstore.tables import count_rows
from tests.unit.helpers import FEW, STANDARD, TODAY, heel_test, runner, symptom

FULL_TEST = HeelRaiseTest(
    tested_on=dt.date(2025, 6, 1),
    protocol=Protocol(cadence_bpm=60, surface=Surface.FLAT, cued=True, fingertip_support=False, added_load_kg=2.5),
    straight_reps=LegPair(21, 26),
    bent_reps=LegPair(24, 29),
    heel_height_cm=LegPair(8.2, 9.8),
    soleus=SoleusTest(load_kg=45.359, reps=LegPair(8, 10), body_weight_kg=68.039),
    knee_to_wall_cm=LegPair(9.5, 11.5),
    red_flags=frozenset(),
    notes="Zoë's test 🏃‍♀️ — left calf tight.\nRetest in two weeks.",
)


def without_id(item):
    return dataclasses.replace(item, id=None)


def add_runner(store: Store, owner: str = LOCAL_OWNER, name: str = "Sam") -> int:
    return int(store.create_runner(owner, runner(Sex.FEMALE, 35, name=name)).id)


MAIN_TABLES = ("test_sessions", "symptom_entries", "routine_logs", "runners")


def counts(store: Store, runner_id: int) -> dict[str, int]:
    """Row counts of the record tables (other tables, such as share links, are checked where they matter)."""
    found = count_rows(store, runner_id)
    return {table: found[table] for table in MAIN_TABLES}


def full_symptoms(day: dt.date = FULL_TEST.tested_on) -> list[SymptomEntry]:
    return [
        symptom(day, Side.LEFT, during=4, morning=2, stiffness=15, location=PainLocation.ACHILLES),
        symptom(day, Side.RIGHT, during=0, morning=0, stiffness=0),
    ]


# --- migrations and persistence ---------------------------------------------------------------------------------


def test_new_database_records_every_migration(store: Store):
    assert store.schema_versions() == [migration.version for migration in MIGRATIONS]


def test_migrations_are_idempotent_on_reopen(database_url: str):
    first = open_store(database_url)
    versions = first.schema_versions()
    assert first.migrate() == []  # nothing left to apply
    first.close()
    second = open_store(database_url)
    try:
        assert second.migrate() == []
        assert second.schema_versions() == versions
        with second._cursor() as cursor:
            count = cursor.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
        assert count == len(MIGRATIONS)
    finally:
        second.close()


def test_data_survives_close_and_reopen(database_url: str):
    store = open_store(database_url)
    runner_id = add_runner(store)
    test_id = store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    store.add_symptoms(LOCAL_OWNER, runner_id, [symptom(TODAY, Side.LEFT, morning=1)])
    store.add_routine_log(
        LOCAL_OWNER, runner_id, RoutineLogEntry(TODAY, "single_leg_calf_raise", 3, 15, 0.0, 1, "felt fine")
    )
    store.close()

    reopened = open_store(database_url)
    try:
        records = reopened.load_records(LOCAL_OWNER, runner_id)
        assert records.runner.name == "Sam" and records.runner.birth_year == TODAY.year - 35
        (test,) = records.tests
        assert test.id == test_id
        assert without_id(test) == FULL_TEST
        assert len(records.symptoms) == 3
        assert [(e.logged_on, e.exercise_id, e.sets, e.reps, e.pain, e.notes) for e in records.routine_logs] == [
            (TODAY, "single_leg_calf_raise", 3, 15, 1, "felt fine")
        ]
    finally:
        reopened.close()


def test_every_field_of_a_test_and_its_symptoms_round_trips(store: Store):
    runner_id = add_runner(store)
    test_id = store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    (saved,) = store.list_tests(LOCAL_OWNER, runner_id)
    assert saved == dataclasses.replace(FULL_TEST, id=test_id)
    entries = store.list_symptoms(LOCAL_OWNER, runner_id)
    assert [dataclasses.replace(e, id=None) for e in entries] == [
        dataclasses.replace(e, test_id=test_id) for e in full_symptoms()
    ]


def test_red_flags_round_trip(store: Store):
    runner_id = add_runner(store)
    flagged = dataclasses.replace(FULL_TEST, red_flags=frozenset({"sudden_pop", "fluoroquinolone"}))
    store.save_test(LOCAL_OWNER, runner_id, flagged)
    (saved,) = store.list_tests(LOCAL_OWNER, runner_id)
    assert saved.red_flags == flagged.red_flags


def test_runner_profile_round_trips_and_updates(store: Store):
    created = store.create_runner(
        LOCAL_OWNER, dataclasses.replace(runner(Sex.MALE, 40), name="محمد 🏃", units=Units.LB, injured_side=Side.RIGHT)
    )
    assert store.get_runner(LOCAL_OWNER, created.id) == created
    changed = dataclasses.replace(created, name="Mo", injured_side=None, sex=Sex.UNSPECIFIED)
    store.update_runner(LOCAL_OWNER, changed)
    assert store.get_runner(LOCAL_OWNER, created.id) == changed
    assert store.list_runners(LOCAL_OWNER) == [changed]


def test_tests_are_listed_oldest_first(store: Store):
    runner_id = add_runner(store)
    for offset in (3, 10, 1):
        store.save_test(LOCAL_OWNER, runner_id, heel_test(20 + offset, 20, day=TODAY - dt.timedelta(days=offset)))
    assert [t.tested_on for t in store.list_tests(LOCAL_OWNER, runner_id)] == [
        TODAY - dt.timedelta(days=d) for d in (10, 3, 1)
    ]


reps = st.integers(0, 150)
cm = st.floats(0, 30, allow_nan=False)


@st.composite
def stored_tests(draw) -> HeelRaiseTest:
    soleus = draw(
        st.none()
        | st.builds(
            SoleusTest,
            st.integers(0, 500_000).map(lambda g: g / 1000),
            st.builds(LegPair, reps, reps),
            st.integers(25_000, 300_000).map(lambda g: g / 1000),
        )
    )
    return HeelRaiseTest(
        tested_on=draw(st.dates(dt.date(1990, 1, 1), TODAY)),
        protocol=Protocol(
            cadence_bpm=draw(st.sampled_from([0, 30, 60, 90, 120])),
            surface=draw(st.sampled_from(list(Surface))),
            cued=draw(st.booleans()),
            fingertip_support=draw(st.booleans()),
            added_load_kg=draw(st.integers(0, 50_000).map(lambda g: g / 1000)),
        ),
        straight_reps=LegPair(draw(reps), draw(reps)),
        bent_reps=draw(st.none() | st.builds(LegPair, reps, reps)),
        heel_height_cm=draw(st.none() | st.builds(LegPair, cm, cm)),
        soleus=soleus,
        knee_to_wall_cm=draw(st.none() | st.builds(LegPair, cm, cm)),
        notes=draw(st.text(st.characters(categories=["L", "N", "Zs", "So", "P"]), max_size=40)),
    )


@FEW
@given(test=stored_tests())
def test_any_valid_test_round_trips_through_the_file(store: Store, test: HeelRaiseTest):
    runner_id = add_runner(store)
    test_id = store.save_test(LOCAL_OWNER, runner_id, test)
    assert store.list_tests(LOCAL_OWNER, runner_id) == [dataclasses.replace(test, id=test_id)]


# --- owner scoping ------------------------------------------------------------------------------------------------


@pytest.fixture
def two_owners(store: Store):
    a_runner = add_runner(store, "owner-a", "Alice")
    b_runner = add_runner(store, "owner-b", "Bob")
    a_test = store.save_test("owner-a", a_runner, FULL_TEST, full_symptoms())
    store.add_symptoms("owner-a", a_runner, [symptom(TODAY, Side.LEFT, morning=1)])
    store.add_routine_log("owner-a", a_runner, RoutineLogEntry(TODAY, "single_leg_calf_raise", 3, 15))
    return store, a_runner, b_runner, a_test


def test_an_owner_lists_only_their_own_runners(two_owners):
    store, a_runner, b_runner, _ = two_owners
    assert [r.id for r in store.list_runners("owner-a")] == [a_runner]
    assert [r.id for r in store.list_runners("owner-b")] == [b_runner]
    assert store.list_runners("owner-c") == []


def test_another_owner_can_never_read_write_or_delete(two_owners):
    store, a_runner, b_runner, a_test = two_owners
    before = store.load_records("owner-a", a_runner)
    symptom_id = next(e.id for e in before.symptoms if e.test_id is None)
    log_id = before.routine_logs[0].id
    attempts = {
        "get_runner": lambda: store.get_runner("owner-b", a_runner),
        "update_runner": lambda: store.update_runner("owner-b", dataclasses.replace(before.runner, name="Hacked")),
        "delete_runner": lambda: store.delete_runner("owner-b", a_runner),
        "list_tests": lambda: store.list_tests("owner-b", a_runner),
        "save_test": lambda: store.save_test("owner-b", a_runner, FULL_TEST),
        "update_test": lambda: store.update_test("owner-b", a_runner, dataclasses.replace(FULL_TEST, id=a_test), [], 1),
        "test_revision": lambda: store.test_revision("owner-b", a_runner, a_test),
        "delete_test": lambda: store.delete_test("owner-b", a_runner, a_test),
        "list_symptoms": lambda: store.list_symptoms("owner-b", a_runner),
        "add_symptoms": lambda: store.add_symptoms("owner-b", a_runner, [symptom(TODAY, Side.LEFT, during=1)]),
        "delete_symptom": lambda: store.delete_symptom("owner-b", a_runner, symptom_id),
        "list_routine_logs": lambda: store.list_routine_logs("owner-b", a_runner),
        "add_routine_log": lambda: store.add_routine_log(
            "owner-b", a_runner, RoutineLogEntry(TODAY, "single_leg_calf_raise", 1, 1)
        ),
        "delete_routine_log": lambda: store.delete_routine_log("owner-b", a_runner, log_id),
        "import_records": lambda: store.import_records("owner-b", a_runner, [(FULL_TEST, [])], [], []),
        "load_records": lambda: store.load_records("owner-b", a_runner),
    }
    for name, attempt in attempts.items():
        with pytest.raises(NotFound):
            attempt()
        assert store.load_records("owner-a", a_runner) == before, f"{name} changed owner a's data"
    assert counts(store, b_runner) == {"test_sessions": 0, "symptom_entries": 0, "routine_logs": 0, "runners": 1}


def test_an_owner_cannot_reach_another_runners_rows_through_their_own_runner(two_owners):
    store, a_runner, b_runner, a_test = two_owners
    before = store.load_records("owner-a", a_runner)
    symptom_id = before.symptoms[0].id
    # Bob uses his own runner id with Alice's row ids.
    with pytest.raises(NotFound):
        store.delete_test("owner-b", b_runner, a_test)
    with pytest.raises(NotFound):
        store.test_revision("owner-b", b_runner, a_test)
    with pytest.raises(NotFound):
        store.update_test("owner-b", b_runner, dataclasses.replace(FULL_TEST, id=a_test), [], 1)
    with pytest.raises(NotFound):
        store.delete_routine_log("owner-b", b_runner, before.routine_logs[0].id)
    with pytest.raises(NotFound):
        store.delete_symptom("owner-b", b_runner, symptom_id)
    assert store.load_records("owner-a", a_runner) == before
    assert store.list_tests("owner-b", b_runner) == []


def test_missing_runner_is_not_found(store: Store):
    with pytest.raises(NotFound):
        store.get_runner(LOCAL_OWNER, 12345)
    with pytest.raises(NotFound):
        store.save_test(LOCAL_OWNER, 12345, FULL_TEST)


# --- atomic writes ------------------------------------------------------------------------------------------------


def test_save_test_writes_the_test_and_its_symptoms_together(store: Store, monkeypatch: pytest.MonkeyPatch):
    runner_id = add_runner(store)

    def fail_after_test_insert(cursor, runner_id, entries):
        # The test row is already inserted in this transaction when symptoms are written.
        assert cursor.execute("SELECT count(*) FROM test_sessions").fetchone()[0] == 1
        cursor.execute(
            "INSERT INTO symptom_entries (runner_id) VALUES (?)", [runner_id]
        )  # NOT NULL: the database refuses

    monkeypatch.setattr(SqlStore, "_insert_symptoms", staticmethod(fail_after_test_insert))
    with pytest.raises(NotSaved, match="Nothing was saved"):  # the driver's error, explained by the store
        store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    monkeypatch.undo()
    assert store.list_tests(LOCAL_OWNER, runner_id) == []
    assert count_rows(store, runner_id)["test_sessions"] == 0
    assert count_rows(store, runner_id)["symptom_entries"] == 0
    # The store still works after the rollback.
    store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    assert count_rows(store, runner_id)["test_sessions"] == 1


def test_a_bad_symptom_value_rolls_back_the_test(store: Store):
    runner_id = add_runner(store)
    broken = [dataclasses.replace(full_symptoms()[0], side="sideways")]  # not a Side: fails mid-insert
    with pytest.raises(Exception):  # noqa: B017 - the mapping fails before the database: any error, nothing saved
        store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, broken)
    assert count_rows(store, runner_id)["test_sessions"] == 0
    assert count_rows(store, runner_id)["symptom_entries"] == 0


def test_import_is_all_or_nothing(store: Store, monkeypatch: pytest.MonkeyPatch):
    runner_id = add_runner(store)

    def fail(cursor, runner_id, entries):
        cursor.execute("INSERT INTO routine_logs (runner_id) VALUES (?)", [runner_id])  # NOT NULL: refused

    monkeypatch.setattr(SqlStore, "_insert_routine_logs", staticmethod(fail))
    with pytest.raises(NotSaved, match="Nothing was saved"):
        store.import_records(
            LOCAL_OWNER,
            runner_id,
            [(FULL_TEST, full_symptoms())],
            [symptom(TODAY, Side.LEFT, morning=1)],
            [RoutineLogEntry(TODAY, "single_leg_calf_raise", 3, 15)],
        )
    monkeypatch.undo()
    assert counts(store, runner_id) == {"test_sessions": 0, "symptom_entries": 0, "routine_logs": 0, "runners": 1}


def test_import_saves_everything_and_links_symptoms_to_their_tests(store: Store):
    runner_id = add_runner(store)
    second = dataclasses.replace(FULL_TEST, tested_on=dt.date(2025, 6, 8), straight_reps=LegPair(24, 26))
    store.import_records(
        LOCAL_OWNER,
        runner_id,
        [(FULL_TEST, full_symptoms()), (second, [])],
        [symptom(TODAY, Side.LEFT, morning=1)],
        [RoutineLogEntry(TODAY, "single_leg_calf_raise", 3, 15)],
    )
    assert counts(store, runner_id) == {"test_sessions": 2, "symptom_entries": 3, "routine_logs": 1, "runners": 1}
    tests = store.list_tests(LOCAL_OWNER, runner_id)
    linked = [e for e in store.list_symptoms(LOCAL_OWNER, runner_id) if e.test_id is not None]
    assert {e.test_id for e in linked} == {tests[0].id}


# --- corrections --------------------------------------------------------------------------------------------------


def test_update_test_replaces_values_and_symptoms_and_bumps_the_revision(store: Store):
    runner_id = add_runner(store)
    test_id = store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    assert store.test_revision(LOCAL_OWNER, runner_id, test_id) == 1
    corrected = dataclasses.replace(FULL_TEST, id=test_id, straight_reps=LegPair(23, 26), notes="Typo fixed")
    new_symptoms = [symptom(FULL_TEST.tested_on, Side.LEFT, during=2)]
    assert store.update_test(LOCAL_OWNER, runner_id, corrected, new_symptoms, expected_revision=1) == 2
    assert store.list_tests(LOCAL_OWNER, runner_id) == [corrected]
    entries = store.list_symptoms(LOCAL_OWNER, runner_id)
    assert [(e.side, e.pain_during, e.test_id) for e in entries] == [(Side.LEFT, 2, test_id)]


def test_stale_revision_raises_edit_conflict_and_changes_nothing(store: Store):
    runner_id = add_runner(store)
    test_id = store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    first_edit = dataclasses.replace(FULL_TEST, id=test_id, notes="Coach corrected this")
    store.update_test(LOCAL_OWNER, runner_id, first_edit, full_symptoms(), expected_revision=1)
    before_tests = store.list_tests(LOCAL_OWNER, runner_id)
    before_symptoms = store.list_symptoms(LOCAL_OWNER, runner_id)

    stale_edit = dataclasses.replace(FULL_TEST, id=test_id, straight_reps=LegPair(99, 99), notes="Overwrite")
    with pytest.raises(EditConflict) as caught:
        store.update_test(LOCAL_OWNER, runner_id, stale_edit, [], expected_revision=1)
    assert "reload" in str(caught.value).lower()
    assert store.list_tests(LOCAL_OWNER, runner_id) == before_tests
    assert store.list_symptoms(LOCAL_OWNER, runner_id) == before_symptoms
    assert store.test_revision(LOCAL_OWNER, runner_id, test_id) == 2


def test_updating_a_deleted_test_is_not_found(store: Store):
    runner_id = add_runner(store)
    test_id = store.save_test(LOCAL_OWNER, runner_id, FULL_TEST)
    store.delete_test(LOCAL_OWNER, runner_id, test_id)
    with pytest.raises(NotFound):
        store.update_test(LOCAL_OWNER, runner_id, dataclasses.replace(FULL_TEST, id=test_id), [], 1)
    with pytest.raises(NotFound):
        store.delete_test(LOCAL_OWNER, runner_id, test_id)


def test_deleting_a_test_deletes_its_symptoms_but_not_daily_check_ins(store: Store):
    runner_id = add_runner(store)
    test_id = store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    store.add_symptoms(LOCAL_OWNER, runner_id, [symptom(TODAY, Side.LEFT, morning=1)])
    store.delete_test(LOCAL_OWNER, runner_id, test_id)
    assert [(e.test_id, e.pain_next_morning) for e in store.list_symptoms(LOCAL_OWNER, runner_id)] == [(None, 1)]


def test_symptoms_of_a_test_cannot_be_deleted_on_their_own(store: Store):
    runner_id = add_runner(store)
    store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    entry = store.list_symptoms(LOCAL_OWNER, runner_id)[0]
    with pytest.raises(NotFound):
        store.delete_symptom(LOCAL_OWNER, runner_id, entry.id)
    with pytest.raises(ValueError):
        store.add_symptoms(LOCAL_OWNER, runner_id, [dataclasses.replace(entry, id=None)])
    assert count_rows(store, runner_id)["symptom_entries"] == 2


def test_symptoms_since_a_day(store: Store):
    runner_id = add_runner(store)
    store.add_symptoms(
        LOCAL_OWNER, runner_id, [symptom(TODAY - dt.timedelta(days=d), Side.LEFT, morning=d) for d in (1, 5, 9)]
    )
    since = store.list_symptoms(LOCAL_OWNER, runner_id, since=TODAY - dt.timedelta(days=5))
    assert [e.pain_next_morning for e in since] == [5, 1]


def test_routine_logs_add_list_delete(store: Store):
    runner_id = add_runner(store)
    entry = RoutineLogEntry(TODAY, "single_leg_calf_raise_weighted", 3, 10, 12.5, 2, "heavy day")
    store.add_routine_log(LOCAL_OWNER, runner_id, entry)
    (saved,) = store.list_routine_logs(LOCAL_OWNER, runner_id)
    assert without_id(saved) == entry
    store.delete_routine_log(LOCAL_OWNER, runner_id, saved.id)
    assert store.list_routine_logs(LOCAL_OWNER, runner_id) == []
    with pytest.raises(NotFound):
        store.delete_routine_log(LOCAL_OWNER, runner_id, saved.id)


# --- deleting a runner --------------------------------------------------------------------------------------------


def test_delete_runner_removes_every_row(store: Store):
    runner_id = add_runner(store)
    other = add_runner(store, name="Other")
    for target in (runner_id, other):
        store.save_test(LOCAL_OWNER, target, FULL_TEST, full_symptoms())
        store.add_symptoms(LOCAL_OWNER, target, [symptom(TODAY, Side.LEFT, morning=1)])
        store.add_routine_log(LOCAL_OWNER, target, RoutineLogEntry(TODAY, "single_leg_calf_raise", 3, 15))
    assert all(count > 0 for count in counts(store, runner_id).values())

    store.delete_runner(LOCAL_OWNER, runner_id)
    remaining = count_rows(store, runner_id)
    assert set(MAIN_TABLES) <= set(remaining)
    assert all(count == 0 for count in remaining.values()), remaining
    with pytest.raises(NotFound):
        store.get_runner(LOCAL_OWNER, runner_id)
    # The other runner keeps everything.
    assert counts(store, other) == {"test_sessions": 1, "symptom_entries": 3, "routine_logs": 1, "runners": 1}


def test_deleted_runner_stays_deleted_after_reopen(database_url: str):
    store = open_store(database_url)
    runner_id = add_runner(store)
    store.save_test(LOCAL_OWNER, runner_id, FULL_TEST, full_symptoms())
    store.delete_runner(LOCAL_OWNER, runner_id)
    store.close()
    reopened = open_store(database_url)
    try:
        assert reopened.list_runners(LOCAL_OWNER) == []
        assert set(count_rows(reopened, runner_id).values()) == {0}
    finally:
        reopened.close()


# --- the file can't be used -------------------------------------------------------------------------------------


def test_missing_folder_gives_store_unavailable_naming_the_file(tmp_path: Path):
    path = tmp_path / "no-such-folder" / "calfcheck.duckdb"
    with pytest.raises(StoreUnavailable) as caught:
        DuckDBStore.open(path)
    message = str(caught.value)
    assert "calfcheck.duckdb" in message and str(path.parent) in message
    assert "CALF_DB_PATH" in message
    assert not path.parent.exists()


def test_locked_file_gives_store_unavailable_naming_the_file(db_file: Path):
    DuckDBStore.open(db_file).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
            import sys, time, duckdb
            connection = duckdb.connect(sys.argv[1])
            print("ready", flush=True)
            time.sleep(60)
        """),
            str(db_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreUnavailable) as caught:
            DuckDBStore.open(db_file)
        message = str(caught.value)
        assert str(db_file) in message
        assert "another program" in message
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()
    # Once the other process is gone the file opens again, data intact.
    store = DuckDBStore.open(db_file)
    try:
        assert store.schema_versions() == [migration.version for migration in MIGRATIONS]
    finally:
        store.close()


def test_a_file_that_is_not_a_database_gives_store_unavailable_naming_the_file(tmp_path: Path):
    path = tmp_path / "notes.duckdb"
    path.write_text("this is not a database, just some text " * 200)
    with pytest.raises(StoreUnavailable) as caught:
        DuckDBStore.open(path)
    assert str(path) in str(caught.value)


def test_two_stores_in_one_test_do_not_share_data(tmp_path: Path):
    first, second = DuckDBStore.open(tmp_path / "one.duckdb"), DuckDBStore.open(tmp_path / "two.duckdb")
    try:
        add_runner(first)
        assert second.list_runners(LOCAL_OWNER) == []
    finally:
        first.close()
        second.close()


def test_standard_protocol_round_trips(store: Store):
    runner_id = add_runner(store)
    store.save_test(LOCAL_OWNER, runner_id, heel_test(25, 27, protocol=STANDARD))
    (saved,) = store.list_tests(LOCAL_OWNER, runner_id)
    assert saved.protocol == STANDARD


def test_a_change_to_one_owners_data_leaves_other_owners_cached_reads_valid(store: Store):
    """Pages cache reads per owner's data version: a runner's save must not empty every other runner's cache,
    and must always be seen by their own next read."""
    mine, theirs = add_runner(store, "oidc:a|1"), add_runner(store, "oidc:b|2")
    before_mine, before_theirs = store.data_version("oidc:a|1"), store.data_version("oidc:b|2")
    store.save_test("oidc:a|1", mine, heel_test(20, 22), [])
    assert store.data_version("oidc:a|1") != before_mine
    assert store.data_version("oidc:b|2") == before_theirs
    after_save = store.data_version("oidc:a|1")
    with pytest.raises(NotFound):  # refused and rolled back: nothing changed, so nothing goes stale
        store.save_test("oidc:a|1", theirs, heel_test(20, 22), [])
    assert store.data_version("oidc:a|1") == after_save
    store.delete_runner("oidc:b|2", theirs)
    assert store.data_version("oidc:b|2") != before_theirs
    assert store.data_version("oidc:a|1") == after_save


def test_a_coach_opening_a_link_changes_only_the_sharing_owners_data_version(store: Store):
    """'Last opened' shows on the owner's Share page, so the stamp must make the owner's cached links stale."""
    mine, _ = add_runner(store, "oidc:a|1"), add_runner(store, "oidc:b|2")
    stamp = dt.datetime(2026, 1, 1, 12, 0)
    link = store.create_share_link("oidc:a|1", mine, "Coach", "f" * 64, None, stamp)
    before_mine, before_theirs = store.data_version("oidc:a|1"), store.data_version("oidc:b|2")
    store.mark_share_used("oidc:a|1", link.runner_id, link.id, stamp + dt.timedelta(minutes=5))
    assert store.data_version("oidc:a|1") != before_mine
    assert store.data_version("oidc:b|2") == before_theirs
    assert store.list_share_links("oidc:a|1", mine)[0].last_used_at == stamp + dt.timedelta(minutes=5)


def test_a_write_to_one_runner_changes_that_runners_data_version_and_leaves_the_owners_other_runners_alone(
    store: Store,
):
    """Issue 25: one owner holds many runners (local mode: a club's laptop). A save for one runner must make that
    runner's cached pages stale and leave every other runner's warm; the owner's own version (the runner list)
    changes with any of them; a write that names no runner changes every runner's."""
    ann, ben = add_runner(store, name="Ann"), add_runner(store, name="Ben")
    elsewhere = add_runner(store, "oidc:b|2", "Cat")

    scopes = [(LOCAL_OWNER, ann), (LOCAL_OWNER, ben), (LOCAL_OWNER, None), ("oidc:b|2", elsewhere)]

    def versions() -> tuple[int, ...]:
        one_by_one = tuple(store.data_version(*scope) for scope in scopes)
        # All four in one question (a run's first, calfui.run_versions) answer as each asked alone.
        assert store.data_versions(scopes) == dict(zip(scopes, one_by_one, strict=True))
        return one_by_one

    def changed(before: tuple[int, ...]) -> tuple[bool, ...]:
        return tuple(now != then for now, then in zip(versions(), before, strict=True))

    before = versions()
    store.save_test(LOCAL_OWNER, ann, heel_test(20, 22), [symptom(TODAY)])
    assert changed(before) == (True, False, True, False)  # Ann's, and the owner's; Ben's and Cat's stay
    before = versions()
    store.add_routine_log(LOCAL_OWNER, ben, RoutineLogEntry(TODAY, "single_leg_calf_raise", 3, 15))
    assert changed(before) == (False, True, True, False)
    before = versions()
    link = store.create_share_link(LOCAL_OWNER, ben, "Coach", "e" * 64, None, dt.datetime(2026, 1, 1, 12, 0))
    assert changed(before) == (False, True, True, False)
    before = versions()
    store.mark_share_used(LOCAL_OWNER, ben, link.id, dt.datetime(2026, 1, 1, 12, 5))  # a coach opened Ben's link
    assert changed(before) == (False, True, True, False)
    before = versions()
    with pytest.raises(NotFound):  # refused and rolled back: nothing changed, so nothing goes stale
        store.save_test(LOCAL_OWNER, elsewhere, heel_test(20, 22), [])
    assert changed(before) == (False, False, False, False)
    before = versions()
    add_runner(store, name="Dee")  # names no runner it changes: counted as every runner's
    assert changed(before) == (True, True, True, False)
    before = versions()
    store.delete_runner(LOCAL_OWNER, ann)  # a gone runner's pages must not answer from memory
    assert changed(before) == (True, False, True, False)
    before = versions()
    store.save_test("oidc:b|2", elsewhere, heel_test(20, 22), [])
    assert changed(before) == (False, False, False, True)
    assert store.data_versions([]) == {}


def test_deleting_a_login_removes_all_its_profiles_and_nothing_of_anyone_else(store: Store):
    mine = [add_runner(store, "oidc:a|1", name) for name in ("Ann", "Ann's daughter")]
    theirs = add_runner(store, "oidc:b|2", "Bob")
    for runner_id, owner in [(mine[0], "oidc:a|1"), (mine[1], "oidc:a|1"), (theirs, "oidc:b|2")]:
        store.save_test(owner, runner_id, heel_test(20, 22), [symptom(TODAY, during=2)])
        store.create_share_link(owner, runner_id, "Coach", f"{runner_id:064d}", None, dt.datetime(2026, 1, 1))
    before_theirs = count_rows(store, theirs)

    assert store.delete_owner("oidc:a|1") == 2
    assert store.list_runners("oidc:a|1") == []
    for runner_id in mine:
        assert set(count_rows(store, runner_id).values()) == {0}
    assert count_rows(store, theirs) == before_theirs
    assert store.resolve_share(f"{mine[0]:064d}", dt.datetime(2026, 2, 1)) is None
    assert store.resolve_share(f"{theirs:064d}", dt.datetime(2026, 2, 1)) is not None
    assert store.delete_owner("oidc:a|1") == 0  # nothing left: a second click deletes nothing else
