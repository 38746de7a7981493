"""The file can't be used, or can't be written: another process holds it, its folder is missing or read-only,
the disk is full. Each gives a clear message naming the file and the fix, never a traceback; nothing is half
saved; the app recovers by itself once the cause is gone (no crash loop)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calfcore.models import RoutineLogEntry, RunnerProfile, Sex
from calfstore import LOCAL_OWNER, StoreUnavailable
from calfstore.duckdb_files import read_snapshot, snapshot
from calfstore.duckdb_store import DuckDBStore
from tests.app.conftest import REPO, TIMEOUT, create_runner, go
from tests.keys import keyed
from tests.reliability.conftest import (
    fill_disk,
    read_only_folder,
    run_python,
    tiny_disk,
)

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Start the whole app (AppTest from app.py) on a given database path; closes its store afterwards."""
    from calfstore.url import duckdb_url
    from calfui.context import _open_store

    started: list[Path] = []

    def start(db: Path) -> AppTest:
        monkeypatch.setenv("CALF_DB_PATH", str(db))
        started.append(db)
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield start
    for db in started:
        try:
            _open_store(duckdb_url(db)).close()
        except StoreUnavailable:
            pass
    _open_store.clear()


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def hold(db: Path) -> subprocess.Popen:
    """Another program (a plain duckdb client) holding the database file open."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
        import sys, time, duckdb
        connection = duckdb.connect(sys.argv[1])
        print("ready", flush=True)
        time.sleep(120)
    """),
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.kill()
    holder.wait(timeout=10)
    holder.stdout.close()


# -- another process has the file ------------------------------------------------------------------------------

OPEN_IN_SUBPROCESS = textwrap.dedent("""
    import sys
    from calfstore.duckdb_store import DuckDBStore
    from calfstore import StoreUnavailable
    try:
        DuckDBStore.open(sys.argv[1])
        print("OPENED")
    except StoreUnavailable as error:
        print("UNAVAILABLE", error)
""")


def test_a_second_process_is_told_which_file_and_the_first_keeps_working(tmp_path: Path, figures) -> None:
    db = tmp_path / "calfcheck.duckdb"
    first = DuckDBStore.open(db)
    try:
        runner_id = int(first.create_runner(LOCAL_OWNER, RunnerProfile("First", 1990, Sex.FEMALE)).id)
        second = run_python(OPEN_IN_SUBPROCESS, str(db))
        assert second.returncode == 0, second.stderr
        assert second.stdout.startswith("UNAVAILABLE"), second.stdout
        message = second.stdout
        assert str(db) in message and "already open in another program" in message
        assert "close the other program" in message and "CALF_DB_PATH" in message  # the fix
        client = run_python("import sys, duckdb; duckdb.connect(sys.argv[1], read_only=True)", str(db))
        assert client.returncode != 0 and "lock" in client.stderr.lower()  # even a read-only client is refused
        for n in range(20):  # the first process never noticed
            first.add_routine_log(
                LOCAL_OWNER, runner_id, RoutineLogEntry(DAY, "single_leg_calf_raise", 3, 10, notes=str(n))
            )
        assert len(first.list_routine_logs(LOCAL_OWNER, runner_id)) == 20
    finally:
        first.close()
    figures.add("locked_file", faults_injected=2)


def test_the_app_on_a_file_another_program_holds_says_so_then_recovers(tmp_path: Path, app_on, figures) -> None:
    db = tmp_path / "calfcheck.duckdb"
    DuckDBStore.open(db).close()
    holder = hold(db)
    try:
        at = app_on(db)
        (message,) = errors(at)
        assert str(db) in message and "another program" in message and "CALF_DB_PATH" in message
        assert not at.title  # no page under the message
        at.run()  # every rerun says the same, and never raises
        assert not at.exception and errors(at) == [message]
    finally:
        release(holder)
    at.run()  # the other program is gone: the app opens the file at the next click, no restart
    assert not at.exception and errors(at) == []
    assert [t.value for t in at.title] == ["Calf Check"]
    create_runner(at, "After the lock")
    figures.add("locked_file", faults_injected=1)


