"""A motion-counted test in the store (issue 28), on DuckDB and PostgreSQL: which counts the phone's motion made, and
each raise it saw, saved with the test in one transaction, read back with it, corrected, deleted with the test and
with the runner, and copied from DuckDB to PostgreSQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from calfcore.models import HeelRaiseTest, Knee, MotionCount, RaiseMark, Sex, Side
from calfstore import LOCAL_OWNER, Store, open_store, parse_database_url
from calfstore.tables import count_rows
from calfstore.transfer import copy_to_postgres
from tests.unit.helpers import heel_test, runner, symptom

LEFT_MARKS = (
    RaiseMark(Knee.STRAIGHT, Side.LEFT, 1, 1020, 1.0, True, True),
    RaiseMark(Knee.STRAIGHT, Side.LEFT, 2, 3010, 0.97, True, True),
    RaiseMark(Knee.STRAIGHT, Side.LEFT, 3, 5400, 0.42, True, False),  # well short: seen, not counted
)
RIGHT_MARKS = (
    RaiseMark(Knee.STRAIGHT, Side.RIGHT, 1, 990, 1.0, True, True),
    RaiseMark(Knee.STRAIGHT, Side.RIGHT, 2, 3900, 0.88, False, False),  # off the beat
)
BY_MOTION = frozenset({MotionCount.STRAIGHT_LEFT, MotionCount.STRAIGHT_RIGHT})
MOTION_TEST = heel_test(2, 1, counted_by_motion=BY_MOTION, raise_marks=LEFT_MARKS + RIGHT_MARKS)


def add_runner(store: Store, name: str = "Mo") -> int:
    return int(store.create_runner(LOCAL_OWNER, runner(Sex.MALE, 41, name=name)).id)


def saved(store: Store, runner_id: int, test: HeelRaiseTest = MOTION_TEST) -> HeelRaiseTest:
    test_id = store.save_test(LOCAL_OWNER, runner_id, test, [symptom(test.tested_on, Side.LEFT, during=1)])
    [found] = [t for t in store.list_tests(LOCAL_OWNER, runner_id) if t.id == test_id]
    return found


def test_a_motion_counted_test_comes_back_with_how_it_was_counted_and_each_raise(store: Store) -> None:
    runner_id = add_runner(store)
    test = saved(store, runner_id)
    assert test == dataclasses.replace(MOTION_TEST, id=test.id)
    assert store.load_records(LOCAL_OWNER, runner_id).tests == [test]
    assert count_rows(store, runner_id)["test_raise_marks"] == len(LEFT_MARKS + RIGHT_MARKS)


def test_a_test_counted_by_hand_has_no_marks_and_another_runners_marks_stay_theirs(store: Store) -> None:
    mo, tap = add_runner(store), add_runner(store, "Tap")
    saved(store, mo)
    by_hand = saved(store, tap, heel_test(20, 21))
    assert by_hand.counted_by_motion == frozenset() and by_hand.raise_marks == ()
    assert store.load_records(LOCAL_OWNER, tap).tests == [by_hand]
    assert count_rows(store, tap)["test_raise_marks"] == 0


def test_a_correction_stores_which_counts_stay_the_motions_and_keeps_the_marks(store: Store) -> None:
    runner_id = add_runner(store)
    test = saved(store, runner_id)
    corrected = dataclasses.replace(
        test,
        straight_reps=dataclasses.replace(test.straight_reps, right=4),
        counted_by_motion={MotionCount.STRAIGHT_LEFT},
    )
    store.update_test(LOCAL_OWNER, runner_id, corrected, [], store.test_revision(LOCAL_OWNER, runner_id, test.saved_id))
    [after] = store.list_tests(LOCAL_OWNER, runner_id)
    assert after.counted_by_motion == {MotionCount.STRAIGHT_LEFT}
    assert after.raise_marks == LEFT_MARKS + RIGHT_MARKS  # what the motion saw stays


def test_deleting_the_test_or_the_runner_deletes_its_marks(store: Store) -> None:
    runner_id, other = add_runner(store), add_runner(store, "Other")
    first, second = saved(store, runner_id), saved(store, runner_id)
    saved(store, other)
    store.delete_test(LOCAL_OWNER, runner_id, first.saved_id)
    assert count_rows(store, runner_id)["test_raise_marks"] == len(second.raise_marks)
    assert [t.id for t in store.list_tests(LOCAL_OWNER, runner_id)] == [second.id]
    store.delete_runner(LOCAL_OWNER, runner_id)
    assert count_rows(store, runner_id)["test_raise_marks"] == 0
    assert count_rows(store, other)["test_raise_marks"] == len(MOTION_TEST.raise_marks)  # another runner's stay


def test_a_mark_the_database_refuses_saves_nothing_of_the_test(store: Store) -> None:
    runner_id = add_runner(store)
    broken = dataclasses.replace(LEFT_MARKS[2], relative_size=None)  # NOT NULL: refused after the test row
    with pytest.raises(Exception):  # noqa: B017 - the store's or the driver's refusal: either way nothing is kept
        store.save_test(LOCAL_OWNER, runner_id, dataclasses.replace(MOTION_TEST, raise_marks=(*LEFT_MARKS[:2], broken)))
    rows = count_rows(store, runner_id)
    assert (rows["test_sessions"], rows["symptom_entries"], rows["test_raise_marks"]) == (0, 0, 0)
    assert saved(store, runner_id).raise_marks == MOTION_TEST.raise_marks  # and the store still saves


def test_a_test_stored_before_migration_11_reads_as_counted_by_hand(store: Store) -> None:
    runner_id = add_runner(store)
    test = saved(store, runner_id, heel_test(20, 21))
    with store._transaction(LOCAL_OWNER) as cursor:  # type: ignore[attr-defined]  # the column as an old row has it
        cursor.execute("UPDATE test_sessions SET counted_by_motion = NULL WHERE id = ?", [test.id])
    assert store.list_tests(LOCAL_OWNER, runner_id) == [test]


def test_marks_move_with_the_copy_to_postgresql_counted_and_whole(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "club.duckdb"
    duck = open_store(f"duckdb:///{source}")
    runner_id = add_runner(duck)
    saved(duck, runner_id)
    expected = duck.load_records(LOCAL_OWNER, runner_id)
    duck.close()
    report = copy_to_postgres(source, parse_database_url(postgres_url))
    assert report.rows["test_raise_marks"] == len(MOTION_TEST.raise_marks)
    pg = open_store(postgres_url)
    try:
        assert pg.load_records(LOCAL_OWNER, runner_id) == expected
        later = saved(pg, runner_id)  # the mark ids' sequence moved past the copied marks
        assert len(later.raise_marks) == len(MOTION_TEST.raise_marks)
    finally:
        pg.close()
