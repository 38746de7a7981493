"""Back up the database while the app runs, and restore a backup while it is stopped.

DuckDB lets one process open the database file, and a running Calf Check holds it, so a backup of a running app
must be made inside the app. Each app process starts one `BackupWorker` with its store (calfui.context): a thread
that watches a request folder next to the database (`<file>.backup-requests/`). `make backup` (this module's
`backup` command) drops a request there and waits for the finished copy, which the worker makes with
`Store.backup_to` (DuckDB's ATTACH + COPY FROM DATABASE: one consistent snapshot while the app keeps serving).
When no process holds the file, the command copies it itself.

Restoring replaces the database file, so it needs the app stopped: `make restore FROM=...` refuses, and changes
nothing, while the file is in use. The file it replaces is kept next to it.

    python -m calfstore.backup backup  [--db PATH] [--to PATH] [--timeout SECONDS]
    python -m calfstore.backup restore BACKUP [--db PATH]
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import secrets
import shutil
import stat
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calfstore.duckdb_files import (
    backup_to,
    copy_database,
    describe_database,
    file_in_use,
)
from calfstore.duckdb_store import DuckDBStore
from calfstore.errors import StoreError, StoreUnavailable
from calfstore.schema import MIGRATIONS

REQUEST_SUFFIX = ".request.json"
RESULT_SUFFIX = ".result.json"
POLL_SECONDS = 0.25
DEFAULT_TIMEOUT_SECONDS = 60.0
# What the worker may write: a new file directly in the backups folder, with a plain name (no path, no hidden
# file, no `..`). Anything else in a request is refused: the request folder is an input like any other.
BACKUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.duckdb")
OWNER_ONLY = 0o700
# Opening a request or writing an answer never follows a link planted at that name.
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


class BackupError(RuntimeError):
    """A backup or restore that could not be done. The message says why and what to do; nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    rows: dict[str, int]
    made_by: str


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    rows: dict[str, int]
    previous: Path | None  # where the replaced file was kept


def requests_folder(database: Path) -> Path:
    return database.parent / f"{database.name}.backup-requests"


def backups_folder(database: Path) -> Path:
    return database.parent / "backups"


def default_backup_path(database: Path, now: dt.datetime) -> Path:
    return backups_folder(database) / f"{database.stem}-{now:%Y%m%d-%H%M%S}.duckdb"


def confined_target(database: Path, requested: object) -> Path:
    """The file a backup request may create, or BackupError: a new, plainly named file directly in the backups
    folder beside the database (a real folder owned by this user, not a link), never the database or its log."""
    database = Path(database).absolute()
    if not isinstance(requested, str):
        raise BackupError("The request names no target file.")
    target = Path(requested)
    folder = backups_folder(database)
    if target.parent != folder or not BACKUP_NAME.fullmatch(target.name):
        raise BackupError(
            f"A backup is only ever written as a new file directly in {folder}; refused: {requested[:200]!r}."
        )
    try:
        folder.mkdir(mode=OWNER_ONLY, exist_ok=True)
        info = folder.lstat()
    except OSError as error:
        raise BackupError(f"Can't use the backups folder {folder}: {error.strerror}.") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise BackupError(f"{folder} is not a folder of this user (a link, or someone else's); refused.")
    if target.resolve() in {database.resolve(), database.with_name(database.name + ".wal").resolve()}:
        raise BackupError("A backup never writes over the database or its log; refused.")
    if os.path.lexists(target):
        raise BackupError(f"{target} already exists; a backup never overwrites a file.")
    return target


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _publish(partial: Path, target: Path) -> None:
    """Give the finished copy its final name, never replacing a file that has it (a hard link fails if the name
    exists, where a rename would replace it)."""
    try:
        os.link(partial, target, follow_symlinks=False)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        with open(partial, "rb") as source, open(target, "xb") as copy:  # another disk: copy, still never over
            shutil.copyfileobj(source, copy)
            copy.flush()
            os.fsync(copy.fileno())
    _remove(partial)


def _make_copy(target: Path, copy: Callable[[Path], dict[str, int]]) -> dict[str, int]:
    """Copy into an unguessable temporary name beside `target`, then publish it without overwriting anything: a
    half-made copy never has the final name, and nobody can plant a link at the temporary name in advance."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(8)}.partial")
    if os.path.lexists(partial):
        raise FileExistsError(f"{partial} exists")
    try:
        rows = copy(partial)
        _publish(partial, target)
    except BaseException:
        _remove(partial)
        raise
    return rows


def _write_json(path: Path, content: dict[str, Any]) -> None:
    """Write `path` whole (readers never see half a file), owner-only, without following a link at either name."""
    staged = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(json.dumps(content))
    os.replace(staged, path)  # a rename replaces a link at `path` itself, never what it points to


def _read_own_json(path: Path) -> dict[str, Any] | None:
    """A request or answer file, if it is a regular file of this user (None otherwise); never follows a link."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NO_FOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor) as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return None
        content = json.loads(file.read(64 * 1024))
    return content if isinstance(content, dict) else None


