"""Every query of the store, written once for DuckDB and PostgreSQL.

`SqlStore` holds the operations; a backend (calfstore.duckdb_store, calfstore.postgres_store) supplies cursors and
transactions, turns its driver's errors into calfstore.errors, and keeps each owner's data version. Queries use `?`
placeholders (the PostgreSQL backend rewrites them for psycopg) and SQL both databases speak.

Concurrency: every write is one transaction that checks the runner belongs to the owner first. On PostgreSQL that
check takes a row lock (`_LOCK_RUNNER_TO_WRITE`), so a profile deleted while another tab saves to it either waits
for the save (and deletes its rows too) or makes the save fail with NotFound: no orphan rows either way.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
from abc import abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from calfcore.calendar_feed import CalendarFeed, ResolvedFeed
from calfcore.clock import now_utc
from calfcore.coaching import RosterEntry, TestComment
from calfcore.models import (
    CheckinWarning,
    ClinicianAllClear,
    HeelRaiseTest,
    RoutineLogEntry,
    RunnerProfile,
    RunnerRecords,
    SymptomEntry,
)
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.retest import AwayDay, AwayReason
from calfcore.sharing import LinkStatus, ResolvedShare, ShareLink, link_status
from calfstore.errors import EditConflict, NotAllowed, NotFound, NotSaved, WriteConflict
from calfstore.interface import Store
from calfstore.rows import (
    ALL_CLEAR_COLUMNS,
    CHECKIN_WARNING_COLUMNS,
    COMMENT_COLUMNS,
    EVERY_DAY,
    FEED_COLUMNS,
    HOP_TEST_COLUMNS,
    LINK_COLUMNS,
    READINESS_COLUMNS,
    ROUTINE_COLUMNS,
    RUNNER_COLUMNS,
    SYMPTOM_COLUMNS,
    TEST_COLUMNS,
    all_clear_from_row,
    calendar_feed_from_row,
    checkin_warning_from_row,
    comment_from_row,
    hop_test_from_row,
    readiness_check_from_row,
    routine_log_from_row,
    runner_from_row,
    share_link_from_row,
    symptom_from_row,
    test_from_row,
    test_values,
)
from calfstore.schema import MIGRATIONS, RUNNER_TABLES, statements_for

# A write refused because a concurrent transaction changed the same rows is run again up to this many times,
# after a random pause that doubles each time (at most CONFLICT_PAUSE_MAX seconds): about 1.5 s in all at worst.
CONFLICT_RETRIES = 10
CONFLICT_PAUSE_MAX = 0.25

RUNNER_GONE = "That runner profile does not exist (it may have been deleted)."
LINK_GONE = "This link doesn't work any more: the runner withdrew it or it expired. Nothing was saved."
NO_COMMENTS = "This link doesn't allow comments (the runner decides that). Nothing was saved."
_LIVE_LINK = "l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > ?)"

_Method = TypeVar("_Method", bound=Callable[..., Any])


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


def retry_on_conflict(method: _Method) -> _Method:
    """Run a whole write again (a few times, after a short random pause) when it lost a write-write conflict.

    DuckDB refuses instead of waiting when two transactions change the same rows; PostgreSQL can pick a deadlock's
    victim. The refused attempt was rolled back entirely, so running it again is safe for writes whose result
    doesn't depend on what the other transaction did: inserts, deletes, and idempotent stamps. Corrections
    (update_test, update_runner) are not retried: one edit wins, the other is told (EditConflict).
    """

    @functools.wraps(method)
    def retrying(self: SqlStore, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                return method(self, *args, **kwargs)
            except WriteConflict:
                if attempt == CONFLICT_RETRIES:
                    raise
                time.sleep(random.uniform(0.0005, min(CONFLICT_PAUSE_MAX, 0.002 * 2**attempt)))
        raise AssertionError("unreachable")

    return retrying  # type: ignore[return-value]  # functools.wraps keeps the signature; mypy can't see it


class SqlStore(Store):
    """The operations, over a backend's `_cursor` (reads) and `_transaction` (writes)."""

    dialect: str = ""
    _LOCK_RUNNER_TO_WRITE = ""  # PostgreSQL: " FOR KEY SHARE" (a save and a delete of the profile queue)
    _LOCK_RUNNER_TO_DELETE = ""  # PostgreSQL: " FOR UPDATE"

    @abstractmethod
    def _cursor(self) -> AbstractContextManager[Cursor]:
        """A cursor for reads (each statement sees committed data)."""

    @abstractmethod
    def _transaction(self, owner: str | None, *, changes_records: bool = True) -> AbstractContextManager[Cursor]:
        """A transaction that commits or rolls back whole, and then changes `owner`'s data version (None: every
        owner's; `changes_records=False`: nobody's, for rewrites that keep every value)."""

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

    def schema_versions(self) -> list[int]:
        with self._cursor() as cursor:
            return [
                int(row[0])
                for row in cursor.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
            ]

    # -- runners ----------------------------------------------------------------------------------------

    @retry_on_conflict
    def create_runner(self, owner: str, runner: RunnerProfile) -> RunnerProfile:
        with self._transaction(owner) as cursor:
            row = cursor.execute(
                """INSERT INTO runners (owner_key, name, birth_year, sex, units, injured_side, body_weight_kg,
                                          is_demo, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [
                    owner,
                    runner.name,
                    runner.birth_year,
                    runner.sex.value,
                    runner.units.value,
                    runner.injured_side.value if runner.injured_side else None,
                    runner.body_weight_kg,
                    runner.is_demo,
                    now_utc(),
                ],
            ).fetchone()
        return replace(runner, id=int(row[0]))

    def update_runner(self, owner: str, runner: RunnerProfile) -> RunnerProfile:
        """Save a changed profile. Raises EditConflict if another session saves the same profile at that moment."""
        if runner.id is None:
            raise NotFound(RUNNER_GONE)
        try:
            with self._transaction(owner) as cursor:
                self._require_runner(cursor, owner, runner.id, self._LOCK_RUNNER_TO_DELETE)
                cursor.execute(
                    """UPDATE runners SET name = ?, birth_year = ?, sex = ?, units = ?, injured_side = ?,
                       body_weight_kg = ? WHERE id = ?""",
                    [
                        runner.name,
                        runner.birth_year,
                        runner.sex.value,
                        runner.units.value,
                        runner.injured_side.value if runner.injured_side else None,
                        runner.body_weight_kg,
                        runner.id,
                    ],
                )
        except WriteConflict as error:
            raise EditConflict(
                "This profile was saved somewhere else at the same moment. Nothing was overwritten: "
                "reload it and make your change again."
            ) from error
        return runner

    def list_runners(self, owner: str) -> list[RunnerProfile]:
        with self._cursor() as cursor:
            rows = cursor.execute(
                f"SELECT {RUNNER_COLUMNS} FROM runners WHERE owner_key = ? ORDER BY id", [owner]
            ).fetchall()
        return [runner_from_row(row) for row in rows]

    def get_runner(self, owner: str, runner_id: int) -> RunnerProfile:
        with self._cursor() as cursor:
            row = cursor.execute(
                f"SELECT {RUNNER_COLUMNS} FROM runners WHERE id = ? AND owner_key = ?", [runner_id, owner]
            ).fetchone()
        if row is None:
            raise NotFound(RUNNER_GONE)
        return runner_from_row(row)

    @retry_on_conflict
    def delete_runner(self, owner: str, runner_id: int) -> None:
        """Delete a runner and every row that belongs to them, in one transaction."""
        with self._transaction(owner) as cursor:
            self._require_runner(cursor, owner, runner_id, self._LOCK_RUNNER_TO_DELETE)
            for table in RUNNER_TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE runner_id = ?", [runner_id])
            cursor.execute("DELETE FROM runners WHERE id = ?", [runner_id])

    @retry_on_conflict
    def delete_owner(self, owner: str) -> int:
        """Delete every runner profile of an owner (a login) and every row that belongs to them, share links
        included, in one transaction. Returns how many profiles went."""
        with self._transaction(owner) as cursor:
            ids = cursor.execute(
                f"SELECT id FROM runners WHERE owner_key = ? ORDER BY id{self._LOCK_RUNNER_TO_DELETE}", [owner]
            ).fetchall()
            for table in RUNNER_TABLES:
                cursor.execute(
                    f"DELETE FROM {table} WHERE runner_id IN (SELECT id FROM runners WHERE owner_key = ?)", [owner]
                )
            cursor.execute("DELETE FROM runners WHERE owner_key = ?", [owner])
            for table in ("roster_entries", "coach_notes"):  # what this login kept as a coach, on others' runners
                cursor.execute(f"DELETE FROM {table} WHERE coach_owner_key = ?", [owner])
        return len(ids)

    def load_records(self, owner: str, runner_id: int) -> RunnerRecords:
        """The profile and every record of one runner, as get_runner, list_tests, list_symptoms and
        list_routine_logs return them, read from one snapshot (`_snapshot_cursor`)."""
        with self._snapshot_cursor() as cursor:
            row = cursor.execute(
                f"SELECT {RUNNER_COLUMNS} FROM runners WHERE id = ? AND owner_key = ?", [runner_id, owner]
            ).fetchone()
            if row is None:
                raise NotFound(RUNNER_GONE)
            tests = self._select_tests(cursor, runner_id)
            symptoms = self._select_symptoms(cursor, runner_id, EVERY_DAY)
            logs = self._select_routine_logs(cursor, runner_id)
            warnings = self._select_checkin_warnings(cursor, runner_id)
            clears = self._select_all_clears(cursor, runner_id)
        return RunnerRecords(
            runner=runner_from_row(row),
            tests=tests,
            symptoms=symptoms,
            routine_logs=logs,
            checkin_warnings=warnings,
            all_clears=clears,
        )

    def _snapshot_cursor(self) -> AbstractContextManager[Cursor]:
        """A cursor whose statements all read one snapshot (a read-only transaction)."""
        return self._transaction(None, changes_records=False)

    # -- heel-raise tests -----------------------------------------------------------------------------

    def _insert_test(
        self, cursor: Cursor, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry]
    ) -> int:
        row = cursor.execute(
            f"""INSERT INTO test_sessions (runner_id, {", ".join(TEST_COLUMNS[1:])}, created_at)
                VALUES (?, {", ".join("?" * (len(TEST_COLUMNS) - 1))}, ?) RETURNING id""",
            [runner_id, *test_values(test), now_utc()],
        ).fetchone()
        test_id = int(row[0])
        self._insert_symptoms(cursor, runner_id, [replace(s, test_id=test_id) for s in symptoms])
        return test_id

    @retry_on_conflict
    def save_test(self, owner: str, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry] = ()) -> int:
        """Save a test with its symptoms atomically; returns the new test id."""
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            return self._insert_test(cursor, runner_id, test, symptoms)

    def update_test(
        self, owner: str, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry], expected_revision: int
    ) -> int:
        """Correct a saved test and replace its symptoms. Raises EditConflict if it changed since loading."""
        try:
            with self._transaction(owner) as cursor:
                self._writing_for(cursor, owner, runner_id)
                assignments = ", ".join(f"{column} = ?" for column in TEST_COLUMNS[1:])
                updated = cursor.execute(
                    f"""UPDATE test_sessions SET {assignments}, revision = revision + 1
                        WHERE id = ? AND runner_id = ? AND revision = ? RETURNING revision""",
                    [*test_values(test), test.id, runner_id, expected_revision],
                ).fetchone()
                if updated is None:
                    exists = cursor.execute(
                        "SELECT 1 FROM test_sessions WHERE id = ? AND runner_id = ?", [test.id, runner_id]
                    ).fetchone()
                    if exists is None:
                        raise NotFound("That test no longer exists (it may have been deleted).")
                    raise EditConflict(
                        "This test was changed somewhere else since you opened it. "
                        "Nothing was overwritten: reload it and make your change again."
                    )
                cursor.execute("DELETE FROM symptom_entries WHERE test_id = ? AND runner_id = ?", [test.id, runner_id])
                self._insert_symptoms(cursor, runner_id, [replace(s, test_id=test.id) for s in symptoms])
                return int(updated[0])
        except WriteConflict as error:
            raise EditConflict(
                "Someone saved this test at the same moment. Nothing was overwritten: reload it "
                "and make your change again."
            ) from error

    def test_revision(self, owner: str, runner_id: int, test_id: int) -> int:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            row = cursor.execute(
                "SELECT revision FROM test_sessions WHERE id = ? AND runner_id = ?", [test_id, runner_id]
            ).fetchone()
        if row is None:
            raise NotFound("That test no longer exists (it may have been deleted).")
        return int(row[0])

    @retry_on_conflict
    def delete_test(self, owner: str, runner_id: int, test_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            cursor.execute("DELETE FROM symptom_entries WHERE test_id = ? AND runner_id = ?", [test_id, runner_id])
            cursor.execute("DELETE FROM test_comments WHERE test_id = ? AND runner_id = ?", [test_id, runner_id])
            deleted = cursor.execute(
                "DELETE FROM test_sessions WHERE id = ? AND runner_id = ? RETURNING id", [test_id, runner_id]
            ).fetchall()
            if not deleted:
                raise NotFound("That test no longer exists (it may have been deleted).")

    def list_tests(self, owner: str, runner_id: int) -> list[HeelRaiseTest]:
        """Every test of a runner, oldest first."""
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            return self._select_tests(cursor, runner_id)

    @staticmethod
    def _select_tests(cursor: Cursor, runner_id: int) -> list[HeelRaiseTest]:
        rows = cursor.execute(
            f"SELECT {', '.join(TEST_COLUMNS)} FROM test_sessions WHERE runner_id = ? ORDER BY tested_on, id",
            [runner_id],
        ).fetchall()
        return [test_from_row(row) for row in rows]

    # -- symptoms -----------------------------------------------------------------------------------------

    @staticmethod
    def _insert_symptoms(cursor: Cursor, runner_id: int, entries: Sequence[SymptomEntry]) -> None:
        if not entries:
            return
        now = now_utc()
        cursor.executemany(
            f"""INSERT INTO symptom_entries (runner_id, {", ".join(SYMPTOM_COLUMNS[1:])}, created_at)
                VALUES (?, {", ".join("?" * (len(SYMPTOM_COLUMNS) - 1))}, ?)""",
            [
                [
                    runner_id,
                    e.logged_on,
                    e.side.value,
                    e.pain_during,
                    e.pain_next_morning,
                    e.stiffness_minutes,
                    e.location.value,
                    e.test_id,
                    now,
                ]
                for e in entries
            ],
        )

    @retry_on_conflict
    def add_symptoms(self, owner: str, runner_id: int, entries: Sequence[SymptomEntry]) -> None:
        if any(e.test_id is not None for e in entries):
            raise ValueError("symptoms of a test are saved with the test")
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            self._insert_symptoms(cursor, runner_id, entries)

    def list_symptoms(self, owner: str, runner_id: int, since: dt.date | None = None) -> list[SymptomEntry]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            return self._select_symptoms(cursor, runner_id, since or EVERY_DAY)

    @staticmethod
    def _select_symptoms(cursor: Cursor, runner_id: int, since: dt.date) -> list[SymptomEntry]:
        rows = cursor.execute(
            f"""SELECT {", ".join(SYMPTOM_COLUMNS)} FROM symptom_entries
                WHERE runner_id = ? AND logged_on >= ? ORDER BY logged_on, id""",
            [runner_id, since],
        ).fetchall()
        return [symptom_from_row(row) for row in rows]

    @retry_on_conflict
    def delete_symptom(self, owner: str, runner_id: int, symptom_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            deleted = cursor.execute(
                "DELETE FROM symptom_entries WHERE id = ? AND runner_id = ? AND test_id IS NULL RETURNING id",
                [symptom_id, runner_id],
            ).fetchall()
            if not deleted:
                raise NotFound("That symptom entry no longer exists, or belongs to a test (edit the test instead).")

    # -- routine logs -------------------------------------------------------------------------------------

    @staticmethod
    def _insert_routine_logs(cursor: Cursor, runner_id: int, entries: Sequence[RoutineLogEntry]) -> None:
        if not entries:
            return
        now = now_utc()
        cursor.executemany(
            f"""INSERT INTO routine_logs (runner_id, {", ".join(ROUTINE_COLUMNS[1:])}, created_at)
                VALUES (?, {", ".join("?" * (len(ROUTINE_COLUMNS) - 1))}, ?)""",
            [[runner_id, e.logged_on, e.exercise_id, e.sets, e.reps, e.load_kg, e.pain, e.notes, now] for e in entries],
        )

    @retry_on_conflict
    def add_routine_log(self, owner: str, runner_id: int, entry: RoutineLogEntry) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            self._insert_routine_logs(cursor, runner_id, [entry])

    def list_routine_logs(self, owner: str, runner_id: int) -> list[RoutineLogEntry]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            return self._select_routine_logs(cursor, runner_id)

    @staticmethod
    def _select_routine_logs(cursor: Cursor, runner_id: int) -> list[RoutineLogEntry]:
        rows = cursor.execute(
            f"SELECT {', '.join(ROUTINE_COLUMNS)} FROM routine_logs WHERE runner_id = ? ORDER BY logged_on, id",
            [runner_id],
        ).fetchall()
        return [routine_log_from_row(r) for r in rows]

    @retry_on_conflict
    def delete_routine_log(self, owner: str, runner_id: int, log_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            deleted = cursor.execute(
                "DELETE FROM routine_logs WHERE id = ? AND runner_id = ? RETURNING id", [log_id, runner_id]
            ).fetchall()
            if not deleted:
                raise NotFound("That routine entry no longer exists (it may have been deleted).")

    @retry_on_conflict
    def import_records(
        self,
        owner: str,
        runner_id: int,
        tests: Sequence[tuple[HeelRaiseTest, Sequence[SymptomEntry]]],
        symptoms: Sequence[SymptomEntry],
        routine_logs: Sequence[RoutineLogEntry],
    ) -> None:
        """Save a validated import in one transaction: all of it, or (on any error) none of it."""
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            for test, test_symptoms in tests:
                self._insert_test(cursor, runner_id, test, test_symptoms)
            self._insert_symptoms(cursor, runner_id, symptoms)
            self._insert_routine_logs(cursor, runner_id, routine_logs)

    # -- share links ----------------------------------------------------------------------------------

    @retry_on_conflict
    def create_share_link(
        self,
        owner: str,
        runner_id: int,
        label: str,
        token_sha256: str,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> ShareLink:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            row = cursor.execute(
                f"""INSERT INTO share_links (runner_id, token_sha256, label, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?) RETURNING {LINK_COLUMNS}""",
                [runner_id, token_sha256, label, now, expires_at],
            ).fetchone()
        return share_link_from_row(row)

    def list_share_links(self, owner: str, runner_id: int) -> list[ShareLink]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"SELECT {LINK_COLUMNS} FROM share_links WHERE runner_id = ? ORDER BY created_at DESC, id DESC",
                [runner_id],
            ).fetchall()
        return [share_link_from_row(row) for row in rows]

    @retry_on_conflict
    def revoke_share_link(self, owner: str, runner_id: int, link_id: int, now: dt.datetime) -> None:
        with self._queued_stamps(), self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            updated = cursor.execute(
                """UPDATE share_links SET revoked_at = coalesce(revoked_at, ?)
                   WHERE id = ? AND runner_id = ? RETURNING id""",
                [now, link_id, runner_id],
            ).fetchall()
            if not updated:
                raise NotFound("That link no longer exists.")

    def resolve_share(self, token_sha256: str, now: dt.datetime) -> ResolvedShare | None:
        """The runner a live link opens, or None (unknown, revoked, expired, or runner deleted).

        Never cached: called on every rerun of the coach's page, so revoking takes effect at the next click.
        """
        columns = ", ".join("l." + c.strip() for c in LINK_COLUMNS.split(","))
        with self._cursor() as cursor:
            row = cursor.execute(
                f"""SELECT r.owner_key, {columns}
                    FROM share_links l JOIN runners r ON r.id = l.runner_id
                    WHERE l.token_sha256 = ? AND l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > ?)""",
                [token_sha256, now],
            ).fetchone()
        if row is None:
            return None
        link = share_link_from_row(row[1:])
        return ResolvedShare(owner_key=row[0], runner_id=link.runner_id, link=link)

    @retry_on_conflict
    def mark_share_used(self, owner: str, link_id: int, now: dt.datetime) -> None:
        """Stamp 'last opened' on one of this owner's links (the owner comes from resolve_share). The stamp shows on
        the owner's Share page, so it counts as a change of that owner's data (callers stamp at most once a minute:
        calfui.viewer.LAST_OPENED_RESOLUTION)."""
        with self._queued_stamps(), self._transaction(owner) as cursor:
            cursor.execute(
                """UPDATE share_links SET last_used_at = ?
                   WHERE id = ? AND runner_id IN (SELECT id FROM runners WHERE owner_key = ?)""",
                [now, link_id, owner],
            )

    @retry_on_conflict
    def set_link_comments(self, owner: str, runner_id: int, link_id: int, allowed: bool) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            if not cursor.execute(
                "UPDATE share_links SET coach_may_comment = ? WHERE id = ? AND runner_id = ? RETURNING id",
                [allowed, link_id, runner_id],
            ).fetchall():
                raise NotFound("That link no longer exists.")

    # -- coaches: roster, comments, private notes ----------------------------------------------------------------

    def _link_owner(self, token_sha256: str, now: dt.datetime) -> tuple[str, int]:
        """The owner and runner of a live link (NotFound otherwise): read first, so a write's transaction can change
        that owner's data version. The write then checks the link again inside its transaction."""
        with self._cursor() as cursor:
            row = cursor.execute(
                f"""SELECT r.owner_key, r.id FROM share_links l JOIN runners r ON r.id = l.runner_id
                                     WHERE l.token_sha256 = ? AND {_LIVE_LINK}""",
                [token_sha256, now],
            ).fetchone()
        if row is None:
            raise NotFound(LINK_GONE)
        return str(row[0]), int(row[1])

    def _live_link_in(
        self, cursor: Cursor, owner: str, runner_id: int, token_sha256: str, now: dt.datetime
    ) -> tuple[int, bool]:
        """Inside a write: lock the runner (a deletion waits or wins), then the link's id and comment right, if it is
        still live and still this runner's. NotAllowed otherwise: nothing gets written."""
        try:
            self._writing_for(cursor, owner, runner_id)
        except NotFound as gone:
            raise NotAllowed(LINK_GONE) from gone
        row = cursor.execute(
            f"""SELECT l.id, l.coach_may_comment FROM share_links l
                                 WHERE l.token_sha256 = ? AND l.runner_id = ? AND {_LIVE_LINK}""",
            [token_sha256, runner_id, now],
        ).fetchone()
        if row is None:
            raise NotAllowed(LINK_GONE)
        return int(row[0]), bool(row[1])

    @retry_on_conflict
    def add_to_roster(self, coach: str, token_sha256: str, now: dt.datetime) -> RosterEntry:
        owner, runner_id = self._link_owner(token_sha256, now)
        with self._transaction(coach) as cursor:
            link_id, _ = self._live_link_in(cursor, owner, runner_id, token_sha256, now)
            if (
                cursor.execute(
                    "SELECT 1 FROM roster_entries WHERE coach_owner_key = ? AND link_id = ?", [coach, link_id]
                ).fetchone()
                is None
            ):
                cursor.execute(
                    """INSERT INTO roster_entries (runner_id, coach_owner_key, runner_owner_key, link_id,
                                                              token_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)""",
                    [runner_id, coach, owner, link_id, token_sha256, now],
                )
        return next(entry for entry in self.list_roster(coach, now) if entry.link_id == link_id)

    def list_roster(self, coach: str, now: dt.datetime) -> list[RosterEntry]:
        with self._cursor() as cursor:
            # A link's row lives exactly as long as its runner (both go in delete_runner's transaction), so the link
            # alone says whether the runner can be read; who owns the runner was noted when the entry was made.
            rows = cursor.execute(
                """SELECT e.id, e.link_id, l.label, e.created_at, l.revoked_at, l.expires_at, e.runner_id,
                          e.runner_owner_key
                   FROM roster_entries e JOIN share_links l ON l.id = e.link_id AND l.token_sha256 = e.token_sha256
                   WHERE e.coach_owner_key = ? AND l.runner_id = e.runner_id ORDER BY e.id""",
                [coach],
            ).fetchall()
        entries = []
        for entry_id, link_id, label, added, revoked, expires, runner_id, owner in rows:
            live = link_status(revoked, expires, now) is LinkStatus.ACTIVE
            entries.append(
                RosterEntry(
                    int(entry_id), int(link_id), label, added, live, *((int(runner_id), owner, expires) if live else ())
                )
            )
        return entries

    @retry_on_conflict
    def remove_from_roster(self, coach: str, entry_id: int) -> None:
        with self._transaction(coach) as cursor:
            if not cursor.execute(
                "DELETE FROM roster_entries WHERE id = ? AND coach_owner_key = ? RETURNING id", [entry_id, coach]
            ).fetchall():
                raise NotFound("That runner is no longer on your roster.")

    @retry_on_conflict
    def add_comment(
        self, coach: str, author: str, token_sha256: str, test_id: int, body: str, now: dt.datetime
    ) -> TestComment:
        try:
            owner, runner_id = self._link_owner(token_sha256, now)
        except NotFound as gone:
            raise NotAllowed(LINK_GONE) from gone
        with self._transaction(owner) as cursor:  # the runner's data: their pages show it at their next click
            link_id, may_comment = self._live_link_in(cursor, owner, runner_id, token_sha256, now)
            if not may_comment:
                raise NotAllowed(NO_COMMENTS)
            if (
                cursor.execute(
                    "SELECT 1 FROM test_sessions WHERE id = ? AND runner_id = ?", [test_id, runner_id]
                ).fetchone()
                is None
            ):
                raise NotFound("That test no longer exists (the runner may have deleted it). Nothing was saved.")
            row = one_row(
                cursor.execute(
                    f"""INSERT INTO test_comments (runner_id, test_id, link_id, author_key, author, body, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {COMMENT_COLUMNS}""",
                    [runner_id, test_id, link_id, coach, author, body, now],
                )
            )
        return comment_from_row(row)

    def comments_through_link(self, coach: str, token_sha256: str, now: dt.datetime) -> list[TestComment]:
        columns = ", ".join("c." + c.strip() for c in COMMENT_COLUMNS.split(","))
        with self._cursor() as cursor:
            rows = cursor.execute(
                f"""SELECT {columns} FROM test_comments c JOIN share_links l ON l.id = c.link_id
                    JOIN runners r ON r.id = l.runner_id
                    WHERE l.token_sha256 = ? AND {_LIVE_LINK} AND c.author_key = ? AND c.runner_id = l.runner_id
                    ORDER BY c.created_at, c.id""",
                [token_sha256, now, coach],
            ).fetchall()
        return [comment_from_row(row) for row in rows]

    def list_comments(self, owner: str, runner_id: int) -> list[TestComment]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"SELECT {COMMENT_COLUMNS} FROM test_comments WHERE runner_id = ? ORDER BY created_at, id", [runner_id]
            ).fetchall()
        return [comment_from_row(row) for row in rows]

    @retry_on_conflict
    def hide_comment(self, owner: str, runner_id: int, comment_id: int, now: dt.datetime) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            if not cursor.execute(
                """UPDATE test_comments SET hidden_at = coalesce(hidden_at, ?)
                                     WHERE id = ? AND runner_id = ? RETURNING id""",
                [now, comment_id, runner_id],
            ).fetchall():
                raise NotFound("That comment no longer exists.")

    @retry_on_conflict
    def mark_comment_read(self, owner: str, runner_id: int, comment_id: int, now: dt.datetime) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            if not cursor.execute(
                """UPDATE test_comments SET read_at = coalesce(read_at, ?)
                                     WHERE id = ? AND runner_id = ? RETURNING id""",
                [now, comment_id, runner_id],
            ).fetchall():
                raise NotFound("That comment no longer exists.")

    def coach_note(self, coach: str, token_sha256: str, now: dt.datetime) -> str | None:
        with self._cursor() as cursor:
            row = cursor.execute(
                f"SELECT l.runner_id FROM share_links l WHERE l.token_sha256 = ? AND {_LIVE_LINK}", [token_sha256, now]
            ).fetchone()
            if row is None:
                return None
            note = cursor.execute(
                "SELECT body FROM coach_notes WHERE runner_id = ? AND coach_owner_key = ?", [row[0], coach]
            ).fetchone()
        return "" if note is None else str(note[0])

    @retry_on_conflict
    def save_coach_note(self, coach: str, token_sha256: str, body: str, now: dt.datetime) -> None:
        owner, runner_id = self._link_owner(token_sha256, now)
        with self._transaction(coach) as cursor:  # the coach's own data: the runner's pages never read it
            self._live_link_in(cursor, owner, runner_id, token_sha256, now)
            cursor.execute("DELETE FROM coach_notes WHERE runner_id = ? AND coach_owner_key = ?", [runner_id, coach])
            if body:
                cursor.execute(
                    "INSERT INTO coach_notes (runner_id, coach_owner_key, body, created_at) VALUES (?, ?, ?, ?)",
                    [runner_id, coach, body, now],
                )

    # -- retests and return to run: days away, own retest interval, hop tests, checklist ---------------------

    @retry_on_conflict
    def set_away_days(self, owner: str, runner_id: int, days: Sequence[AwayDay]) -> None:
        """Mark days away, all or none (one reason per day: marking a day again replaces its reason)."""
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            for away in days:
                cursor.execute("DELETE FROM away_days WHERE runner_id = ? AND day = ?", [runner_id, away.day])
                cursor.execute(
                    "INSERT INTO away_days (runner_id, day, reason, created_at) VALUES (?, ?, ?, ?)",
                    [runner_id, away.day, away.reason.value, now_utc()],
                )

    def list_away_days(self, owner: str, runner_id: int) -> list[AwayDay]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                "SELECT id, day, reason FROM away_days WHERE runner_id = ? ORDER BY day", [runner_id]
            ).fetchall()
        return [AwayDay(day=row[1], reason=AwayReason(row[2]), id=int(row[0])) for row in rows]

    @retry_on_conflict
    def delete_away_day(self, owner: str, runner_id: int, away_id: int) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            if not cursor.execute(
                "DELETE FROM away_days WHERE id = ? AND runner_id = ? RETURNING id", [away_id, runner_id]
            ).fetchall():
                raise NotFound("That day is no longer marked.")

    @retry_on_conflict
    def set_retest_choice(self, owner: str, runner_id: int, every_days: int | None) -> None:
        """The runner's own retest interval in days (None: by stage). The latest choice counts."""
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            cursor.execute("DELETE FROM retest_choices WHERE runner_id = ?", [runner_id])
            cursor.execute(
                "INSERT INTO retest_choices (runner_id, every_days, created_at) VALUES (?, ?, ?)",
                [runner_id, every_days, now_utc()],
            )

    def retest_choice(self, owner: str, runner_id: int) -> int | None:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            row = cursor.execute(
                "SELECT every_days FROM retest_choices WHERE runner_id = ? ORDER BY id DESC LIMIT 1", [runner_id]
            ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    @retry_on_conflict
    def save_hop_test(self, owner: str, runner_id: int, test: HopTest) -> int:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            return int(
                cursor.execute(
                    """INSERT INTO hop_tests (runner_id, tested_on, hops_left, hops_right, pain_left, pain_right, red_flags,
                                          created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    [
                        runner_id,
                        test.tested_on,
                        test.hops.left,
                        test.hops.right,
                        test.pain.left,
                        test.pain.right,
                        sorted(test.red_flags),
                        now_utc(),
                    ],
                ).fetchone()[0]
            )

    def list_hop_tests(self, owner: str, runner_id: int) -> list[HopTest]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"SELECT {HOP_TEST_COLUMNS} FROM hop_tests WHERE runner_id = ? ORDER BY tested_on, id", [runner_id]
            ).fetchall()
        return [hop_test_from_row(r) for r in rows]

    @retry_on_conflict
    def delete_hop_test(self, owner: str, runner_id: int, hop_test_id: int) -> None:
        self._delete_one(
            owner, runner_id, "hop_tests", hop_test_id, "That hop test no longer exists (it may have been deleted)."
        )

    @retry_on_conflict
    def save_readiness_check(self, owner: str, runner_id: int, check: ReadinessCheck) -> int:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            return int(
                cursor.execute(
                    """INSERT INTO readiness_checks (runner_id, checked_on, walked_pain_free, settled_next_morning,
                                                 red_flags, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                    [
                        runner_id,
                        check.checked_on,
                        check.walked_pain_free,
                        check.settled_next_morning,
                        sorted(check.red_flags),
                        now_utc(),
                    ],
                ).fetchone()[0]
            )

    def list_readiness_checks(self, owner: str, runner_id: int) -> list[ReadinessCheck]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"SELECT {READINESS_COLUMNS} FROM readiness_checks WHERE runner_id = ? ORDER BY checked_on, id",
                [runner_id],
            ).fetchall()
        return [readiness_check_from_row(r) for r in rows]

    @retry_on_conflict
    def delete_readiness_check(self, owner: str, runner_id: int, check_id: int) -> None:
        self._delete_one(
            owner,
            runner_id,
            "readiness_checks",
            check_id,
            "That checklist entry no longer exists (it may have been deleted).",
        )

    def _delete_one(self, owner: str, runner_id: int, table: str, row_id: int, gone: str) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            if not cursor.execute(
                f"DELETE FROM {table} WHERE id = ? AND runner_id = ? RETURNING id", [row_id, runner_id]
            ).fetchall():
                raise NotFound(gone)

    # -- warning signs that last: ticks in a daily check-in, a clinician's all-clear -------------------------

    @retry_on_conflict
    def save_checkin_warning(self, owner: str, runner_id: int, warning: CheckinWarning) -> int:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            row = one_row(
                cursor.execute(
                    """INSERT INTO checkin_warnings (runner_id, flagged_on, red_flags, mistaken_at, created_at)
                       VALUES (?, ?, ?, ?, ?) RETURNING id""",
                    [runner_id, warning.flagged_on, sorted(warning.red_flags), warning.mistaken_at, now_utc()],
                )
            )
        return int(row[0])

    def list_checkin_warnings(self, owner: str, runner_id: int) -> list[CheckinWarning]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            return self._select_checkin_warnings(cursor, runner_id)

    @staticmethod
    def _select_checkin_warnings(cursor: Cursor, runner_id: int) -> list[CheckinWarning]:
        rows = cursor.execute(
            f"""SELECT {", ".join(CHECKIN_WARNING_COLUMNS)} FROM checkin_warnings WHERE runner_id = ?
                ORDER BY flagged_on, id""",
            [runner_id],
        ).fetchall()
        return [checkin_warning_from_row(row) for row in rows]

    @retry_on_conflict
    def mark_checkin_warning_mistaken(self, owner: str, runner_id: int, warning_id: int, now: dt.datetime) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            if not cursor.execute(
                """UPDATE checkin_warnings SET mistaken_at = coalesce(mistaken_at, ?)
                   WHERE id = ? AND runner_id = ? RETURNING id""",
                [now, warning_id, runner_id],
            ).fetchall():
                raise NotFound("That warning sign is no longer recorded.")

    @retry_on_conflict
    def save_all_clear(self, owner: str, runner_id: int, clear: ClinicianAllClear) -> int:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            row = one_row(
                cursor.execute(
                    """INSERT INTO clinician_all_clears (runner_id, seen_on, note, created_at)
                       VALUES (?, ?, ?, ?) RETURNING id""",
                    [runner_id, clear.seen_on, clear.note, now_utc()],
                )
            )
        return int(row[0])

    def list_all_clears(self, owner: str, runner_id: int) -> list[ClinicianAllClear]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            return self._select_all_clears(cursor, runner_id)

    @staticmethod
    def _select_all_clears(cursor: Cursor, runner_id: int) -> list[ClinicianAllClear]:
        rows = cursor.execute(
            f"""SELECT {", ".join(ALL_CLEAR_COLUMNS)} FROM clinician_all_clears WHERE runner_id = ?
                ORDER BY seen_on, id""",
            [runner_id],
        ).fetchall()
        return [all_clear_from_row(row) for row in rows]

    @retry_on_conflict
    def delete_all_clear(self, owner: str, runner_id: int, clear_id: int) -> None:
        self._delete_one(owner, runner_id, "clinician_all_clears", clear_id, "That all-clear is no longer recorded.")

    # -- calendar feeds ------------------------------------------------------------------------------------

    @retry_on_conflict
    def create_calendar_feed(
        self,
        owner: str,
        runner_id: int,
        token_sha256: str,
        show_exercise_names: bool,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> CalendarFeed:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            row = cursor.execute(
                f"""INSERT INTO calendar_feeds (runner_id, token_sha256, show_exercise_names, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?) RETURNING {FEED_COLUMNS}""",
                [runner_id, token_sha256, show_exercise_names, now, expires_at],
            ).fetchone()
        return calendar_feed_from_row(row)

    def list_calendar_feeds(self, owner: str, runner_id: int) -> list[CalendarFeed]:
        with self._cursor() as cursor:
            self._require_runner(cursor, owner, runner_id)
            rows = cursor.execute(
                f"""SELECT {FEED_COLUMNS} FROM calendar_feeds WHERE runner_id = ?
                                      ORDER BY created_at DESC, id DESC""",
                [runner_id],
            ).fetchall()
        return [calendar_feed_from_row(row) for row in rows]

    @retry_on_conflict
    def revoke_calendar_feed(self, owner: str, runner_id: int, feed_id: int, now: dt.datetime) -> None:
        with self._transaction(owner) as cursor:
            self._writing_for(cursor, owner, runner_id)
            if not cursor.execute(
                """UPDATE calendar_feeds SET revoked_at = coalesce(revoked_at, ?)
                                     WHERE id = ? AND runner_id = ? RETURNING id""",
                [now, feed_id, runner_id],
            ).fetchall():
                raise NotFound("That calendar feed no longer exists.")

    def resolve_calendar_feed(self, token_sha256: str, now: dt.datetime) -> ResolvedFeed | None:
        """The live feed of a token's hash, or None (unknown, revoked, expired, runner deleted). Never cached."""
        columns = ", ".join("f." + c.strip() for c in FEED_COLUMNS.split(","))
        with self._cursor() as cursor:
            row = cursor.execute(
                f"""SELECT r.owner_key, {columns}
                    FROM calendar_feeds f JOIN runners r ON r.id = f.runner_id
                    WHERE f.token_sha256 = ? AND f.revoked_at IS NULL AND (f.expires_at IS NULL OR f.expires_at > ?)""",
                [token_sha256, now],
            ).fetchone()
        return None if row is None else ResolvedFeed(owner_key=row[0], feed=calendar_feed_from_row(row[1:]))

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
