"""Rows to domain objects and back: the column lists every query shares, and the mapping of each table's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from calfcore.calendar_feed import CalendarFeed
from calfcore.coaching import TestComment
from calfcore.exchange import TEST_FIELDS
from calfcore.models import (
    CheckinWarning,
    ClinicianAllClear,
    HeelRaiseTest,
    Knee,
    LegPair,
    MotionCount,
    PainLocation,
    Protocol,
    RaiseMark,
    RoutineLogEntry,
    Run,
    RunnerProfile,
    RunSource,
    Sex,
    Side,
    SoleusTest,
    Surface,
    SymptomEntry,
    Units,
)
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.sharing import ShareLink

RUNNER_COLUMNS = "id, name, birth_year, sex, units, injured_side, body_weight_kg, is_demo"

# A test's own fields, in the order the CSV export writes them (calfcore.exchange): one list for both; then which
# counts the phone's motion made (the JSON export carries it, the CSV does not).
TEST_COLUMNS = ("id", "tested_on", *TEST_FIELDS, "counted_by_motion")
BULK_TEST_COLUMNS = TEST_COLUMNS[:-1]  # bulk loads (benchmarks) leave it empty: counts typed by hand
# Each raise the motion saw (calfcore.models.RaiseMark), stored beside its test.
MARK_COLUMNS = ("test_id", "knee", "leg", "raise_number", "at_ms", "relative_size", "on_beat", "counted")
SYMPTOM_COLUMNS = (
    "id",
    "logged_on",
    "side",
    "pain_during",
    "pain_next_morning",
    "stiffness_minutes",
    "location",
    "test_id",
)
ROUTINE_COLUMNS = ("id", "logged_on", "exercise_id", "sets", "reps", "load_kg", "pain", "notes")
EVERY_DAY = dt.date(1900, 1, 1)  # list_symptoms without `since`: from this day on


def runner_from_row(row: Sequence[Any]) -> RunnerProfile:
    return RunnerProfile(
        id=int(row[0]),
        name=row[1],
        birth_year=int(row[2]),
        sex=Sex(row[3]),
        units=Units(row[4]),
        injured_side=Side(row[5]) if row[5] else None,
        body_weight_kg=float(row[6]) if row[6] is not None else None,
        is_demo=bool(row[7]),
    )


def test_values(test: HeelRaiseTest) -> list[Any]:
    p = test.protocol
    bent = test.bent_reps or LegPair(None, None)
    height = test.heel_height_cm or LegPair(None, None)
    ktw = test.knee_to_wall_cm or LegPair(None, None)
    soleus = test.soleus
    return [
        test.tested_on,
        p.cadence_bpm,
        p.surface.value,
        p.cued,
        p.fingertip_support,
        p.added_load_kg,
        test.straight_reps.left,
        test.straight_reps.right,
        bent.left,
        bent.right,
        height.left,
        height.right,
        soleus.load_kg if soleus else None,
        soleus.reps.left if soleus else None,
        soleus.reps.right if soleus else None,
        soleus.body_weight_kg if soleus else None,
        ktw.left,
        ktw.right,
        sorted(test.red_flags),
        test.notes,
        sorted(test.counted_by_motion),
    ]


def mark_values(test_id: int, mark: RaiseMark) -> list[Any]:
    """A raise mark's stored values, in MARK_COLUMNS order."""
    return [
        test_id,
        mark.knee.value,
        mark.leg.value,
        mark.number,
        mark.at_ms,
        mark.relative_size,
        mark.on_beat,
        mark.counted,
    ]


def with_marks(tests: Sequence[HeelRaiseTest], rows: Sequence[Sequence[Any]] | None) -> list[HeelRaiseTest]:
    """Tests with their raise marks (rows in MARK_COLUMNS order, any order): by knee, leg and raise number."""
    marks: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows or ():
        marks.setdefault(int(row[0]), []).append(tuple(row))
    if not marks:
        return list(tests)
    return [
        replace(
            test,
            raise_marks=tuple(
                RaiseMark(Knee(r[1]), Side(r[2]), int(r[3]), int(r[4]), float(r[5]), bool(r[6]), bool(r[7]))
                for r in sorted(marks.get(test.saved_id, ()), key=lambda r: (r[1] != "straight", r[2], r[3]))
            ),
        )
        if test.saved_id in marks
        else test
        for test in tests
    ]


def _pair(left: Any, right: Any) -> LegPair | None:
    return None if left is None and right is None else LegPair(left, right)