# -- the folder is missing or read-only -------------------------------------------------------------------------


def test_a_missing_data_folder_is_named_then_used_once_created(tmp_path: Path, app_on, figures) -> None:
    db = tmp_path / "not-yet" / "calfcheck.duckdb"
    at = app_on(db)
    (message,) = errors(at)
    assert str(db.parent) in message and "does not exist" in message and "CALF_DB_PATH" in message
    assert not db.parent.exists()  # nothing created behind the runner's back
    db.parent.mkdir()
    at.run()
    assert not at.exception and errors(at) == []
    create_runner(at, "Folder made")
    figures.add("file_access", faults_injected=1)


def test_a_read_only_data_folder_is_explained_and_nothing_changes(tmp_path: Path, app_on, figures) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "calfcheck.duckdb"
    store = DuckDBStore.open(db)
    runner_id = int(store.create_runner(LOCAL_OWNER, RunnerProfile("Existing", 1980, Sex.MALE)).id)
    store.add_routine_log(LOCAL_OWNER, runner_id, RoutineLogEntry(DAY, "single_leg_calf_raise", 3, 10))
    store.close()
    before = read_snapshot(db)

    with read_only_folder(folder):
        at = app_on(db)
        shown = errors(at)
        if not shown:  # the file itself opened (its folder is read-only): the first save explains it
            create_runner(at, "Can't be saved")
            shown = errors(at)
        assert any("read-only" in message and str(db) in message and "CALF_DB_PATH" in message for message in shown), (
            shown
        )
        assert not at.exception
        from calfui.context import _open_store

        _open_store.clear()
        fresh = folder / "new.duckdb"
        with pytest.raises(StoreUnavailable, match="read-only"):
            DuckDBStore.open(fresh)  # a new file can't be made there either
    assert read_snapshot(db) == before  # nothing changed, nothing corrupted
    assert not (folder / "new.duckdb").exists()
    figures.add("file_access", faults_injected=2)


# -- the disk is full --------------------------------------------------------------------------------------------


WRITER = Path(__file__).with_name("disk_full_writer.py")
RUNS = REPO / "tests" / "data" / "runs"  # a watch's files (make_fixtures.py)


