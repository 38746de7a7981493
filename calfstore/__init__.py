"""Calf Check's store: runner data behind one interface, on DuckDB (the embedded default) or PostgreSQL.

    from calfstore import open_store, LOCAL_OWNER
    store = open_store()            # CALF_DATABASE_URL, else CALF_DB_PATH, else data/calfcheck.duckdb
    store.save_test(LOCAL_OWNER, runner_id, test, symptoms)

All of Calf Check's SQL lives in this package. Modules: `interface` (`Store`: every operation), `faces` (the
operations by group: records, sharing, coaching, planning), `queries` (each group's queries, one module per group,
and `common`), `sql` (the groups put together, shared by both backends), `errors`, `url` (the setting), `schema`
(migrations), `rows` (row mapping), `duckdb_store` / `postgres_store` (one file per backend), `duckdb_layout` and
`duckdb_files` (DuckDB-only upkeep), `backup`, `transfer` (DuckDB file to PostgreSQL), `tables` (counts for tests and
the transfer's checks), `bulk` (bulk loads for benchmarks). Command line: `python -m calfstore --help`.
"""

from __future__ import annotations

from calfcore.models import RunnerRecords
from calfstore.errors import (
    DataUnreachable,
    EditConflict,
    NotAllowed,
    NotFound,
    NotSaved,
    StoreError,
    StoreUnavailable,
    WriteConflict,
)
from calfstore.faces.coaching import CoachingStore
from calfstore.faces.planning import PlanningStore
from calfstore.faces.records import RunnerRecordsStore
from calfstore.faces.runs import RunsStore
from calfstore.faces.sharing import SharingStore
from calfstore.interface import LOCAL_OWNER, Store, WriteStep
from calfstore.schema import RUNNER_TABLES
from calfstore.url import DatabaseUrl, configured_database, parse_database_url

__all__ = [
    "LOCAL_OWNER",
    "RUNNER_TABLES",
    "CoachingStore",
    "DataUnreachable",
    "DatabaseUrl",
    "EditConflict",
    "NotAllowed",
    "NotFound",
    "NotSaved",
    "PlanningStore",
    "RunnerRecords",
    "RunnerRecordsStore",
    "RunsStore",
    "SharingStore",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "WriteConflict",
    "WriteStep",
    "configured_database",
    "open_store",
    "parse_database_url",
]


def open_store(url: str | DatabaseUrl | None = None) -> Store:
    """Open the store a URL names (None: this process's setting) and bring its schema up to date.
    StoreUnavailable, naming the setting and the fix, when it can't be used."""
    database = (
        configured_database() if url is None else url if isinstance(url, DatabaseUrl) else parse_database_url(url)
    )
    if database.backend == "postgresql":
        from calfstore.postgres_store import (
            PostgresStore,  # psycopg loads only where PostgreSQL is used
        )

        return PostgresStore.open(database)
    from calfstore.duckdb_store import DuckDBStore

    assert database.path is not None
    return DuckDBStore.open(database.path)
