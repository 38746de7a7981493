"""The queries of a runner and their records (calfstore.faces.records): profiles, heel-raise tests with their
symptoms, symptoms of a day, the training log, and imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from calfcore.clock import now_utc
from calfcore.models import HeelRaiseTest, RoutineLogEntry, RunnerProfile, SymptomEntry
from calfstore.errors import EditConflict, NotFound, WriteConflict
from calfstore.faces.records import RunnerRecordsStore
from calfstore.queries.common import RUNNER_GONE, Cursor, SqlQueries, retry_on_conflict, select_by_runner
from calfstore.rows import (
    EVERY_DAY,
    MARK_COLUMNS,
    ROUTINE_COLUMNS,
    RUNNER_COLUMNS,
    SYMPTOM_COLUMNS,
    TEST_COLUMNS,
    mark_values,
    routine_log_from_row,
    runner_from_row,
    symptom_from_row,
    test_from_row,
    test_values,
    with_marks,
)
from calfstore.schema import RUNNER_TABLES

TEST_GONE = "That test no longer exists (it may have been deleted)."
_INSERT_ROUTINE_LOG = f"""INSERT INTO routine_logs (runner_id, {", ".join(ROUTINE_COLUMNS[1:])}, created_at)
    VALUES (?, {", ".join("?" * (len(ROUTINE_COLUMNS) - 1))}, ?)"""


def _routine_log_values(runner_id: int, e: RoutineLogEntry, now: object) -> list[object]:
    """A training log entry's row, in _INSERT_ROUTINE_LOG's order."""
    return [runner_id, e.logged_on, e.exercise_id, e.sets, e.reps, e.load_kg, e.pain, e.notes, now]


class RecordQueries(SqlQueries, RunnerRecordsStore):
    """Runners and their records. (load_records reads every group's records: calfstore.sql.SqlStore.)"""

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
            with self._transaction(owner, runner_id=runner.id) as cursor:
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
            return self._select_runner(cursor, owner, runner_id)

    @staticmethod
    def _select_runner(cursor: Cursor, owner: str, runner_id: int) -> RunnerProfile:
        """One owner's runner profile (NotFound if it isn't theirs)."""
        row = cursor.execute(
            f"SELECT {RUNNER_COLUMNS} FROM runners WHERE id = ? AND owner_key = ?", [runner_id, owner]
        ).fetchone()
        if row is None:
            raise NotFound(RUNNER_GONE)
        return runner_from_row(row)

    @retry_on_conflict
    def delete_runner(self, owner: str, runner_id: int) -> None:
        """Delete a runner and every row that belongs to them, in one transaction."""
        with self._transaction(owner, runner_id=runner_id) as cursor:  # a gone runner's cached pages go too
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
        if test.raise_marks:  # the motion's per-raise summary, in the test's transaction: all of it or nothing
            now = now_utc()
            cursor.executemany(
                f"""INSERT INTO test_raise_marks (runner_id, {", ".join(MARK_COLUMNS)}, created_at)
                    VALUES (?, {", ".join("?" * len(MARK_COLUMNS))}, ?)""",
                [[runner_id, *mark_values(test_id, mark), now] for mark in test.raise_marks],
            )
        return test_id

    @retry_on_conflict
    def save_test(self, owner: str, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry] = ()) -> int:
        """Save a test with its symptoms atomically; returns the new test id."""
        with self._runner_transaction(owner, runner_id) as cursor:
            return self._insert_test(cursor, runner_id, test, symptoms)

    def update_test(
        self, owner: str, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry], expected_revision: int
    ) -> int:
        """Correct a saved test and replace its symptoms. Raises EditConflict if it changed since loading."""
        try:
            with self._runner_transaction(owner, runner_id) as cursor:
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
                        raise NotFound(TEST_GONE)
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
            raise NotFound(TEST_GONE)
        return int(row[0])

    @retry_on_conflict
    def delete_test(self, owner: str, runner_id: int, test_id: int) -> None:
        with self._runner_transaction(owner, runner_id) as cursor:
            cursor.execute("DELETE FROM symptom_entries WHERE test_id = ? AND runner_id = ?", [test_id, runner_id])
            cursor.execute("DELETE FROM test_comments WHERE test_id = ? AND runner_id = ?", [test_id, runner_id])
            cursor.execute("DELETE FROM test_raise_marks WHERE test_id = ? AND runner_id = ?", [test_id, runner_id])
            deleted = cursor.execute(
                "DELETE FROM test_sessions WHERE id = ? AND runner_id = ? RETURNING id", [test_id, runner_id]
            ).fetchall()
            if not deleted:
                raise NotFound(TEST_GONE)

    def list_tests(self, owner: str, runner_id: int) -> list[HeelRaiseTest]:
        """Every test of a runner, oldest first."""
        return self._runner_rows(owner, runner_id, self._select_tests)

    @staticmethod
    def _select_tests(cursor: Cursor, runner_id: int) -> list[HeelRaiseTest]:
        """A runner's tests, each with the raises the motion saw (if it counted)."""
        tests = select_by_runner(
            cursor, "test_sessions", ", ".join(TEST_COLUMNS), "tested_on, id", runner_id, test_from_row
        )
        marks = cursor.execute(
            f"SELECT {', '.join(MARK_COLUMNS)} FROM test_raise_marks WHERE runner_id = ?", [runner_id]
        ).fetchall()
        return with_marks(tests, marks)

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
        with self._runner_transaction(owner, runner_id) as cursor:
            self._insert_symptoms(cursor, runner_id, entries)

    def list_symptoms(self, owner: str, runner_id: int, since: dt.date | None = None) -> list[SymptomEntry]:
        return self._runner_rows(
            owner, runner_id, lambda cursor, runner: self._select_symptoms(cursor, runner, since or EVERY_DAY)
        )

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
        with self._runner_transaction(owner, runner_id) as cursor:
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
        cursor.executemany(_INSERT_ROUTINE_LOG, [_routine_log_values(runner_id, e, now) for e in entries])

    @retry_on_conflict
    def add_routine_log(self, owner: str, runner_id: int, entry: RoutineLogEntry) -> int:
        """Log one exercise; returns the new entry's id."""
        with self._runner_transaction(owner, runner_id) as cursor:
            values = _routine_log_values(runner_id, entry, now_utc())
            return int(cursor.execute(f"{_INSERT_ROUTINE_LOG} RETURNING id", values).fetchone()[0])

    def list_routine_logs(self, owner: str, runner_id: int) -> list[RoutineLogEntry]:
        return self._runner_rows(owner, runner_id, self._select_routine_logs)

    @staticmethod
    def _select_routine_logs(cursor: Cursor, runner_id: int) -> list[RoutineLogEntry]:
        return select_by_runner(
            cursor, "routine_logs", ", ".join(ROUTINE_COLUMNS), "logged_on, id", runner_id, routine_log_from_row
        )

    @retry_on_conflict
    def delete_routine_log(self, owner: str, runner_id: int, log_id: int) -> None:
        self._delete_one(
            owner, runner_id, "routine_logs", log_id, "That routine entry no longer exists (it may have been deleted)."
        )

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
        with self._runner_transaction(owner, runner_id) as cursor:
            for test, test_symptoms in tests:
                self._insert_test(cursor, runner_id, test, test_symptoms)
            self._insert_symptoms(cursor, runner_id, symptoms)
            self._insert_routine_logs(cursor, runner_id, routine_logs)
