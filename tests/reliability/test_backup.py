"""Backup and restore with real files and real processes: `python -m calfcore.backup` (what `make backup` and
`make restore` run), answered by the BackupWorker of the process that holds the database."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from calfcore.demo import demo_data
from calfcore.models import RoutineLogEntry, RunnerProfile, Sex
from calfstore import LOCAL_OWNER, Store, StoreUnavailable
from calfstore.duckdb_backup import BackupError, BackupWorker, restore, start_worker
from calfstore.duckdb_files import backup_to, describe_database, read_snapshot, snapshot
from calfstore.duckdb_store import DuckDBStore
from tests.app.conftest import REPO
from tests.reliability.conftest import fill_disk, tiny_disk

TODAY = dt.date(2025, 6, 16)


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calfstore.backup", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def demo_store(path: Path) -> Store:
    store = DuckDBStore.open(path)
    demo = demo_data(TODAY)
    runner = store.create_runner(LOCAL_OWNER, demo.runner)
    store.import_records(LOCAL_OWNER, int(runner.id), demo.tests, demo.symptoms, demo.routine_logs)
    store.create_share_link(LOCAL_OWNER, int(runner.id), "Coach Sam", "f" * 64, None, dt.datetime(2025, 6, 1))
    store.create_runner(LOCAL_OWNER, RunnerProfile("Zoë 🏃 محمد", 1970, Sex.UNSPECIFIED))
    return store


def test_a_backup_of_a_running_store_is_made_by_its_worker_and_matches_field_for_field(tmp_path: Path, figures) -> None:
    store = demo_store(tmp_path / "calfcheck.duckdb")
    worker = start_worker(store)
    try:
        done = cli("backup", "--db", str(store.path), "--to", str(tmp_path / "copy.duckdb"))
        assert done.returncode == 0, done.stderr
        assert f"made by the running app (process {__import__('os').getpid()})" in done.stdout
        assert "6 test(s)" in done.stdout
        expected = snapshot(store)
        store.add_routine_log(LOCAL_OWNER, 1, RoutineLogEntry(TODAY, "single_leg_calf_raise", 1, 1))  # still serving
    finally:
        worker.stop()
        store.close()
    assert read_snapshot(tmp_path / "copy.duckdb") == expected
    assert not list((tmp_path / "calfcheck.duckdb.backup-requests").iterdir())  # request and answer cleaned up
    figures.add("backup", backups_made=1, rows_copied=sum(map(len, expected.values())), lost=0)


def test_with_no_app_running_the_command_copies_the_file_itself(tmp_path: Path) -> None:
    db = tmp_path / "calfcheck.duckdb"
    store = demo_store(db)
    expected = snapshot(store)
    store.close()
    done = cli("backup", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "made by this command (no app had the file open)" in done.stdout
    (made,) = (tmp_path / "backups").glob("calfcheck-*.duckdb")
    assert read_snapshot(made) == expected == read_snapshot(db)  # and the original is untouched


def test_a_file_held_by_another_program_is_explained_not_waited_on_forever(tmp_path: Path) -> None:
    db = tmp_path / "calfcheck.duckdb"
    demo_store(db).close()
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
    try:
        assert holder.stdout.readline().strip() == "ready"
        done = cli("backup", "--db", str(db), "--to", str(tmp_path / "copy.duckdb"), "--timeout", "2")
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert done.returncode == 1
    assert "did not answer" in done.stderr and "duckdb client" in done.stderr and str(db) in done.stderr
    assert not (tmp_path / "copy.duckdb").exists()
    assert not list((tmp_path / "calfcheck.duckdb.backup-requests").iterdir())  # the request was withdrawn


def test_restore_refuses_while_the_database_is_in_use_and_changes_nothing(tmp_path: Path, figures) -> None:
    db = tmp_path / "calfcheck.duckdb"
    store = demo_store(db)
    backup_to(store, tmp_path / "backup.duckdb")
    store.create_runner(LOCAL_OWNER, RunnerProfile("Added after the backup", 1999, Sex.MALE))
    before = snapshot(store)
    try:
        done = cli("restore", str(tmp_path / "backup.duckdb"), "--db", str(db))
        assert done.returncode == 1
        assert (
            "is in use" in done.stderr and "Stop the app first" in done.stderr and "Nothing was changed" in done.stderr
        )
        assert str(db) in done.stderr
        assert snapshot(store) == before  # the app never noticed
    finally:
        store.close()
    assert read_snapshot(db) == before
    assert not list(tmp_path.glob("calfcheck.duckdb.before-restore-*"))  # nothing was moved
    assert not list(tmp_path.glob(".calfcheck.duckdb.restoring*"))  # nothing was left half-copied
    figures.add("backup", restores_refused_while_in_use=1)


def test_restore_replaces_a_stopped_database_and_keeps_the_old_file(tmp_path: Path, figures) -> None:
    db = tmp_path / "calfcheck.duckdb"
    store = demo_store(db)
    backup_to(store, tmp_path / "backup.duckdb")
    expected = snapshot(store)
    store.create_runner(LOCAL_OWNER, RunnerProfile("Added after the backup", 1999, Sex.MALE))
    current = snapshot(store)
    store.close()

    done = cli("restore", str(tmp_path / "backup.duckdb"), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout and "kept as" in done.stdout
    assert read_snapshot(db) == expected
    (kept,) = tmp_path.glob("calfcheck.duckdb.before-restore-*")
    assert read_snapshot(kept) == current  # nothing is thrown away
    reopened = DuckDBStore.open(db)  # the app starts on it, and new ids continue after the restored ones
    try:
        added = reopened.create_runner(LOCAL_OWNER, RunnerProfile("After the restore", 2000, Sex.FEMALE))
        assert added.id == max(row[0] for row in expected["runners"]) + 1
    finally:
        reopened.close()
    figures.add("backup", restores=1, lost=0)


def test_restore_into_a_new_place_and_the_old_log_is_never_replayed(tmp_path: Path) -> None:
    source = tmp_path / "source.duckdb"
    store = demo_store(source)
    backup_to(store, tmp_path / "backup.duckdb")
    expected = snapshot(store)
    store.close()
    elsewhere = tmp_path / "elsewhere" / "calfcheck.duckdb"
    elsewhere.parent.mkdir()
    # A stale log from a crashed app on the target: restoring must not let DuckDB replay it into the backup.
    crashed = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
        import os, sys
        from calfstore.duckdb_store import DuckDBStore
        from calfstore import LOCAL_OWNER
        from calfcore.models import RunnerProfile, Sex
        store = DuckDBStore.open(sys.argv[1])
        store.create_runner(LOCAL_OWNER, RunnerProfile("Only in the crashed log", 1990, Sex.MALE))
        os._exit(0)  # no checkpoint, no close: the runner is only in the .wal
    """),
            str(elsewhere),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert crashed.returncode == 0, crashed.stderr
    assert elsewhere.with_name("calfcheck.duckdb.wal").exists()
    result = restore(tmp_path / "backup.duckdb", elsewhere)
    assert result.previous is not None and result.previous.with_name(result.previous.name + ".wal").exists()
    assert not elsewhere.with_name("calfcheck.duckdb.wal").exists()
    assert read_snapshot(elsewhere) == expected


