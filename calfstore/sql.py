"""The store's queries put together, written once for DuckDB and PostgreSQL: the base both backends build on.

Each group of the face has its module of queries (calfstore.queries: records, sharing, coaching, planning, runs; what they
share is in calfstore.queries.common). `SqlStore` is all of them, plus what belongs to the store as a whole: its schema
(migrations, versions) and `load_records`, which reads every group's records of a runner from one snapshot. A backend
(calfstore.duckdb_store, calfstore.postgres_store) supplies cursors and transactions, turns its driver's errors into
calfstore.errors, and keeps each owner's data version.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import replace

from calfcore.clock import now_utc
from calfcore.models import RunnerRecords
from calfstore.errors import NotFound
from calfstore.interface import Store
from calfstore.queries.coaching import CoachingQueries
from calfstore.queries.common import Cursor
from calfstore.queries.planning import PlanningQueries
from calfstore.queries.records import TEST_GONE, RecordQueries
from calfstore.queries.runs import RunsQueries
from calfstore.queries.sharing import SharingQueries
from calfstore.rows import (
    EVERY_DAY,
    MARK_COLUMNS,
    ROUTINE_COLUMNS,
    SYMPTOM_COLUMNS,
    TEST_COLUMNS,
    routine_log_from_row,
    symptom_from_row,
    tests_from_rows,
)
from calfstore.schema import MIGRATIONS, statements_for


class SqlStore(RecordQueries, SharingQueries, CoachingQueries, PlanningQueries, RunsQueries, Store):
    """Every group's operations, over a backend's `_cursor` (reads) and `_transaction` (writes)."""

    dialect: str = ""

    def schema_versions(self) -> list[int]:
        with self._cursor() as cursor:
            return [
                int(row[0])
                for row in cursor.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
            ]

    def load_records(self, owner: str, runner_id: int) -> RunnerRecords:
        """The profile and every record of one runner, as get_runner, list_tests, list_symptoms,
        list_routine_logs, list_checkin_warnings, list_all_clears and list_runs return them, read from one snapshot
        (`_snapshot_cursor`)."""
        with self._snapshot_cursor() as cursor:
            runner = self._select_runner(cursor, owner, runner_id)
            tests = self._select_tests(cursor, runner_id)
            symptoms = self._select_symptoms(cursor, runner_id, EVERY_DAY)
            logs = self._select_routine_logs(cursor, runner_id)
            warnings = self._select_checkin_warnings(cursor, runner_id)
            clears = self._select_all_clears(cursor, runner_id)
            runs = self._select_runs(cursor, runner_id)
        return RunnerRecords(
            runner=runner,
            tests=tests,
            symptoms=symptoms,
            routine_logs=logs,
            checkin_warnings=warnings,
            all_clears=clears,
            runs=runs,
        )

    def records_with_test(self, owner: str, runner_id: int, records: RunnerRecords, test_id: int) -> RunnerRecords:
        """`records` (load_records' answer from before test `test_id` was saved) with that test, its raise marks
        and its symptom entries read back and put where load_records puts them (by day, then id): what load_records
        returns now, when nothing else of the runner's changed in between (Store.last_write_step tells). Three small
        reads instead of every record of the runner again."""
        with self._snapshot_cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            test_rows = _rows_of(cursor, "test_sessions", TEST_COLUMNS, "id", test_id, runner_id)
            if not test_rows:
                raise NotFound(TEST_GONE)
            mark_rows = _rows_of(cursor, "test_raise_marks", MARK_COLUMNS, "test_id", test_id, runner_id)
            symptom_rows = _rows_of(cursor, "symptom_entries", SYMPTOM_COLUMNS, "test_id", test_id, runner_id)
        return replace(
            records,
            tests=sorted(
                [*records.tests, *tests_from_rows(test_rows, mark_rows)], key=lambda t: (t.tested_on, t.saved_id)
            ),
            symptoms=sorted(
                [*records.symptoms, *(symptom_from_row(row) for row in symptom_rows)], key=lambda s: (s.logged_on, s.id)
            ),
        )

    def records_with_log(self, owner: str, runner_id: int, records: RunnerRecords, log_id: int) -> RunnerRecords:
        """`records` with training log entry `log_id` read back and put where load_records puts it (by day, then
        id), as records_with_test does for a test."""
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = _rows_of(cursor, "routine_logs", ROUTINE_COLUMNS, "id", log_id, runner_id)
        if not rows:
            raise NotFound("That training log entry no longer exists.")
        logs = [*records.routine_logs, routine_log_from_row(rows[0])]
        return replace(records, routine_logs=sorted(logs, key=lambda log: (log.logged_on, log.id or 0)))

    def _snapshot_cursor(self) -> AbstractContextManager[Cursor]:
        """A cursor whose statements all read one snapshot (a read-only transaction)."""
        return self._transaction(None, changes_records=False)

    # -- migrations --------------------------------------------------------------------------------------------

    def _apply_migrations(self) -> list[int]:
        """Apply pending steps, each in its own transaction. Backends call this under whatever lock they need."""
        with self._transaction(None, changes_records=False) as cursor:
            cursor.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)""")
        with self._cursor() as cursor:
            done = {int(row[0]) for row in cursor.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for migration in MIGRATIONS:
            if migration.version in done:
                continue
            with self._transaction(None, changes_records=False) as cursor:
                for statement in statements_for(migration, self.dialect):
                    cursor.execute(statement)
                cursor.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", [migration.version, migration.name, now_utc()]
                )
            applied.append(migration.version)
        if applied:
            with self._transaction(None):  # a new schema is a change of every owner's data: caches start afresh
                pass
        return applied


def _rows_of(
    cursor: Cursor, table: str, columns: tuple[str, ...], by: str, value: int, runner_id: int
) -> list[tuple[object, ...]]:
    """The rows of one runner's table whose `by` column is `value` (a record just written, read back)."""
    return list(
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {by} = ? AND runner_id = ?", [value, runner_id]
        ).fetchall()
    )
