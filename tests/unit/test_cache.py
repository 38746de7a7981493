"""calfui.cache, tested directly: reads cached per owner's data version, and OwnerData, bound to one owner, which
forwards every write with that owner (on both backends)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace

import pytest

from calfcore.models import (
    HeelRaiseTest,
    Knee,
    LegPair,
    MotionCount,
    PainLocation,
    RaiseMark,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    SoleusTest,
    SymptomEntry,
)
from calfstore import RunnerRecords, Store
from calfui.cache import GenerationCache, OwnerData, RunnerRows

TODAY = dt.date(2026, 6, 15)


def _runner(name: str) -> RunnerProfile:
    return RunnerProfile(name, 1990, Sex.FEMALE)


def test_a_cached_read_is_computed_once_until_that_owners_data_changes(store: Store) -> None:
    cache, calls = GenerationCache(), []

    def names(owner: str) -> list[str]:
        calls.append(owner)
        return [r.name for r in store.list_runners(owner)]

    alice, bob = OwnerData(store, "alice"), OwnerData(store, "bob")
    alice.create_runner(_runner("Ann"))
    assert cache.get(store, "alice", "names", lambda: names("alice")) == ["Ann"]
    assert cache.get(store, "bob", "names", lambda: names("bob")) == []
    assert cache.get(store, "alice", "names", lambda: names("alice")) == ["Ann"]
    assert calls == ["alice", "bob"]  # the second read of Alice's came from the cache

    bob.create_runner(_runner("Ben"))  # Bob's write leaves Alice's entry warm...
    assert cache.get(store, "alice", "names", lambda: names("alice")) == ["Ann"]
    assert cache.get(store, "bob", "names", lambda: names("bob")) == ["Ben"]  # ...and makes Bob's stale
    alice.create_runner(_runner("Amy"))
    assert cache.get(store, "alice", "names", lambda: names("alice")) == ["Ann", "Amy"]
    assert calls == ["alice", "bob", "bob", "alice"]


def test_one_runners_save_leaves_the_cached_pages_of_the_owners_other_runners_warm(store: Store) -> None:
    """Issue 25: local mode keeps a whole club under one owner. Ben's save must not send Ann's next page back to the
    database and through every chart again; Ann's own save must show at her next read, and so must a change that
    names no runner (here a new runner) and the owner's runner list after any save."""
    from calfui import run_versions
    from tests.unit.helpers import heel_test

    club = OwnerData(store, "club")
    ann, ben = club.create_runner(_runner("Ann")).saved_id, club.create_runner(_runner("Ben")).saved_id
    charts_drawn: list[int] = []

    def chart(runner_id: int) -> int:  # what a page computes from one runner's records
        charts_drawn.append(runner_id)
        return len(club.records(runner_id).tests)

    def page(runner_id: int) -> tuple[int, int]:  # one run: the runner's chart and the owner's runner list
        with run_versions.one_run():
            drawn = club.cached(("chart", runner_id), lambda: chart(runner_id), runner_id=runner_id)
            return drawn, len(club.cached("runners", club.list_runners))

    assert page(ann) == (0, 2) and page(ben) == (0, 2)
    records_before = club.records(ann)
    club.save_test(ben, heel_test(20, 22))
    assert page(ann) == (0, 2)
    assert charts_drawn == [ann, ben]  # Ann's chart came from the cache after Ben's save...
    assert club.records(ann) is records_before  # ...and so did her records
    assert page(ben) == (1, 2) and charts_drawn[-1] == ben  # Ben sees his save
    club.save_test(ann, heel_test(25, 27))
    assert page(ann) == (1, 2) and charts_drawn[-1] == ann
    club.create_runner(_runner("Cat"))
    assert page(ann) == (1, 3) and page(ben) == (1, 3)
    assert charts_drawn[-2:] == [ann, ben]  # a write naming no runner: every runner's pages start afresh


