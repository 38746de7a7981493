"""The queries of planning (calfstore.faces.planning): days away, the runner's own retest interval, hop tests and
readiness checks, and warning signs that last (ticks in a daily check-in, a clinician's all-clear)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from calfcore.clock import now_utc
from calfcore.models import CheckinWarning, ClinicianAllClear
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.retest import AwayDay, AwayReason
from calfstore.faces.planning import PlanningStore
from calfstore.queries.common import Cursor, SqlQueries, one_row, retry_on_conflict, select_by_runner
from calfstore.rows import (
    ALL_CLEAR_COLUMNS,
    CHECKIN_WARNING_COLUMNS,
    HOP_TEST_COLUMNS,
    READINESS_COLUMNS,
    all_clear_from_row,
    checkin_warning_from_row,
    hop_test_from_row,
    readiness_check_from_row,
)


class PlanningQueries(SqlQueries, PlanningStore):
    """Retests, return to run, and stored warning signs."""

    # -- days away and the retest interval ---------------------------------------------------------------------

    @retry_on_conflict
    def set_away_days(self, owner: str, runner_id: int, days: Sequence[AwayDay]) -> None:
        """Mark days away, all or none (one reason per day: marking a day again replaces its reason)."""
        with self._runner_transaction(owner, runner_id) as cursor:
            for away in days:
                cursor.execute("DELETE FROM away_days WHERE runner_id = ? AND day = ?", [runner_id, away.day])
                cursor.execute(
                    "INSERT INTO away_days (runner_id, day, reason, created_at) VALUES (?, ?, ?, ?)",
                    [runner_id, away.day, away.reason.value, now_utc()],
                )

    def list_away_days(self, owner: str, runner_id: int) -> list[AwayDay]:
        return self._runner_rows(
            owner,
            runner_id,
            lambda cursor, runner: select_by_runner(
                cursor,
                "away_days",
                "id, day, reason",
                "day",
                runner,
                lambda row: AwayDay(day=row[1], reason=AwayReason(row[2]), id=int(row[0])),
            ),
        )

    @retry_on_conflict
    def delete_away_day(self, owner: str, runner_id: int, away_id: int) -> None:
        self._delete_one(owner, runner_id, "away_days", away_id, "That day is no longer marked.")

    @retry_on_conflict
    def set_retest_choice(self, owner: str, runner_id: int, every_days: int | None) -> None:
        """The runner's own retest interval in days (None: by stage). The latest choice counts."""
        with self._runner_transaction(owner, runner_id) as cursor:
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

    # -- return to run: hop tests and the readiness checklist ---------------------------------------------------

    @retry_on_conflict
    def save_hop_test(self, owner: str, runner_id: int, test: HopTest) -> int:
        with self._runner_transaction(owner, runner_id) as cursor:
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
        return self._runner_rows(
            owner,
            runner_id,
            lambda cursor, runner: select_by_runner(
                cursor, "hop_tests", HOP_TEST_COLUMNS, "tested_on, id", runner, hop_test_from_row
            ),
        )

    @retry_on_conflict
    def delete_hop_test(self, owner: str, runner_id: int, hop_test_id: int) -> None:
        self._delete_one(
            owner, runner_id, "hop_tests", hop_test_id, "That hop test no longer exists (it may have been deleted)."
        )

    @retry_on_conflict
    def save_readiness_check(self, owner: str, runner_id: int, check: ReadinessCheck) -> int:
        with self._runner_transaction(owner, runner_id) as cursor:
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
        return self._runner_rows(
            owner,
            runner_id,
            lambda cursor, runner: select_by_runner(
                cursor, "readiness_checks", READINESS_COLUMNS, "checked_on, id", runner, readiness_check_from_row
            ),
        )

    @retry_on_conflict
    def delete_readiness_check(self, owner: str, runner_id: int, check_id: int) -> None:
        self._delete_one(
            owner,
            runner_id,
            "readiness_checks",
            check_id,
            "That checklist entry no longer exists (it may have been deleted).",
        )

    # -- warning signs that last: ticks in a daily check-in, a clinician's all-clear -------------------------

    def _insert_returning_id(self, owner: str, runner_id: int, sql: str, values: list[object]) -> int:
        """One row into a runner's table, in a write for its owner; its new id."""
        with self._runner_transaction(owner, runner_id) as cursor:
            row = one_row(cursor.execute(sql, [runner_id, *values, now_utc()]))
        return int(row[0])

    @retry_on_conflict
    def save_checkin_warning(self, owner: str, runner_id: int, warning: CheckinWarning) -> int:
        return self._insert_returning_id(
            owner,
            runner_id,
            """INSERT INTO checkin_warnings (runner_id, flagged_on, red_flags, mistaken_at, created_at)
               VALUES (?, ?, ?, ?, ?) RETURNING id""",
            [warning.flagged_on, sorted(warning.red_flags), warning.mistaken_at],
        )

    def list_checkin_warnings(self, owner: str, runner_id: int) -> list[CheckinWarning]:
        return self._runner_rows(owner, runner_id, self._select_checkin_warnings)

    @staticmethod
    def _select_checkin_warnings(cursor: Cursor, runner_id: int) -> list[CheckinWarning]:
        return select_by_runner(
            cursor,
            "checkin_warnings",
            ", ".join(CHECKIN_WARNING_COLUMNS),
            "flagged_on, id",
            runner_id,
            checkin_warning_from_row,
        )

    @retry_on_conflict
    def mark_checkin_warning_mistaken(self, owner: str, runner_id: int, warning_id: int, now: dt.datetime) -> None:
        self._stamp_once(
            owner,
            runner_id,
            "checkin_warnings",
            "mistaken_at",
            warning_id,
            now,
            "That warning sign is no longer recorded.",
        )

    @retry_on_conflict
    def save_all_clear(self, owner: str, runner_id: int, clear: ClinicianAllClear) -> int:
        return self._insert_returning_id(
            owner,
            runner_id,
            """INSERT INTO clinician_all_clears (runner_id, seen_on, note, created_at)
               VALUES (?, ?, ?, ?) RETURNING id""",
            [clear.seen_on, clear.note],
        )

    def list_all_clears(self, owner: str, runner_id: int) -> list[ClinicianAllClear]:
        return self._runner_rows(owner, runner_id, self._select_all_clears)

    @staticmethod
    def _select_all_clears(cursor: Cursor, runner_id: int) -> list[ClinicianAllClear]:
        return select_by_runner(
            cursor, "clinician_all_clears", ", ".join(ALL_CLEAR_COLUMNS), "seen_on, id", runner_id, all_clear_from_row
        )

    @retry_on_conflict
    def delete_all_clear(self, owner: str, runner_id: int, clear_id: int) -> None:
        self._delete_one(owner, runner_id, "clinician_all_clears", clear_id, "That all-clear is no longer recorded.")
