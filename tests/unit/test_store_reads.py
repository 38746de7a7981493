"""Store.load_records (the dashboard's records, read from one snapshot) and Store.cluster_by_runner (the maintenance
step that keeps each runner's rows together on disk): what they return and what they keep, never how fast they are."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from calfcore.demo import demo_data
from calfcore.models import (
    CheckinWarning,
    ClinicianAllClear,
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    SymptomEntry,
)
from calfcore.triage import red_flag_ids
from calfstore import RUNNER_TABLES, NotFound, RunnerRecords, Store
from calfstore.duckdb_files import snapshot
from calfstore.duckdb_layout import cluster_by_runner, unclustered_rows
from calfstore.duckdb_store import DuckDBStore
from calfstore.tables import count_rows

TODAY = dt.date(2025, 6, 16)
OWNERS = ("local", "oidc:https://id.example|alice", "oidc:https://id.example|bob")


def _separately(store: Store, owner: str, runner_id: int) -> RunnerRecords:
    """What the dashboard read before load_records read one snapshot: separate reads, each checking the owner."""
    return RunnerRecords(
        runner=store.get_runner(owner, runner_id),
        tests=store.list_tests(owner, runner_id),
        symptoms=store.list_symptoms(owner, runner_id),
        routine_logs=store.list_routine_logs(owner, runner_id),
        checkin_warnings=store.list_checkin_warnings(owner, runner_id),
        all_clears=store.list_all_clears(owner, runner_id),
    )


def _fill(store: Store, runners: int = 6, seed: int = 1) -> list[tuple[str, int]]:
    """Runners of several owners whose records are saved interleaved, day by day, as a club's would arrive (so one
    runner's rows are spread through every table), with every optional field used somewhere, same-day entries,
    red flags, a runner with nothing recorded and a runner deleted in the middle."""
    rng = random.Random(seed)
    flags = sorted(red_flag_ids())
    made: list[tuple[str, int]] = []
    events: list[tuple[dt.date, int, object]] = []
    for index in range(runners):
        owner = OWNERS[index % len(OWNERS)]
        runner = store.create_runner(
            owner,
            RunnerProfile(
                name=f"Runner {index}",
                birth_year=1980 + index,
                sex=Sex.FEMALE if index % 2 else Sex.MALE,
                injured_side=Side.LEFT if index % 3 == 0 else None,
            ),
        )
        made.append((owner, int(runner.id)))
        if index == 1:
            continue  # a runner with a profile only
        demo = demo_data(TODAY - dt.timedelta(days=3 * index), seed=index)
        for number, (test, symptoms) in enumerate(demo.tests):
            if number == 2:
                test = HeelRaiseTest(
                    test.tested_on,
                    Protocol(cadence_bpm=0, cued=True, added_load_kg=5.0),
                    LegPair(11.0, 12.0),
                    red_flags=frozenset(flags[:2]),
                    notes="pop; stopped",
                )
            events.append((test.tested_on, len(made) - 1, (test, symptoms)))
        for entry in demo.symptoms[::3]:
            events.append((entry.logged_on, len(made) - 1, entry))
        for entry in demo.routine_logs[::8]:
            events.append((entry.logged_on, len(made) - 1, entry))
        events.append((TODAY, len(made) - 1, SymptomEntry(TODAY, Side.RIGHT, 2, None, None, PainLocation.CALF)))
        for back in (index, 0, 20 + index):  # warning signs ticked in check-ins (two the same day) and all-clears
            day = TODAY - dt.timedelta(days=back)
            events.append((day, len(made) - 1, CheckinWarning(day, frozenset(flags[index % len(flags) :][:2]))))
        events.append((TODAY - dt.timedelta(days=index), len(made) - 1, ClinicianAllClear(TODAY, f"Seen {index}")))
    rng.shuffle(events)
    events.sort(key=lambda event: event[0])  # date order; within a day, any runner's first
    for _, which, item in events:
        owner, runner_id = made[which]
        if isinstance(item, tuple):
            store.save_test(owner, runner_id, *item)
        elif isinstance(item, SymptomEntry):
            store.add_symptoms(owner, runner_id, [item])
        elif isinstance(item, CheckinWarning):
            store.save_checkin_warning(owner, runner_id, item)
        elif isinstance(item, ClinicianAllClear):
            store.save_all_clear(owner, runner_id, item)
        else:
            assert isinstance(item, RoutineLogEntry)
            store.add_routine_log(owner, runner_id, item)
    gone_owner, gone = made.pop(min(4, len(made) - 1))
    store.delete_runner(gone_owner, gone)
    return made


Filled = tuple[Store, list[tuple[str, int]]]


@pytest.fixture(scope="module")
def filled_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, int]]]:
    path = tmp_path_factory.mktemp("filled") / "filled.duckdb"
    with closing(DuckDBStore.open(path)) as store:
        return path, _fill(store)


@pytest.fixture
def filled(filled_file: tuple[Path, list[tuple[str, int]]], tmp_path: Path) -> Iterator[Filled]:
    """A store holding _fill's runners (a fresh copy of one file per test), and those runners."""
    copy = tmp_path / "filled.duckdb"
    shutil.copy(filled_file[0], copy)
    with closing(DuckDBStore.open(copy)) as store:
        yield store, list(filled_file[1])


