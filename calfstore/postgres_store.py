"""PostgreSQL, for a hosted server that outgrows one process: any number of app processes and hosts share it.

psycopg 3 with a connection pool (psycopg_pool). Concurrency is the database's own: a save takes a share lock on the
runner's row, a profile's deletion an update lock (calfstore.queries.common), corrections check their revision in the
UPDATE itself. Data versions live in the database (table data_versions, migration 6) and change in the same transaction
as the write, so every process sees any process's write at its next rerun (calfstore.postgres_versions).

A server that goes away and comes back (issue 23): an operation waits at most POOL_WAIT_SECONDS for a connection, so a
page answers within about 3 s during an outage; a read that can't reach the server raises DataUnreachable, a write
NotSaved (its transaction was rolled back whole by the server). Neither message names the server: the detail goes to
the log (logger "calfcheck.store"). A connection taken from the pool is checked without a round trip (has the server
closed it while it sat idle?) and replaced at once if so, and the pool never waits on a growing reconnection backoff,
so the first click after the server is back works.
"""

from __future__ import annotations

import functools
import logging
import select
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool, PoolTimeout

from calfstore.errors import DataUnreachable, NotSaved, StoreError, StoreUnavailable, WriteConflict
from calfstore.interface import WriteStep
from calfstore.postgres_versions import (
    count_the_change,
    queue_behind_the_owners_writes,
    read_versions,
    write_step,
)
from calfstore.queries.common import Cursor
from calfstore.sql import SqlStore
from calfstore.url import URL_SETTING, DatabaseUrl

CONNECT_TIMEOUT_SECONDS = 2  # libpq's connect_timeout (its smallest): an unreachable host is reported after this long
# How long an operation waits for a free (or re-made) connection before giving up: during an outage every page answers
# in about this long with the app's own message. A transaction holds a connection for milliseconds, so a healthy pool
# never makes anyone wait near this long.
POOL_WAIT_SECONDS = 2.5
# How long the pool keeps trying to make a connection the app asked for. psycopg_pool retries with a backoff that
# doubles (1, 2, 4 ... s) until this much time has passed: with its default of 5 minutes, the first click after
# the server came back waited for the next retry (up to 2 minutes, issue 23). Giving up at once instead lets the next
# request start a fresh attempt right away.
RECONNECT_GIVE_UP_SECONDS = 0.5
# Once an operation found no server, the next ones for this long wait only BRIEF_WAIT_SECONDS (enough for a fresh
# connection on a server that is back), so a page that meets the outage twice (a refused save, then its next read)
# still answers in about POOL_WAIT_SECONDS.
OUTAGE_MEMORY_SECONDS = 5.0
# A request waits for a connection in slices this long, and stops once the pool gave up connecting meanwhile.
WAIT_SLICE_SECONDS = 0.25
# (1 s: a fresh connection on a loaded machine can take more than 0.3 s; the first click after a restart failed so.)
BRIEF_WAIT_SECONDS = 1.0
# Connections per app process. A Streamlit process serves its sessions from a thread pool; each operation holds a
# connection for one transaction (milliseconds), so a few are plenty, and N processes use N times this many.
POOL_MAX_SIZE = 8


# The runner tables that grow with time. Runs are the largest (four a week: 82 kB a runner after three years,
# docs/deploy.md "Sizing"); a motion-counted test adds a row per raise.
CLUSTERED_TABLES = ("test_sessions", "symptom_entries", "routine_logs", "runs", "test_raise_marks")
MIGRATION_LOCK = 0x0CA1FC4E  # pg_advisory_lock key: one process migrates at a time, the others wait and find it done
_LOG = logging.getLogger("calfcheck.store")
UNREACHABLE = (
    "Your data can't be reached right now: the database isn't answering. Nothing was changed. Try again in a moment "
    "(reload the page, or click again); Calf Check reconnects by itself when the database is back."
)
NOT_SAVED_UNREACHABLE = (
    "The database isn't answering right now, so nothing was saved; what you saved before is safe. Try again in a "
    "moment: Calf Check reconnects by itself when the database is back."
)


def closed_by_server(connection: psycopg.Connection[Any]) -> bool:
    """Whether a connection that sat idle in the pool is dead, without a round trip to the server. An idle connection
    has nothing to read; when the server ends it (a restart, a crash, an administrator), its socket turns readable
    (the server's goodbye, or end of file). So: closed, broken, or readable means dead."""
    if connection.closed or connection.broken:
        return True
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    return bool(readable)


class _GaveUp:
    """psycopg_pool's hook once it gave up making a connection (after RECONNECT_GIVE_UP_SECONDS): remembers when, so
    a request waiting for a connection stops waiting at once (the server refused) instead of for POOL_WAIT_SECONDS.
    The next request tries again; the failure itself was logged by the pool."""

    def __init__(self) -> None:
        self.at = float("-inf")

    def __call__(self, pool: ConnectionPool) -> None:
        self.at = time.monotonic()


