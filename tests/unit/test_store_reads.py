"""Store.load_records (one statement for the dashboard) and Store.cluster_by_runner (the maintenance step that
keeps each runner's rows together on disk): what they return and what they keep, never how fast they are."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from calfcore.demo import demo_data
from calfcore.models import (
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    SymptomEntry,
)
from calfcore.storage import RUNNER_TABLES, NotFound, RunnerRecords, Store, load_records
from calfcore.triage import red_flag_ids

TODAY = dt.date(2025, 6, 16)
OWNERS = ("local", "oidc:https://id.example|alice", "oidc:https://id.example|bob")


def _separately(store: Store, owner: str, runner_id: int) -> RunnerRecords:
    """What the dashboard read before load_records was one statement: four reads, each checking the owner."""
    return RunnerRecords(runner=store.get_runner(owner, runner_id), tests=store.list_tests(owner, runner_id),
                         symptoms=store.list_symptoms(owner, runner_id),
                         routine_logs=store.list_routine_logs(owner, runner_id))


def _fill(store: Store, runners: int = 6, seed: int = 1) -> list[tuple[str, int]]:
    """Runners of several owners whose records are saved interleaved, day by day, as a club's would arrive (so one
    runner's rows are spread through every table), with every optional field used somewhere, same-day entries,
    red flags, a runner with nothing recorded and a runner deleted in the middle."""
    rng = random.Random(seed)
    flags = sorted(red_flag_ids())
    made: list[tuple[str, int]] = []
    events: list[tuple[dt.date, int, object]] = []
    for index in range(runners):
        owner = OWNERS[index % len(OWNERS)]
        runner = store.create_runner(owner, RunnerProfile(name=f"Runner {index}", birth_year=1980 + index,
                                                          sex=Sex.FEMALE if index % 2 else Sex.MALE,
                                                          injured_side=Side.LEFT if index % 3 == 0 else None))
        made.append((owner, int(runner.id)))
        if index == 1:
            continue  # a runner with a profile only
        demo = demo_data(TODAY - dt.timedelta(days=3 * index), seed=index)
        for number, (test, symptoms) in enumerate(demo.tests):
            if number == 2:
                test = HeelRaiseTest(test.tested_on, Protocol(cadence_bpm=0, cued=True, added_load_kg=5.0),
                                     LegPair(11.0, 12.0), red_flags=frozenset(flags[:2]), notes="pop; stopped")
            events.append((test.tested_on, len(made) - 1, (test, symptoms)))
        for entry in demo.symptoms[::3]:
            events.append((entry.logged_on, len(made) - 1, entry))
        for entry in demo.routine_logs[::8]:
            events.append((entry.logged_on, len(made) - 1, entry))
        events.append((TODAY, len(made) - 1, SymptomEntry(TODAY, Side.RIGHT, 2, None, None, PainLocation.CALF)))
    rng.shuffle(events)
    events.sort(key=lambda event: event[0])  # date order; within a day, any runner's first
    for _, which, item in events:
        owner, runner_id = made[which]
        if isinstance(item, tuple):
            store.save_test(owner, runner_id, *item)
        elif isinstance(item, SymptomEntry):
            store.add_symptoms(owner, runner_id, [item])
        else:
            assert isinstance(item, RoutineLogEntry)
            store.add_routine_log(owner, runner_id, item)
    gone_owner, gone = made.pop(min(4, len(made) - 1))
    store.delete_runner(gone_owner, gone)
    return made


def test_load_records_returns_exactly_what_the_separate_reads_return(store: Store) -> None:
    runners = _fill(store)
    for owner, runner_id in runners:
        records = load_records(store, owner, runner_id)
        assert records == _separately(store, owner, runner_id)
        assert store.load_records(owner, runner_id) == records
    sizes = [len(load_records(store, owner, runner_id).tests) for owner, runner_id in runners]
    assert 0 in sizes and max(sizes) >= 6  # the runner without records, and runners with many
    every = [load_records(store, owner, runner_id) for owner, runner_id in runners]
    for optional in ("soleus", "bent_reps", "heel_height_cm", "knee_to_wall_cm"):
        assert any(getattr(t, optional) for r in every for t in r.tests), optional
        assert any(getattr(t, optional) is None for r in every for t in r.tests), optional
    assert any(t.red_flags for r in every for t in r.tests)
    assert any(s.test_id is None for r in every for s in r.symptoms)


def test_load_records_keeps_day_then_id_order_for_same_day_entries(store: Store) -> None:
    owner, runner_id = "local", int(store.create_runner("local", RunnerProfile(name="Same day", birth_year=1990,
                                                                               sex=Sex.MALE)).id)
    for reps in (30, 20, 25):  # three tests on one day, then one on an earlier day, saved last
        store.save_test(owner, runner_id, HeelRaiseTest(TODAY, Protocol(), LegPair(reps, reps)))
    store.save_test(owner, runner_id, HeelRaiseTest(TODAY - dt.timedelta(days=9), Protocol(), LegPair(5, 5)))
    tests = load_records(store, owner, runner_id).tests
    assert [t.straight_reps.left for t in tests] == [5, 30, 20, 25]
    assert tests == store.list_tests(owner, runner_id)


def test_load_records_is_scoped_to_the_owner(store: Store) -> None:
    runners = _fill(store, runners=4)
    for owner, runner_id in runners:
        for other in OWNERS:
            if other != owner:
                with pytest.raises(NotFound):
                    load_records(store, other, runner_id)
    owner, runner_id = runners[0]
    store.delete_runner(owner, runner_id)
    with pytest.raises(NotFound):
        load_records(store, owner, runner_id)