@pytest.mark.parametrize("simulation", ["tmpfs", "file-size-limit"])
def test_a_full_disk_fails_saves_cleanly_and_the_file_reopens(tmp_path: Path, simulation: str, figures) -> None:
    """A 1 MB tmpfs (a real file system that fills up), or RLIMIT_FSIZE on the writing process."""
    folder = tmp_path / "disk"
    folder.mkdir()
    db = folder / "calfcheck.duckdb"

    def write() -> dict:
        done = subprocess.run(
            [sys.executable, str(WRITER), str(db), simulation], capture_output=True, text=True, timeout=120, cwd=REPO
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    if simulation == "tmpfs":
        with tiny_disk(folder, "1m"):
            report = write()
    else:
        report = write()
    assert report["saves_before_full"] > 10
    assert report["error_type"] == "NotSaved"  # the store's own error, never the driver's
    assert report["cause_type"] == "TransactionException"  # DuckDB refused the commit and rolled it back
    assert "disk full" in report["message"] and str(db) in report["message"]
    assert "Nothing was saved" in report["message"] and "Free some space" in report["message"]
    rows = report["rows_after_failure"]
    assert rows["test_sessions"] == report["saves_before_full"]  # the failed save left nothing behind
    assert rows["symptom_entries"] == 2 * rows["test_sessions"]
    assert all("disk full" in later for later in report["later_saves"])  # still failing cleanly, no crash
    assert report["saved_after_freeing"]  # space back: saving works again without a restart
    assert report["invalidated"] and "disk full" in report["checkpoint"] and "reopens it" in report["checkpoint"]
    assert report["lost"] == 0 and report["tests_without_both_symptoms"] == 0
    assert report["tests_after_reopen"] == report["acknowledged"]
    figures.add(
        "disk_full",
        faults_injected=1 + len(report["later_saves"]) + 1,
        saves_acknowledged=report["acknowledged"],
        lost=report["lost"],
    )


def test_pages_explain_a_full_disk_store_nothing_and_recover(tmp_path: Path, app_on, figures) -> None:
    folder = tmp_path / "disk"
    with tiny_disk(folder, "2m"):
        db = folder / "calfcheck.duckdb"
        at = app_on(db)
        create_runner(at, "Before the disk filled")
        from calfstore.url import duckdb_url
        from calfui.context import _open_store

        store = _open_store(duckdb_url(db))
        # An empty log (.wal) first: every save then needs a new page of the full disk. (Otherwise a small save
        # can still fit in the last, partly used page of the log.)
        store.checkpoint()
        filler = fill_disk(folder)
        before = snapshot(store)
        attempts = 0

        def assert_disk_full(where: str) -> None:
            nonlocal attempts
            attempts += 1
            assert not at.exception, (where, [e.value for e in at.exception])
            assert any("disk full" in m and str(db) in m and "Nothing was saved" in m for m in errors(at)), (
                where,
                errors(at),
            )

        go(at, "profile")
        keyed(at, "text_input", r"new_profile_t\d+_name").input("Second runner")
        keyed(at, "number_input", r"new_profile_t\d+_birth_year").set_value(1985)
        keyed(at, "button", r"new_profile_t\d+_submit").click().run()
        assert_disk_full("new profile")
        keyed(at, "text_input", r"profile_[0-9a-f]+_name").input("Renamed")
        keyed(at, "button", r"profile_[0-9a-f]+_submit").click().run()
        assert_disk_full("edit profile")
        go(at, "routine")
        keyed(at, "button", r"log_t\d+_submit").click().run()
        assert_disk_full("log training")
        keyed(at, "pills", r"checkin_t\d+_pain_during_left").set_value(2)
        keyed(at, "button", r"checkin_t\d+_submit").click().run()
        assert_disk_full("check-in")
        go(at, "share")
        keyed(at, "text_input", "share_label").input("Coach Sam")
        keyed(at, "button", "share_create").click().run()
        assert_disk_full("share link")
        go(at, "history")
        csv = f"record_type,date,straight_left,straight_right,cadence_bpm\ntest,{DAY},20,22,60\n"
        at.get("file_uploader")[0].set_value(("import.csv", csv.encode(), "text/csv"))
        at.run()
        keyed(at, "button", "confirm_import").click().run()
        assert_disk_full("import")
        go(at, "runs")  # issue 27: a run typed by hand, and a watch's file imported
        keyed(at, "number_input", "km").set_value(8.5)
        keyed(at, "button", "add").click().run()
        assert_disk_full("run by hand")
        at.get("file_uploader")[0].set_value(("road_run.fit", (RUNS / "road_run.fit").read_bytes(), "application/fit"))
        at.run()
        keyed(at, "button", r"runs_import_t\d+").click().run()
        assert_disk_full("runs import")
        assert snapshot(store) == before  # nothing of any of them was stored

        filler.unlink()  # space again: the same page saves at the next try, no restart
        go(at, "routine")
        keyed(at, "button", r"log_t\d+_submit").click().run()
        assert not at.exception and not errors(at)
        assert any("Logged" in str(s.value) for s in at.success)

        # A checkpoint on a full disk makes DuckDB stop the connection: the app reopens it at the next click.
        filler = fill_disk(folder)
        with pytest.raises(Exception):
            store.checkpoint()
        assert store.invalidated
        filler.unlink()
        go(at, "history")
        assert not at.exception and not errors(at)
        reopened = _open_store(duckdb_url(db))
        assert reopened is not store and not reopened.invalidated
        (runner,) = reopened.list_runners(LOCAL_OWNER)
        assert runner.name == "Before the disk filled"
        assert len(reopened.list_routine_logs(LOCAL_OWNER, runner.id)) == len(before["routine_logs"]) + 1
    figures.add("disk_full", faults_injected=attempts + 1, lost=0)
