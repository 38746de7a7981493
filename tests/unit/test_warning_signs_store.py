"""The store's warning signs that last, on DuckDB and PostgreSQL (the `store` fixture runs each test on both): a tick
in a daily check-in and a clinician's all-clear are saved, listed, loaded with the records, corrected, deleted with
the runner, and never seen or changed by another owner."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcore.models import CheckinWarning, ClinicianAllClear, Sex
from calfcore.warning_signs import warning_of
from calfstore import LOCAL_OWNER, NotFound, Store
from calfstore.tables import count_rows
from tests.unit.helpers import TODAY, heel_test, runner

NOW = dt.datetime(2025, 6, 16, 8, 30)
TICK = CheckinWarning(TODAY - dt.timedelta(days=2), frozenset({"calf_swollen_warm_red", "rest_or_night_pain"}))
ALL_CLEAR = ClinicianAllClear(TODAY, "Seen by the physio: a calf strain, no clot. Ça va — 🏃")


def add_runner(store: Store, owner: str = LOCAL_OWNER, name: str = "Sam") -> int:
    return int(store.create_runner(owner, runner(Sex.FEMALE, 35, name=name)).id)


def test_a_tick_is_saved_listed_and_loaded_with_the_records(store: Store) -> None:
    runner_id = add_runner(store)
    warning_id = store.save_checkin_warning(LOCAL_OWNER, runner_id, TICK)
    listed = store.list_checkin_warnings(LOCAL_OWNER, runner_id)
    assert listed == [CheckinWarning(TICK.flagged_on, TICK.red_flags, None, warning_id)]
    records = store.load_records(LOCAL_OWNER, runner_id)
    assert records.checkin_warnings == listed and records.all_clears == []
    found = warning_of(records)
    assert found is not None and found.flagged_on == TICK.flagged_on


def test_an_all_clear_is_saved_with_its_note_and_clears_the_warning(store: Store) -> None:
    runner_id = add_runner(store)
    store.save_checkin_warning(LOCAL_OWNER, runner_id, TICK)
    clear_id = store.save_all_clear(LOCAL_OWNER, runner_id, ALL_CLEAR)
    assert store.list_all_clears(LOCAL_OWNER, runner_id) == [ClinicianAllClear(TODAY, ALL_CLEAR.note, clear_id)]
    records = store.load_records(LOCAL_OWNER, runner_id)
    assert records.all_clears == [ClinicianAllClear(TODAY, ALL_CLEAR.note, clear_id)]
    assert warning_of(records) is None
    store.delete_all_clear(LOCAL_OWNER, runner_id, clear_id)  # recorded by mistake: the warning stands again
    assert warning_of(store.load_records(LOCAL_OWNER, runner_id)) is not None
    with pytest.raises(NotFound):
        store.delete_all_clear(LOCAL_OWNER, runner_id, clear_id)


def test_a_mistaken_tick_is_marked_once_and_stays_on_record(store: Store) -> None:
    runner_id = add_runner(store)
    warning_id = store.save_checkin_warning(LOCAL_OWNER, runner_id, TICK)
    store.mark_checkin_warning_mistaken(LOCAL_OWNER, runner_id, warning_id, NOW)
    store.mark_checkin_warning_mistaken(LOCAL_OWNER, runner_id, warning_id, NOW + dt.timedelta(hours=1))
    [marked] = store.list_checkin_warnings(LOCAL_OWNER, runner_id)
    assert marked.mistaken_at == NOW and marked.red_flags == TICK.red_flags
    assert warning_of(store.load_records(LOCAL_OWNER, runner_id)) is None
    with pytest.raises(NotFound):
        store.mark_checkin_warning_mistaken(LOCAL_OWNER, runner_id, warning_id + 1000, NOW)


def test_each_write_changes_the_owners_data_version(store: Store) -> None:
    runner_id = add_runner(store)
    seen = {store.data_version(LOCAL_OWNER)}
    warning_id = store.save_checkin_warning(LOCAL_OWNER, runner_id, TICK)
    seen.add(store.data_version(LOCAL_OWNER))
    store.mark_checkin_warning_mistaken(LOCAL_OWNER, runner_id, warning_id, NOW)
    seen.add(store.data_version(LOCAL_OWNER))
    clear_id = store.save_all_clear(LOCAL_OWNER, runner_id, ALL_CLEAR)
    seen.add(store.data_version(LOCAL_OWNER))
    store.delete_all_clear(LOCAL_OWNER, runner_id, clear_id)
    seen.add(store.data_version(LOCAL_OWNER))
    assert len(seen) == 5


def test_they_are_deleted_with_the_runner_and_nobody_elses(store: Store) -> None:
    runner_id, other = add_runner(store), add_runner(store, name="Other")
    for target in (runner_id, other):
        store.save_test(LOCAL_OWNER, target, heel_test(30, 30, day=TODAY - dt.timedelta(days=9)))
        store.save_checkin_warning(LOCAL_OWNER, target, TICK)
        store.save_all_clear(LOCAL_OWNER, target, ALL_CLEAR)
    store.delete_runner(LOCAL_OWNER, runner_id)
    gone = count_rows(store, runner_id)
    assert gone["checkin_warnings"] == 0 and gone["clinician_all_clears"] == 0
    kept = count_rows(store, other)
    assert kept["checkin_warnings"] == 1 and kept["clinician_all_clears"] == 1


def test_deleting_a_login_deletes_them(store: Store) -> None:
    runner_id = add_runner(store, "oidc:alice")
    store.save_checkin_warning("oidc:alice", runner_id, TICK)
    store.save_all_clear("oidc:alice", runner_id, ALL_CLEAR)
    assert store.delete_owner("oidc:alice") == 1
    assert count_rows(store, runner_id)["checkin_warnings"] == 0
    assert count_rows(store, runner_id)["clinician_all_clears"] == 0


def test_another_owner_never_sees_or_changes_them(store: Store) -> None:
    a_runner, b_runner = add_runner(store, "owner-a", "Alice"), add_runner(store, "owner-b", "Bob")
    warning_id = store.save_checkin_warning("owner-a", a_runner, TICK)
    clear_id = store.save_all_clear("owner-a", a_runner, ClinicianAllClear(TICK.flagged_on - dt.timedelta(days=1)))
    before = store.load_records("owner-a", a_runner)
    attempts = {
        "save_checkin_warning": lambda: store.save_checkin_warning("owner-b", a_runner, TICK),
        "list_checkin_warnings": lambda: store.list_checkin_warnings("owner-b", a_runner),
        "mark_mistaken": lambda: store.mark_checkin_warning_mistaken("owner-b", a_runner, warning_id, NOW),
        "mark_mistaken_through_own_runner": lambda: store.mark_checkin_warning_mistaken(
            "owner-b", b_runner, warning_id, NOW
        ),
        "save_all_clear": lambda: store.save_all_clear("owner-b", a_runner, ALL_CLEAR),
        "list_all_clears": lambda: store.list_all_clears("owner-b", a_runner),
        "delete_all_clear": lambda: store.delete_all_clear("owner-b", a_runner, clear_id),
        "delete_all_clear_through_own_runner": lambda: store.delete_all_clear("owner-b", b_runner, clear_id),
    }
    for name, attempt in attempts.items():
        with pytest.raises(NotFound):
            attempt()
        assert store.load_records("owner-a", a_runner) == before, f"{name} changed owner a's data"
    assert store.list_checkin_warnings("owner-b", b_runner) == []
    assert store.list_all_clears("owner-b", b_runner) == []
    assert warning_of(before) is not None  # the all-clear dated before the tick does not clear it
