"""All of Calf Check's SQL: the DuckDB store.

One `Store` (one DuckDB connection) per process; every operation takes a fresh cursor, because one cursor
shared across threads fails. Every write runs in an explicit transaction that rolls back on any error, so a
test and its symptoms are saved together or not at all. Every query is scoped to an owner (the local machine,
or a logged-in runner's identity), so no runner can reach another owner's rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from calfcore.models import (
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    SoleusTest,
    Surface,
    SymptomEntry,
    Units,
)
from calfcore.calendar_feed import CalendarFeed, ResolvedFeed
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.retest import AwayDay, AwayReason
from calfcore.sharing import ResolvedShare, ShareLink

LOCAL_OWNER = "local"
DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "calfcheck.duckdb"


def database_path() -> Path:
    """The database file the app (and `make backup`/`make restore`) uses: CALF_DB_PATH, or data/calfcheck.duckdb."""
    return Path(os.environ.get("CALF_DB_PATH") or DEFAULT_DB_PATH)

# Every table whose rows belong to a runner: deleting a runner empties all of them.
RUNNER_TABLES = ("symptom_entries", "routine_logs", "test_sessions", "share_links", "away_days", "retest_choices",
                 "hop_tests", "readiness_checks", "calendar_feeds")


class StoreUnavailable(RuntimeError):
    """The database file can't be used. The message names the file and what to do about it."""


class NotFound(LookupError):
    """No such row for this owner (it was deleted, or belongs to someone else)."""


class EditConflict(RuntimeError):
    """Someone else changed the entry since it was loaded; nothing was overwritten."""


# Everything a store operation can raise that a page should explain to the runner (Store.explain) instead of
# showing a traceback. DuckDB's own errors are kept as they are (callers and tests may look at their type).
STORE_ERRORS: tuple[type[BaseException], ...] = (duckdb.Error, StoreUnavailable, EditConflict, NotFound)
# A write refused because a concurrent transaction changed the same rows is run again up to this many times,
# after a random pause that doubles each time (at most CONFLICT_PAUSE_MAX seconds): about 1.5 s in all at worst.
CONFLICT_RETRIES = 10
CONFLICT_PAUSE_MAX = 0.25

# A commit lives only in DuckDB's log (<file>.wal) until a checkpoint writes it into the file itself, and DuckDB
# checkpoints on its own only when the log reaches 16 MB (months of a club's saves). A damaged or deleted log, or a
# plain copy of the file alone, would lose everything since. So the store checkpoints once this many seconds have
# passed since the first commit not yet in the file (Store.checkpoint_if_due, called by the app's worker thread
# every POLL_SECONDS): at most about this window of saves lives only in the log. Cost: benchmarks/bench_checkpoint.py.
CHECKPOINT_WINDOW_SECONDS = 5.0
# DuckDB refuses a checkpoint while a write transaction is open (saves last milliseconds): try again this many
# times, CHECKPOINT_PAUSE seconds apart, before leaving it to the next call.
CHECKPOINT_ATTEMPTS = 20
CHECKPOINT_PAUSE = 0.005

# Store.open rewrites a runner table ordered by runner (Store.cluster_by_runner) once this many of its rows have
# arrived since it was last clustered: DuckDB's row group size. Fewer unclustered rows than that are about one row
# group, which a per-runner query scans whole anyway; more, and every query scans them all.
CLUSTER_MIN_ROWS = 122_880

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _is_conflict(error: BaseException) -> bool:
    """DuckDB refused a write because a concurrent transaction changed the same rows (not a disk or file error)."""
    return isinstance(error, duckdb.TransactionException) and "conflict" in str(error).lower()