@functools.lru_cache(maxsize=1024)
def _psycopg_sql(sql: str) -> str:
    """The store's `?` placeholders as psycopg's `%s` (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _QmarkCursor:
    """A psycopg cursor that takes the store's queries as written (calfstore.queries.common.Cursor)."""

    def __init__(self, cursor: psycopg.Cursor[Any]):
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _QmarkCursor:
        self._cursor.execute(_psycopg_sql(sql), params)
        return self

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> _QmarkCursor:
        self._cursor.executemany(_psycopg_sql(sql), params)
        return self

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


def explain_connection_failure(database: DatabaseUrl, error: BaseException) -> str:
    """Why the app can't reach its PostgreSQL database, naming the setting and the fix."""
    text = str(error)
    lowered = text.lower()
    where = f"{URL_SETTING}={database.redacted}"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return (
            f"PostgreSQL refused the user name or password in {where}. Correct them in {URL_SETTING} "
            f"(postgresql://user:password@host:port/dbname)."
        )
    if any(
        words in lowered
        for words in ("could not translate host name", "name or service not known", "failed to resolve host")
    ):
        return (
            f"The database host in {where} is unknown (its name could not be looked up). Check the host name "
            f"in {URL_SETTING}, and that this machine can resolve it."
        )
    if "does not exist" in lowered and "database" in lowered:
        return (
            f"The database named in {where} does not exist on that server. Create it (createdb) or correct the "
            f"name in {URL_SETTING}."
        )
    if any(
        words in lowered
        for words in (
            "connection refused",
            "could not connect",
            "timeout expired",
            "no route to host",
            "the database system is",
        )
    ):
        return (
            f"No PostgreSQL server answers at {where}. Start the server, or correct the host and port in {URL_SETTING}."
        )
    first_line = text.splitlines()[0] if text else type(error).__name__
    return f"Calf Check could not use its database ({where}): {first_line[:200]}"