def test_a_new_version_drops_the_value_it_supersedes_so_a_quiet_runners_pages_outlast_the_clubs_saves(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 25: a club's runners saving one after the other, each page filing a few values per runner. Superseded
    values are dropped as soon as their key has a newer one, so they never push out the current pages of a runner
    who isn't saving: with room for every runner's current values, a quiet runner's page and next Save still find
    their records (the Save adds the test instead of reading everything again). A value filed late, at an older
    version (a run that began before a write), is kept for the run that asked but never displaces the newer one."""
    from calfui import cache as cache_module
    from calfui import run_versions
    from tests.unit.helpers import heel_test

    keys_per_page = 3
    club = OwnerData(store, "club")
    quiet, *saving = [club.create_runner(_runner(f"Runner {n}")).saved_id for n in range(4)]
    room = (1 + len(saving)) * keys_per_page  # every runner's current values, and not one more
    small = GenerationCache(max_entries=room)
    monkeypatch.setattr(cache_module, "_cache", small)
    loads: list[int] = []
    load = store.load_records
    monkeypatch.setattr(
        store, "load_records", lambda owner, runner_id: loads.append(runner_id) or load(owner, runner_id)
    )

    def page(runner_id: int) -> None:  # the runner's records and two more values of theirs
        with run_versions.one_run():
            records = club.records(runner_id)
            for key in range(keys_per_page - 1):
                club.cached(("chart", key, runner_id), lambda: len(records.tests), runner_id=runner_id)

    for runner_id in (quiet, *saving):
        page(runner_id)
    for turn in range(3):
        for runner_id in saving:
            club.save_test(runner_id, heel_test(20 + turn, 22))
            page(runner_id)
            assert club.records(runner_id) == load("club", runner_id)
    page(quiet)  # the quiet runner comes back after the others saved nine times...
    club.save_test(quiet, heel_test(24, 25))
    page(quiet)
    assert club.records(quiet) == load("club", quiet)
    assert sorted(loads) == sorted((quiet, *saving))  # ...and, like them, never read all their records again
    assert len(small._items) == room

    newest = small.held(store, "club", ("records", quiet), quiet)
    assert newest is not None
    late = load("club", quiet)
    small.put(store, "club", ("records", quiet), late, runner_id=quiet, version=newest[0] - 1)
    assert small.held(store, "club", ("records", quiet), quiet) == newest


def test_the_cache_keeps_at_most_its_size_dropping_the_least_recently_used(store: Store) -> None:
    cache = GenerationCache(max_entries=2)
    cache.get(store, "o", "a", lambda: 1)
    cache.get(store, "o", "b", lambda: 2)
    cache.get(store, "o", "a", lambda: 1)  # a is now the most recent
    cache.get(store, "o", "c", lambda: 3)  # b falls out
    assert cache.get(store, "o", "a", lambda: "again") == 1
    assert cache.get(store, "o", "b", lambda: "again") == "again"


def test_owner_data_writes_and_reads_only_its_owners_runners(store: Store) -> None:
    alice, bob = OwnerData(store, "alice"), OwnerData(store, "bob")
    created = alice.create_runner(_runner("Ann"))
    assert [r.name for r in store.list_runners("alice")] == ["Ann"]
    assert alice.records(int(created.id)).runner.name == "Ann"
    assert bob.list_runners() == []
    version = alice.data_version()
    alice.delete_runner(int(created.id))
    assert alice.data_version() != version and store.list_runners("alice") == []


def test_while_the_data_cant_be_reached_a_cached_read_answers_with_what_it_last_read(tmp_path) -> None:
    """Issue 23: a store that can't be read (here a DuckDB store closed under the session) answers a cached read
    with the newest value held for that owner and key, and marks the run; a read never cached raises."""
    import pytest

    from calfstore import DataUnreachable
    from calfstore.duckdb_store import DuckDBStore
    from calfui.cache import served_last_known

    store = DuckDBStore.open(tmp_path / "calfcheck.duckdb")
    cache, alice = GenerationCache(), OwnerData(store, "alice")

    def names(owner: str) -> list[str]:
        return [r.name for r in store.list_runners(owner)]

    alice.create_runner(_runner("Ann"))
    assert cache.get(store, "alice", "names", lambda: names("alice")) == ["Ann"]
    alice.create_runner(_runner("Amy"))  # a newer version, not read yet...
    store.close()  # ...when the data can't be reached
    token = served_last_known.set(False)
    try:
        assert cache.get(store, "alice", "names", lambda: names("alice")) == ["Ann"]  # what was last read
        assert served_last_known.get()
        with pytest.raises(DataUnreachable):  # nothing read before for Bob: nothing to show
            cache.get(store, "bob", "names", lambda: names("bob"))
    finally:
        served_last_known.reset(token)


def test_once_the_data_is_back_the_next_run_reads_it(tmp_path) -> None:
    """Issue 23 (the roster after a PostgreSQL restart kept saying "can't be reached"): after a failed read, the
    run's later reads answer at once without asking the database again, and the memory ends with the run: the very
    next run reads the database that is back. (A memory kept for a second across runs was renewed by a page's reruns,
    and even unrenewed it answered the first click after a quick restart with the outage.)"""
    import pytest

    from calfstore import DataUnreachable
    from calfstore.duckdb_store import DuckDBStore
    from calfui import run_versions

    path = tmp_path / "calfcheck.duckdb"
    away = DuckDBStore.open(path)
    OwnerData(away, "alice").create_runner(_runner("Ann"))
    away.close()  # the data can't be reached...
    cache = GenerationCache()
    back = DuckDBStore.open(path)  # ...and is back for anyone who asks (the same database, the same cache entries)
    try:
        assert back.description == away.description
        asked: list[str] = []

        def names(store: Store) -> list[str]:
            asked.append(store.description)
            return [r.name for r in store.list_runners("alice")]

        with run_versions.one_run():
            with pytest.raises(DataUnreachable):
                cache.get(away, "alice", "names", lambda: names(away))
            assert len(asked) == 1  # that read asked, and failed
            with pytest.raises(DataUnreachable):  # the same run: answered at once, the database not asked
                cache.get(back, "alice", "other", lambda: names(back))
            assert len(asked) == 1
        with run_versions.one_run():  # the next click
            assert cache.get(back, "alice", "names", lambda: names(back)) == ["Ann"]
    finally:
        back.close()


class _Asking:
    """A real store that counts how often it is asked for a data version (what one run costs on PostgreSQL)."""

    def __init__(self, store: Store) -> None:
        self.store, self.asked = store, 0
        self.scopes: list[set[tuple[str, int | None]]] = []
        self.description = store.description

    def data_version(self, owner: str, runner_id: int | None = None) -> int:
        self.asked += 1
        return self.store.data_version(owner, runner_id)

    def data_versions(self, scopes: Collection[tuple[str, int | None]]) -> dict[tuple[str, int | None], int]:
        self.asked += 1  # one question, however many scopes it names
        self.scopes.append(set(scopes))
        return self.store.data_versions(scopes)


def test_a_run_asks_for_each_owners_data_version_once_and_again_after_its_own_write(store: Store) -> None:
    """Issue 25: one version question per owner per run; a write made in the run (through OwnerData, for any owner)
    makes its next read ask again, so the run shows what it wrote."""
    from typing import cast

    from calfui import run_versions

    cache, asking = GenerationCache(), _Asking(store)
    counted = cast(Store, asking)
    alice, bob = OwnerData(store, "alice"), OwnerData(store, "bob")
    alice.create_runner(_runner("Ann"))

    def names(owner: str) -> list[str]:
        return [r.name for r in store.list_runners(owner)]

    with run_versions.one_run():
        for key in ("names", "again", "names"):
            assert cache.get(counted, "alice", key, lambda: names("alice")) == ["Ann"]
        assert alice.data_version() == store.data_version("alice")  # the page's own question, from the same memory
        assert asking.asked == 1
        cache.get(counted, "bob", "names", lambda: names("bob"))
        assert asking.asked == 2  # another owner: its own question
        bob.create_runner(_runner("Ben"))  # a write in the run, for Bob...
        assert cache.get(counted, "alice", "names", lambda: names("alice")) == ["Ann"]
        assert cache.get(counted, "bob", "names", lambda: names("bob")) == ["Ben"]  # ...is seen at its next read
        assert asking.asked == 4  # every owner asked again once after the write (a coach's write included)
        alice.list_runners()  # a read forgets nothing
        cache.get(counted, "alice", "names", lambda: names("alice"))
        assert asking.asked == 4
    cache.get(counted, "alice", "names", lambda: names("alice"))  # outside a run: asked every time
    cache.get(counted, "alice", "names", lambda: names("alice"))
    assert asking.asked == 6


def test_a_run_asks_for_the_owners_and_the_expected_runners_versions_in_one_question(store: Store) -> None:
    """Issue 25 (Share on PostgreSQL asked twice a run): the sidebar reads the owner's runners, the page the picked
    runner's data. Named at the start of the run (`expect`), both versions come from the run's first question; a
    runner not expected (another pick in the same run) is one question more; after a write in the run the expected
    ones are asked for together again; each answer is the version the store gives that scope."""
    from typing import cast

    from calfui import run_versions
    from tests.unit.helpers import heel_test

    cache, asking = GenerationCache(), _Asking(store)
    counted = cast(Store, asking)
    alice = OwnerData(store, "alice")
    ann, amy = alice.create_runner(_runner("Ann")).saved_id, alice.create_runner(_runner("Amy")).saved_id
    alice.save_test(ann, heel_test(20, 22))

    def names() -> list[str]:
        return [r.name for r in store.list_runners("alice")]

    def tests(runner_id: int) -> int:
        return len(store.list_tests("alice", runner_id))

    with run_versions.one_run():
        run_versions.expect(store.description, "alice")
        run_versions.expect(store.description, "alice", ann)
        run_versions.expect("another database", "alice", amy)  # another store's scope is never asked of this one
        assert cache.get(counted, "alice", "names", names) == ["Ann", "Amy"]
        assert cache.get(counted, "alice", ("tests", ann), lambda: tests(ann), runner_id=ann) == 1
        assert asking.asked == 1
        assert asking.scopes == [{("alice", None), ("alice", ann)}]
        assert alice.data_version() == store.data_version("alice")
        assert alice.data_version(ann) == store.data_version("alice", ann)
        assert cache.get(counted, "alice", ("tests", amy), lambda: tests(amy), runner_id=amy) == 0
        assert asking.asked == 2 and asking.scopes[-1] == {("alice", amy)}  # not expected: asked alone
        alice.save_test(ann, heel_test(21, 23))  # the run writes...
        assert cache.get(counted, "alice", ("tests", ann), lambda: tests(ann), runner_id=ann) == 2  # ...and sees it
        assert asking.asked == 3 and asking.scopes[-1] == {("alice", None), ("alice", ann)}
        assert cache.get(counted, "alice", "names", names) == ["Ann", "Amy"]
        assert asking.asked == 3
    with run_versions.one_run():  # the next run expects nothing until told: one question per scope read
        cache.get(counted, "alice", "names", names)
        cache.get(counted, "alice", ("tests", ann), lambda: tests(ann), runner_id=ann)
        assert asking.asked == 5


def test_a_write_by_another_process_shows_at_the_next_run(postgres_url: str) -> None:
    """Issue 25: a run remembers its versions only while it lasts. Another process's save (its own connection pool
    on the same PostgreSQL database) is not seen halfway through a run, and is seen by the next one."""
    from calfstore import open_store
    from calfui import run_versions
    from tests.unit.helpers import heel_test

    here, elsewhere = open_store(postgres_url), open_store(postgres_url)
    try:
        cache = GenerationCache()
        OwnerData(here, "alice").create_runner(_runner("Ann"))

        def names() -> list[str]:
            return [r.name for r in here.list_runners("alice")]

        with run_versions.one_run():
            assert cache.get(here, "alice", "names", names) == ["Ann"]
            elsewhere.create_runner("alice", _runner("Amy"))  # the other process saves mid-run
            assert cache.get(here, "alice", "names", names) == ["Ann"]  # this run's picture stays whole
        with run_versions.one_run():  # the next click
            assert cache.get(here, "alice", "names", names) == ["Ann", "Amy"]
        ann = here.list_runners("alice")[0].saved_id

        def tests() -> int:
            return len(here.list_tests("alice", ann))

        with run_versions.one_run():  # a read of one runner's data, keyed on that runner's version
            assert cache.get(here, "alice", ("tests", ann), tests, runner_id=ann) == 0
            elsewhere.save_test("alice", ann, heel_test(20, 22))
            assert cache.get(here, "alice", ("tests", ann), tests, runner_id=ann) == 0
        with run_versions.one_run():
            assert cache.get(here, "alice", ("tests", ann), tests, runner_id=ann) == 1
    finally:
        here.close()
        elsewhere.close()


# -- after a Save: the test just saved added to the cached records (issue 25) ------------------------------------


def _every_kind_of_test(day: dt.date) -> list[tuple[HeelRaiseTest, list[SymptomEntry]]]:
    """Tests as a runner saves them: plain, with every optional measure, counted by the motion with its raise marks,
    with symptoms on both legs (one logged the next morning), on the day of an earlier test and before it."""
    from tests.unit.helpers import heel_test, symptom

    marks = tuple(
        RaiseMark(Knee.STRAIGHT, side, number, 900 * number, 1.0 - number / 50, number % 7 != 0, number % 7 != 0)
        for side in (Side.RIGHT, Side.LEFT)  # saved in another order than the store reads them back in
        for number in (3, 1, 2)
    )
    return [
        (heel_test(20, 24, day=day), []),
        (
            heel_test(
                18,
                25,
                day=day,
                bent_reps=LegPair(15, 19),
                heel_height_cm=LegPair(9.5, 10.0),
                soleus=SoleusTest(20.0, LegPair(12, 14), 61.5),
                knee_to_wall_cm=LegPair(11.0, 12.5),
                red_flags=frozenset({"calf_swollen_warm_red"}),
                notes="Morgens steif — 早上有点僵 ✓",
            ),
            [symptom(day, Side.LEFT, 3, None, 10, location=PainLocation.ACHILLES), symptom(day, Side.RIGHT, 0)],
        ),
        (
            heel_test(2, 2, day=day, counted_by_motion=frozenset({MotionCount.STRAIGHT_LEFT}), raise_marks=marks),
            [symptom(day + dt.timedelta(days=1), Side.LEFT, None, 4, None, location=PainLocation.CALF)],
        ),
        (heel_test(22, 21, day=day - dt.timedelta(days=30)), [symptom(day - dt.timedelta(days=30), Side.RIGHT, 1)]),
    ]


def test_the_saved_test_added_to_the_records_is_what_the_store_reads_back(store: Store) -> None:
    """Store.records_with_test puts a saved test, its raise marks and its symptoms where load_records does: for each
    kind of test, on the day of an earlier one and a month before the rest, the result is load_records' own."""
    owner = "club"
    runner_id = int(store.create_runner(owner, _runner("Ann")).id)
    store.add_routine_log(owner, runner_id, RoutineLogEntry(TODAY, "ball_roll", 3, 15, 0.0, 1, ""))
    for test, symptoms in _every_kind_of_test(TODAY):
        before = store.load_records(owner, runner_id)
        test_id = store.save_test(owner, runner_id, test, symptoms)
        assert store.records_with_test(owner, runner_id, before, test_id) == store.load_records(owner, runner_id)
    for day, load, pain, notes in ((TODAY, 0.0, None, ""), (TODAY - dt.timedelta(days=3), 12.5, 4, "schwer — 重")):
        before = store.load_records(owner, runner_id)
        log_id = store.add_routine_log(owner, runner_id, RoutineLogEntry(day, "ball_roll", 2, 10, load, pain, notes))
        assert store.records_with_log(owner, runner_id, before, log_id) == store.load_records(owner, runner_id)


