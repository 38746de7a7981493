"""calfui.cache, tested directly: reads cached per owner's data version, and OwnerData, bound to one owner, which
forwards every write with that owner (on both backends)."""

from __future__ import annotations

from calfcore.models import RunnerProfile, Sex
from calfstore import Store
from calfui.cache import GenerationCache, OwnerData


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
        self.description = store.description

    def data_version(self, owner: str, runner_id: int | None = None) -> int:
        self.asked += 1
        return self.store.data_version(owner, runner_id)


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