def _retry_on_conflict(method: _Method) -> _Method:
    """Run a whole write again (a few times, after a short random pause) when it lost a write-write conflict.

    DuckDB raises TransactionException instead of waiting when two transactions change the same rows. The
    refused attempt was rolled back entirely, so running it again is safe for writes whose result doesn't
    depend on what the other transaction did: inserts, deletes, and idempotent stamps (share links used or
    revoked). Corrections (update_test, update_runner) are not retried: one edit wins, the other is told.
    This can't live inside `_transaction` itself: a `with` block can't be run twice.
    """
    @functools.wraps(method)
    def retrying(self: Store, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                return method(self, *args, **kwargs)
            except duckdb.TransactionException as error:
                if not _is_conflict(error) or attempt == CONFLICT_RETRIES:
                    raise
                time.sleep(random.uniform(0.0005, min(CONFLICT_PAUSE_MAX, 0.002 * 2 ** attempt)))
        raise AssertionError("unreachable")

    return retrying  # type: ignore[return-value]


# Ordered, transactional schema steps. Never edit a released step: add a new one.
# No secondary indexes: in DuckDB they block later column changes. Lookups go by runner_id on small tables.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "runners, heel-raise tests, symptoms and routine logs",
        (
            "CREATE SEQUENCE runner_ids START 1",
            "CREATE SEQUENCE test_ids START 1",
            "CREATE SEQUENCE symptom_ids START 1",
            "CREATE SEQUENCE routine_log_ids START 1",
            """CREATE TABLE runners (
                id BIGINT PRIMARY KEY DEFAULT nextval('runner_ids'),
                owner_key VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                birth_year INTEGER NOT NULL,
                sex VARCHAR NOT NULL,
                units VARCHAR NOT NULL,
                injured_side VARCHAR,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE test_sessions (
                id BIGINT PRIMARY KEY DEFAULT nextval('test_ids'),
                runner_id BIGINT NOT NULL,
                tested_on DATE NOT NULL,
                cadence_bpm INTEGER NOT NULL,
                surface VARCHAR NOT NULL,
                cued BOOLEAN NOT NULL,
                fingertip_support BOOLEAN NOT NULL,
                added_load_kg DOUBLE NOT NULL,
                straight_left INTEGER NOT NULL,
                straight_right INTEGER NOT NULL,
                bent_left INTEGER,
                bent_right INTEGER,
                height_left_cm DOUBLE,
                height_right_cm DOUBLE,
                soleus_load_kg DOUBLE,
                soleus_reps_left INTEGER,
                soleus_reps_right INTEGER,
                body_weight_kg DOUBLE,
                knee_to_wall_left_cm DOUBLE,
                knee_to_wall_right_cm DOUBLE,
                red_flags VARCHAR[] NOT NULL,
                notes VARCHAR NOT NULL,
                revision INTEGER NOT NULL DEFAULT 1,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE symptom_entries (
                id BIGINT PRIMARY KEY DEFAULT nextval('symptom_ids'),
                runner_id BIGINT NOT NULL,
                logged_on DATE NOT NULL,
                side VARCHAR NOT NULL,
                pain_during INTEGER,
                pain_next_morning INTEGER,
                stiffness_minutes INTEGER,
                location VARCHAR NOT NULL,
                test_id BIGINT,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE routine_logs (
                id BIGINT PRIMARY KEY DEFAULT nextval('routine_log_ids'),
                runner_id BIGINT NOT NULL,
                logged_on DATE NOT NULL,
                exercise_id VARCHAR NOT NULL,
                sets INTEGER NOT NULL,
                reps INTEGER NOT NULL,
                load_kg DOUBLE NOT NULL,
                pain INTEGER,
                notes VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
        ),
    ),
    (
        2,
        "share links (only the token's SHA-256 is stored)",
        (
            "CREATE SEQUENCE share_link_ids START 1",
            """CREATE TABLE share_links (
                id BIGINT PRIMARY KEY DEFAULT nextval('share_link_ids'),
                runner_id BIGINT NOT NULL,
                token_sha256 VARCHAR NOT NULL,
                label VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP,
                revoked_at TIMESTAMP,
                last_used_at TIMESTAMP
            )""",
        ),
    ),
    (
        3,
        "how far each runner table is clustered by runner (Store.cluster_by_runner)",
        (
            """CREATE TABLE clustered_tables (
                table_name VARCHAR NOT NULL,
                through_id BIGINT NOT NULL,
                clustered_at TIMESTAMP NOT NULL
            )""",
        ),
    ),
    (
        4,
        "runner profiles: body weight, and a mark on the demo runner",
        (
            "ALTER TABLE runners ADD COLUMN body_weight_kg DOUBLE",
            "ALTER TABLE runners ADD COLUMN is_demo BOOLEAN NOT NULL DEFAULT false",
        ),
    ),
    (
        5,
        "retests and return to run: days away, own retest interval, hop tests, readiness checks, calendar feeds",
        (
            "CREATE SEQUENCE away_day_ids START 1",
            "CREATE SEQUENCE retest_choice_ids START 1",
            "CREATE SEQUENCE hop_test_ids START 1",
            "CREATE SEQUENCE readiness_check_ids START 1",
            "CREATE SEQUENCE calendar_feed_ids START 1",
            """CREATE TABLE away_days (
                id BIGINT PRIMARY KEY DEFAULT nextval('away_day_ids'),
                runner_id BIGINT NOT NULL,
                day DATE NOT NULL,
                reason VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE retest_choices (
                id BIGINT PRIMARY KEY DEFAULT nextval('retest_choice_ids'),
                runner_id BIGINT NOT NULL,
                every_days INTEGER,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE hop_tests (
                id BIGINT PRIMARY KEY DEFAULT nextval('hop_test_ids'),
                runner_id BIGINT NOT NULL,
                tested_on DATE NOT NULL,
                hops_left INTEGER NOT NULL,
                hops_right INTEGER NOT NULL,
                pain_left INTEGER NOT NULL,
                pain_right INTEGER NOT NULL,
                red_flags VARCHAR[] NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE readiness_checks (
                id BIGINT PRIMARY KEY DEFAULT nextval('readiness_check_ids'),
                runner_id BIGINT NOT NULL,
                checked_on DATE NOT NULL,
                walked_pain_free BOOLEAN NOT NULL,
                settled_next_morning BOOLEAN NOT NULL,
                red_flags VARCHAR[] NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE calendar_feeds (
                id BIGINT PRIMARY KEY DEFAULT nextval('calendar_feed_ids'),
                runner_id BIGINT NOT NULL,
                token_sha256 VARCHAR NOT NULL,
                show_exercise_names BOOLEAN NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP,
                revoked_at TIMESTAMP
            )""",
        ),
    ),
)
_RUNNER_COLUMNS = "id, name, birth_year, sex, units, injured_side, body_weight_kg, is_demo"

_TEST_COLUMNS = (
    "id", "tested_on", "cadence_bpm", "surface", "cued", "fingertip_support", "added_load_kg",
    "straight_left", "straight_right", "bent_left", "bent_right", "height_left_cm", "height_right_cm",
    "soleus_load_kg", "soleus_reps_left", "soleus_reps_right", "body_weight_kg",
    "knee_to_wall_left_cm", "knee_to_wall_right_cm", "red_flags", "notes",
)
_SYMPTOM_COLUMNS = ("id", "logged_on", "side", "pain_during", "pain_next_morning", "stiffness_minutes",
                    "location", "test_id")
_ROUTINE_COLUMNS = ("id", "logged_on", "exercise_id", "sets", "reps", "load_kg", "pain", "notes")
_EVERY_DAY = dt.date(1900, 1, 1)  # list_symptoms without `since`: from this day on

# Everything load_records returns, in ONE statement: the runner's row (the ownership check) and, as lists of rows,
# every test, symptom entry and routine log. One statement reads one snapshot, and DuckDB plans and runs it once
# (each statement costs a fixed ~0.5-1.5 ms from Python, whatever it reads). The lists come unordered; Python
# sorts them by (day, id), exactly as list_tests, list_symptoms and list_routine_logs order theirs in SQL.
_LOAD_RECORDS_SQL = f"""
    SELECT {_RUNNER_COLUMNS},
        (SELECT list(row({", ".join(_TEST_COLUMNS)})) FROM test_sessions WHERE runner_id = $1),
        (SELECT list(row({", ".join(_SYMPTOM_COLUMNS)})) FROM symptom_entries
            WHERE runner_id = $1 AND logged_on >= $3),
        (SELECT list(row({", ".join(_ROUTINE_COLUMNS)})) FROM routine_logs WHERE runner_id = $1)
    FROM runners WHERE id = $1 AND owner_key = $2"""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _read_only(lowered: str) -> bool:
    """A refusal to write: permissions, a read-only file system, or an immutable file (EPERM, even for root)."""
    return any(words in lowered for words in ("permission", "read-only", "read only", "operation not permitted"))


def _explain_open_failure(path: Path, error: Exception) -> str:
    text = str(error)
    lowered = text.lower()
    log = path.with_name(path.name + ".wal")
    if "wal" in lowered and "lock" not in lowered:
        return (f"Calf Check can't open {path}: its log {log} (saves not yet written into the file) is damaged, "
                f"unreadable or belongs to another file. Nothing was changed. Restore a backup (make restore), or "
                f"move {log.name} aside to open the file without the saves it holds.")
    if "lock" in lowered:
        return (f"The database file {path} is already open in another program (another Calf Check, or a duckdb "
                f"client). DuckDB lets one process use a file at a time: close the other program, or start this "
                f"one with CALF_DB_PATH pointing at a different file.")
    if _read_only(lowered):
        return (f"Calf Check can't write to {path}: the file or its folder is read-only. Give this user write "
                f"permission, or set CALF_DB_PATH to a writable location.")
    if "no space" in lowered or "disk is full" in lowered or "disk full" in lowered:
        return f"The disk holding {path} is full. Free some space, then start Calf Check again."
    if "not a valid duckdb" in lowered or "corrupt" in lowered or "serializ" in lowered:
        return (f"{path} is not a Calf Check database it can read (damaged, or another kind of file). Restore it "
                f"from a backup, or set CALF_DB_PATH to a new file.")
    return f"Calf Check could not open its database {path}: {text.splitlines()[0] if text else type(error).__name__}"


def _explain_failure(path: Path, error: BaseException) -> str:
    """What went wrong with an operation on an open store, for the runner: what happened and what to do.

    Every write is one transaction, so a failed write has saved nothing; the message says so."""
    if isinstance(error, (StoreUnavailable, EditConflict, NotFound)):
        return str(error)
    text = str(error)
    lowered = text.lower()
    if _is_conflict(error):
        return ("Someone saved a change to the same entry at the same moment, so nothing was saved. Reload the "
                "page and make your change again.")
    if isinstance(error, duckdb.FatalException) or "invalidated" in lowered:
        after = (f"DuckDB stopped using {path} to protect it, so nothing more was saved. Calf Check reopens it at "
                 f"your next click; what you saved before is safe.")
    else:
        after = "Nothing was saved; what you saved before is safe."
    if "no space" in lowered or "disk full" in lowered or "disk is full" in lowered or "file too large" in lowered:
        return f"The disk holding {path} is full (disk full). {after} Free some space, then try again."
    if _read_only(lowered):
        return (f"Calf Check can't write to {path}: the file or its folder is read-only. {after} Give this user "
                f"write permission, or set CALF_DB_PATH to a writable location.")
    first_line = text.splitlines()[0] if text else type(error).__name__
    return f"The database {path} reported a problem ({first_line[:200]}). {after}"


_GENERATIONS = itertools.count(1)  # data version numbers (Store.generation_of): never repeated in a process


class Store:
    """The runner data store on one DuckDB file."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path):
        self._connection = connection
        self._cursor_lock = threading.Lock()
        self.path = path
        # Each owner's data version (generation_of), changed by every committed change to their data. Read caches
        # key on it, so a runner's save makes only that owner's cached reads stale (this process is the only one
        # that can open the file). Numbers come from one process-wide counter, so a store opened again on the same
        # file (after a fatal error) never reuses a number that meant older data.
        self._owner_generations: dict[str, int] = {}
        self._every_owner_generation = next(_GENERATIONS)  # the last change that touched every owner (migrations)
        self._stamp_lock = threading.Lock()  # queues updates of share links (see mark_share_used)
        self._closed = False
        self._invalidated = False
        self._logged_since: float | None = None  # monotonic time of the first commit not yet checkpointed

    @classmethod
    def open(cls, path: str | Path, *, cluster: bool = True) -> Store:
        """Open (or create) the database file and bring its schema up to date. With `cluster`, also rewrite any
        runner table that has CLUSTER_MIN_ROWS rows or more outside the by-runner order (see cluster_by_runner):
        nothing else uses the store yet, so no write can meet the rewrite."""
        path = Path(path)
        if str(path) != ":memory:":
            if not path.parent.is_dir():
                raise StoreUnavailable(
                    f"The folder {path.parent} for the database {path.name} does not exist. Create it, or set "
                    f"CALF_DB_PATH to a file in an existing folder.")
        try:
            connection = duckdb.connect(str(path))
        except duckdb.Error as error:
            raise StoreUnavailable(_explain_open_failure(path, error)) from error
        store = cls(connection, path)
        try:
            store.migrate()
        except duckdb.Error as error:
            connection.close()
            raise StoreUnavailable(_explain_open_failure(path, error)) from error
        if cluster:
            try:
                store.cluster_by_runner(min_unclustered_rows=CLUSTER_MIN_ROWS)
            except duckdb.Error:
                # Only an optimisation, and one transaction: it rolled back whole (a full disk, a read-only file...)
                # and the data is as it was. Open the file again without it, in case DuckDB stopped the connection.
                store.close()
                return cls.open(path, cluster=False)
        return store

    def close(self) -> None:
        self._closed = True
        self._connection.close()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def invalidated(self) -> bool:
        """DuckDB stopped this connection after a fatal error (such as a full disk during a checkpoint): every
        later query fails until the file is opened again, which replays its log. The shell reopens it."""
        return self._invalidated

    def explain(self, error: BaseException) -> str:
        """A clear message for a failed operation (one of STORE_ERRORS), naming the file and what to do."""
        return _explain_failure(self.path, error)

    # -- plumbing ---------------------------------------------------------------------------------------

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            with self._cursor_lock:
                cursor = self._connection.cursor()
        except duckdb.FatalException:
            self._invalidated = True
            raise
        try:
            yield cursor
        except duckdb.FatalException:
            self._invalidated = True
            raise
        finally:
            cursor.close()

    def generation_of(self, owner: str) -> int:
        """A number that changes whenever this owner's data (profiles, records, share links) changes."""
        return self._owner_generations.get(owner, self._every_owner_generation)

    def _changed(self, owner: str | None) -> None:
        """Count a committed change of one owner's data (None: every owner's). Values never repeat."""
        number = next(_GENERATIONS)
        if owner is None:
            self._owner_generations.clear()
            self._every_owner_generation = number
        else:
            self._owner_generations[owner] = number

    @contextmanager
    def _transaction(self, owner: str | None, *, changes_records: bool = True
                     ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A transaction that commits or rolls back whole. `owner`: whose data it changes (None: anyone's)."""
        with self._cursor() as cursor:
            cursor.begin()
            try:
                yield cursor
            except BaseException:
                try:
                    cursor.rollback()
                except duckdb.Error:
                    pass  # the transaction is already gone (a failed statement or fatal error): keep the cause
                raise
            cursor.commit()  # a failed commit (disk full, conflict) rolls the whole transaction back itself
            if self._logged_since is None:
                self._logged_since = time.monotonic()
            if changes_records:
                self._changed(owner)

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction. Returns the versions applied now."""
        with self._cursor() as cursor:
            cursor.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)""")
            done = {row[0] for row in cursor.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for version, name, statements in MIGRATIONS:
            if version in done:
                continue
            with self._transaction(None) as cursor:
                for statement in statements:
                    cursor.execute(statement)
                cursor.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, _now()])
            applied.append(version)
        return applied

    def schema_versions(self) -> list[int]:
        with self._cursor() as cursor:
            return [row[0] for row in cursor.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]

    @staticmethod
    def _require_runner(cursor: duckdb.DuckDBPyConnection, owner: str, runner_id: int) -> None:
        found = cursor.execute("SELECT 1 FROM runners WHERE id = ? AND owner_key = ?", [runner_id, owner]).fetchone()
        if found is None:
            raise NotFound("That runner profile does not exist (it may have been deleted).")

    # -- runners ----------------------------------------------------------------------------------------

    @_retry_on_conflict
    def create_runner(self, owner: str, runner: RunnerProfile) -> RunnerProfile:
        with self._transaction(owner) as cursor:
            row = cursor.execute(
                """INSERT INTO runners (owner_key, name, birth_year, sex, units, injured_side, body_weight_kg,
                                          is_demo, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [owner, runner.name, runner.birth_year, runner.sex.value, runner.units.value,
                 runner.injured_side.value if runner.injured_side else None, runner.body_weight_kg,
                 runner.is_demo, _now()],
            ).fetchone()
        return replace(runner, id=int(row[0]))

    def update_runner(self, owner: str, runner: RunnerProfile) -> RunnerProfile:
        """Save a changed profile. Raises EditConflict if another session saves the same profile at that moment."""
        try:
            with self._transaction(owner) as cursor:
                self._require_runner(cursor, owner, int(runner.id))  # type: ignore[arg-type]
                cursor.execute(
                    """UPDATE runners SET name = ?, birth_year = ?, sex = ?, units = ?, injured_side = ?,
                       body_weight_kg = ? WHERE id = ?""",
                    [runner.name, runner.birth_year, runner.sex.value, runner.units.value,
                     runner.injured_side.value if runner.injured_side else None, runner.body_weight_kg, runner.id],
                )
        except duckdb.TransactionException as error:
            if not _is_conflict(error):
                raise
            raise EditConflict("This profile was saved somewhere else at the same moment. Nothing was overwritten: "
                               "reload it and make your change again.") from error
        return runner

    def list_runners(self, owner: str) -> list[RunnerProfile]:
        with self._cursor() as cursor:
            rows = cursor.execute(
                f"SELECT {_RUNNER_COLUMNS} FROM runners WHERE owner_key = ? ORDER BY id",
                [owner],
            ).fetchall()
        return [_runner_from_row(row) for row in rows]

    def get_runner(self, owner: str, runner_id: int) -> RunnerProfile:
        with self._cursor() as cursor:
            row = cursor.execute(
                f"SELECT {_RUNNER_COLUMNS} FROM runners WHERE id = ? AND owner_key = ?",
                [runner_id, owner],
            ).fetchone()
        if row is None:
            raise NotFound("That runner profile does not exist (it may have been deleted).")
        return _runner_from_row(row)

    @_retry_on_conflict
    def delete_runner(self, owner: str, runner_id: int) -> None:
        """Delete a runner and every row that belongs to them, in one transaction."""
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            for table in RUNNER_TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE runner_id = ?", [runner_id])
            cursor.execute("DELETE FROM runners WHERE id = ?", [runner_id])

    @_retry_on_conflict
    def delete_owner(self, owner: str) -> int:
        """Delete every runner profile of an owner (a login) and every row that belongs to them, share links
        included, in one transaction. Returns how many profiles went."""
        with self._transaction(owner) as cursor:
            ids = [row[0] for row in cursor.execute("SELECT id FROM runners WHERE owner_key = ?", [owner]).fetchall()]
            for table in RUNNER_TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE runner_id IN (SELECT unnest(?))", [ids])
            cursor.execute("DELETE FROM runners WHERE owner_key = ?", [owner])
        return len(ids)

    def count_rows(self, runner_id: int) -> dict[str, int]:
        """How many rows each table holds for a runner (used to prove deletion and imports)."""
        with self._cursor() as cursor:
            counts = {}
            for table in RUNNER_TABLES:
                counts[table] = cursor.execute(f"SELECT count(*) FROM {table} WHERE runner_id = ?",
                                               [runner_id]).fetchone()[0]
            counts["runners"] = cursor.execute("SELECT count(*) FROM runners WHERE id = ?", [runner_id]).fetchone()[0]
        return counts

    def load_records(self, owner: str, runner_id: int) -> RunnerRecords:
        """The profile and every record of one runner, exactly as get_runner, list_tests, list_symptoms and
        list_routine_logs return them, but read in one statement: one ownership check, one consistent snapshot."""
        with self._cursor() as cursor:
            row = cursor.execute(_LOAD_RECORDS_SQL, [runner_id, owner, _EVERY_DAY]).fetchone()
        if row is None:
            raise NotFound("That runner profile does not exist (it may have been deleted).")
        tests, symptoms, logs = (sorted(rows or (), key=_by_day_then_id) for rows in row[8:11])
        return RunnerRecords(
            runner=_runner_from_row(row),
            tests=[_test_from_row(r) for r in tests],
            symptoms=[_symptom_from_row(r) for r in symptoms],
            routine_logs=[_routine_log_from_row(r) for r in logs],
        )

    # -- heel-raise tests -----------------------------------------------------------------------------

    @staticmethod
    def _insert_test(cursor: duckdb.DuckDBPyConnection, runner_id: int, test: HeelRaiseTest,
                     symptoms: Sequence[SymptomEntry]) -> int:
        values = _test_values(test)
        row = cursor.execute(
            f"""INSERT INTO test_sessions (runner_id, {", ".join(_TEST_COLUMNS[1:])}, created_at)
                VALUES (?, {", ".join("?" * (len(_TEST_COLUMNS) - 1))}, ?) RETURNING id""",
            [runner_id, *values, _now()],
        ).fetchone()
        test_id = int(row[0])
        Store._insert_symptoms(cursor, runner_id, [replace(s, test_id=test_id) for s in symptoms])
        return test_id

    @_retry_on_conflict
    def save_test(self, owner: str, runner_id: int, test: HeelRaiseTest,
                  symptoms: Sequence[SymptomEntry] = ()) -> int:
        """Save a test with its symptoms atomically; returns the new test id."""
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            return self._insert_test(cursor, runner_id, test, symptoms)

    def update_test(self, owner: str, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry],
                    expected_revision: int) -> int:
        """Correct a saved test and replace its symptoms. Raises EditConflict if it changed since loading."""
        try:
            with self._transaction(owner) as cursor:
                self._require_runner(cursor, owner, runner_id)
                assignments = ", ".join(f"{column} = ?" for column in _TEST_COLUMNS[1:])
                updated = cursor.execute(
                    f"""UPDATE test_sessions SET {assignments}, revision = revision + 1
                        WHERE id = ? AND runner_id = ? AND revision = ? RETURNING revision""",
                    [*_test_values(test), test.id, runner_id, expected_revision],
                ).fetchone()
                if updated is None:
                    exists = cursor.execute("SELECT 1 FROM test_sessions WHERE id = ? AND runner_id = ?",
                                            [test.id, runner_id]).fetchone()
                    if exists is None:
                        raise NotFound("That test no longer exists (it may have been deleted).")
                    raise EditConflict("This test was changed somewhere else since you opened it. "
                                       "Nothing was overwritten: reload it and make your change again.")
                cursor.execute("DELETE FROM symptom_entries WHERE test_id = ? AND runner_id = ?", [test.id, runner_id])
                self._insert_symptoms(cursor, runner_id, [replace(s, test_id=test.id) for s in symptoms])
                return int(updated[0])
        except duckdb.TransactionException as error:
            if not _is_conflict(error):
                raise  # a failed commit (disk full...), not another edit: the page explains it
            # DuckDB raises on a write-write conflict with a concurrent transaction: the other edit won.
            raise EditConflict("Someone saved this test at the same moment. Nothing was overwritten: reload it "
                               "and make your change again.") from error

    def test_revision(self, owner: str, runner_id: int, test_id: int) -> int:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            row = cursor.execute("SELECT revision FROM test_sessions WHERE id = ? AND runner_id = ?",
                                 [test_id, runner_id]).fetchone()
        if row is None:
            raise NotFound("That test no longer exists (it may have been deleted).")
        return int(row[0])

    @_retry_on_conflict
    def delete_test(self, owner: str, runner_id: int, test_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            cursor.execute("DELETE FROM symptom_entries WHERE test_id = ? AND runner_id = ?", [test_id, runner_id])
            deleted = cursor.execute("DELETE FROM test_sessions WHERE id = ? AND runner_id = ? RETURNING id",
                                     [test_id, runner_id]).fetchall()
            if not deleted:
                raise NotFound("That test no longer exists (it may have been deleted).")

    def list_tests(self, owner: str, runner_id: int) -> list[HeelRaiseTest]:
        """Every test of a runner, oldest first."""
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"SELECT {', '.join(_TEST_COLUMNS)} FROM test_sessions WHERE runner_id = ? ORDER BY tested_on, id",
                [runner_id],
            ).fetchall()
        return [_test_from_row(row) for row in rows]

    # -- symptoms -----------------------------------------------------------------------------------------

    @staticmethod
    def _insert_symptoms(cursor: duckdb.DuckDBPyConnection, runner_id: int, entries: Sequence[SymptomEntry]) -> None:
        if not entries:
            return
        now = _now()
        cursor.executemany(
            f"""INSERT INTO symptom_entries (runner_id, {", ".join(_SYMPTOM_COLUMNS[1:])}, created_at)
                VALUES (?, {", ".join("?" * (len(_SYMPTOM_COLUMNS) - 1))}, ?)""",
            [[runner_id, e.logged_on, e.side.value, e.pain_during, e.pain_next_morning, e.stiffness_minutes,
              e.location.value, e.test_id, now] for e in entries],
        )

    @_retry_on_conflict
    def add_symptoms(self, owner: str, runner_id: int, entries: Sequence[SymptomEntry]) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            if any(e.test_id is not None for e in entries):
                raise ValueError("symptoms of a test are saved with the test")
            self._insert_symptoms(cursor, runner_id, entries)

    def list_symptoms(self, owner: str, runner_id: int, since: dt.date | None = None) -> list[SymptomEntry]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"""SELECT {', '.join(_SYMPTOM_COLUMNS)} FROM symptom_entries
                    WHERE runner_id = ? AND logged_on >= ? ORDER BY logged_on, id""",
                [runner_id, since or _EVERY_DAY],
            ).fetchall()
        return [_symptom_from_row(row) for row in rows]

    @_retry_on_conflict
    def delete_symptom(self, owner: str, runner_id: int, symptom_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            deleted = cursor.execute(
                "DELETE FROM symptom_entries WHERE id = ? AND runner_id = ? AND test_id IS NULL RETURNING id",
                [symptom_id, runner_id]).fetchall()
            if not deleted:
                raise NotFound("That symptom entry no longer exists, or belongs to a test (edit the test instead).")

    # -- routine logs -------------------------------------------------------------------------------------

    @staticmethod
    def _insert_routine_logs(cursor: duckdb.DuckDBPyConnection, runner_id: int,
                             entries: Sequence[RoutineLogEntry]) -> None:
        if not entries:
            return
        now = _now()
        cursor.executemany(
            f"""INSERT INTO routine_logs (runner_id, {", ".join(_ROUTINE_COLUMNS[1:])}, created_at)
                VALUES (?, {", ".join("?" * (len(_ROUTINE_COLUMNS) - 1))}, ?)""",
            [[runner_id, e.logged_on, e.exercise_id, e.sets, e.reps, e.load_kg, e.pain, e.notes, now]
             for e in entries],
        )

    @_retry_on_conflict
    def add_routine_log(self, owner: str, runner_id: int, entry: RoutineLogEntry) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            self._insert_routine_logs(cursor, runner_id, [entry])

    def list_routine_logs(self, owner: str, runner_id: int) -> list[RoutineLogEntry]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"SELECT {', '.join(_ROUTINE_COLUMNS)} FROM routine_logs WHERE runner_id = ? ORDER BY logged_on, id",
                [runner_id],
            ).fetchall()
        return [_routine_log_from_row(r) for r in rows]

    @_retry_on_conflict
    def delete_routine_log(self, owner: str, runner_id: int, log_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            deleted = cursor.execute("DELETE FROM routine_logs WHERE id = ? AND runner_id = ? RETURNING id",
                                     [log_id, runner_id]).fetchall()
            if not deleted:
                raise NotFound("That routine entry no longer exists (it may have been deleted).")

    # -- bulk ---------------------------------------------------------------------------------------------

    @_retry_on_conflict
    def import_records(self, owner: str, runner_id: int, tests: Sequence[tuple[HeelRaiseTest, Sequence[SymptomEntry]]],
                       symptoms: Sequence[SymptomEntry], routine_logs: Sequence[RoutineLogEntry]) -> None:
        """Save a validated import in one transaction: all of it, or (on any error) none of it."""
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            for test, test_symptoms in tests:
                self._insert_test(cursor, runner_id, test, test_symptoms)
            self._insert_symptoms(cursor, runner_id, symptoms)
            self._insert_routine_logs(cursor, runner_id, routine_logs)

    def bulk_load(self, owner: str, runners: Any, tests: Any, symptoms: Any, routine_logs: Any) -> dict[str, int]:
        """Load many runners with their records from pandas DataFrames, in one transaction, through DuckDB's
        vectorised insert from a frame (benchmarks at club and platform scale). Values are not validated here.

        The caller keys the rows: `runners` has `key` and the profile columns (name, birth_year, sex, units,
        injured_side); `tests` has `key`, `runner_key` and the test columns; `symptoms` has `runner_key`,
        `test_key` (null for a check-in) and the symptom columns; `routine_logs` has `runner_key` and the
        routine columns. Ids come from the same sequences as single saves. Returns the rows inserted per table.
        With `runners` None, the records are added to this owner's existing runners: `runner_key` is the
        runner's id (NotFound, and nothing saved, if any is not this owner's).
        """
        now = _now()
        frames = {"bulk_runners": runners, "bulk_tests": tests, "bulk_symptoms": symptoms,
                  "bulk_routine_logs": routine_logs}
        if runners is None:
            del frames["bulk_runners"]
        test_columns = ", ".join(_TEST_COLUMNS[1:])
        symptom_columns = ", ".join(_SYMPTOM_COLUMNS[1:-1])
        routine_columns = ", ".join(_ROUTINE_COLUMNS[1:])
        with self._transaction(owner) as cursor:
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
                inserted = cursor.execute(
                    f"""INSERT INTO test_sessions (id, runner_id, {test_columns}, created_at)
                        SELECT t_ids.id, r_ids.id, {test_columns.replace("red_flags", "red_flags::VARCHAR[]")}, ?
                        FROM bulk_tests t JOIN bulk_test_ids t_ids ON t.key = t_ids.key
                        JOIN bulk_runner_ids r_ids ON t.runner_key = r_ids.key
                        ORDER BY t.tested_on, t_ids.id""", [now]).fetchone()[0]
                inserted += cursor.execute(
                    f"""INSERT INTO symptom_entries (runner_id, {symptom_columns}, test_id, created_at)
                        SELECT r_ids.id, {symptom_columns}, t_ids.id, ?
                        FROM bulk_symptoms s JOIN bulk_runner_ids r_ids ON s.runner_key = r_ids.key
                        LEFT JOIN bulk_test_ids t_ids ON s.test_key = t_ids.key
                        ORDER BY s.logged_on""", [now]).fetchone()[0]
                inserted += cursor.execute(
                    f"""INSERT INTO routine_logs (runner_id, {routine_columns}, created_at)
                        SELECT r_ids.id, {routine_columns}, ? FROM bulk_routine_logs l
                        JOIN bulk_runner_ids r_ids ON l.runner_key = r_ids.key ORDER BY l.logged_on""",
                    [now]).fetchone()[0]
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


    # -- share links ----------------------------------------------------------------------------------

    _LINK_COLUMNS = "id, runner_id, label, created_at, expires_at, revoked_at, last_used_at"

    @_retry_on_conflict
    def create_share_link(self, owner: str, runner_id: int, label: str, token_sha256: str,
                          expires_at: dt.datetime | None, now: dt.datetime) -> ShareLink:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            row = cursor.execute(
                f"""INSERT INTO share_links (runner_id, token_sha256, label, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?) RETURNING {self._LINK_COLUMNS}""",
                [runner_id, token_sha256, label, now, expires_at],
            ).fetchone()
        return ShareLink(*row)

    def list_share_links(self, owner: str, runner_id: int) -> list[ShareLink]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"SELECT {self._LINK_COLUMNS} FROM share_links WHERE runner_id = ? ORDER BY created_at DESC, id DESC",
                [runner_id]).fetchall()
        return [ShareLink(*row) for row in rows]

    @_retry_on_conflict
    def revoke_share_link(self, owner: str, runner_id: int, link_id: int, now: dt.datetime) -> None:
        with self._stamp_lock, self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            updated = cursor.execute(
                """UPDATE share_links SET revoked_at = coalesce(revoked_at, ?)
                   WHERE id = ? AND runner_id = ? RETURNING id""", [now, link_id, runner_id]).fetchall()
            if not updated:
                raise NotFound("That link no longer exists.")

    def resolve_share(self, token_sha256: str, now: dt.datetime) -> ResolvedShare | None:
        """The runner a live link opens, or None (unknown, revoked, expired, or runner deleted).

        Never cached: called on every rerun of the coach's page, so revoking takes effect at the next click.
        """
        with self._cursor() as cursor:
            row = cursor.execute(
                f"""SELECT r.owner_key, {", ".join("l." + c.strip() for c in self._LINK_COLUMNS.split(","))}
                    FROM share_links l JOIN runners r ON r.id = l.runner_id
                    WHERE l.token_sha256 = ? AND l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > ?)""",
                [token_sha256, now]).fetchone()
        if row is None:
            return None
        link = ShareLink(*row[1:])
        return ResolvedShare(owner_key=row[0], runner_id=link.runner_id, link=link)

    @_retry_on_conflict
    def mark_share_used(self, owner: str, link_id: int, now: dt.datetime) -> None:
        """Stamp 'last opened' on one of this owner's links (the owner comes from resolve_share)."""
        # Every click of every coach stamps the same row: DuckDB refuses simultaneous updates of one row instead
        # of queueing them, so this process queues them itself (it is the only process that has the file).
        # The stamp shows on the owner's Share page, so it counts as a change of that owner's data only (and
        # callers stamp at most once a minute: see calfui.shell.LAST_OPENED_RESOLUTION).
        with self._stamp_lock, self._transaction(owner) as cursor:
            cursor.execute(
                """UPDATE share_links SET last_used_at = ?
                   WHERE id = ? AND runner_id IN (SELECT id FROM runners WHERE owner_key = ?)""",
                [now, link_id, owner])

    # -- retests and return to run (issue 15): days away, own retest interval, hop tests, checklist, feeds ------

    @_retry_on_conflict
    def set_away_days(self, owner: str, runner_id: int, days: Sequence[AwayDay]) -> None:
        """Mark days away, all or none (one reason per day: marking a day again replaces its reason)."""
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            for away in days:
                cursor.execute("DELETE FROM away_days WHERE runner_id = ? AND day = ?", [runner_id, away.day])
                cursor.execute("INSERT INTO away_days (runner_id, day, reason, created_at) VALUES (?, ?, ?, ?)",
                               [runner_id, away.day, away.reason.value, _now()])

    def list_away_days(self, owner: str, runner_id: int) -> list[AwayDay]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute("SELECT id, day, reason FROM away_days WHERE runner_id = ? ORDER BY day",
                                  [runner_id]).fetchall()
        return [AwayDay(day=row[1], reason=AwayReason(row[2]), id=int(row[0])) for row in rows]

    @_retry_on_conflict
    def delete_away_day(self, owner: str, runner_id: int, away_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            if not cursor.execute("DELETE FROM away_days WHERE id = ? AND runner_id = ? RETURNING id",
                                  [away_id, runner_id]).fetchall():
                raise NotFound("That day is no longer marked.")

    @_retry_on_conflict
    def set_retest_choice(self, owner: str, runner_id: int, every_days: int | None) -> None:
        """The runner's own retest interval in days (None: by stage). The latest choice counts."""
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            cursor.execute("DELETE FROM retest_choices WHERE runner_id = ?", [runner_id])
            cursor.execute("INSERT INTO retest_choices (runner_id, every_days, created_at) VALUES (?, ?, ?)",
                           [runner_id, every_days, _now()])

    def retest_choice(self, owner: str, runner_id: int) -> int | None:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            row = cursor.execute("SELECT every_days FROM retest_choices WHERE runner_id = ? ORDER BY id DESC LIMIT 1",
                                 [runner_id]).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    @_retry_on_conflict
    def save_hop_test(self, owner: str, runner_id: int, test: HopTest) -> int:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            return int(cursor.execute(
                """INSERT INTO hop_tests (runner_id, tested_on, hops_left, hops_right, pain_left, pain_right, red_flags,
                                          created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [runner_id, test.tested_on, test.hops.left, test.hops.right, test.pain.left, test.pain.right,
                 sorted(test.red_flags), _now()]).fetchone()[0])

    def list_hop_tests(self, owner: str, runner_id: int) -> list[HopTest]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                """SELECT id, tested_on, hops_left, hops_right, pain_left, pain_right, red_flags FROM hop_tests
                   WHERE runner_id = ? ORDER BY tested_on, id""", [runner_id]).fetchall()
        return [HopTest(tested_on=r[1], hops=LegPair(r[2], r[3]), pain=LegPair(r[4], r[5]), red_flags=frozenset(r[6]),
                        id=int(r[0])) for r in rows]

    @_retry_on_conflict
    def delete_hop_test(self, owner: str, runner_id: int, hop_test_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            deleted = cursor.execute("DELETE FROM hop_tests WHERE id = ? AND runner_id = ? RETURNING id",
                                     [hop_test_id, runner_id]).fetchall()
            if not deleted:
                raise NotFound("That hop test no longer exists (it may have been deleted).")

    @_retry_on_conflict
    def delete_readiness_check(self, owner: str, runner_id: int, check_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            deleted = cursor.execute("DELETE FROM readiness_checks WHERE id = ? AND runner_id = ? RETURNING id",
                                     [check_id, runner_id]).fetchall()
            if not deleted:
                raise NotFound("That checklist entry no longer exists (it may have been deleted).")

    @_retry_on_conflict
    def save_readiness_check(self, owner: str, runner_id: int, check: ReadinessCheck) -> int:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            return int(cursor.execute(
                """INSERT INTO readiness_checks (runner_id, checked_on, walked_pain_free, settled_next_morning,
                                                 red_flags, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                [runner_id, check.checked_on, check.walked_pain_free, check.settled_next_morning,
                 sorted(check.red_flags), _now()]).fetchone()[0])

    def list_readiness_checks(self, owner: str, runner_id: int) -> list[ReadinessCheck]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                """SELECT id, checked_on, walked_pain_free, settled_next_morning, red_flags FROM readiness_checks
                   WHERE runner_id = ? ORDER BY checked_on, id""", [runner_id]).fetchall()
        return [ReadinessCheck(checked_on=r[1], walked_pain_free=r[2], settled_next_morning=r[3],
                               red_flags=frozenset(r[4]), id=int(r[0])) for r in rows]

    _FEED_COLUMNS = "id, runner_id, show_exercise_names, created_at, expires_at, revoked_at"

    @_retry_on_conflict
    def create_calendar_feed(self, owner: str, runner_id: int, token_sha256: str, show_exercise_names: bool,
                             expires_at: dt.datetime | None, now: dt.datetime) -> CalendarFeed:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            row = cursor.execute(
                f"""INSERT INTO calendar_feeds (runner_id, token_sha256, show_exercise_names, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?) RETURNING {self._FEED_COLUMNS}""",
                [runner_id, token_sha256, show_exercise_names, now, expires_at]).fetchone()
        return CalendarFeed(*row)

    def list_calendar_feeds(self, owner: str, runner_id: int) -> list[CalendarFeed]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(f"""SELECT {self._FEED_COLUMNS} FROM calendar_feeds WHERE runner_id = ?
                                      ORDER BY created_at DESC, id DESC""", [runner_id]).fetchall()
        return [CalendarFeed(*row) for row in rows]

    @_retry_on_conflict
    def revoke_calendar_feed(self, owner: str, runner_id: int, feed_id: int, now: dt.datetime) -> None:
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id)
            if not cursor.execute("""UPDATE calendar_feeds SET revoked_at = coalesce(revoked_at, ?)
                                     WHERE id = ? AND runner_id = ? RETURNING id""",
                                  [now, feed_id, runner_id]).fetchall():
                raise NotFound("That calendar feed no longer exists.")

    def resolve_calendar_feed(self, token_sha256: str, now: dt.datetime) -> ResolvedFeed | None:
        """The live feed of a token's hash, or None (unknown, revoked, expired, runner deleted). Never cached."""
        with self._cursor() as cursor:
            row = cursor.execute(
                f"""SELECT r.owner_key, {", ".join("f." + c.strip() for c in self._FEED_COLUMNS.split(","))}
                    FROM calendar_feeds f JOIN runners r ON r.id = f.runner_id
                    WHERE f.token_sha256 = ? AND f.revoked_at IS NULL AND (f.expires_at IS NULL OR f.expires_at > ?)""",
                [token_sha256, now]).fetchone()
        return None if row is None else ResolvedFeed(owner_key=row[0], feed=CalendarFeed(*row[1:]))

    def table_text(self, table: str) -> str:
        """Every value of a table as text, for tests that prove what is (not) stored, such as plain tokens."""
        if table not in (*RUNNER_TABLES, "runners"):
            raise ValueError(table)
        with self._cursor() as cursor:
            return "\n".join(" ".join(map(str, row)) for row in cursor.execute(f"SELECT * FROM {table}").fetchall())

    # -- layout: each runner's rows together -----------------------------------------------------------------

    def unclustered_rows(self) -> dict[str, int]:
        """Rows of each runner table that arrived after its last cluster_by_runner (all of them if never)."""
        with self._cursor() as cursor:
            return {table: count for table, (count, _) in _unclustered(cursor).items()}

    def cluster_by_runner(self, *, min_unclustered_rows: int = 0) -> dict[str, int]:
        """Rewrite each runner table whose unclustered rows number at least `min_unclustered_rows` (and at least
        one) in (runner_id, id) order, all in ONE transaction: every row, id and value is kept, and a failure or a
        kill midway leaves the tables as they were. Returns the rows rewritten per table ({} if none was due).

        Why: the schema has no secondary indexes (they block later column changes in DuckDB), so a per-runner query
        scans its table; DuckDB skips the row groups (122,880 rows) whose min/max runner_id exclude the runner
        (zone maps). Rows arrive in date order, every runner's spread over the whole file, so nothing is skipped
        until the table is stored by runner. Rows saved afterwards land after the clustered ones, and queries
        scan them all until the next rewrite.

        How: a copy of the table (same definition, from DuckDB's catalog) filled in order, then the old table
        dropped and the copy renamed; DuckDB frees the old blocks at the next checkpoint, and checkpoints merge
        the deleted rows away. Meant for when nothing else uses this store (Store.open, before it hands the
        store out; or with the app stopped): a write from another thread meanwhile is refused, never lost.
        """
        def due(found: dict[str, tuple[int, int]]) -> list[tuple[str, int]]:
            return [(table, through_id) for table, (count, through_id) in found.items()
                    if count and count >= min_unclustered_rows]

        with self._cursor() as cursor:  # most start-ups: nothing due, and no write transaction either
            if not due(_unclustered(cursor)):
                return {}
        rewritten: dict[str, int] = {}
        with self._transaction(None, changes_records=False) as cursor:
            for table, through_id in due(_unclustered(cursor)):
                definition = cursor.execute(
                    """SELECT sql FROM duckdb_tables()
                       WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?""",
                    [table]).fetchone()[0]
                copy = f"{table}__by_runner"
                cursor.execute(_renamed_definition(definition, table, copy))
                cursor.execute(f"INSERT INTO {copy} SELECT * FROM {table} ORDER BY runner_id, id")
                rewritten[table] = int(cursor.execute(f"SELECT count(*) FROM {copy}").fetchone()[0])
                cursor.execute(f"DROP TABLE {table}")
                cursor.execute(f"ALTER TABLE {copy} RENAME TO {table}")
                cursor.execute("DELETE FROM clustered_tables WHERE table_name = ?", [table])
                cursor.execute("INSERT INTO clustered_tables VALUES (?, ?, ?)", [table, through_id, _now()])
        return rewritten

    # -- durability: checkpoints, snapshots, backups ---------------------------------------------------------

    def checkpoint(self) -> None:
        """Write the log (.wal) into the main file now (DuckDB also does this on its own as the log grows)."""
        with self._cursor() as cursor:
            cursor.execute("CHECKPOINT")

    def checkpoint_if_due(self, window: float = CHECKPOINT_WINDOW_SECONDS) -> bool:
        """Checkpoint if a commit has waited in the log for `window` seconds or more; True if it did.

        A commit landing during the checkpoint marks the log again, so the next call writes it too. A failed
        checkpoint (another transaction running, a full disk) leaves the mark, to be tried at the next call."""
        since = self._logged_since
        if since is None or time.monotonic() - since < window:
            return False
        self._logged_since = None
        try:
            for attempt in range(CHECKPOINT_ATTEMPTS):
                try:
                    self.checkpoint()
                    return True
                except duckdb.TransactionException:
                    if attempt == CHECKPOINT_ATTEMPTS - 1:
                        raise
                    time.sleep(CHECKPOINT_PAUSE)
        except BaseException:
            if self._logged_since is None:
                self._logged_since = since
            raise
        return True

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, field for field, in a stable order: to prove two databases hold the same."""
        with self._cursor() as cursor:
            return _snapshot(cursor, _current_database(cursor))

    def backup_to(self, target: str | Path) -> dict[str, int]:
        """Copy the whole database into the new file `target` from inside this process, while it keeps serving.

        DuckDB lets one process open the file, so a backup of a running app must be made here. The copy is one
        transaction: a consistent snapshot that includes every committed save and nothing half-written. Returns
        the rows copied per table. `target` must not exist yet.
        """
        target = Path(target)
        if target.exists():
            raise FileExistsError(f"{target} already exists; a backup never overwrites a file.")
        alias = f"calf_backup_{random.getrandbits(32):08x}"
        with self._cursor() as cursor:
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
    return str(cursor.execute("SELECT current_database()").fetchone()[0])


def _unclustered(cursor: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Per runner table: (rows with an id above the table's clustered watermark, the highest id now). Ids come
    from sequences, so rows saved since the last rewrite are exactly those above it; the filter on id (a value,
    not a subquery) lets DuckDB skip every clustered row group by its zone map. Two statements: it runs at every
    start-up."""
    watermarks = dict(cursor.execute("SELECT table_name, through_id FROM clustered_tables").fetchall())
    marks = [watermarks.get(table, 0) for table in RUNNER_TABLES]
    found = cursor.execute(
        "SELECT " + ", ".join(f"(SELECT row(count(*), max(id)) FROM {table} WHERE id > ?)" for table in RUNNER_TABLES),
        marks).fetchone()
    return {table: (int(count), int(top if top is not None else mark))
            for table, mark, (count, top) in zip(RUNNER_TABLES, marks, found, strict=True)}


def _renamed_definition(definition: str, table: str, new_name: str) -> str:
    """DuckDB's CREATE TABLE statement for `table` (duckdb_tables().sql), creating `new_name` instead."""
    pattern = re.compile(rf'^\s*CREATE\s+TABLE\s+(?:"?main"?\.)?"?{re.escape(table)}"?\s*\(', re.IGNORECASE)
    renamed, replaced = pattern.subn(f"CREATE TABLE {new_name}(", definition, count=1)
    if not replaced:
        raise RuntimeError(f"unexpected definition of {table}: {definition[:80]}")
    return renamed


def _table_names(cursor: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    rows = cursor.execute("""SELECT table_name FROM duckdb_tables()
                             WHERE database_name = ? AND schema_name = 'main' AND NOT temporary
                             ORDER BY table_name""", [database]).fetchall()
    return [row[0] for row in rows]


def _row_counts(cursor: duckdb.DuckDBPyConnection, database: str) -> dict[str, int]:
    return {table: int(cursor.execute(f"SELECT count(*) FROM {_ident(database)}.main.{_ident(table)}").fetchone()[0])
            for table in _table_names(cursor, database)}


def _snapshot(cursor: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[tuple[Any, ...]]]:
    return {table: cursor.execute(f"SELECT * FROM {_ident(database)}.main.{_ident(table)} ORDER BY ALL").fetchall()
            for table in _table_names(cursor, database)}


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
        raise StoreUnavailable(_explain_open_failure(path, error)) from error


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
        raise StoreUnavailable(_explain_open_failure(path, error)) from error
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
            raise StoreUnavailable(f"{path} is a DuckDB file but not a Calf Check database (it has no schema "
                                   f"history).")
        versions = [row[0] for row in connection.execute(
            "SELECT version FROM schema_migrations ORDER BY version").fetchall()]
        return DatabaseSummary(path, versions, _row_counts(connection, database))
    except duckdb.Error as error:
        raise StoreUnavailable(_explain_open_failure(path, error)) from error
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
            raise StoreUnavailable(_explain_open_failure(source, error)) from error
        connection.execute(f"ATTACH {_sql_text(target)} AS calf_target")
        try:
            return _copy_database(connection, "calf_source", "calf_target")
        finally:
            connection.execute("DETACH calf_target")
    finally:
        connection.close()


def _runner_from_row(row: Sequence[Any]) -> RunnerProfile:
    return RunnerProfile(id=int(row[0]), name=row[1], birth_year=int(row[2]), sex=Sex(row[3]), units=Units(row[4]),
                         injured_side=Side(row[5]) if row[5] else None,
                         body_weight_kg=float(row[6]) if row[6] is not None else None, is_demo=bool(row[7]))


def _test_values(test: HeelRaiseTest) -> list[Any]:
    p = test.protocol
    bent = test.bent_reps or LegPair(None, None)
    height = test.heel_height_cm or LegPair(None, None)
    ktw = test.knee_to_wall_cm or LegPair(None, None)
    soleus = test.soleus
    return [
        test.tested_on, p.cadence_bpm, p.surface.value, p.cued, p.fingertip_support, p.added_load_kg,
        test.straight_reps.left, test.straight_reps.right, bent.left, bent.right, height.left, height.right,
        soleus.load_kg if soleus else None, soleus.reps.left if soleus else None,
        soleus.reps.right if soleus else None, soleus.body_weight_kg if soleus else None,
        ktw.left, ktw.right, sorted(test.red_flags), test.notes,
    ]


def _pair(left: Any, right: Any) -> LegPair | None:
    return None if left is None and right is None else LegPair(left, right)


def _test_from_row(row: Sequence[Any]) -> HeelRaiseTest:
    r = dict(zip(_TEST_COLUMNS, row, strict=True))
    soleus = None
    if r["soleus_load_kg"] is not None:
        soleus = SoleusTest(r["soleus_load_kg"], LegPair(r["soleus_reps_left"], r["soleus_reps_right"]),
                            r["body_weight_kg"])
    return HeelRaiseTest(
        id=int(r["id"]),
        tested_on=r["tested_on"],
        protocol=Protocol(cadence_bpm=r["cadence_bpm"], surface=Surface(r["surface"]), cued=r["cued"],
                          fingertip_support=r["fingertip_support"], added_load_kg=r["added_load_kg"]),
        straight_reps=LegPair(r["straight_left"], r["straight_right"]),
        bent_reps=_pair(r["bent_left"], r["bent_right"]),
        heel_height_cm=_pair(r["height_left_cm"], r["height_right_cm"]),
        soleus=soleus,
        knee_to_wall_cm=_pair(r["knee_to_wall_left_cm"], r["knee_to_wall_right_cm"]),
        red_flags=frozenset(r["red_flags"]),
        notes=r["notes"],
    )


def _routine_log_from_row(r: Sequence[Any]) -> RoutineLogEntry:
    return RoutineLogEntry(logged_on=r[1], exercise_id=r[2], sets=r[3], reps=r[4], load_kg=r[5], pain=r[6],
                           notes=r[7], id=r[0])


def _by_day_then_id(row: Sequence[Any]) -> tuple[Any, Any]:
    """The order of ORDER BY <day>, id for rows whose first two columns are id and a (never null) day."""
    return row[1], row[0]


def _symptom_from_row(row: Sequence[Any]) -> SymptomEntry:
    return SymptomEntry(id=int(row[0]), logged_on=row[1], side=Side(row[2]), pain_during=row[3],
                        pain_next_morning=row[4], stiffness_minutes=row[5], location=PainLocation(row[6]),
                        test_id=row[7])


@dataclass(frozen=True)
class RunnerRecords:
    """Everything a runner has recorded, read in one go for the dashboard."""

    runner: RunnerProfile
    tests: list[HeelRaiseTest]
    symptoms: list[SymptomEntry]
    routine_logs: list[RoutineLogEntry]


def load_records(store: Store, owner: str, runner_id: int) -> RunnerRecords:
    """Everything a runner recorded (Store.load_records): what the dashboard reads."""
    return store.load_records(owner, runner_id)