def test_a_write_says_the_runners_and_owners_data_versions_on_each_side_of_it(store: Store) -> None:
    """last_write_step: the runner's and the owner's data versions just before a write and just after it, for this
    thread's last write; nothing for a write that failed or named no runner; another thread's write leaves this
    thread's alone."""
    import threading

    from calfstore import NotFound, WriteStep
    from tests.unit.helpers import heel_test

    def versions() -> tuple[int, int]:
        return store.data_version("club", ann), store.data_version("club")

    ann = int(store.create_runner("club", _runner("Ann")).id)
    assert store.last_write_step() is None  # a new runner: a change that names no runner's data
    runner, owner = versions()
    store.save_test("club", ann, heel_test(20, 24))
    assert store.last_write_step() == WriteStep((runner, versions()[0]), (owner, versions()[1]))
    mine = store.last_write_step()
    elsewhere = threading.Thread(target=lambda: store.save_test("club", ann, heel_test(21, 24)))
    elsewhere.start()
    elsewhere.join()
    assert store.last_write_step() == mine  # the other thread's step is its own...
    runner, owner = versions()
    assert mine is not None and runner > mine.runner[1] and owner > mine.owner[1]  # ...and its write moved them on
    store.add_routine_log("club", ann, RoutineLogEntry(TODAY, "ball_roll", 3, 15))
    assert store.last_write_step() == WriteStep((runner, versions()[0]), (owner, versions()[1]))
    with pytest.raises(NotFound):
        store.save_test("club", ann + 99, heel_test(20, 24))
    assert store.last_write_step() is None  # a refused write


