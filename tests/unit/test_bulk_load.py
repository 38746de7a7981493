"""Store.bulk_load (used by the benchmarks): frames in, the same records out as the ordinary import."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from benchmarks.history import History, load_into, three_years, to_frames
from calfcore.models import HeelRaiseTest, LegPair, Protocol
from calfstore import LOCAL_OWNER
from calfstore.bulk import bulk_load
from calfstore.duckdb_store import DuckDBStore
from calfstore.tables import count_rows


def _plain(records) -> tuple:  # noqa: ANN001
    """Records without ids (they differ between files; same-day entries may come in another order)."""
    strip = lambda items: sorted((dataclasses.replace(item, id=None) for item in items), key=repr)  # noqa: E731
    tests_by_id = {t.id: t.tested_on for t in records.tests}
    symptoms = sorted(
        (dataclasses.replace(s, id=None, test_id=tests_by_id.get(s.test_id)) for s in records.symptoms), key=repr
    )
    return strip(records.tests), symptoms, strip(records.routine_logs)


def test_bulk_load_gives_each_runner_the_same_records_as_an_import(tmp_path: Path) -> None:
    full = three_years(dt.date(2026, 6, 1))
    history = History(full.runner, full.tests[-6:], full.symptoms[-20:], full.routine_logs[-15:])
    imported = DuckDBStore.open(tmp_path / "imported.duckdb")
    expected = _plain(imported.load_records(LOCAL_OWNER, int(load_into(imported, LOCAL_OWNER, history).id)))

    store = DuckDBStore.open(tmp_path / "bulk.duckdb")
    counts = bulk_load(store, LOCAL_OWNER, **to_frames(history, 3))
    assert counts == {"runners": 3, "test_sessions": 18, "symptom_entries": 3 * (12 + 20), "routine_logs": 45}
    runners = store.list_runners(LOCAL_OWNER)
    assert [r.name for r in runners] == ["Load runner 01", "Load runner 02", "Load runner 03"]
    loaded = [store.load_records(LOCAL_OWNER, int(runner.id)) for runner in runners]
    assert _plain(loaded[0]) == expected  # the first copy is the history itself
    for records in loaded:
        assert count_rows(store, int(records.runner.id))["test_sessions"] == 6
        _assert_a_nudged_copy(records, imported.load_records(LOCAL_OWNER, 1))
    assert len({repr(_plain(records)) for records in loaded}) == 3  # no two runners' records alike


def _assert_a_nudged_copy(copy, history) -> None:  # noqa: ANN001
    """The same records, day by day, with raises 0-2 more, pain 0-1 less (never below 0) and exercise reps 0-3 more."""
    by_day = lambda items, day: sorted(items, key=lambda x: (getattr(x, day), repr(x)))  # noqa: E731
    for got, base in zip(by_day(copy.tests, "tested_on"), by_day(history.tests, "tested_on"), strict=True):
        assert got.tested_on == base.tested_on and got.protocol == base.protocol
        for pair, base_pair in ((got.straight_reps, base.straight_reps), (got.bent_reps, base.bent_reps)):
            if base_pair is None:
                assert pair is None
                continue
            nudge = pair.left - base_pair.left
            assert nudge in (0, 1, 2) and pair.right - base_pair.right == nudge
    untouched = lambda s: (s.logged_on, s.side.value, s.location.value, s.stiffness_minutes or 0)  # noqa: E731
    symptoms = lambda r: sorted(r.symptoms, key=lambda s: (untouched(s), s.test_id is None))  # noqa: E731
    for got, base in zip(symptoms(copy), symptoms(history), strict=True):
        assert untouched(got) == untouched(base)
        for value, base_value in ((got.pain_during, base.pain_during), (got.pain_next_morning, base.pain_next_morning)):
            assert (value is None) == (base_value is None)
            if base_value is not None:
                assert value in (base_value, max(0, base_value - 1))
    for got, base in zip(
        by_day(copy.routine_logs, "logged_on"), by_day(history.routine_logs, "logged_on"), strict=True
    ):
        assert (got.logged_on, got.exercise_id, got.sets) == (base.logged_on, base.exercise_id, base.sets)
        assert got.reps - base.reps in (0, 1, 2, 3)


def test_ids_carry_on_from_a_bulk_load(tmp_path: Path) -> None:
    full = three_years(dt.date(2026, 6, 1))
    store = DuckDBStore.open(tmp_path / "bulk.duckdb")
    bulk_load(store, LOCAL_OWNER, **to_frames(History(full.runner, full.tests[:2], [], []), 2))
    runner = store.list_runners(LOCAL_OWNER)[1]
    new_id = store.save_test(
        LOCAL_OWNER, int(runner.id), HeelRaiseTest(dt.date(2026, 6, 2), Protocol(), LegPair(20, 21))
    )
    assert new_id == 5  # after the four bulk-loaded tests
    assert len(store.list_tests(LOCAL_OWNER, int(runner.id))) == 3


def test_bulk_load_adds_records_to_existing_runners_of_the_owner_only(tmp_path: Path) -> None:
    from benchmarks.platform_data import frames
    from calfstore import NotFound

    store = DuckDBStore.open(tmp_path / "bulk.duckdb")
    bulk_load(store, LOCAL_OWNER, **frames(0, 3, dt.date(2026, 6, 1), 2, 1))
    ids = [int(r.id) for r in store.list_runners(LOCAL_OWNER)]
    before = {runner_id: store.load_records(LOCAL_OWNER, runner_id) for runner_id in ids}
    more = frames(0, 2, dt.date(2026, 6, 8), 3, 2)
    for name in ("tests", "symptoms", "routine_logs"):  # keys 0 and 1 -> the second and third runners
        more[name]["runner_key"] = more[name]["runner_key"].map({0: ids[1], 1: ids[2]})
    del more["runners"]
    assert bulk_load(store, LOCAL_OWNER, None, **more) == {
        "runners": 0,
        "test_sessions": 6,
        "symptom_entries": 12,
        "routine_logs": 4,
    }
    after = {runner_id: store.load_records(LOCAL_OWNER, runner_id) for runner_id in ids}
    assert after[ids[0]] == before[ids[0]]
    assert [len(after[i].tests) - len(before[i].tests) for i in ids[1:]] == [3, 3]
    assert len(store.list_runners(LOCAL_OWNER)) == 3
    with pytest.raises(NotFound):  # another owner's runners: refused whole
        bulk_load(store, "someone-else", None, **more)
    assert {runner_id: store.load_records(LOCAL_OWNER, runner_id) for runner_id in ids} == after
