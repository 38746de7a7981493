"""Issue 12, finding 4: a damaged or deleted log (.wal) lost every save since the app started, because nothing
checkpointed it into the database file. Now the app's worker checkpoints within CHECKPOINT_WINDOW_SECONDS of a
commit; and a log that won't replay is named in the message, with what to do."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from calfstore import LOCAL_OWNER, StoreUnavailable
from calfstore.duckdb_store import CHECKPOINT_WINDOW_SECONDS, DuckDBStore
from tests.app.conftest import REPO

SLACK_SECONDS = 2.0  # the worker's tick (0.25 s) and a busy shared machine

APP_LIKE_WRITER = textwrap.dedent("""
    import datetime as dt, sys, time
    from calfstore.duckdb_backup import start_worker
    from calfcore.models import RoutineLogEntry, RunnerProfile, Sex
    from calfstore import LOCAL_OWNER
    from calfstore.duckdb_store import DuckDBStore
    store = DuckDBStore.open(sys.argv[1])
    start_worker(store)  # as the app does (calfui.context)
    runner = store.create_runner(LOCAL_OWNER, RunnerProfile("Checkpointed runner", 1990, Sex.FEMALE))
    for number in range(3):
        store.add_routine_log(LOCAL_OWNER, int(runner.id),
                              RoutineLogEntry(dt.date(2025, 6, 1), "single_leg_calf_raise", 3, 10 + number))
        print("ack", number, flush=True)
    time.sleep(120)
""")


def test_saves_older_than_the_window_survive_a_kill_and_a_deleted_log(tmp_path: Path, figures) -> None:
    db = tmp_path / "calfcheck.duckdb"
    writer = subprocess.Popen(
        [sys.executable, "-c", APP_LIKE_WRITER, str(db)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        acks = [writer.stdout.readline().strip() for _ in range(3)]
        assert acks == ["ack 0", "ack 1", "ack 2"], acks
        time.sleep(CHECKPOINT_WINDOW_SECONDS + SLACK_SECONDS)
        plain_copy = tmp_path / "copied-while-running.duckdb"
        shutil.copyfile(db, plain_copy)  # what a file-level backup of a running app takes: the file, not its log
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
    db.with_name(db.name + ".wal").unlink(missing_ok=True)  # the log is lost with the crash
    for path in (db, plain_copy):
        store = DuckDBStore.open(path)
        try:
            (runner,) = store.list_runners(LOCAL_OWNER)
            assert [log.reps for log in store.list_routine_logs(LOCAL_OWNER, int(runner.id))] == [10, 11, 12]
        finally:
            store.close()
    figures.add("checkpoint", saves_acknowledged=3, logs_deleted=1, lost=0)


def test_a_store_checkpoints_once_the_window_has_passed_not_before(tmp_path: Path) -> None:
    store = DuckDBStore.open(tmp_path / "calfcheck.duckdb")
    try:
        store.checkpoint()
        from calfcore.models import RunnerProfile, Sex

        store.create_runner(LOCAL_OWNER, RunnerProfile("Waiting in the log", 1990, Sex.MALE))
        assert store.checkpoint_if_due() is False  # within the window: no checkpoint per save
        assert store.checkpoint_if_due(window=0.0) is True
        assert store.checkpoint_if_due(window=0.0) is False  # nothing new since
    finally:
        store.close()


def test_a_log_that_belongs_to_another_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    db, other = tmp_path / "calfcheck.duckdb", tmp_path / "other.duckdb"
    DuckDBStore.open(db).close()
    code = textwrap.dedent("""
        import os, sys, duckdb
        connection = duckdb.connect(sys.argv[1])
        connection.execute("CREATE TABLE t (a INTEGER)")
        connection.execute("CHECKPOINT")
        connection.execute("INSERT INTO t VALUES (1)")
        os._exit(0)  # the insert is only in other.duckdb.wal
    """)
    subprocess.run([sys.executable, "-c", code, str(other)], check=True, timeout=60)
    shutil.copyfile(other.with_name("other.duckdb.wal"), db.with_name("calfcheck.duckdb.wal"))
    with pytest.raises(StoreUnavailable) as refused:
        DuckDBStore.open(db)
    message = str(refused.value)
    assert f"its log {db}.wal" in message and "make restore" in message and "aside" in message, message


def test_an_immutable_database_file_gets_the_read_only_guidance(tmp_path: Path) -> None:
    """EPERM ('Operation not permitted', even for root) is a refusal to write like EACCES and EROFS."""
    db = tmp_path / "calfcheck.duckdb"
    DuckDBStore.open(db).close()
    subprocess.run(["chattr", "+i", str(db)], check=True)
    try:
        with pytest.raises(StoreUnavailable) as refused:
            DuckDBStore.open(db)
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    assert "read-only" in str(refused.value) and "write permission" in str(refused.value), str(refused.value)
    duckdb.connect(str(db)).close()  # and the file itself was never changed into something else