def test_another_processs_writes_land_on_either_side_of_a_write_never_between(postgres_url: str) -> None:
    """PostgreSQL: writes of other processes (their own pools) to the same runner queue behind this one or go
    before it, so the versions this process's write reports have nothing of theirs between them; and a change of
    every owner (a migration) committed while the write runs leaves it unvouched."""
    import threading

    from calfstore import WriteStep, open_store
    from calfstore.postgres_store import PostgresStore
    from tests.unit.helpers import heel_test

    here, elsewhere = open_store(postgres_url), open_store(postgres_url)
    assert isinstance(here, PostgresStore)
    try:
        ann = int(here.create_runner("club", _runner("Ann")).id)
        ben = int(here.create_runner("club", _runner("Ben")).id)
        for writer in (elsewhere, here, elsewhere):
            writer.save_test("club", ann, heel_test(20, 24))
        before, owner_before = here.data_version("club", ann), here.data_version("club")
        in_the_write, go_on = threading.Event(), threading.Event()
        steps: list[WriteStep | None] = []

        def saving_slowly() -> None:  # this process's save, held open after its first statement
            with here._transaction("club", runner_id=ann) as cursor:
                in_the_write.set()
                go_on.wait(10)
                cursor.execute("UPDATE runners SET name = name WHERE id = ?", [ann])
            steps.append(here.last_write_step())

        mine = threading.Thread(target=saving_slowly)
        mine.start()
        assert in_the_write.wait(10)
        theirs = threading.Thread(target=lambda: elsewhere.save_test("club", ben, heel_test(30, 31)))
        theirs.start()  # another process's save for the same owner: queued behind this write...
        theirs.join(0.5)
        assert theirs.is_alive()
        go_on.set()
        mine.join(10)
        theirs.join(10)  # ...and lands after it
        step = steps[0]
        assert step is not None and step.runner == (before, here.data_version("club", ann))
        assert step.owner[0] == owner_before  # the other save, queued behind, is after both ends
        assert here.data_version("club", ben) > step.runner[1] and here.data_version("club") > step.owner[1]

        in_the_write.clear()
        go_on.clear()
        mine = threading.Thread(target=saving_slowly)
        mine.start()
        assert in_the_write.wait(10)
        with elsewhere._transaction(None):  # a migration elsewhere, committed while the save runs
            pass
        go_on.set()
        mine.join(10)
        assert steps[-1] is None
    finally:
        here.close()
        elsewhere.close()