def test_load_records_returns_exactly_what_the_separate_reads_return(filled: Filled) -> None:
    store, runners = filled
    for owner, runner_id in runners:
        records = store.load_records(owner, runner_id)
        assert records == _separately(store, owner, runner_id)
    sizes = [len(store.load_records(owner, runner_id).tests) for owner, runner_id in runners]
    assert 0 in sizes and max(sizes) >= 6  # the runner without records, and runners with many
    every = [store.load_records(owner, runner_id) for owner, runner_id in runners]
    for optional in ("soleus", "bent_reps", "heel_height_cm", "knee_to_wall_cm"):
        assert any(getattr(t, optional) for r in every for t in r.tests), optional
        assert any(getattr(t, optional) is None for r in every for t in r.tests), optional
    assert any(t.red_flags for r in every for t in r.tests)
    assert any(s.test_id is None for r in every for s in r.symptoms)
    assert any(len(r.checkin_warnings) >= 3 for r in every) and any(r.all_clears for r in every)


def test_load_records_keeps_day_then_id_order_for_same_day_entries(store: Store) -> None:
    owner, runner_id = (
        "local",
        int(store.create_runner("local", RunnerProfile(name="Same day", birth_year=1990, sex=Sex.MALE)).id),
    )
    for reps in (30, 20, 25):  # three tests on one day, then one on an earlier day, saved last
        store.save_test(owner, runner_id, HeelRaiseTest(TODAY, Protocol(), LegPair(reps, reps)))
    store.save_test(owner, runner_id, HeelRaiseTest(TODAY - dt.timedelta(days=9), Protocol(), LegPair(5, 5)))
    tests = store.load_records(owner, runner_id).tests
    assert [t.straight_reps.left for t in tests] == [5, 30, 20, 25]
    assert tests == store.list_tests(owner, runner_id)