@pytest.mark.parametrize("content", [b"not a database at all " * 100, None])
def test_restore_refuses_what_is_not_a_calf_check_backup(tmp_path: Path, content: bytes | None) -> None:
    bad = tmp_path / "bad.duckdb"
    if content is None:  # a real DuckDB file, but not ours
        import duckdb

        connection = duckdb.connect(str(bad))
        connection.execute("CREATE TABLE other (x INTEGER)")
        connection.close()
    else:
        bad.write_bytes(content)
    db = tmp_path / "calfcheck.duckdb"
    DuckDBStore.open(db).close()
    before = read_snapshot(db)
    with pytest.raises(BackupError, match="Can't restore from"):
        restore(bad, db)
    assert read_snapshot(db) == before
    with pytest.raises(StoreUnavailable):
        describe_database(bad)


def test_a_backup_that_fails_half_way_leaves_no_file_with_the_final_name(tmp_path: Path) -> None:
    store = demo_store(tmp_path / "calfcheck.duckdb")
    worker = BackupWorker(store)  # answered in this thread, to see the answer directly
    target_folder = tmp_path / "backups"  # the only folder the worker writes backups into
    try:
        with tiny_disk(target_folder, "256k"):
            target_folder.chmod(0o700)
            fill_disk(target_folder)
            requests = tmp_path / "calfcheck.duckdb.backup-requests"
            requests.mkdir()
            (requests / "1-1.request.json").write_text(f'{{"target": "{target_folder / "copy.duckdb"}"}}')
            assert worker.handle_pending() == 1
            answer = (requests / "1-1.result.json").read_text()
            assert '"ok": false' in answer and "disk full" in answer
            assert sorted(p.name for p in target_folder.iterdir()) == ["filler.bin"]  # no half-made backup
        store.add_routine_log(LOCAL_OWNER, 1, RoutineLogEntry(TODAY, "single_leg_calf_raise", 1, 1))  # still fine
    finally:
        store.close()


# -- issue 12, finding 1: the request folder is an input, and the worker writes only new files in backups/ ------


