"""Move a club from its DuckDB file to PostgreSQL: one command, all or nothing, checked.

    python -m calfstore copy --to postgresql://calf:secret@db:5432/calfcheck [--from data/calfcheck.duckdb]

The source file is opened on its own (stop the app first: DuckDB lets one process hold it) and brought up to the
current schema. The target must be an empty database: the copy refuses one that holds any runner data. Every row
keeps its id (so share links, feeds and tests keep pointing at the same runner) and each id sequence moves past the
highest copied id. Everything is copied in one PostgreSQL transaction and counted twice before it commits, per
table and per owner: any difference rolls the whole copy back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from calfstore.duckdb_store import DuckDBStore
from calfstore.errors import StoreError
from calfstore.postgres_store import PostgresStore
from calfstore.schema import ID_SEQUENCES
from calfstore.tables import (
    ALL_TABLES,
    counted_owners,
    counted_tables,
    rows_per_owner,
    rows_per_table,
)
from calfstore.url import DatabaseUrl


class TransferRefused(StoreError):
    """The copy was not made (the target holds data, the counts differ...): the target is as it was."""


@dataclass(frozen=True)
class TransferReport:
    rows: dict[str, int]
    owners: int


def copy_to_postgres(source: Path, target: DatabaseUrl) -> TransferReport:
    duck = DuckDBStore.open(source, cluster=False)
    try:
        expected_rows = rows_per_table(duck)
        expected_owners = rows_per_owner(duck)
        pg = PostgresStore.open(target)
        try:
            already = {table: count for table, count in rows_per_table(pg).items() if count}
            if already:
                raise TransferRefused(
                    f"{target.redacted} already holds data ({_describe(already)}); the copy only "
                    f"goes into an empty database. Nothing was changed."
                )
            with pg._transaction(None) as cursor, duck.duckdb_cursor() as reader:
                raw = cursor._cursor  # type: ignore[attr-defined]  # psycopg's own cursor, for COPY
                for table in ALL_TABLES:
                    columns = [
                        row[0]
                        for row in reader.execute(
                            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                            "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
                            [table],
                        ).fetchall()
                    ]
                    listed = ", ".join(columns)
                    reader.execute(f"SELECT {listed} FROM {table} ORDER BY id")
                    with raw.copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
                        while batch := reader.fetchmany(10_000):
                            for row in batch:
                                copy.write_row(row)
                    cursor.execute(
                        f"SELECT setval('{ID_SEQUENCES[table]}', "
                        f"greatest((SELECT coalesce(max(id), 0) FROM {table}), 1))"
                    )
                copied_rows, copied_owners = counted_tables(cursor), counted_owners(cursor)
                if copied_rows != expected_rows or copied_owners != expected_owners:
                    raise TransferRefused(
                        f"The copy's counts differ from {source} (expected {_describe(expected_rows)}"
                        f", copied {_describe(copied_rows)}); nothing was kept."
                    )
        finally:
            pg.close()
    finally:
        duck.close()
    return TransferReport(expected_rows, len({owner for owner, _ in expected_owners}))


def _describe(rows: dict[str, int]) -> str:
    return ", ".join(f"{table}: {count}" for table, count in rows.items())