class PostgresStore(SqlStore):
    """The runner data store on a PostgreSQL database."""

    backend = "postgresql"
    dialect = "postgresql"
    _LOCK_RUNNER_TO_WRITE = " FOR KEY SHARE"
    _LOCK_RUNNER_TO_DELETE = " FOR UPDATE"

    def __init__(self, database: DatabaseUrl, pool: ConnectionPool, gave_up: _GaveUp | None = None):
        self.database = database
        self.description = database.redacted
        self._pool = pool
        self._gave_up = gave_up or _GaveUp()
        self._steps = threading.local()  # this thread's last write step (last_write_step)
        self._unreachable_at: float | None = None  # monotonic time an operation last found no server

    @classmethod
    def open(cls, database: DatabaseUrl, *, migrate: bool = True) -> PostgresStore:
        """Connect (a clear StoreUnavailable if the server, user, password or database is wrong), then bring the
        schema up to date under an advisory lock, so processes that start together migrate once."""
        try:  # one plain connection first: the pool would only say "timed out", not why
            psycopg.connect(database.conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS).close()
        except psycopg.Error as error:
            raise StoreUnavailable(explain_connection_failure(database, error)) from error
        gave_up = _GaveUp()
        pool = ConnectionPool(
            database.conninfo,
            min_size=1,
            max_size=POOL_MAX_SIZE,
            open=False,
            timeout=POOL_WAIT_SECONDS,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_SECONDS, "application_name": "calfcheck"},
            reconnect_timeout=RECONNECT_GIVE_UP_SECONDS,
            reconnect_failed=gave_up,
            name="calfcheck",
        )
        pool.open(wait=True, timeout=POOL_WAIT_SECONDS)
        store = cls(database, pool, gave_up)
        if migrate:
            try:
                store.migrate()
            except BaseException:
                store.close()
                raise
        return store

    def close(self) -> None:
        self._pool.close()

    @property
    def closed(self) -> bool:
        return self._pool.closed

    # -- plumbing ---------------------------------------------------------------------------------------------

    def _translated(self, error: BaseException, *, writing: bool) -> StoreError:
        """The runner's message for a driver error. Nothing in it names the server (user, host, port): the admin
        finds the detail in the log."""
        if isinstance(error, (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)):
            return WriteConflict(
                "Someone saved a change to the same entry at the same moment, so nothing was "
                "saved. Reload the page and make your change again."
            )
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        _LOG.warning(
            "PostgreSQL %s failed (%s): %s: %s",
            "write" if writing else "read",
            self.description,
            type(error).__name__,
            first_line[:500],
        )
        if isinstance(error, (psycopg.OperationalError, PoolTimeout)):
            return NotSaved(NOT_SAVED_UNREACHABLE) if writing else DataUnreachable(UNREACHABLE)
        if not writing:
            return DataUnreachable(
                "Your data can't be read right now: the database reported a problem (the admin finds it in the "
                "app's log). Nothing was changed. Try again in a moment."
            )
        return NotSaved(
            "The database reported a problem (the admin finds it in the app's log). Nothing was saved; what you "
            "saved before is safe. Try again in a moment."
        )

    def _checked_out(self) -> psycopg.Connection[Any]:
        """A connection from the pool that the server has not closed meanwhile. Dead ones are closed and handed back
        (the pool replaces them at once): after a server restart each is found without a round trip, and no request
        waits for the pool's own checks and their backoff."""
        now = time.monotonic()
        recent_outage = self._unreachable_at is not None and now - self._unreachable_at < OUTAGE_MEMORY_SECONDS
        deadline = now + (BRIEF_WAIT_SECONDS if recent_outage else POOL_WAIT_SECONDS)
        for _ in range(POOL_MAX_SIZE + 1):
            connection = self._wait_for_connection(now, deadline)
            if not closed_by_server(connection):
                self._unreachable_at = None
                return connection
            _LOG.info("A pooled PostgreSQL connection was closed by the server while idle: replacing it")
            connection.close()
            self._pool.putconn(connection)
        raise PoolTimeout(f"every pooled connection was closed by the server ({POOL_MAX_SIZE + 1} tried)")

    def _wait_for_connection(self, since: float, deadline: float) -> psycopg.Connection[Any]:
        """The pool's next connection, waited for in slices until `deadline`: once the pool has given up connecting
        since `since` (the server refuses: it is down), stop waiting."""
        while True:
            left = deadline - time.monotonic()
            try:
                return self._pool.getconn(timeout=max(0.01, min(WAIT_SLICE_SECONDS, left)))
            except PoolTimeout:
                if left <= WAIT_SLICE_SECONDS or self._gave_up.at >= since:
                    raise

    @contextmanager
    def _connection(self, *, writing: bool = True) -> Iterator[psycopg.Connection[Any]]:
        try:
            connection = self._checked_out()
            try:
                yield connection
            finally:
                self._pool.putconn(connection)
        except (psycopg.Error, PoolTimeout) as error:
            if isinstance(error, (psycopg.OperationalError, PoolTimeout)):
                self._unreachable_at = time.monotonic()
            raise self._translated(error, writing=writing) from error

    @contextmanager
    def _read(self) -> Iterator[Cursor]:
        with self._connection(writing=False) as connection, connection.cursor() as cursor:
            yield _QmarkCursor(cursor)

    def _cursor(self) -> AbstractContextManager[Cursor]:
        return self._read()

    @contextmanager
    def _transaction(
        self, owner: str | None, *, runner_id: int | None = None, changes_records: bool = True
    ) -> Iterator[Cursor]:
        self._steps.last = None
        with self._connection() as connection, connection.transaction(), connection.cursor() as raw:
            cursor = _QmarkCursor(raw)
            before = queue_behind_the_owners_writes(cursor, owner, runner_id) if changes_records else None
            yield cursor
            if changes_records:
                written = count_the_change(cursor, owner, runner_id)
                step = (
                    None
                    if before is None or owner is None or runner_id is None
                    else (write_step(cursor, owner, runner_id, before, written))
                )
        if changes_records:
            self._steps.last = step  # committed

    @contextmanager
    def _snapshot(self) -> Iterator[Cursor]:
        with self._connection(writing=False) as connection, connection.cursor() as raw:
            raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield _QmarkCursor(raw)
            finally:
                raw.execute("ROLLBACK")

    def _snapshot_cursor(self) -> AbstractContextManager[Cursor]:
        return self._snapshot()

    def last_write_step(self) -> WriteStep | None:
        return getattr(self._steps, "last", None)

    def data_version(self, owner: str, runner_id: int | None = None) -> int:
        return self.data_versions([(owner, runner_id)])[(owner, runner_id)]

    def data_versions(self, scopes: Collection[tuple[str, int | None]]) -> dict[tuple[str, int | None], int]:
        with self._cursor() as cursor:
            return read_versions(cursor, scopes)

    def cluster_by_runner(self) -> list[str]:
        """Rewrite the big runner tables in runner order (PostgreSQL's CLUSTER, by their runner index), then refresh
        the planner's statistics. Rows arrive in date order, each runner's spread over hundreds of pages; afterwards
        a runner's records sit together, so a dashboard read stays as fast at 10,000 runners as at 100. CLUSTER locks
        each table while it rewrites it (seconds at a club's size): run it at a quiet hour (`python -m calfstore
        cluster`, docs/deploy.md). Returns the tables rewritten."""
        with self._cursor() as cursor:
            for table in CLUSTERED_TABLES:
                cursor.execute(f"CLUSTER {table} USING {table}_by_runner")
                cursor.execute(f"ANALYZE {table}")
        return list(CLUSTERED_TABLES)

    def has_schema(self) -> bool:
        """Whether this database already holds Calf Check's tables."""
        with self._cursor() as cursor:
            return bool(cursor.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0])

    def migrate(self) -> list[int]:
        with self._connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
            try:
                return self._apply_migrations()
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
