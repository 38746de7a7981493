"""The embedded default: one DuckDB file, held by one process.

One connection per process; every operation takes a fresh cursor (one cursor shared across threads fails). DuckDB
refuses, instead of queueing, a write that meets a concurrent write of the same rows: those writes are retried
(calfstore.queries.common.retry_on_conflict), and updates of one share link's stamps are queued in the process.
Only this process can open the file, so each owner's data version is a counter in the process.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import duckdb

from calfstore.duckdb_messages import explain_failure, explain_open_failure, explain_read_failure, is_conflict
from calfstore.errors import (
    DataUnreachable,
    NotSaved,
    StoreError,
    StoreUnavailable,
    WriteConflict,
)
from calfstore.interface import WriteStep
from calfstore.queries.common import Cursor
from calfstore.sql import SqlStore

# A commit lives only in DuckDB's log (<file>.wal) until a checkpoint writes it into the file itself, and DuckDB
# checkpoints on its own only when the log reaches 16 MB (months of a club's saves). A damaged or deleted log, or a
# plain copy of the file alone, would lose everything since. So the store checkpoints once this many seconds have
# passed since the first commit not yet in the file (DuckDBStore.checkpoint_if_due, called by the backup worker
# every POLL_SECONDS): at most about this window of saves lives only in the log. Cost: benchmarks/bench_checkpoint.py.
CHECKPOINT_WINDOW_SECONDS = 5.0
# DuckDB refuses a checkpoint while a write transaction is open (saves last milliseconds): try again this many
# times, CHECKPOINT_PAUSE seconds apart, before leaving it to the next call.
CHECKPOINT_ATTEMPTS = 20
CHECKPOINT_PAUSE = 0.005

_LOG = logging.getLogger("calfcheck.store")
_GENERATIONS = itertools.count(1)  # data version numbers: never repeated in a process


def _refuse_a_damaged_log(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    """DuckDB opened `path` and replayed its log as far as it could read it. If the log was damaged (calfstore
    .duckdb_wal), keep it beside the file, write what was replayed into the file, and stop with what happened and
    what to do: never carry on silently without the saves it held."""
    from calfstore import duckdb_wal

    try:
        data = duckdb_wal.read_log(path)
    except OSError as error:
        connection.close()
        raise StoreUnavailable(explain_open_failure(path, error)) from error
    check = duckdb_wal.check_log(data)
    if check.whole:
        return
    log = duckdb_wal.log_of(path)
    _LOG.error(
        "The log %s can't be replayed in full (%s; %d of %d bytes readable)",
        log,
        check.reason,
        check.readable_bytes,
        check.size,
    )
    try:
        kept = duckdb_wal.set_aside(data, path)
        connection.execute("CHECKPOINT")  # what DuckDB could replay, into the file itself
        connection.close()
        log.unlink(missing_ok=True)  # its bytes are all in `kept`
    except (OSError, duckdb.Error) as error:
        with contextlib.suppress(duckdb.Error):
            connection.close()
        raise StoreUnavailable(
            f"Calf Check stopped: the log {log} of {path} is damaged ({check.reason}), so the saves it holds can't "
            f"all be replayed, and it could not be set aside ({error}). Nothing was changed. Stop the app, move "
            f"{log.name} out of the folder (keep it), then start again; or restore a backup (make restore)."
        ) from error
    raise StoreUnavailable(
        f"Calf Check stopped: the log {log} of {path} is damaged ({check.reason}): {check.readable_bytes} of its "
        f"{check.size} bytes could be read. Everything readable is now in {path.name}; the log was moved aside, "
        f"unchanged, to {kept} (kept, never deleted). Saves after the damaged point are not in the database: at "
        f"most the saves of the last few seconds before the app last stopped (the app writes its log into the file "
        f"every 5 seconds). To carry on, reload the page: the database opens without them. To go back to a backup "
        f"instead, stop the app and run make restore FROM=<backup>. Keep {kept.name} if you want help recovering it."
    )


class DuckDBStore(SqlStore):
    """The runner data store on one DuckDB file."""

    backend = "duckdb"
    dialect = "duckdb"

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path):
        self._connection = connection
        self._cursor_lock = threading.Lock()
        self.path = path
        self.description = str(path)
        # Data versions (Store.data_version): the number of the last committed change of each scope. A version is
        # the largest number among the scopes a change reaches it through, and numbers come from one process-wide
        # counter, so a version changes exactly when one of them does, and a store opened again on the same file
        # (after a fatal error) never reuses a number that meant older data.
        self._owner_versions: dict[str, int] = {}  # any change of the owner's data
        self._runner_versions: dict[tuple[str, int], int] = {}  # a change of one runner's data
        self._every_runner_versions: dict[str, int] = {}  # a change that names no runner: all of the owner's
        self._every_owner_version = next(_GENERATIONS)  # the last change that touched every owner (migrations)
        self._stamp_lock = threading.Lock()  # queues updates of share links (see _queued_stamps)
        # A commit and the change of data version it makes happen together, one commit at a time, so a version
        # step (last_write_step) has nothing between its two ends. Each thread's last step is its own.
        self._commit_lock = threading.RLock()
        self._steps = threading.local()
        self._closed = False
        self._invalidated = False
        self._logged_since: float | None = None  # monotonic time of the first commit not yet checkpointed

    @classmethod
    def open(cls, path: str | Path, *, cluster: bool = True) -> DuckDBStore:
        """Open (or create) the database file and bring its schema up to date. With `cluster`, also rewrite any
        runner table with many rows outside the by-runner order (calfstore.duckdb_layout): nothing else uses the
        store yet, so no write can meet the rewrite."""
        from calfstore.duckdb_layout import CLUSTER_MIN_ROWS, cluster_by_runner

        path = Path(path)
        if str(path) != ":memory:" and not path.parent.is_dir():
            raise StoreUnavailable(
                f"The folder {path.parent} for the database {path.name} does not exist. Create it, or set "
                f"CALF_DB_PATH to a file in an existing folder."
            )
        try:
            connection = duckdb.connect(str(path))
        except duckdb.Error as error:
            raise StoreUnavailable(explain_open_failure(path, error)) from error
        if str(path) != ":memory:":
            _refuse_a_damaged_log(connection, path)
        store = cls(connection, path)
        try:
            store.migrate()
        except StoreError as error:
            connection.close()
            raise StoreUnavailable(explain_open_failure(path, error.__cause__ or error)) from error
        if cluster:
            try:
                cluster_by_runner(store, min_unclustered_rows=CLUSTER_MIN_ROWS)
            except StoreError:
                # Only an optimisation, and one transaction: it rolled back whole (a full disk, a read-only file...)
                # and the data is as it was. Open the file again without it, in case DuckDB stopped the connection.
                store.close()
                return cls.open(path, cluster=False)
        return store

    def close(self) -> None:
        """Close the file. Safe while other sessions still use the store (the shell reopens a file DuckDB stopped
        while others read it): their operations then fail with a StoreError, and a driver error from the close
        itself (such as ResourceInUseException) is logged, never raised: the file is reopened at the next click."""
        self._closed = True
        with self._cursor_lock:
            try:
                self._connection.close()
            except duckdb.Error as error:
                _LOG.warning("Closing %s: %s: %s", self.path, type(error).__name__, error)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def invalidated(self) -> bool:
        """DuckDB stopped this connection after a fatal error (such as a full disk during a checkpoint): every
        later query fails until the file is opened again, which replays its log. The shell reopens it."""
        return self._invalidated

    def migrate(self) -> list[int]:
        return self._apply_migrations()

    # -- plumbing ---------------------------------------------------------------------------------------

    def _translated(self, error: duckdb.Error, *, writing: bool = True) -> StoreError:
        if isinstance(error, duckdb.FatalException) or "invalidated" in str(error).lower():
            self._invalidated = True
        if is_conflict(error):
            return WriteConflict(explain_failure(self.path, error))
        if not writing:
            return DataUnreachable(explain_read_failure(self.path, error, closed=self._closed))
        return NotSaved(explain_failure(self.path, error))

    @contextmanager
    def duckdb_cursor(self, *, writing: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB cursor whose driver errors become StoreErrors (the only way out of this store): a read's
        DataUnreachable, or (`writing`) a write's NotSaved."""
        try:
            with self._cursor_lock:
                cursor = self._connection.cursor()
        except duckdb.Error as error:
            raise self._translated(error, writing=writing) from error
        try:
            yield cursor
        except duckdb.Error as error:
            raise self._translated(error, writing=writing) from error
        finally:
            with contextlib.suppress(duckdb.Error):  # a cursor of a connection closed meanwhile
                cursor.close()

    def _cursor(self) -> AbstractContextManager[Cursor]:
        return self.duckdb_cursor()

    def _transaction(
        self, owner: str | None, *, runner_id: int | None = None, changes_records: bool = True
    ) -> AbstractContextManager[Cursor]:
        return self.duckdb_transaction(owner, runner_id=runner_id, changes_records=changes_records)

    @contextmanager
    def duckdb_transaction(
        self, owner: str | None, *, runner_id: int | None = None, changes_records: bool = True
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A transaction that commits or rolls back whole, then changes `owner`'s data version (None: everyone's),
        `runner_id`'s alone among the owner's runners when given."""
        self._steps.last = None
        with self.duckdb_cursor(writing=True) as cursor:
            cursor.begin()
            try:
                yield cursor
            except BaseException:
                try:
                    cursor.rollback()
                except duckdb.Error:
                    pass  # the transaction is already gone (a failed statement or fatal error): keep the cause
                raise
            with self._commit_lock:
                cursor.commit()  # a failed commit (disk full, conflict) rolls the whole transaction back itself
                if self._logged_since is None:
                    self._logged_since = time.monotonic()
                if changes_records:
                    self._steps.last = self._changed(owner, runner_id)

    def last_write_step(self) -> WriteStep | None:
        return getattr(self._steps, "last", None)

    def _queued_stamps(self) -> AbstractContextManager[Any]:
        # Every click of every coach stamps the same row: DuckDB refuses simultaneous updates of one row instead
        # of queueing them, so this process queues them itself (it is the only process that has the file).
        return self._stamp_lock

    def data_version(self, owner: str, runner_id: int | None = None) -> int:
        if runner_id is None:
            return max(self._owner_versions.get(owner, 0), self._every_owner_version)
        return max(
            self._runner_versions.get((owner, runner_id), 0),
            self._every_runner_versions.get(owner, 0),
            self._every_owner_version,
        )

    def _changed(self, owner: str | None, runner_id: int | None = None) -> WriteStep | None:
        """Count a committed change of one owner's data (None: every owner's), of one of their runners' when
        `runner_id` is given. Values never repeat. Returns the runner's and the owner's data versions before and
        after it (none for a change that names no runner). Called with `_commit_lock` held (the commit and its count
        are one step)."""
        number = next(_GENERATIONS)
        if owner is None:
            self._every_owner_version = number
            return None
        if runner_id is None:
            self._owner_versions[owner] = self._every_runner_versions[owner] = number
            return None
        step = WriteStep((self.data_version(owner, runner_id), number), (self.data_version(owner), number))
        self._owner_versions[owner] = self._runner_versions[(owner, runner_id)] = number
        return step

    @contextmanager
    def _snapshot(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read whose statements all see one snapshot (load_records): a transaction that only reads, so a failure
        is the read's DataUnreachable, as any other read's."""
        with self.duckdb_cursor() as cursor:
            cursor.begin()
            try:
                yield cursor
            finally:
                with contextlib.suppress(duckdb.Error):  # a connection closed meanwhile: nothing to undo
                    cursor.rollback()

    def _snapshot_cursor(self) -> AbstractContextManager[Cursor]:
        # One flat statement per table (SqlStore.load_records) reads a runner's records in about three quarters of
        # the time of one statement of nested lists, which DuckDB turns into Python values slowly (issue 25).
        return self._snapshot()

    # -- durability: the log written into the file ------------------------------------------------------------

    def checkpoint(self) -> None:
        """Write the log (.wal) into the main file now (DuckDB also does this on its own as the log grows).
        DuckDB refuses while a write transaction is open (saves last milliseconds): wait and try again a few times."""
        with self.duckdb_cursor(writing=True) as cursor:
            for attempt in range(CHECKPOINT_ATTEMPTS):
                try:
                    cursor.execute("CHECKPOINT")
                    return
                except duckdb.TransactionException:
                    if attempt == CHECKPOINT_ATTEMPTS - 1:
                        raise
                    time.sleep(CHECKPOINT_PAUSE)

    def checkpoint_if_due(self, window: float = CHECKPOINT_WINDOW_SECONDS) -> bool:
        """Checkpoint if a commit has waited in the log for `window` seconds or more; True if it did.

        A commit landing during the checkpoint marks the log again, so the next call writes it too. A failed
        checkpoint (another transaction running, a full disk) leaves the mark, to be tried at the next call."""
        since = self._logged_since
        if since is None or time.monotonic() - since < window:
            return False
        self._logged_since = None
        try:
            self.checkpoint()
        except BaseException:
            if self._logged_since is None:
                self._logged_since = since
            raise
        return True
