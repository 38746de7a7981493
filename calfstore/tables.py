"""Counts and raw text of the store's tables: for tests that prove what is (not) stored, benchmarks, and the
transfer's checks. Not part of the face the app uses."""

from __future__ import annotations

from calfstore.queries.common import Cursor
from calfstore.schema import RUNNER_TABLES
from calfstore.sql import SqlStore

ALL_TABLES = ("runners", *RUNNER_TABLES)


def count_rows(store: SqlStore, runner_id: int) -> dict[str, int]:
    """How many rows each table holds for a runner (to prove deletion and imports)."""
    with store._cursor() as cursor:
        counts = {
            table: int(cursor.execute(f"SELECT count(*) FROM {table} WHERE runner_id = ?", [runner_id]).fetchone()[0])
            for table in RUNNER_TABLES
        }
        counts["runners"] = int(cursor.execute("SELECT count(*) FROM runners WHERE id = ?", [runner_id]).fetchone()[0])
    return counts


def table_text(store: SqlStore, table: str) -> str:
    """Every value of a table as text (to prove, say, that no plain token is stored)."""
    if table not in ALL_TABLES:
        raise ValueError(table)
    with store._cursor() as cursor:
        return "\n".join(" ".join(map(str, row)) for row in cursor.execute(f"SELECT * FROM {table}").fetchall())


def rows_per_table(store: SqlStore) -> dict[str, int]:
    with store._cursor() as cursor:
        return counted_tables(cursor)


def rows_per_owner(store: SqlStore) -> dict[tuple[str, str], int]:
    with store._cursor() as cursor:
        return counted_owners(cursor)


def counted_tables(cursor: Cursor) -> dict[str, int]:
    return {table: int(cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in ALL_TABLES}


def counted_owners(cursor: Cursor) -> dict[tuple[str, str], int]:
    """(owner, table) -> rows: each table's rows counted by the owner of their runner."""
    counts = {
        (owner, "runners"): int(count)
        for owner, count in cursor.execute("SELECT owner_key, count(*) FROM runners GROUP BY owner_key").fetchall()
    }
    for table in RUNNER_TABLES:
        for owner, count in cursor.execute(
            f"""SELECT r.owner_key, count(*) FROM {table} t JOIN runners r ON r.id = t.runner_id
                    GROUP BY r.owner_key"""
        ).fetchall():
            counts[(owner, table)] = int(count)
    return counts


def every_row(store: SqlStore) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every runner-data table in id order, on either backend: to prove a refused input changed nothing."""
    with store._cursor() as cursor:
        return {
            table: [tuple(row) for row in cursor.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()]
            for table in ALL_TABLES
        }
