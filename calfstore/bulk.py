"""Bulk loads for benchmarks at club and platform scale: many runners and their records in one transaction.
Values are not validated here; the app never calls this."""

from __future__ import annotations

from typing import Any

from calfcore.clock import now_utc
from calfstore.duckdb_store import DuckDBStore
from calfstore.errors import NotFound
from calfstore.rows import ROUTINE_COLUMNS, SYMPTOM_COLUMNS, TEST_COLUMNS
from calfstore.sql import one_row


def bulk_load(store: DuckDBStore, owner: str, runners: Any, tests: Any, symptoms: Any, routine_logs: Any) -> dict[str, int]:
    """Load many runners with their records from pandas DataFrames, in one transaction, through DuckDB's
    vectorised insert from a frame (benchmarks at club and platform scale). Values are not validated here.

    The caller keys the rows: `runners` has `key` and the profile columns (name, birth_year, sex, units,
    injured_side); `tests` has `key`, `runner_key` and the test columns; `symptoms` has `runner_key`,
    `test_key` (null for a check-in) and the symptom columns; `routine_logs` has `runner_key` and the
    routine columns. Ids come from the same sequences as single saves. Returns the rows inserted per table.
    With `runners` None, the records are added to this owner's existing runners: `runner_key` is the
    runner's id (NotFound, and nothing saved, if any is not this owner's).
    """
    now = now_utc()
    frames = {"bulk_runners": runners, "bulk_tests": tests, "bulk_symptoms": symptoms,
              "bulk_routine_logs": routine_logs}
    if runners is None:
        del frames["bulk_runners"]
    test_columns = ", ".join(TEST_COLUMNS[1:])
    symptom_columns = ", ".join(SYMPTOM_COLUMNS[1:-1])
    routine_columns = ", ".join(ROUTINE_COLUMNS[1:])
    with store.duckdb_transaction(owner) as cursor:
        for name, frame in frames.items():
            cursor.register(name, frame)
        try:
            if runners is None:
                cursor.execute("CREATE TEMP TABLE bulk_runner_ids AS "
                               "SELECT id AS key, id FROM runners WHERE owner_key = ?", [owner])
            else:
                cursor.execute("CREATE TEMP TABLE bulk_runner_ids AS "
                               "SELECT key, nextval('runner_ids') AS id FROM bulk_runners")
            cursor.execute("CREATE TEMP TABLE bulk_test_ids AS SELECT key, nextval('test_ids') AS id FROM bulk_tests")
            if runners is not None:
                cursor.execute(
                    """INSERT INTO runners (id, owner_key, name, birth_year, sex, units, injured_side, created_at)
                       SELECT m.id, ?, r.name, r.birth_year, r.sex, r.units, r.injured_side, ?
                       FROM bulk_runners r JOIN bulk_runner_ids m USING (key)""", [owner, now])
            inserted = one_row(cursor.execute(
                f"""INSERT INTO test_sessions (id, runner_id, {test_columns}, created_at)
                    SELECT t_ids.id, r_ids.id, {test_columns.replace("red_flags", "red_flags::VARCHAR[]")}, ?
                    FROM bulk_tests t JOIN bulk_test_ids t_ids ON t.key = t_ids.key
                    JOIN bulk_runner_ids r_ids ON t.runner_key = r_ids.key
                    ORDER BY t.tested_on, t_ids.id""", [now]))[0]
            inserted += one_row(cursor.execute(
                f"""INSERT INTO symptom_entries (runner_id, {symptom_columns}, test_id, created_at)
                    SELECT r_ids.id, {symptom_columns}, t_ids.id, ?
                    FROM bulk_symptoms s JOIN bulk_runner_ids r_ids ON s.runner_key = r_ids.key
                    LEFT JOIN bulk_test_ids t_ids ON s.test_key = t_ids.key
                    ORDER BY s.logged_on""", [now]))[0]
            inserted += one_row(cursor.execute(
                f"""INSERT INTO routine_logs (runner_id, {routine_columns}, created_at)
                    SELECT r_ids.id, {routine_columns}, ? FROM bulk_routine_logs l
                    JOIN bulk_runner_ids r_ids ON l.runner_key = r_ids.key ORDER BY l.logged_on""",
                [now]))[0]
            if inserted != len(tests) + len(symptoms) + len(routine_logs):
                raise NotFound("Some records belong to no runner of this owner; nothing was saved.")
        finally:
            cursor.execute("DROP TABLE IF EXISTS bulk_runner_ids")
            cursor.execute("DROP TABLE IF EXISTS bulk_test_ids")
            for name in frames:
                cursor.unregister(name)
    return {"runners": 0 if runners is None else len(runners), "test_sessions": len(tests),
            "symptom_entries": len(symptoms),
            "routine_logs": len(routine_logs)}
