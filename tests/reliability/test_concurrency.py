"""Concurrent writers on one Store, the way Streamlit serves many sessions: one thread per session, on DuckDB (one
connection per process, a cursor per operation) and on PostgreSQL (a connection pool, row locks), the same tests. Nothing is lost or duplicated, conflicting corrections have one winner
and a clear message for the others, and nothing raises anything a page can't explain."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from calfcore.models import (
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
from calfstore import LOCAL_OWNER, EditConflict, Store, open_store
from calfstore.duckdb_files import backup_to, read_snapshot
from calfstore.duckdb_store import DuckDBStore

THREADS, ENTRIES_PER_THREAD = 50, 200
DAY = dt.date(2025, 3, 3)


@pytest.fixture
def store(database_url: str):
    opened = open_store(database_url)
    opened.url = database_url  # type: ignore[attr-defined]  # for tests that reopen it
    yield opened
    if not opened.closed:
        opened.close()


@pytest.fixture
def duckdb_store(tmp_path: Path):
    opened = DuckDBStore.open(tmp_path / "calfcheck.duckdb")
    yield opened
    if not opened.closed:
        opened.close()


def _runner(store: Store, name: str = "Concurrent runner") -> int:
    return int(store.create_runner(LOCAL_OWNER, RunnerProfile(name, 1990, Sex.FEMALE)).id)


def _in_threads(count: int, work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Run work(i) in `count` threads released at the same moment; returns results and errors."""
    start = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def body(i: int) -> None:
        start.wait()
        try:
            outcome = work(i)
        except BaseException as error:  # noqa: BLE001 - every failure is reported by the test
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def _test(notes: str, left: int = 20, right: int = 22) -> HeelRaiseTest:
    return HeelRaiseTest(tested_on=DAY, protocol=Protocol(), straight_reps=LegPair(left, right), notes=notes)


def _symptoms(pain: int) -> list[SymptomEntry]:
    return [SymptomEntry(DAY, side, pain, None, 5, PainLocation.ACHILLES) for side in Side]


def test_fifty_threads_saving_two_hundred_entries_each_store_exactly_ten_thousand(store: Store, figures) -> None:
    runner_id = _runner(store)

    def save_all(thread: int) -> int:
        for n in range(ENTRIES_PER_THREAD):
            store.add_routine_log(
                LOCAL_OWNER,
                runner_id,
                RoutineLogEntry(
                    DAY, "single_leg_calf_raise", 1 + n % 5, 1 + thread, float(n % 40), n % 11, f"{thread}-{n}"
                ),
            )
        return ENTRIES_PER_THREAD

    _, errors = _in_threads(THREADS, save_all)
    assert errors == []
    expected = {f"{t}-{n}" for t in range(THREADS) for n in range(ENTRIES_PER_THREAD)}
    store.close()
    reopened = open_store(store.url)  # what is stored, not what one connection remembers
    try:
        logs = reopened.list_routine_logs(LOCAL_OWNER, runner_id)
    finally:
        reopened.close()
    notes = Counter(entry.notes for entry in logs)
    assert len(logs) == THREADS * ENTRIES_PER_THREAD == 10_000
    assert set(notes) == expected and set(notes.values()) == {1}  # every entry once: none lost, none doubled
    assert len({entry.id for entry in logs}) == 10_000
    for entry in logs:  # every field as saved
        thread, n = map(int, entry.notes.split("-"))
        assert (entry.sets, entry.reps, entry.load_kg, entry.pain) == (1 + n % 5, 1 + thread, float(n % 40), n % 11)
    figures.add(
        "concurrency", threads=THREADS, rows_written=len(logs), errors=len(errors), lost=len(expected) - len(notes)
    )


def test_concurrent_tests_are_saved_with_their_symptoms(store: Store, figures) -> None:
    runner_id = _runner(store)
    per_thread = 15

    def save(thread: int) -> list[int]:
        return [
            store.save_test(LOCAL_OWNER, runner_id, _test(f"{thread}-{n}"), _symptoms(n % 11))
            for n in range(per_thread)
        ]

    results, errors = _in_threads(20, save)
    assert errors == []
    ids = [test_id for batch in results for test_id in batch]
    tests = store.list_tests(LOCAL_OWNER, runner_id)
    assert sorted(t.id for t in tests) == sorted(ids) and len(ids) == 20 * per_thread
    per_test = Counter(s.test_id for s in store.list_symptoms(LOCAL_OWNER, runner_id))
    assert set(per_test) == set(ids) and set(per_test.values()) == {2}
    figures.add("concurrency", rows_written=len(ids) * 3, errors=len(errors))


