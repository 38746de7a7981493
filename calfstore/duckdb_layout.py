"""DuckDB only: each runner table stored in runner order, so one runner's reads skip the other runners' rows.

The schema has no secondary indexes (they block later column changes in DuckDB), so a per-runner query scans its
table; DuckDB skips the row groups (122,880 rows) whose min/max runner_id exclude the runner (zone maps). Rows
arrive in date order, every runner's spread over the whole file, so nothing is skipped until the table is stored by
runner. PostgreSQL uses indexes instead (calfstore.schema, migration 6).
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import Protocol

import duckdb

from calfcore.clock import now_utc
from calfstore.queries.common import one_row
from calfstore.schema import RUNNER_TABLES


class DuckDBFile(Protocol):
    """What clustering needs of a store: DuckDB cursors and transactions (calfstore.duckdb_store.DuckDBStore, which
    calls this module when it opens a file, so this module names no store class)."""

    def duckdb_cursor(self, *, writing: bool = False) -> AbstractContextManager[duckdb.DuckDBPyConnection]: ...

    def duckdb_transaction(
        self, owner: str | None, *, changes_records: bool = True
    ) -> AbstractContextManager[duckdb.DuckDBPyConnection]: ...


# DuckDBStore.open rewrites a runner table ordered by runner once this many of its rows have arrived since it was
# last clustered: DuckDB's row group size. Fewer unclustered rows than that are about one row group, which a
# per-runner query scans whole anyway; more, and every query scans them all.
CLUSTER_MIN_ROWS = 122_880


def unclustered_rows(store: DuckDBFile) -> dict[str, int]:
    """Rows of each runner table that arrived after its last cluster_by_runner (all of them if never)."""
    with store.duckdb_cursor() as cursor:
        return {table: count for table, (count, _) in _unclustered(cursor).items()}


def cluster_by_runner(store: DuckDBFile, *, min_unclustered_rows: int = 0) -> dict[str, int]:
    """Rewrite each runner table whose unclustered rows number at least `min_unclustered_rows` (and at least
    one) in (runner_id, id) order, all in ONE transaction: every row, id and value is kept, and a failure or a
    kill midway leaves the tables as they were. Returns the rows rewritten per table ({} if none was due).

    Rows saved afterwards land after the clustered ones, and queries scan them all until the next rewrite.
    How: a copy of the table (same definition, from DuckDB's catalog) filled in order, then the old table
    dropped and the copy renamed; DuckDB frees the old blocks at the next checkpoint. Meant for when nothing else
    uses this store (DuckDBStore.open, before it hands the store out; or with the app stopped): a write from
    another thread meanwhile is refused, never lost.
    """

    def due(found: dict[str, tuple[int, int]]) -> list[tuple[str, int]]:
        return [
            (table, through_id)
            for table, (count, through_id) in found.items()
            if count and count >= min_unclustered_rows
        ]

    with store.duckdb_cursor() as cursor:  # most start-ups: nothing due, and no write transaction either
        if not due(_unclustered(cursor)):
            return {}
    rewritten: dict[str, int] = {}
    with store.duckdb_transaction(None, changes_records=False) as cursor:
        for table, through_id in due(_unclustered(cursor)):
            definition = one_row(
                cursor.execute(
                    """SELECT sql FROM duckdb_tables()
                   WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?""",
                    [table],
                )
            )[0]
            copy = f"{table}__by_runner"
            cursor.execute(_renamed_definition(definition, table, copy))
            cursor.execute(f"INSERT INTO {copy} SELECT * FROM {table} ORDER BY runner_id, id")
            rewritten[table] = int(one_row(cursor.execute(f"SELECT count(*) FROM {copy}"))[0])
            cursor.execute(f"DROP TABLE {table}")
            cursor.execute(f"ALTER TABLE {copy} RENAME TO {table}")
            cursor.execute("DELETE FROM clustered_tables WHERE table_name = ?", [table])
            cursor.execute("INSERT INTO clustered_tables VALUES (?, ?, ?)", [table, through_id, now_utc()])
    return rewritten


def _unclustered(cursor: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Per runner table: (rows with an id above the table's clustered watermark, the highest id now). Ids come
    from sequences, so rows saved since the last rewrite are exactly those above it; the filter on id (a value,
    not a subquery) lets DuckDB skip every clustered row group by its zone map. Two statements: it runs at every
    start-up."""
    watermarks = dict(cursor.execute("SELECT table_name, through_id FROM clustered_tables").fetchall())
    marks = [watermarks.get(table, 0) for table in RUNNER_TABLES]
    found = one_row(
        cursor.execute(
            "SELECT "
            + ", ".join(f"(SELECT row(count(*), max(id)) FROM {table} WHERE id > ?)" for table in RUNNER_TABLES),
            marks,
        )
    )
    return {
        table: (int(count), int(top if top is not None else mark))
        for table, mark, (count, top) in zip(RUNNER_TABLES, marks, found, strict=True)
    }


def _renamed_definition(definition: str, table: str, new_name: str) -> str:
    """DuckDB's CREATE TABLE statement for `table` (duckdb_tables().sql), creating `new_name` instead."""
    pattern = re.compile(rf'^\s*CREATE\s+TABLE\s+(?:"?main"?\.)?"?{re.escape(table)}"?\s*\(', re.IGNORECASE)
    renamed, replaced = pattern.subn(f"CREATE TABLE {new_name}(", definition, count=1)
    if not replaced:
        raise RuntimeError(f"unexpected definition of {table}: {definition[:80]}")
    return renamed