def test_a_save_landing_while_the_records_are_read_is_all_in_or_all_out(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_records reads a statement per table from one snapshot: a test saved with its symptoms after the tests
    were read and before the symptoms are shows neither (never symptoms of a test the runner doesn't have), and the
    next read shows both."""
    owner = "local"
    runner_id = int(store.create_runner(owner, RunnerProfile(name="Mid read", birth_year=1990, sex=Sex.MALE)).id)
    store.save_test(owner, runner_id, HeelRaiseTest(TODAY, Protocol(), LegPair(20, 22)))
    read_symptoms = type(store)._select_symptoms  # type: ignore[attr-defined]
    landed: list[int] = []

    def save_then_read(cursor: object, runner: int, since: dt.date) -> object:
        if not landed:  # another session's save, committed between this read's statements
            symptom = SymptomEntry(TODAY, Side.LEFT, 2, None, None, PainLocation.CALF)
            test = HeelRaiseTest(TODAY, Protocol(), LegPair(24, 25))
            landed.append(store.save_test(owner, runner_id, test, [symptom]))
        return read_symptoms(cursor, runner, since)

    monkeypatch.setattr(type(store), "_select_symptoms", staticmethod(save_then_read))
    during = store.load_records(owner, runner_id)
    assert landed and [t.straight_reps.left for t in during.tests] == [20] and during.symptoms == []
    monkeypatch.undo()
    after = store.load_records(owner, runner_id)
    assert [t.straight_reps.left for t in after.tests] == [20, 24]
    assert [s.test_id for s in after.symptoms] == [landed[0]]


def test_load_records_is_scoped_to_the_owner(filled: Filled) -> None:
    store, runners = filled
    for owner, runner_id in runners:
        for other in OWNERS:
            if other != owner:
                with pytest.raises(NotFound):
                    store.load_records(other, runner_id)
    owner, runner_id = runners[0]
    store.delete_runner(owner, runner_id)
    with pytest.raises(NotFound):
        store.load_records(owner, runner_id)


# -- cluster_by_runner ---------------------------------------------------------------------------------------


def _runner_tables(store: Store) -> dict[str, list[tuple]]:
    """Every row of every runner table and of the runners table, field for field (snapshot without bookkeeping)."""
    return {table: rows for table, rows in snapshot(store).items() if table in (*RUNNER_TABLES, "runners")}


def _stored_order(store: Store, table: str) -> list[tuple[int, int]]:
    """(runner_id, id) of a table's rows in the order DuckDB stores and scans them."""
    with store._cursor() as cursor:  # noqa: SLF001 (the physical order is what this checks)
        return cursor.execute(f"SELECT runner_id, id FROM {table}").fetchall()


def _everything(store: Store, runners: list[tuple[str, int]]) -> dict[int, RunnerRecords]:
    return {runner_id: store.load_records(owner, runner_id) for owner, runner_id in runners}


def test_clustering_keeps_every_row_and_id_and_stores_rows_by_runner(filled: Filled) -> None:
    store, runners = filled
    rows, records = _runner_tables(store), _everything(store, runners)
    assert _stored_order(store, "symptom_entries") != sorted(_stored_order(store, "symptom_entries"))
    rewritten = cluster_by_runner(store)
    assert rewritten == {table: len(rows[table]) for table in RUNNER_TABLES if rows[table]}
    assert _runner_tables(store) == rows
    assert _everything(store, runners) == records
    for owner, runner_id in runners:
        assert records[runner_id] == _separately(store, owner, runner_id)
    for table in RUNNER_TABLES:
        assert _stored_order(store, table) == sorted(_stored_order(store, table)), table
    assert unclustered_rows(store) == dict.fromkeys(RUNNER_TABLES, 0)


def test_clustering_keeps_owner_scoping_and_the_id_sequences(filled: Filled) -> None:
    store, runners = filled
    top = max(test.id for owner, runner_id in runners for test in store.list_tests(owner, runner_id))
    cluster_by_runner(store)
    for owner, runner_id in runners:
        for other in OWNERS:
            if other != owner:
                with pytest.raises(NotFound):
                    store.load_records(other, runner_id)
                with pytest.raises(NotFound):
                    store.save_test(other, runner_id, HeelRaiseTest(TODAY, Protocol(), LegPair(1, 1)))
    owner, runner_id = runners[0]
    new_id = store.save_test(
        owner,
        runner_id,
        HeelRaiseTest(TODAY, Protocol(), LegPair(33, 34)),
        [SymptomEntry(TODAY, Side.LEFT, 1, None, None)],
    )
    assert new_id == top + 1  # the table's default still draws from its sequence
    assert store.load_records(owner, runner_id).tests[-1].straight_reps == LegPair(33, 34)
    store.delete_runner(owner, runner_id)  # deletes reach the rewritten tables
    assert count_rows(store, runner_id) == {table: 0 for table in (*RUNNER_TABLES, "runners")}


def test_clustering_is_idempotent_and_rewrites_only_when_due(filled: Filled) -> None:
    store, runners = filled
    assert cluster_by_runner(store) != {}
    rows, order = _runner_tables(store), {t: _stored_order(store, t) for t in RUNNER_TABLES}
    assert cluster_by_runner(store) == {}  # nothing arrived since: nothing to do
    assert _runner_tables(store) == rows and {t: _stored_order(store, t) for t in RUNNER_TABLES} == order

    owner, runner_id = runners[0]
    store.save_test(
        owner,
        runner_id,
        HeelRaiseTest(TODAY, Protocol(), LegPair(9, 9)),
        [SymptomEntry(TODAY, side, 0, None, None) for side in Side],
    )
    assert unclustered_rows(store) == {
        **{table: 0 for table in RUNNER_TABLES},
        "symptom_entries": 2,
        "test_sessions": 1,
    }
    assert cluster_by_runner(store, min_unclustered_rows=3) == {}  # under the threshold: left as it is
    rows = _runner_tables(store)
    assert set(cluster_by_runner(store, min_unclustered_rows=2)) == {"symptom_entries"}
    assert unclustered_rows(store)["test_sessions"] == 1
    assert _runner_tables(store) == rows


def test_a_failure_midway_rolls_the_whole_rewrite_back(filled: Filled, monkeypatch: pytest.MonkeyPatch) -> None:
    import calfstore.duckdb_layout as storage

    store, runners = filled
    rows, records = _runner_tables(store), _everything(store, runners)
    order = {t: _stored_order(store, t) for t in RUNNER_TABLES}
    real = storage._renamed_definition  # noqa: SLF001

    def fail_on_the_third_table(definition: str, table: str, new_name: str) -> str:
        if table == RUNNER_TABLES[2]:
            raise OSError("disk full (simulated)")
        return real(definition, table, new_name)

    monkeypatch.setattr(storage, "_renamed_definition", fail_on_the_third_table)
    with pytest.raises(OSError):
        cluster_by_runner(store)
    assert _runner_tables(store) == rows
    assert {t: _stored_order(store, t) for t in RUNNER_TABLES} == order  # the first two tables too
    assert unclustered_rows(store) == {table: len(rows[table]) for table in RUNNER_TABLES}
    assert set(snapshot(store)) == set(rows) | {"schema_migrations", "clustered_tables"}  # no copy left behind
    assert _everything(store, runners) == records
    monkeypatch.undo()
    assert cluster_by_runner(store) != {}
    assert _everything(store, runners) == records


def test_open_clusters_the_tables_with_enough_unclustered_rows(filled: Filled, monkeypatch: pytest.MonkeyPatch) -> None:
    import calfstore.duckdb_layout as storage

    first, runners = filled
    counts, records = unclustered_rows(first), _everything(first, runners)
    first.close()
    db_file = first.path
    threshold = sorted(counts.values())[-2]  # the second-largest table: the two largest are due
    monkeypatch.setattr(storage, "CLUSTER_MIN_ROWS", threshold)
    with closing(DuckDBStore.open(db_file, cluster=False)) as untouched:
        assert unclustered_rows(untouched) == counts
    with closing(DuckDBStore.open(db_file)) as reopened:
        left = unclustered_rows(reopened)
        assert {table for table, count in left.items() if count == 0} == {
            table for table, count in counts.items() if count >= threshold or count == 0
        }
        assert _everything(reopened, runners) == records