def _own_folder(folder: Path) -> bool:
    """The request folder is a real folder of this user, not a link: anything else is not ours to read."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()


def describe_rows(rows: dict[str, int]) -> str:
    labels = {
        "runners": "runner profile(s)",
        "test_sessions": "test(s)",
        "symptom_entries": "symptom entries",
        "routine_logs": "training entries",
        "share_links": "share link(s)",
    }
    return ", ".join(f"{rows[table]} {label}" for table, label in labels.items() if table in rows)


# -- inside the app ----------------------------------------------------------------------------------------------


class BackupWorker(threading.Thread):
    """Answers backup requests for one open store, from inside the process that holds the file, and checkpoints
    its log within CHECKPOINT_WINDOW_SECONDS of a commit (DuckDBStore.checkpoint_if_due).

    It holds the store weakly and stops once the store is closed or dropped, so it never keeps a connection
    (and the file's lock) alive on its own.
    """

    def __init__(self, store: DuckDBStore, poll_seconds: float = POLL_SECONDS):
        super().__init__(name=f"calf-backup-{store.path.name}", daemon=True)
        self._store = weakref.ref(store)
        self.database = Path(store.path).absolute()
        self.folder = requests_folder(self.database)
        self.poll_seconds = poll_seconds
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def _live_store(self) -> DuckDBStore | None:
        store = self._store()
        return None if store is None or store.closed else store

    def run(self) -> None:
        while not self._stopping.is_set() and self._live_store() is not None:
            try:
                self.handle_pending()
            except Exception:  # noqa: BLE001 - the worker must outlive any one bad request
                pass
            store = self._live_store()
            if store is not None:
                try:
                    store.checkpoint_if_due()
                except Exception:  # noqa: BLE001 - tried again at the next tick; a page reports a dead connection
                    pass
            del store
            self._stopping.wait(self.poll_seconds)

    def handle_pending(self) -> int:
        """Answer every waiting request of this user; returns how many were answered. Requests owned by anyone
        else (or links) are left alone: only the app's own user may ask it to write files."""
        if not _own_folder(self.folder):
            return 0
        answered = 0
        for request in sorted(self.folder.glob(f"*{REQUEST_SUFFIX}")):
            try:
                info = request.lstat()
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                continue
            store = self._live_store()
            if store is None:
                break
            answered += self._answer(store, request)
            del store
        return answered

    def _answer(self, store: DuckDBStore, request: Path) -> int:
        stem = request.name[: -len(REQUEST_SUFFIX)]
        claimed = request.with_name(f"{stem}.working")
        try:
            os.replace(request, claimed)
        except FileNotFoundError:  # withdrawn by the command that made it
            return 0
        try:
            content = _read_own_json(claimed)
            if content is None:
                raise BackupError("The request is not a file of this user; refused.")
            target = confined_target(self.database, content.get("target"))
            rows = _make_copy(target, lambda partial: backup_to(store, partial))
            result = {"ok": True, "target": str(target), "rows": rows, "pid": os.getpid()}
        except BackupError as error:
            result = {"ok": False, "error": str(error)}
        except StoreError as error:
            result = {"ok": False, "error": str(error)}
        except (OSError, ValueError, KeyError, TypeError) as error:
            result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        _write_json(request.with_name(f"{stem}{RESULT_SUFFIX}"), result)
        claimed.unlink(missing_ok=True)
        return 1


def start_worker(store: DuckDBStore) -> BackupWorker:
    worker = BackupWorker(store)
    worker.start()
    return worker


# -- the commands ------------------------------------------------------------------------------------------------


def backup(
    database: Path,
    target: Path | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    now: dt.datetime | None = None,
) -> BackupResult:
    """Copy the database into a new file, whether or not the app is running."""
    database = Path(database).absolute()
    if not database.is_file():
        raise BackupError(f"There is no database at {database}, so there is nothing to back up. Check CALF_DB_PATH.")
    target = Path(target or default_backup_path(database, now or dt.datetime.now())).absolute()
    if target.exists():
        raise BackupError(f"{target} already exists; a backup never overwrites a file. Choose another name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not file_in_use(database):
        try:
            rows = _make_copy(target, lambda partial: copy_database(database, partial))
            return BackupResult(target, rows, "this command (no app had the file open)")
        except StoreUnavailable:
            if not file_in_use(database):  # not a lock taken meanwhile: a real problem with the file
                raise
    return _ask_the_app(database, target, timeout)


def _ask_the_app(database: Path, target: Path, timeout: float) -> BackupResult:
    """The running app writes the copy into the backups folder (the only place it writes backups); this command
    then gives it the name asked for, never overwriting a file."""
    folder = requests_folder(database)
    folder.mkdir(mode=OWNER_ONLY, exist_ok=True)
    if not _own_folder(folder):
        raise BackupError(
            f"{folder} is not a folder of this user (a link, or someone else's). Remove it, then run the backup again."
        )
    folder.chmod(OWNER_ONLY)  # made by an older version with the default permissions
    stem = f"{time.time_ns()}-{os.getpid()}"
    made = backups_folder(database) / f"{database.stem}-{stem}.duckdb"
    request, answer = folder / f"{stem}{REQUEST_SUFFIX}", folder / f"{stem}{RESULT_SUFFIX}"
    _write_json(request, {"target": str(made), "requested_at": dt.datetime.now().isoformat()})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = _read_own_json(answer)
        if result is not None:
            answer.unlink(missing_ok=True)
            if not result["ok"]:
                raise BackupError(f"The running app could not make the backup: {result['error']}")
            if made != target:
                _publish(made, target)
            return BackupResult(target, result["rows"], f"the running app (process {result['pid']})")
        time.sleep(0.1)
    try:
        request.unlink()
    except FileNotFoundError:  # claimed just now: the app is still copying
        raise BackupError(
            f"The running app is still making the backup after {timeout:g} s; it will appear at {made} when done."
        ) from None
    raise BackupError(
        f"{database} is open in a program that did not answer the backup request within {timeout:g} s: not a "
        f"running Calf Check, but another program (such as a duckdb client). Close it and run the backup again."
    )


def restore(backup_file: Path, database: Path, *, now: dt.datetime | None = None) -> RestoreResult:
    """Replace the database with a backup. Refuses, changing nothing, while any process has the database open."""
    backup_file, database = Path(backup_file).absolute(), Path(database).absolute()
    try:
        summary = describe_database(backup_file)
    except StoreUnavailable as error:
        raise BackupError(f"Can't restore from {backup_file}: {error}") from error
    known = max(migration.version for migration in MIGRATIONS)
    if max(summary.schema_versions, default=0) > known:
        raise BackupError(
            f"{backup_file} was made by a newer Calf Check (schema {max(summary.schema_versions)}; "
            f"this one knows up to {known}). Update Calf Check first."
        )
    if not database.parent.is_dir():
        raise BackupError(
            f"The folder {database.parent} does not exist. Create it, or point --db (CALF_DB_PATH) "
            f"at a file in an existing folder."
        )
    refusal = (
        f"{database} is in use: Calf Check (or another program) has it open, and a restore would replace "
        f"the file under it. Stop the app first (Ctrl+C where `make run` runs), then restore again. "
        f"Nothing was changed."
    )
    if file_in_use(database):
        raise BackupError(refusal)
    staged = database.with_name(f".{database.name}.restoring")
    _remove(staged)
    try:
        rows = copy_database(backup_file, staged)
        if describe_database(staged).rows != summary.rows:
            raise BackupError(f"The copy of {backup_file} did not hold the same rows; nothing was changed.")
        if file_in_use(database):  # the app started meanwhile
            raise BackupError(refusal)
        previous = database.with_name(f"{database.name}.before-restore-{(now or dt.datetime.now()):%Y%m%d-%H%M%S}")
        # The old file's log goes with it: it must never be replayed into the restored file.
        moves = [
            (old, new)
            for old, new in (
                (database, previous),
                (database.with_name(database.name + ".wal"), previous.with_name(previous.name + ".wal")),
            )
            if old.exists()
        ]
        done: list[tuple[Path, Path]] = []
        try:
            for old, new in moves:
                os.replace(old, new)
                done.append((old, new))
            os.replace(staged, database)
        except BaseException:
            for old, new in reversed(done):  # put the original back
                os.replace(new, old)
            raise
        kept: Path | None = previous if moves else None
    except BaseException:
        _remove(staged)
        raise
    return RestoreResult(database, rows, kept)
