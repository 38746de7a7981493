"""DuckDB only: whole-file operations. A consistent copy of a running store (the backup worker's), and the files
no process holds: is one in use, what it holds, its rows, a clean copy of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from calfstore.duckdb_messages import explain_open_failure
from calfstore.duckdb_store import DuckDBStore
from calfstore.errors import StoreUnavailable
from calfstore.queries.common import one_row


def snapshot(store: DuckDBStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, field for field, in a stable order: to prove two databases hold the same."""
    with store.duckdb_cursor() as cursor:
        return _snapshot(cursor, _current_database(cursor))


def backup_to(store: DuckDBStore, target: str | Path) -> dict[str, int]:
    """Copy the whole database into the new file `target` from inside this process, while it keeps serving.

    DuckDB lets one process open the file, so a backup of a running app must be made there. The copy is one
    transaction: a consistent snapshot that includes every committed save and nothing half-written. Returns
    the rows copied per table. `target` must not exist yet.
    """
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} already exists; a backup never overwrites a file.")
    alias = f"calf_backup_{random.getrandbits(32):08x}"
    with store.duckdb_cursor(writing=True) as cursor:
        source = _current_database(cursor)
        cursor.execute(f"ATTACH {_sql_text(target)} AS {alias}")
        try:
            return _copy_database(cursor, source, alias)
        finally:
            cursor.execute(f"DETACH {alias}")


def _sql_text(value: str | Path) -> str:
    """A string literal for the few statements that can't take a parameter (ATTACH)."""
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    """A quoted identifier (database names come from file names)."""
    return '"' + name.replace('"', '""') + '"'


def _current_database(cursor: duckdb.DuckDBPyConnection) -> str:
    return str(one_row(cursor.execute("SELECT current_database()"))[0])


def _table_names(cursor: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    rows = cursor.execute(
        """SELECT table_name FROM duckdb_tables()
                             WHERE database_name = ? AND schema_name = 'main' AND NOT temporary
                             ORDER BY table_name""",
        [database],
    ).fetchall()
    return [row[0] for row in rows]


def _row_counts(cursor: duckdb.DuckDBPyConnection, database: str) -> dict[str, int]:
    return {
        table: int(one_row(cursor.execute(f"SELECT count(*) FROM {_ident(database)}.main.{_ident(table)}"))[0])
        for table in _table_names(cursor, database)
    }


def _snapshot(cursor: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: cursor.execute(f"SELECT * FROM {_ident(database)}.main.{_ident(table)} ORDER BY ALL").fetchall()
        for table in _table_names(cursor, database)
    }


def _copy_database(cursor: duckdb.DuckDBPyConnection, source: str, target: str) -> dict[str, int]:
    """Copy every table and sequence of `source` into the attached, empty `target`, in one transaction."""
    cursor.begin()
    try:
        counts = _row_counts(cursor, source)
        cursor.execute(f"COPY FROM DATABASE {_ident(source)} TO {_ident(target)}")
        cursor.commit()
    except BaseException:
        try:
            cursor.rollback()
        except duckdb.Error:
            pass
        raise
    return counts


def _open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.is_file():
        raise StoreUnavailable(f"There is no database file at {path}.")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise StoreUnavailable(explain_open_failure(path, error)) from error


def file_in_use(path: str | Path) -> bool:
    """Whether another process holds the database file open (DuckDB's lock). A missing file is not in use."""
    path = Path(path)
    if not path.exists():
        return False
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as error:
        if "lock" in str(error).lower():
            return True
        raise StoreUnavailable(explain_open_failure(path, error)) from error
    return False


@dataclass(frozen=True)
class DatabaseSummary:
    """What a database file holds: its schema versions and the rows per table."""

    path: Path
    schema_versions: list[int]
    rows: dict[str, int]


def describe_database(path: str | Path) -> DatabaseSummary:
    """Open a database file read-only and say what it holds. StoreUnavailable if it is locked or isn't ours."""
    path = Path(path)
    connection = _open_read_only(path)
    try:
        database = _current_database(connection)
        if "schema_migrations" not in _table_names(connection, database):
            raise StoreUnavailable(f"{path} is a DuckDB file but not a Calf Check database (it has no schema history).")
        versions = [
            row[0] for row in connection.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
        ]
        return DatabaseSummary(path, versions, _row_counts(connection, database))
    except duckdb.Error as error:
        raise StoreUnavailable(explain_open_failure(path, error)) from error
    finally:
        connection.close()


def read_snapshot(path: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Store.snapshot() of a database file that no process holds, opened read-only."""
    connection = _open_read_only(Path(path))
    try:
        return _snapshot(connection, _current_database(connection))
    finally:
        connection.close()


def copy_database(source: str | Path, target: str | Path) -> dict[str, int]:
    """Copy the database file `source` (which no process may hold) into the new file `target`: tables,
    sequences and every row, as a clean file with no log. Returns the rows copied per table."""
    source, target = Path(source), Path(target)
    if target.exists():
        raise FileExistsError(f"{target} already exists; a copy never overwrites a file.")
    connection = duckdb.connect(":memory:")
    try:
        try:
            connection.execute(f"ATTACH {_sql_text(source)} AS calf_source (READ_ONLY)")
        except duckdb.Error as error:
            raise StoreUnavailable(explain_open_failure(source, error)) from error
        connection.execute(f"ATTACH {_sql_text(target)} AS calf_target")
        try:
            return _copy_database(connection, "calf_source", "calf_target")
        finally:
            connection.execute("DETACH calf_target")
    finally:
        connection.close()