def test_from_row(row: Sequence[Any]) -> HeelRaiseTest:
    r = dict(zip(TEST_COLUMNS, row, strict=True))
    soleus = None
    if r["soleus_load_kg"] is not None:
        soleus = SoleusTest(
            r["soleus_load_kg"], LegPair(r["soleus_reps_left"], r["soleus_reps_right"]), r["body_weight_kg"]
        )
    return HeelRaiseTest(
        id=int(r["id"]),
        tested_on=r["tested_on"],
        protocol=Protocol(
            cadence_bpm=r["cadence_bpm"],
            surface=Surface(r["surface"]),
            cued=r["cued"],
            fingertip_support=r["fingertip_support"],
            added_load_kg=r["added_load_kg"],
        ),
        straight_reps=LegPair(r["straight_left"], r["straight_right"]),
        bent_reps=_pair(r["bent_left"], r["bent_right"]),
        heel_height_cm=_pair(r["height_left_cm"], r["height_right_cm"]),
        soleus=soleus,
        knee_to_wall_cm=_pair(r["knee_to_wall_left_cm"], r["knee_to_wall_right_cm"]),
        red_flags=frozenset(r["red_flags"]),
        notes=r["notes"],
        counted_by_motion=frozenset(MotionCount(c) for c in r["counted_by_motion"] or ()),
    )


def tests_from_rows(rows: Sequence[Sequence[Any]], mark_rows: Sequence[Sequence[Any]] | None) -> list[HeelRaiseTest]:
    """Tests from their rows (in order) and their raise marks' rows (any order)."""
    return with_marks([test_from_row(row) for row in rows], mark_rows)


def routine_log_from_row(r: Sequence[Any]) -> RoutineLogEntry:
    return RoutineLogEntry(
        logged_on=r[1], exercise_id=r[2], sets=r[3], reps=r[4], load_kg=r[5], pain=r[6], notes=r[7], id=r[0]
    )


def symptom_from_row(row: Sequence[Any]) -> SymptomEntry:
    return SymptomEntry(
        id=int(row[0]),
        logged_on=row[1],
        side=Side(row[2]),
        pain_during=row[3],
        pain_next_morning=row[4],
        stiffness_minutes=row[5],
        location=PainLocation(row[6]),
        test_id=row[7],
    )


LINK_COLUMNS = "id, runner_id, label, created_at, expires_at, revoked_at, last_used_at, coach_may_comment"
COMMENT_COLUMNS = "id, test_id, link_id, author, body, created_at, hidden_at, read_at"
FEED_COLUMNS = "id, runner_id, show_exercise_names, created_at, expires_at, revoked_at"
HOP_TEST_COLUMNS = "id, tested_on, hops_left, hops_right, pain_left, pain_right, red_flags"
READINESS_COLUMNS = "id, checked_on, walked_pain_free, settled_next_morning, red_flags"
CHECKIN_WARNING_COLUMNS = ("id", "flagged_on", "red_flags", "mistaken_at")
ALL_CLEAR_COLUMNS = ("id", "seen_on", "note")


def share_link_from_row(row: Sequence[Any]) -> ShareLink:
    return ShareLink(*row)


def comment_from_row(row: Sequence[Any]) -> TestComment:
    return TestComment(*row)


def calendar_feed_from_row(row: Sequence[Any]) -> CalendarFeed:
    return CalendarFeed(*row)


def hop_test_from_row(r: Sequence[Any]) -> HopTest:
    return HopTest(
        tested_on=r[1], hops=LegPair(r[2], r[3]), pain=LegPair(r[4], r[5]), red_flags=frozenset(r[6]), id=int(r[0])
    )


def readiness_check_from_row(r: Sequence[Any]) -> ReadinessCheck:
    return ReadinessCheck(
        checked_on=r[1], walked_pain_free=r[2], settled_next_morning=r[3], red_flags=frozenset(r[4]), id=int(r[0])
    )


def checkin_warning_from_row(r: Sequence[Any]) -> CheckinWarning:
    return CheckinWarning(flagged_on=r[1], red_flags=frozenset(r[2]), mistaken_at=r[3], id=int(r[0]))


def all_clear_from_row(r: Sequence[Any]) -> ClinicianAllClear:
    return ClinicianAllClear(seen_on=r[1], note=r[2], id=int(r[0]))


RUN_COLUMNS = ("id", "run_on", "started_at", "distance_km", "moving_seconds", "elevation_gain_m", "source")


def run_values(run: Run) -> list[Any]:
    """A run's stored values, in RUN_COLUMNS order after the id."""
    return [run.run_on, run.started_at, run.distance_km, run.moving_seconds, run.elevation_gain_m, run.source.value]


def run_from_row(row: Sequence[Any]) -> Run:
    return Run(
        id=int(row[0]),
        run_on=row[1],
        started_at=row[2],
        distance_km=float(row[3]) if row[3] is not None else None,
        moving_seconds=int(row[4]) if row[4] is not None else None,
        elevation_gain_m=float(row[5]) if row[5] is not None else None,
        source=RunSource(row[6]),
    )