def ask(folder: Path, stem: str, target: object) -> Path:
    """Drop a request the way anyone who can write into the request folder could (not through the command)."""
    folder.mkdir(exist_ok=True)
    (folder / f"{stem}.request.json").write_text(json.dumps({"target": target}))
    return folder / f"{stem}.result.json"


def test_a_request_naming_the_live_database_is_refused_and_later_saves_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "calfcheck.duckdb"
    store = demo_store(db)
    worker = BackupWorker(store)
    requests = tmp_path / "calfcheck.duckdb.backup-requests"
    try:
        answers = [
            ask(requests, "1-1", str(db)),
            ask(requests, "1-2", str(db) + ".wal"),
            ask(requests, "1-3", str(tmp_path / "backups" / ".." / "calfcheck.duckdb")),
        ]
        worker.handle_pending()
        for answer in answers:
            assert json.loads(answer.read_text())["ok"] is False
        store.add_routine_log(LOCAL_OWNER, 1, RoutineLogEntry(TODAY, "single_leg_calf_raise", 3, 12))
        expected = snapshot(store)
    finally:
        store.close()
    assert read_snapshot(db) == expected  # the acknowledged save is in the file after a restart


@pytest.mark.parametrize("where", ["outside", "existing", "dotdot", "link"])
def test_a_backup_is_only_ever_a_new_file_in_the_backups_folder(tmp_path: Path, where: str) -> None:
    db = tmp_path / "calfcheck.duckdb"
    store = demo_store(db)
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o700)
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    existing = backups / "calfcheck-old.duckdb"
    existing.write_text("an older backup")
    target = {
        "outside": tmp_path / "elsewhere.duckdb",
        "existing": existing,
        "dotdot": backups / ".." / "precious.duckdb",
        "link": backups / "through-a-link.duckdb",
    }[where]
    if where == "link":
        target.symlink_to(victim)
    try:
        answer = ask(tmp_path / "calfcheck.duckdb.backup-requests", "2-1", str(target))
        assert BackupWorker(store).handle_pending() == 1
        assert json.loads(answer.read_text())["ok"] is False
    finally:
        store.close()
    assert victim.read_text() == "keep me" and existing.read_text() == "an older backup"
    assert not (tmp_path / "elsewhere.duckdb").exists() and not (tmp_path / "precious.duckdb").exists()
    assert sorted(p.name for p in backups.iterdir()) == sorted(
        ["calfcheck-old.duckdb"] + (["through-a-link.duckdb"] if where == "link" else [])
    )


def test_a_link_planted_at_a_temporary_name_is_never_followed(tmp_path: Path) -> None:
    db = tmp_path / "calfcheck.duckdb"
    store = demo_store(db)
    requests = tmp_path / "calfcheck.duckdb.backup-requests"
    requests.mkdir()
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    # Every temporary name the old worker used for this request: the answer's and the copy's.
    (requests / ".3-1.result.json.tmp").symlink_to(victim)
    (tmp_path / "backups").mkdir(mode=0o700)
    (tmp_path / "backups" / ".copy.duckdb.partial").symlink_to(victim)
    try:
        answer = ask(requests, "3-1", str(tmp_path / "backups" / "copy.duckdb"))
        assert BackupWorker(store).handle_pending() == 1
        assert json.loads(_read(answer))["ok"] is True
    finally:
        store.close()
    assert victim.read_text() == "keep me"
    assert read_snapshot(tmp_path / "backups" / "copy.duckdb")["runners"]


def _read(path: Path) -> str:
    assert not path.is_symlink()
    return path.read_text()


def test_requests_owned_by_someone_else_are_ignored(tmp_path: Path) -> None:
    db = tmp_path / "calfcheck.duckdb"
    store = demo_store(db)
    requests = tmp_path / "calfcheck.duckdb.backup-requests"
    try:
        ask(requests, "4-1", str(tmp_path / "backups" / "theirs.duckdb"))
        os.chown(requests / "4-1.request.json", 65534, 65534)  # nobody's (the tests run as root: see Limits)
        assert BackupWorker(store).handle_pending() == 0
    finally:
        store.close()
    assert not (tmp_path / "backups" / "theirs.duckdb").exists()
    assert not (requests / "4-1.result.json").exists()


def test_the_command_makes_the_request_folder_owner_only(tmp_path: Path) -> None:
    store = demo_store(tmp_path / "calfcheck.duckdb")
    worker = start_worker(store)
    try:
        done = cli("backup", "--db", str(store.path))
        assert done.returncode == 0, done.stderr
    finally:
        worker.stop()
        store.close()
    mode = (tmp_path / "calfcheck.duckdb.backup-requests").stat().st_mode
    assert stat.S_IMODE(mode) == 0o700
    (made,) = (tmp_path / "backups").glob("calfcheck-*.duckdb")
    assert read_snapshot(made)["runners"]
