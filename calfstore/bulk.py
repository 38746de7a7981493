"""Bulk loads for benchmarks at club and platform scale: many runners and their records in one transaction, on
DuckDB (bulk_load) or PostgreSQL (bulk_load_postgres), from the same frames. Values are not validated here; the app
never calls this."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calfcore.clock import now_utc
from calfstore.duckdb_store import DuckDBStore
from calfstore.errors import NotFound
from calfstore.queries.common import Cursor, one_row
from calfstore.rows import BULK_TEST_COLUMNS, ROUTINE_COLUMNS, SYMPTOM_COLUMNS

if TYPE_CHECKING:  # psycopg loads only where PostgreSQL is used
    from calfstore.postgres_store import PostgresStore


def bulk_load(
    store: DuckDBStore, owner: str, runners: Any, tests: Any, symptoms: Any, routine_logs: Any
) -> dict[str, int]:
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
    frames = {
        "bulk_runners": runners,
        "bulk_tests": tests,
        "bulk_symptoms": symptoms,
        "bulk_routine_logs": routine_logs,
    }
    if runners is None:
        del frames["bulk_runners"]
    test_columns = ", ".join(BULK_TEST_COLUMNS[1:])
    symptom_columns = ", ".join(SYMPTOM_COLUMNS[1:-1])
    routine_columns = ", ".join(ROUTINE_COLUMNS[1:])
    with store.duckdb_transaction(owner) as cursor:
        for name, frame in frames.items():
            cursor.register(name, frame)
        try:
            if runners is None:
                cursor.execute(
                    "CREATE TEMP TABLE bulk_runner_ids AS SELECT id AS key, id FROM runners WHERE owner_key = ?",
                    [owner],
                )
            else:
                cursor.execute(
                    "CREATE TEMP TABLE bulk_runner_ids AS SELECT key, nextval('runner_ids') AS id FROM bulk_runners"
                )
            cursor.execute("CREATE TEMP TABLE bulk_test_ids AS SELECT key, nextval('test_ids') AS id FROM bulk_tests")
            if runners is not None:
                cursor.execute(
                    """INSERT INTO runners (id, owner_key, name, birth_year, sex, units, injured_side, created_at)
                       SELECT m.id, ?, r.name, r.birth_year, r.sex, r.units, r.injured_side, ?
                       FROM bulk_runners r JOIN bulk_runner_ids m USING (key)""",
                    [owner, now],
                )
            inserted = one_row(
                cursor.execute(
                    f"""INSERT INTO test_sessions (id, runner_id, {test_columns}, created_at)
                    SELECT t_ids.id, r_ids.id, {test_columns.replace("red_flags", "red_flags::VARCHAR[]")}, ?
                    FROM bulk_tests t JOIN bulk_test_ids t_ids ON t.key = t_ids.key
                    JOIN bulk_runner_ids r_ids ON t.runner_key = r_ids.key
                    ORDER BY t.tested_on, t_ids.id""",
                    [now],
                )
            )[0]
            inserted += one_row(
                cursor.execute(
                    f"""INSERT INTO symptom_entries (runner_id, {symptom_columns}, test_id, created_at)
                    SELECT r_ids.id, {symptom_columns}, t_ids.id, ?
                    FROM bulk_symptoms s JOIN bulk_runner_ids r_ids ON s.runner_key = r_ids.key
                    LEFT JOIN bulk_test_ids t_ids ON s.test_key = t_ids.key
                    ORDER BY s.logged_on""",
                    [now],
                )
            )[0]
            inserted += one_row(
                cursor.execute(
                    f"""INSERT INTO routine_logs (runner_id, {routine_columns}, created_at)
                    SELECT r_ids.id, {routine_columns}, ? FROM bulk_routine_logs l
                    JOIN bulk_runner_ids r_ids ON l.runner_key = r_ids.key ORDER BY l.logged_on""",
                    [now],
                )
            )[0]
            if inserted != len(tests) + len(symptoms) + len(routine_logs):
                raise NotFound("Some records belong to no runner of this owner; nothing was saved.")
        finally:
            cursor.execute("DROP TABLE IF EXISTS bulk_runner_ids")
            cursor.execute("DROP TABLE IF EXISTS bulk_test_ids")
            for name in frames:
                cursor.unregister(name)
    return {
        "runners": 0 if runners is None else len(runners),
        "test_sessions": len(tests),
        "symptom_entries": len(symptoms),
        "routine_logs": len(routine_logs),
    }


# -- PostgreSQL ---------------------------------------------------------------------------------------------------

_COPY_CHUNK_ROWS = 50_000  # rows formatted to CSV at a time: bounded memory at 10,000 runners x 100 tests


def bulk_load_postgres(
    store: PostgresStore, owner: str, runners: Any, tests: Any, symptoms: Any, routine_logs: Any
) -> dict[str, int]:
    """bulk_load for PostgreSQL: the same frames, the same keys and the same result, in one transaction, through
    COPY (pandas writes the CSV). Runner and test ids are taken from their sequences up front (the tests' symptom
    entries point at them); the other rows take theirs from the column defaults. The tables are analysed in the
    same transaction, as autovacuum would do soon after, so the first timed queries get the planner's usual plans.
    """
    import pandas as pd

    now = now_utc()
    with store._transaction(owner) as cursor:
        raw = cursor._cursor  # type: ignore[attr-defined]  # psycopg's own cursor, for COPY
        if runners is None:
            owned = {
                int(row[0]) for row in cursor.execute("SELECT id FROM runners WHERE owner_key = ?", [owner]).fetchall()
            }
            keys = pd.concat([frame["runner_key"] for frame in (tests, symptoms, routine_logs)]).unique()
            if not {int(key) for key in keys} <= owned:
                raise NotFound("Some records belong to no runner of this owner; nothing was saved.")
            runner_ids = {int(key): int(key) for key in keys}
        else:
            runner_ids = dict(zip(runners["key"], _new_ids(cursor, "runner_ids", len(runners)), strict=True))
            frame = runners.assign(id=runners["key"].map(runner_ids), owner_key=owner, created_at=now)
            _copy(
                raw,
                "runners",
                frame,
                ("id", "owner_key", "name", "birth_year", "sex", "units", "injured_side", "created_at"),
            )
        test_ids = dict(zip(tests["key"], _new_ids(cursor, "test_ids", len(tests)), strict=True))
        test_columns = BULK_TEST_COLUMNS[1:]
        frame = tests.assign(
            id=tests["key"].map(test_ids),
            runner_id=tests["runner_key"].map(runner_ids),
            red_flags=tests["red_flags"].map(_array_literal),
            created_at=now,
        )
        _copy(
            raw,
            "test_sessions",
            frame.sort_values(["tested_on", "id"]),
            ("id", "runner_id", *test_columns, "created_at"),
        )
        symptom_columns = SYMPTOM_COLUMNS[1:-1]
        frame = symptoms.assign(
            runner_id=symptoms["runner_key"].map(runner_ids),
            test_id=symptoms["test_key"].map(test_ids).astype("Int64"),
            created_at=now,
        )
        _copy(
            raw,
            "symptom_entries",
            frame.sort_values("logged_on", kind="stable"),
            ("runner_id", *symptom_columns, "test_id", "created_at"),
        )
        routine_columns = ROUTINE_COLUMNS[1:]
        frame = routine_logs.assign(runner_id=routine_logs["runner_key"].map(runner_ids), created_at=now)
        _copy(
            raw,
            "routine_logs",
            frame.sort_values("logged_on", kind="stable"),
            ("runner_id", *routine_columns, "created_at"),
        )
        cursor.execute("ANALYZE runners, test_sessions, symptom_entries, routine_logs")
    return {
        "runners": 0 if runners is None else len(runners),
        "test_sessions": len(tests),
        "symptom_entries": len(symptoms),
        "routine_logs": len(routine_logs),
    }


def _new_ids(cursor: Cursor, sequence: str, count: int) -> list[int]:
    """`count` ids from one of the schema's sequences (calfstore.schema.ID_SEQUENCES)."""
    rows = cursor.execute(f"SELECT nextval('{sequence}') FROM generate_series(1, ?)", [count]).fetchall()
    return [int(row[0]) for row in rows]


def _array_literal(values: Any) -> str:
    """A list of plain words (red flag names) as PostgreSQL's array text, {a,b}."""
    return "{" + ",".join(values) + "}"


def _copy(raw: Any, table: str, frame: Any, columns: tuple[str, ...]) -> None:
    """COPY the frame's `columns` into `table` as CSV. A missing value is an unquoted empty field (NULL); text
    columns that take no NULL are listed in FORCE_NOT_NULL, so an empty string there stays an empty string."""
    from pandas.api.types import is_string_dtype

    text_columns = [name for name in columns if is_string_dtype(frame[name]) and frame[name].notna().all()]
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(text_columns)})" if text_columns else "")
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN ({options})") as copy:
        for first in range(0, len(frame), _COPY_CHUNK_ROWS):
            chunk = frame.iloc[first : first + _COPY_CHUNK_ROWS]
            copy.write(
                chunk.to_csv(columns=list(columns), header=False, index=False, date_format="%Y-%m-%d %H:%M:%S.%f")
            )