def test_after_a_save_the_next_read_adds_the_test_to_what_was_cached_and_never_misses_another_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Save (or a training log entry) is added to the runner's cached records instead of reading every record
    again, on both backends; the records are the store's own every time. A write the cache didn't see in between
    (another session's log), a correction or a deletion read them all again."""
    from calfui import run_versions

    club = OwnerData(store, "club")
    ann = club.create_runner(_runner("Ann")).saved_id
    loads: list[int] = []
    load = store.load_records

    def counted(owner: str, runner_id: int) -> RunnerRecords:
        loads.append(runner_id)
        return load(owner, runner_id)

    monkeypatch.setattr(store, "load_records", counted)

    def page() -> RunnerRecords:
        with run_versions.one_run():
            return club.records(ann)

    for test, symptoms in _every_kind_of_test(TODAY):
        page()
        read = len(loads)
        test_id = club.save_test(ann, test, symptoms)
        assert page() == load("club", ann)  # the store's own records, whichever way they came
        assert len(loads) == read
        assert any(t.id == test_id for t in page().tests)

    page()
    read = len(loads)
    store.add_routine_log("club", ann, RoutineLogEntry(TODAY, "ball_roll", 3, 15, 0.0, 1, "elsewhere"))
    club.save_test(ann, _every_kind_of_test(TODAY)[0][0])  # the cache holds Ann's records from before the log
    after = page()
    assert after == load("club", ann) and [log.notes for log in after.routine_logs] == ["elsewhere"]
    assert len(loads) == read + 1

    for day in (TODAY, TODAY - dt.timedelta(days=2)):  # a training log entry too, today's and one from before
        page()
        read = len(loads)
        club.add_routine_log(ann, RoutineLogEntry(day, "ball_roll", 3, 12, 0.0, 2, "added"))
        assert page() == load("club", ann) and len(loads) == read

    latest = max(after.tests, key=lambda t: t.saved_id)
    club.update_test(ann, replace(latest, notes="corrected"), [], store.test_revision("club", ann, latest.saved_id))
    assert [t.notes for t in page().tests if t.id == latest.id] == ["corrected"]
    club.delete_test(ann, latest.saved_id)
    assert all(t.id != latest.id for t in page().tests) and page() == load("club", ann)


def test_a_save_keeps_the_runner_list_away_days_retest_interval_and_comments_and_any_change_of_them_shows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 25: a Save (a test, a training log entry) adds rows that the owner's list of runners and the runner's
    days away, own retest interval and comments don't read, so the run after it reads none of them again (on
    PostgreSQL a round trip each), on both backends; each is still the store's own, and a change of any of them
    (from this session or another) is read at the next run."""
    from calfcore.retest import AwayDay, AwayReason
    from calfcore.sharing import token_hash
    from calfui import run_versions
    from calfui.comments import runner_comments
    from calfui.dashboard_view import away_days, own_retest_choice

    club = OwnerData(store, "club")
    ann = club.create_runner(_runner("Ann")).saved_id
    first = club.save_test(ann, _every_kind_of_test(TODAY)[0][0])
    club.set_away_days(ann, [AwayDay(TODAY + dt.timedelta(days=3), AwayReason.TRAVELLING)])
    club.set_retest_choice(ann, 21)
    stamp = dt.datetime(2026, 6, 15, 9, 0)
    link = club.create_share_link(ann, "Coach Sam", token_hash("c" * 43), None, stamp).id
    club.set_link_comments(ann, link, True)
    store.add_comment("coach", "Sam", token_hash("c" * 43), first, "Good start.", stamp)
    reads: list[str] = []
    unread = {
        name: getattr(store, name)
        for name in ("list_away_days", "retest_choice", "list_comments", "load_records", "list_runners")
    }
    for name, read in unread.items():
        monkeypatch.setattr(store, name, lambda *args, name=name, read=read: [reads.append(name), read(*args)][1])

    def page() -> tuple[list[str], list[AwayDay], int | None, list[str], int]:
        with run_versions.one_run():
            return (
                [r.name for r in club.runners()],
                away_days(club, ann),
                own_retest_choice(club, ann),
                [c.body for c in runner_comments(club, ann)],
                club.cached(  # a value of the tests alone: a Save of a test reads it again, a training log keeps it
                    ("tests saved", ann),
                    lambda: len(store.load_records("club", ann).tests),
                    runner_id=ann,
                    reads={RunnerRows.TESTS},
                ),
            )

    def from_the_store() -> tuple[list[str], list[AwayDay], int | None, list[str], int]:
        return (
            [r.name for r in unread["list_runners"]("club")],
            unread["list_away_days"]("club", ann),
            unread["retest_choice"]("club", ann),
            [c.body for c in unread["list_comments"]("club", ann)],
            len(unread["load_records"]("club", ann).tests),
        )

    page()
    for save, read_again in (
        (lambda: club.save_test(ann, _every_kind_of_test(TODAY)[1][0]), ["load_records"]),
        (lambda: club.add_routine_log(ann, RoutineLogEntry(TODAY, "ball_roll", 3, 12, 0.0, 2, "")), []),
    ):
        reads.clear()
        save()
        assert page() == from_the_store()
        assert reads == read_again  # nothing else read again

    changes = (
        lambda: club.update_runner(replace(club.get_runner(ann), name="Ann Lee")),
        lambda: store.create_runner("club", _runner("Ben")),  # another session, another runner of the club
        lambda: club.set_away_days(ann, [AwayDay(TODAY + dt.timedelta(days=5), AwayReason.ILL)]),
        lambda: club.set_retest_choice(ann, 14),
        lambda: store.add_comment("coach", "Sam", token_hash("c" * 43), first, "Keep going.", stamp),  # another session
    )
    for change, read in zip(
        changes, ("list_runners", "list_runners", "list_away_days", "retest_choice", "list_comments"), strict=True
    ):
        change()
        club.save_test(ann, _every_kind_of_test(TODAY)[2][0])  # a Save right after: it vouches for nothing before it
        reads.clear()
        assert page() == from_the_store()
        assert read in reads
    assert page()[0] == ["Ann Lee", "Ben"] and page()[2:] == (14, ["Good start.", "Keep going."], 7)
