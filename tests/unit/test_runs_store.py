"""The store's runs, on DuckDB and PostgreSQL (the `store` fixture runs each test on both): saved once however often
they are imported, listed oldest first, loaded with the records, corrected, deleted one by one and with the runner,
counted in the tables the copy to PostgreSQL checks, and never seen or changed by another owner."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from calfcore.models import Run, RunSource, Sex
from calfstore import LOCAL_OWNER, NotFound, Store, open_store, parse_database_url
from calfstore.tables import count_rows, rows_per_owner, rows_per_table
from calfstore.transfer import copy_to_postgres
from tests.unit.helpers import TODAY, runner

START = dt.datetime(2025, 6, 14, 7, 2, 11)
WATCH = Run(START.date(), 10.02, 3011, 84.0, START, RunSource.FIT)
SAME_FROM_GPX = Run(START.date(), 10.1, 3020, 90.0, START + dt.timedelta(seconds=40), RunSource.GPX)
BY_HAND = Run(TODAY, 5.0, None)


def add_runner(store: Store, owner: str = LOCAL_OWNER, name: str = "Sam") -> int:
    return int(store.create_runner(owner, runner(Sex.FEMALE, 35, name=name)).id)


def test_runs_are_saved_listed_and_loaded_with_the_records(store: Store) -> None:
    runner_id = add_runner(store)
    ids = store.save_runs(LOCAL_OWNER, runner_id, [BY_HAND, WATCH])
    listed = store.list_runs(LOCAL_OWNER, runner_id)
    assert listed == [dataclasses.replace(WATCH, id=ids[1]), dataclasses.replace(BY_HAND, id=ids[0])]
    assert store.load_records(LOCAL_OWNER, runner_id).runs == listed


def test_the_same_run_twice_is_stored_once_in_one_import_and_across_imports(store: Store) -> None:
    runner_id = add_runner(store)
    assert len(store.save_runs(LOCAL_OWNER, runner_id, [WATCH, SAME_FROM_GPX])) == 1
    assert store.save_runs(LOCAL_OWNER, runner_id, [SAME_FROM_GPX, WATCH]) == []  # the same archive again
    later = dataclasses.replace(WATCH, started_at=START + dt.timedelta(seconds=61))
    assert len(store.save_runs(LOCAL_OWNER, runner_id, [later])) == 1  # a minute and a second later: another run
    assert len(store.list_runs(LOCAL_OWNER, runner_id)) == 2


def test_two_runs_typed_by_hand_on_one_day_are_both_kept(store: Store) -> None:
    runner_id = add_runner(store)
    store.save_runs(LOCAL_OWNER, runner_id, [BY_HAND])
    store.save_runs(LOCAL_OWNER, runner_id, [BY_HAND])
    assert len(store.list_runs(LOCAL_OWNER, runner_id)) == 2


def test_a_run_is_corrected_and_deleted_by_its_id(store: Store) -> None:
    runner_id = add_runner(store)
    [run_id] = store.save_runs(LOCAL_OWNER, runner_id, [WATCH])
    fixed = dataclasses.replace(WATCH, distance_km=12.5, elevation_gain_m=None, id=run_id)
    store.update_run(LOCAL_OWNER, runner_id, fixed)
    assert store.list_runs(LOCAL_OWNER, runner_id) == [fixed]
    store.delete_run(LOCAL_OWNER, runner_id, run_id)
    assert store.list_runs(LOCAL_OWNER, runner_id) == []
    with pytest.raises(NotFound):
        store.delete_run(LOCAL_OWNER, runner_id, run_id)
    with pytest.raises(NotFound):
        store.update_run(LOCAL_OWNER, runner_id, fixed)


def test_each_write_changes_the_owners_data_version(store: Store) -> None:
    runner_id = add_runner(store)
    seen = {store.data_version(LOCAL_OWNER)}
    [run_id] = store.save_runs(LOCAL_OWNER, runner_id, [WATCH])
    seen.add(store.data_version(LOCAL_OWNER))
    store.update_run(LOCAL_OWNER, runner_id, dataclasses.replace(WATCH, distance_km=9.0, id=run_id))
    seen.add(store.data_version(LOCAL_OWNER))
    store.delete_run(LOCAL_OWNER, runner_id, run_id)
    seen.add(store.data_version(LOCAL_OWNER))
    assert len(seen) == 4


def test_runs_are_deleted_with_the_runner_and_nobody_elses(store: Store) -> None:
    runner_id, other = add_runner(store), add_runner(store, name="Other")
    for target in (runner_id, other):
        store.save_runs(LOCAL_OWNER, target, [WATCH, BY_HAND])
    assert rows_per_table(store)["runs"] == 4  # the tables the copy to PostgreSQL counts
    assert rows_per_owner(store)[(LOCAL_OWNER, "runs")] == 4
    store.delete_runner(LOCAL_OWNER, runner_id)
    assert count_rows(store, runner_id)["runs"] == 0
    assert count_rows(store, other)["runs"] == 2


def test_deleting_a_login_deletes_its_runs(store: Store) -> None:
    runner_id = add_runner(store, "oidc:alice")
    store.save_runs("oidc:alice", runner_id, [WATCH])
    assert store.delete_owner("oidc:alice") == 1
    assert count_rows(store, runner_id)["runs"] == 0


def test_another_owner_never_sees_or_changes_them(store: Store) -> None:
    a_runner, b_runner = add_runner(store, "owner-a", "Alice"), add_runner(store, "owner-b", "Bob")
    [run_id] = store.save_runs("owner-a", a_runner, [WATCH])
    before = store.load_records("owner-a", a_runner)
    changed = dataclasses.replace(WATCH, distance_km=1.0, id=run_id)
    attempts = {
        "save_runs": lambda: store.save_runs("owner-b", a_runner, [BY_HAND]),
        "list_runs": lambda: store.list_runs("owner-b", a_runner),
        "update_run": lambda: store.update_run("owner-b", a_runner, changed),
        "update_run_through_own_runner": lambda: store.update_run("owner-b", b_runner, changed),
        "delete_run": lambda: store.delete_run("owner-b", a_runner, run_id),
        "delete_run_through_own_runner": lambda: store.delete_run("owner-b", b_runner, run_id),
    }
    for name, attempt in attempts.items():
        with pytest.raises(NotFound):
            attempt()
        assert store.load_records("owner-a", a_runner) == before, f"{name} changed owner a's data"
    assert store.list_runs("owner-b", b_runner) == []


def test_runs_move_with_the_copy_to_postgresql_counted_and_whole(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "club.duckdb"
    duck = open_store(f"duckdb:///{source}")
    runner_id = add_runner(duck)
    duck.save_runs(LOCAL_OWNER, runner_id, [WATCH, BY_HAND])
    expected = duck.load_records(LOCAL_OWNER, runner_id)
    duck.close()
    report = copy_to_postgres(source, parse_database_url(postgres_url))
    assert report.rows["runs"] == 2
    pg = open_store(postgres_url)
    try:
        assert pg.load_records(LOCAL_OWNER, runner_id) == expected
        [later] = pg.save_runs(LOCAL_OWNER, runner_id, [dataclasses.replace(BY_HAND, distance_km=3.0)])
        assert later > max(run.id or 0 for run in expected.runs)  # the id sequence moved past the copied runs
    finally:
        pg.close()


def test_the_same_archive_imported_in_two_tabs_at_once_is_stored_once(store: Store) -> None:
    runner_id = add_runner(store)
    archive = [
        dataclasses.replace(
            WATCH, started_at=START + dt.timedelta(days=day), run_on=(START + dt.timedelta(days=day)).date()
        )
        for day in range(-30, 0)
    ]
    start = threading.Barrier(2)

    def import_once() -> list[int]:
        start.wait()
        return store.save_runs(LOCAL_OWNER, runner_id, archive)

    with ThreadPoolExecutor(2) as pool:
        saved = [len(ids) for ids in pool.map(lambda _: import_once(), range(2))]
    assert sorted(saved) == [0, len(archive)]
    assert len(store.list_runs(LOCAL_OWNER, runner_id)) == len(archive)
