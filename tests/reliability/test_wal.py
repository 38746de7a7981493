"""Issue 23: a damaged write-ahead log is never skipped silently.

DuckDB 2.0 (the pinned version) opens a file whose `.wal` is full of garbage, or has garbage after good entries, as
if the log ended there: the saves after that point vanish without a word (tried here first: the garbage log below
opened on the previous code with only the checkpointed test). Now the store keeps the log as
`<database>.wal.damaged-<time>`, writes what DuckDB could replay into the file, and stops with a message naming both
files and how to recover; the next open carries on. A log cut inside its last entry (a process killed while writing
a commit it had not acknowledged) is what every crash may leave: it opens as before.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from calfstore import LOCAL_OWNER, StoreUnavailable
from calfstore.duckdb_store import DuckDBStore
from calfstore.duckdb_wal import check_log
from tests.app.conftest import REPO

# Saves one test into the file (checkpointed), then two more that live only in the log, and stops dead, as a killed
# app would: prints the log's size after each of those two commits.
WRITER = textwrap.dedent("""
    import datetime as dt, os, sys
    from calfcore.models import HeelRaiseTest, LegPair, Protocol, RunnerProfile, Sex
    from calfstore import LOCAL_OWNER
    from calfstore.duckdb_store import DuckDBStore
    store = DuckDBStore.open(sys.argv[1])
    runner = int(store.create_runner(LOCAL_OWNER, RunnerProfile("Wal Wren", 1990, Sex.FEMALE)).id)
    def save(note):
        store.save_test(LOCAL_OWNER, runner, HeelRaiseTest(dt.date(2025, 6, 1), Protocol(), LegPair(20, 21), notes=note))
    save("in the file")
    store.checkpoint()
    for note in ("in the log 1", "in the log 2"):
        save(note)
        print(os.path.getsize(sys.argv[1] + ".wal"), flush=True)
    os._exit(0)
""")


def _written(tmp_path: Path) -> tuple[Path, bytes, list[int]]:
    db = tmp_path / "calfcheck.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(db)], capture_output=True, text=True, cwd=REPO, timeout=60, check=True
    )
    log = db.with_name(db.name + ".wal")
    return db, log.read_bytes(), [int(line) for line in done.stdout.split()]


def _notes(db: Path) -> list[str]:
    store = DuckDBStore.open(db)
    try:
        (runner,) = store.list_runners(LOCAL_OWNER)
        return [t.notes for t in store.list_tests(LOCAL_OWNER, int(runner.id))]
    finally:
        store.close()


def _kept(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".wal.damaged-*"))


def test_a_log_full_of_garbage_stops_the_open_is_kept_and_the_next_open_carries_on(tmp_path: Path) -> None:
    db, _, _ = _written(tmp_path)
    garbage = os.urandom(4096)
    db.with_name(db.name + ".wal").write_bytes(garbage)
    with pytest.raises(StoreUnavailable) as stopped:
        DuckDBStore.open(db)
    message = str(stopped.value)
    (kept,) = _kept(db)
    assert f"{db}.wal" in message and "damaged" in message and str(kept) in message, message
    assert "make restore" in message and "reload" in message and "never deleted" in message, message
    assert kept.read_bytes() == garbage  # kept as it was
    assert not db.with_name(db.name + ".wal").exists()
    assert _notes(db) == ["in the file"]  # the log's two saves are what such damage costs
    assert _kept(db) == [kept]  # the next open found nothing wrong


def test_garbage_after_good_entries_keeps_what_was_readable(tmp_path: Path) -> None:
    db, log, _ = _written(tmp_path)
    damaged = log + os.urandom(300)
    db.with_name(db.name + ".wal").write_bytes(damaged)
    with pytest.raises(StoreUnavailable) as stopped:
        DuckDBStore.open(db)
    (kept,) = _kept(db)
    assert f"{len(log)} of its {len(damaged)} bytes could be read" in str(stopped.value), str(stopped.value)
    assert kept.read_bytes() == damaged
    assert _notes(db) == ["in the file", "in the log 1", "in the log 2"]  # the readable part is in the file now


def test_zeros_after_the_first_save_are_damage_too(tmp_path: Path) -> None:
    db, log, sizes = _written(tmp_path)
    db.with_name(db.name + ".wal").write_bytes(log[: sizes[0]] + bytes(len(log) - sizes[0]))
    with pytest.raises(StoreUnavailable):
        DuckDBStore.open(db)
    assert len(_kept(db)) == 1
    assert _notes(db) == ["in the file", "in the log 1"]


def test_a_log_cut_inside_its_last_commit_opens_as_after_any_crash(tmp_path: Path) -> None:
    db, log, sizes = _written(tmp_path)
    assert check_log(log).whole and check_log(log).readable_bytes == len(log)
    db.with_name(db.name + ".wal").write_bytes(log[: sizes[0] + (sizes[1] - sizes[0]) // 2])
    assert _notes(db) == ["in the file", "in the log 1"]  # the torn commit was never acknowledged
    assert _kept(db) == []


def test_a_whole_log_opens_with_every_save(tmp_path: Path) -> None:
    db, _, _ = _written(tmp_path)
    assert _notes(db) == ["in the file", "in the log 1", "in the log 2"]
    assert _kept(db) == []
