"""What every group of queries shares: the cursor both drivers offer, the owner check a write starts with, retries
of a write that lost a conflict, and the few shapes of statement most groups repeat.

Queries use `?` placeholders (the PostgreSQL backend rewrites them for psycopg) and SQL both databases speak.

Concurrency: every write is one transaction that checks the runner belongs to the owner first. On PostgreSQL that
check takes a row lock (`_LOCK_RUNNER_TO_WRITE`), so a profile deleted while another tab saves to it either waits
for the save (and deletes its rows too) or makes the save fail with NotFound: no orphan rows either way.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from calfstore.errors import NotFound, NotSaved, WriteConflict

# A write refused because a concurrent transaction changed the same rows is run again up to this many times,
# after a random pause that doubles each time (at most CONFLICT_PAUSE_MAX seconds): about 1.5 s in all at worst.
CONFLICT_RETRIES = 10
CONFLICT_PAUSE_MAX = 0.25

RUNNER_GONE = "That runner profile does not exist (it may have been deleted)."
# A share link (alias l) that still opens its runner: not revoked, not expired at the `?` moment.
LIVE_LINK = "l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > ?)"

_Queries = TypeVar("_Queries", bound="SqlQueries")
_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")
T = TypeVar("T")


class Cursor(Protocol):
    """What both drivers' cursors offer (DuckDB's connection cursor; psycopg's cursor behind a `?` rewrite)."""

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


def one_row(result: Any) -> tuple[Any, ...]:
    """The one row a statement returns (an aggregate, a RETURNING clause): never missing."""
    row = result.fetchone()
    if row is None:
        raise NotSaved("The database returned no row where it always returns one. Nothing was saved.")
    return tuple(row)


def retry_on_conflict(
    method: Callable[Concatenate[_Queries, _Args], _Result],
) -> Callable[Concatenate[_Queries, _Args], _Result]:
    """Run a whole write again (a few times, after a short random pause) when it lost a write-write conflict.

    DuckDB refuses instead of waiting when two transactions change the same rows; PostgreSQL can pick a deadlock's
    victim. The refused attempt was rolled back entirely, so running it again is safe for writes whose result
    doesn't depend on what the other transaction did: inserts, deletes, and idempotent stamps. Corrections
    (update_test, update_runner) are not retried: one edit wins, the other is told (EditConflict).
    """

    @functools.wraps(method)
    def retrying(self: _Queries, /, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                return method(self, *args, **kwargs)
            except WriteConflict:
                if attempt == CONFLICT_RETRIES:
                    raise
                time.sleep(random.uniform(0.0005, min(CONFLICT_PAUSE_MAX, 0.002 * 2**attempt)))
        raise AssertionError("unreachable")

    return retrying


def select_by_runner(
    cursor: Cursor, table: str, columns: str, order_by: str, runner_id: int, from_row: Callable[[Any], T]
) -> list[T]:
    """Every row of one runner in a table, in `order_by` order, as models."""
    rows = cursor.execute(
        f"SELECT {columns} FROM {table} WHERE runner_id = ? ORDER BY {order_by}", [runner_id]
    ).fetchall()
    return [from_row(row) for row in rows]


class SqlQueries(ABC):
    """The base of every group's queries: a backend's `_cursor` (reads) and `_transaction` (writes), and the
    owner check on top of them."""

    _LOCK_RUNNER_TO_WRITE = ""  # PostgreSQL: " FOR KEY SHARE" (a save and a delete of the profile queue)
    _LOCK_RUNNER_TO_DELETE = ""  # PostgreSQL: " FOR UPDATE"

    @abstractmethod
    def _cursor(self) -> AbstractContextManager[Cursor]:
        """A cursor for reads (each statement sees committed data)."""

    @abstractmethod
    def _transaction(
        self, owner: str | None, *, runner_id: int | None = None, changes_records: bool = True
    ) -> AbstractContextManager[Cursor]:
        """A transaction that commits or rolls back whole, and then changes `owner`'s data version (None: every
        owner's; `changes_records=False`: nobody's, for rewrites that keep every value): with `runner_id`, that
        runner's alone among the owner's runners, else every one of them (Store.data_version)."""

    @contextmanager
    def _runner_transaction(self, owner: str, runner_id: int) -> Iterator[Cursor]:
        """A write of one runner's data, in a transaction that first checks the runner is the owner's (and, on
        PostgreSQL, holds its row against a delete): only this runner's data version changes, with the owner's."""
        with self._transaction(owner, runner_id=runner_id) as cursor:
            self._writing_for(cursor, owner, runner_id)
            yield cursor

    def _queued_stamps(self) -> AbstractContextManager[Any]:
        """Held around updates of share links' stamps (DuckDB queues them in the process: see DuckDBStore)."""
        return nullcontext()

    def _require_runner(self, cursor: Cursor, owner: str, runner_id: int, lock: str = "") -> None:
        found = cursor.execute(
            f"SELECT 1 FROM runners WHERE id = ? AND owner_key = ?{lock}", [runner_id, owner]
        ).fetchone()
        if found is None:
            raise NotFound(RUNNER_GONE)

    def _writing_for(self, cursor: Cursor, owner: str, runner_id: int) -> None:
        self._require_runner(cursor, owner, runner_id, self._LOCK_RUNNER_TO_WRITE)

    def _runner_rows(self, owner: str, runner_id: int, select: Callable[[Cursor, int], list[T]]) -> list[T]:
        """A read of one owner's runner: NotFound unless the runner is theirs, else what `select` reads."""
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            return select(cursor, runner_id)

    def _delete_one(self, owner: str, runner_id: int, table: str, row_id: int, gone: str) -> None:
        """Delete one row of a runner's table, in a write for its owner; NotFound (`gone`) if it isn't there."""
        with self._runner_transaction(owner, runner_id) as cursor:
            if not cursor.execute(
                f"DELETE FROM {table} WHERE id = ? AND runner_id = ? RETURNING id", [row_id, runner_id]
            ).fetchall():
                raise NotFound(gone)

    def _stamp_once(
        self, owner: str, runner_id: int, table: str, column: str, row_id: int, now: dt.datetime, gone: str
    ) -> None:
        """Stamp `column` of one row of a runner's table with `now`, unless it is stamped already (the first time
        stays); NotFound (`gone`) if the row isn't there."""
        with self._runner_transaction(owner, runner_id) as cursor:
            if not cursor.execute(
                f"UPDATE {table} SET {column} = coalesce({column}, ?) WHERE id = ? AND runner_id = ? RETURNING id",
                [now, row_id, runner_id],
            ).fetchall():
                raise NotFound(gone)
