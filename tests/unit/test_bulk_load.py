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
    for runner in runners:
        assert _plain(store.load_records(LOCAL_OWNER, int(runner.id))) == expected
        assert count_rows(store, int(runner.id))["test_sessions"] == 6


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