def test_concurrent_corrections_of_one_test_end_with_one_winner(store: Store, figures) -> None:
    runner_id = _runner(store)
    test_id = store.save_test(LOCAL_OWNER, runner_id, _test("original"), _symptoms(1))
    conflicts = 0
    for round_number in range(10):
        revision = store.test_revision(LOCAL_OWNER, runner_id, test_id)

        def correct(editor: int) -> int:
            corrected = dataclasses.replace(_test(f"round {round_number} by {editor}", 10 + editor, 30), id=test_id)
            store.update_test(LOCAL_OWNER, runner_id, corrected, _symptoms(editor), revision)
            return editor

        winners, errors = _in_threads(8, correct)
        assert len(winners) == 1, (winners, errors)
        assert len(errors) == 7 and all(isinstance(e, EditConflict) for e in errors), errors
        assert all("Nothing was overwritten" in str(e) for e in errors)
        conflicts += len(errors)
        (winner,) = winners
        (saved,) = store.list_tests(LOCAL_OWNER, runner_id)
        assert saved.notes == f"round {round_number} by {winner}" and saved.straight_reps == LegPair(10 + winner, 30)
        symptoms = store.list_symptoms(LOCAL_OWNER, runner_id)
        assert [(s.side, s.pain_during) for s in symptoms] == [(Side.LEFT, winner), (Side.RIGHT, winner)]
        assert store.test_revision(LOCAL_OWNER, runner_id, test_id) == revision + 1
    figures.add("concurrency", edit_conflicts_reported=conflicts, errors=0)


def test_concurrent_profile_edits_never_crash(store: Store) -> None:
    runner_id = _runner(store)
    names = [f"Name {i}" for i in range(8)]

    def rename(i: int) -> str:
        store.update_runner(LOCAL_OWNER, RunnerProfile(names[i], 1990, Sex.FEMALE, id=runner_id))
        return names[i]

    for _ in range(5):
        saved, errors = _in_threads(8, rename)
        assert saved and all(isinstance(e, EditConflict) for e in errors), errors
        assert store.get_runner(LOCAL_OWNER, runner_id).name in saved  # one of the saves, never a mix


def test_fifty_coaches_opening_one_link_at_once_all_get_in(store: Store, figures) -> None:
    """Every page view of a coach stamps the link's last use: simultaneous stamps conflict in DuckDB and are
    retried (before the retry, most of these raised TransactionException and the coach saw a traceback)."""
    runner_id = _runner(store)
    link = store.create_share_link(LOCAL_OWNER, runner_id, "Coach", "a" * 64, None, dt.datetime(2025, 1, 1))

    def open_link(i: int) -> int:
        for n in range(10):
            now = dt.datetime(2025, 1, 2) + dt.timedelta(seconds=i * 10 + n)
            assert store.resolve_share("a" * 64, now) is not None
            store.mark_share_used(LOCAL_OWNER, link.runner_id, link.id, now)
        return i

    _, errors = _in_threads(50, open_link)
    assert errors == []
    (stamped,) = store.list_share_links(LOCAL_OWNER, runner_id)
    assert stamped.last_used_at is not None

    def revoke(i: int) -> int:
        store.revoke_share_link(LOCAL_OWNER, runner_id, link.id, dt.datetime(2025, 2, 1, 0, 0, i))
        return i

    _, errors = _in_threads(10, revoke)
    assert errors == []
    assert store.resolve_share("a" * 64, dt.datetime(2025, 3, 1)) is None
    figures.add("concurrency", rows_written=500, errors=len(errors))


def test_a_backup_taken_during_concurrent_saves_is_a_consistent_snapshot(
    duckdb_store: DuckDBStore, tmp_path: Path
) -> None:
    store = duckdb_store  # the file copy made by the app (PostgreSQL's backups are pg_dump: test_postgres.py)
    runner_id = _runner(store)
    stop = threading.Event()

    def keep_saving(thread: int) -> int:
        n = 0
        while not stop.is_set():
            store.save_test(LOCAL_OWNER, runner_id, _test(f"{thread}-{n}"), _symptoms(n % 11))
            n += 1
        return n

    backups: list[dict[str, int]] = []

    def back_up(i: int) -> int:
        if i != 0:
            return keep_saving(i)
        try:
            for k in range(3):
                backups.append(backup_to(store, tmp_path / f"backup-{k}.duckdb"))
        finally:
            stop.set()
        return 0

    _, errors = _in_threads(6, back_up)
    assert errors == []
    for k, rows in enumerate(backups):
        copy = read_snapshot(tmp_path / f"backup-{k}.duckdb")
        assert {table: len(copy[table]) for table in copy} == rows
        test_ids = {row[0] for row in copy["test_sessions"]}
        symptom_tests = Counter(row[8] for row in copy["symptom_entries"])  # test_id column
        assert set(symptom_tests) == test_ids and set(symptom_tests.values()) <= {2}
    assert rows["test_sessions"] > 0
