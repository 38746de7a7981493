"""Reads and chart specs cached per owner's data version.

Streamlit reruns the whole page on every click; the data behind a page only changes when something is written.
Every committed write bumps the writing owner's `Store.data_version(owner)`, so an entry keyed on it can never
be stale, and one runner's save leaves every other owner's entries warm. A read of one runner's data keys on that
runner's version (`runner_id`), which a write of another runner of the same owner leaves alone: on a club's laptop
(local mode, one owner, every runner of the club) one runner's save used to send every other runner's next page
back to the database and through every chart again (issue 25). Resolving a share link is never cached:
it happens on every rerun (calfui.viewer.resolve_viewer).

A runner's own Save (and training log entry) is added to their cached records rather than sending the next read back
for every record (`OwnerData.save_test`), but only when the store vouches that nothing else of that runner's changed
in between (Store.last_write_step): the records are then exactly what the store would read. The same step carries
the runner's and the owner's other cached values that name what they read (`cached(..., reads=...)`) and read none of
what the write added, to its new versions: a Save leaves the runner list and profile, the runner's days away, own
retest interval and comments as they were, and the run after it used to read each of them again (a round trip each
on PostgreSQL; issue 25).

While the database can't be reached (DataUnreachable: a PostgreSQL server stopped or restarting), a cached read
answers with the newest value it holds for that owner and key, and marks the run (`served_last_known`): the shell
says so at the top of the page (calfui.context.answering). So a page still draws its forms, and what a runner typed
into one survives a refused Save (Streamlit forgets the values of widgets a run did not draw). A read with nothing
cached raises as before, and the shell shows the store's message. Once a read of a run found the database away, the
run's later reads don't ask it again (calfui.run_versions.outage), so a page of many reads doesn't wait once per read;
the next run asks again.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from calfcore.coaching import RosterEntry
from calfcore.models import HeelRaiseTest, RoutineLogEntry, RunnerProfile, SymptomEntry
from calfstore import DataUnreachable, RunnerRecords, Store, StoreError, WriteStep
from calfui import run_versions
from calfui.forwarding import (
    CoachingForCoach,
    CommentsForOwner,
    PlanningForOwner,
    RunnerRecordsForOwner,
    RunsForOwner,
    SharingForOwner,
)

T = TypeVar("T")
# A club's worth of runners' pages; the least recently used fall out first, and only current values count (`_file`).
# A runner's Save, dashboard and a coach's look file about 13 values (counted with AppTest): at 512, 50 runners saving
# in turn file more between two Saves of one runner (49 x 13) than the cache holds, so the runner's records are gone
# by their next Save, which then reads them all again instead of adding the test. 2,048 holds some 150 runners'
# current pages. Figure 4 at 50 sessions showed no difference beyond its noise (each session saves once or twice a
# level there) and the same peak memory (416 against 421 MB, docs/benchmarks.md).
MAX_ENTRIES = 2048
# Whether this run (a Streamlit script run is one thread, one context) answered a read with a last-known value.
served_last_known: contextvars.ContextVar[bool] = contextvars.ContextVar("calf_served_last_known", default=False)


class RunnerRows(enum.Enum):
    """The kinds of runners' rows a cached value can name as all it reads (`cached(..., reads=...)`): a write that
    adds rows of another kind only (`OwnerData.save_test`, `add_routine_log`) leaves such a value as it was."""

    PROFILES = "runner profiles"
    TESTS = "tests with their symptoms and raise marks"  # what Store.save_test writes
    ROUTINE_LOGS = "routine log entries"  # what Store.add_routine_log writes
    AWAY_DAYS = "days away"
    RETEST_CHOICE = "own retest interval"
    COMMENTS = "coaches' comments"


class _RememberedOutage(DataUnreachable):
    """The failure a read of this run met, repeated without asking the database again (calfui.run_versions)."""


class GenerationCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        # (database, owner, (runner or None, data version), key) -> value
        self._items: OrderedDict[tuple[str, str, tuple[int | None, int], Hashable], Any] = OrderedDict()
        # (database, owner, key) -> the full key of its newest value
        self._newest: dict[tuple[str, str, Hashable], tuple[str, str, tuple[int | None, int], Hashable]] = {}
        # (database, owner, key) -> the only rows its value reads, where the caller named them (`carry`)
        self._reads: dict[tuple[str, str, Hashable], frozenset[RunnerRows]] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get(
        self,
        store: Store,
        owner: str,
        key: Hashable,
        compute: Callable[[], T],
        runner_id: int | None = None,
        reads: frozenset[RunnerRows] | None = None,
    ) -> T:
        short_key = (store.description, owner, key)
        try:
            # The version is read before computing: a write landing meanwhile files the value under the old version.
            full_key = (store.description, owner, (runner_id, self._version(store, owner, runner_id)), key)
            with self._lock:
                if full_key in self._items:
                    self._items.move_to_end(full_key)
                    found: T = self._items[full_key]
                    return found
            value = compute()  # outside the lock: two sessions may compute the same value once each, harmlessly
        except DataUnreachable as error:
            if not isinstance(error, _RememberedOutage):
                run_versions.note_outage(error)
            known: T = self._last_known(short_key, error)
            return known
        run_versions.note_outage(None)
        with self._lock:
            if reads is not None:
                self._reads[short_key] = reads
            self._file(short_key, full_key, value)
        return value

    def _file(
        self,
        short_key: tuple[str, str, Hashable],
        full_key: tuple[str, str, tuple[int | None, int], Hashable],
        value: Any,
    ) -> None:
        """File a value as its key's newest (under the lock), dropping the value it supersedes: data versions only
        grow, so no later run asks for that one again. Kept, superseded values filled the cache and pushed out the
        current pages of runners who weren't saving; now only current values count against its size. A value
        filed late at an older version (a run that began before a write) is kept for that run but doesn't displace
        the newer one."""
        newest = self._newest.get(short_key)
        self._items[full_key] = value
        self._items.move_to_end(full_key)
        same_scope = newest is not None and newest[2][0] == full_key[2][0]
        if newest is not None and same_scope and newest[2][1] > full_key[2][1]:
            pass  # filed late: the newer value stays the newest
        else:
            if newest is not None and same_scope and newest != full_key:
                self._items.pop(newest, None)
            self._newest[short_key] = full_key
        self._drop_the_oldest()

    def _drop_the_oldest(self) -> None:
        """Keep at most the cache's size, the least recently used falling out first (under the lock)."""
        while len(self._items) > self._max:
            dropped, _ = self._items.popitem(last=False)
            dropped_short = (dropped[0], dropped[1], dropped[3])
            if self._newest.get(dropped_short) == dropped:
                del self._newest[dropped_short]
                self._reads.pop(dropped_short, None)

    def _version(self, store: Store, owner: str, runner_id: int | None) -> int:
        met = run_versions.outage()
        if met is not None:
            raise _RememberedOutage(str(met))
        return run_versions.version(store, owner, runner_id)

    def held(self, store: Store, owner: str, key: Hashable, runner_id: int) -> tuple[int, Any] | None:
        """The newest value held for this key of one runner, with the runner's data version it was filed under."""
        with self._lock:
            full_key = self._newest.get((store.description, owner, key))
            if full_key is None or full_key not in self._items or full_key[2][0] != runner_id:
                return None
            return full_key[2][1], self._items[full_key]

    def put(self, store: Store, owner: str, key: Hashable, value: Any, *, runner_id: int, version: int) -> None:
        """File `value` as this key's value at the runner's data version `version` (a write's own result)."""
        full_key = (store.description, owner, (runner_id, version), key)
        with self._lock:
            self._file((store.description, owner, key), full_key, value)

    def carry(self, store: Store, owner: str, runner_id: int, step: WriteStep, added: RunnerRows) -> int:
        """File at the write's versions every value of the runner's (and of their owner's) held at the versions just
        before it that names the rows it reads and reads none of the kind `added`: a write that only added such rows
        (and nothing else of the owner's changed between the two versions: Store.last_write_step) left those values
        as they were. Returns how many were carried."""
        moves = {(runner_id, step.runner[0]): (runner_id, step.runner[1]), (None, step.owner[0]): (None, step.owner[1])}
        carried = 0
        with self._lock:
            for short_key, full_key in list(self._newest.items()):
                after = moves.get(full_key[2])
                if after is None or short_key[:2] != (store.description, owner):
                    continue
                reads = self._reads.get(short_key)
                if reads is None or added in reads or full_key not in self._items:
                    continue
                self._file(short_key, (*short_key[:2], after, short_key[2]), self._items[full_key])
                carried += 1
        return carried

    def _last_known(self, short_key: tuple[str, str, Hashable], error: DataUnreachable) -> Any:
        with self._lock:
            full_key = self._newest.get(short_key)
            if full_key is None or full_key not in self._items:
                raise error
            served_last_known.set(True)
            return self._items[full_key]


_cache = GenerationCache()


def cached(
    store: Store,
    owner: str,
    key: Hashable,
    compute: Callable[[], T],
    *,
    runner_id: int | None = None,
    reads: Collection[RunnerRows] | None = None,
) -> T:
    """`compute()`'s value for this key, computed again only after a write to this owner's data. `compute` must
    read nothing but this owner's data; with `runner_id`, nothing but that runner's, and it is computed again only
    after a write to theirs. With `reads` (and `runner_id`), it reads nothing but those rows of the runner's: a
    Save that adds rows of another kind keeps the value (GenerationCache.carry); without `runner_id`, the rows of
    any of the owner's runners."""
    return _cache.get(store, owner, key, compute, runner_id, None if reads is None else frozenset(reads))


def records(store: Store, owner: str, runner_id: int) -> RunnerRecords:
    """Everything a runner recorded. Shared between sessions: treat it as read-only."""
    return cached(
        store, owner, ("records", runner_id), lambda: store.load_records(owner, runner_id), runner_id=runner_id
    )


@dataclass(frozen=True)
class OwnerData(RunnerRecordsForOwner, SharingForOwner, CommentsForOwner, PlanningForOwner, RunsForOwner):
    """One owner's data in a store, bound once to whoever is asking (PageContext.data): reads go through the cache,
    writes are forwarded with the owner filled in, by group (calfui.forwarding). A page never names an owner."""

    store: Store
    owner: str

    def data_version(self, runner_id: int | None = None) -> int:
        """This owner's data version (with `runner_id`: that runner's), asked once per run like every cached read's
        (calfui.run_versions)."""
        return run_versions.version(self.store, self.owner, runner_id)

    def cached(
        self,
        key: Hashable,
        compute: Callable[[], T],
        *,
        runner_id: int | None = None,
        reads: Collection[RunnerRows] | None = None,
    ) -> T:
        """`compute()`'s value, computed again only after this owner's data changed (with `runner_id`: that
        runner's). It must read only theirs (only that runner's; with `reads`, only those of the runner's rows, and
        then a Save of other rows keeps it)."""
        return cached(self.store, self.owner, key, compute, runner_id=runner_id, reads=reads)

    def records(self, runner_id: int) -> RunnerRecords:
        return records(self.store, self.owner, int(runner_id))

    def runners(self) -> list[RunnerProfile]:
        """The owner's runner profiles (the sidebar's menu), read once per data version; a Save keeps them."""
        return self.cached("runners", self.list_runners, reads={RunnerRows.PROFILES})

    def save_test(self, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry] = ()) -> int:
        """Save a test with its symptoms (Store.save_test), then add it to the runner's cached records (`_added`)."""
        return self._added(
            int(runner_id),
            lambda: self.store.save_test(self.owner, int(runner_id), test, symptoms),
            self.store.records_with_test,
            RunnerRows.TESTS,
        )

    def add_routine_log(self, runner_id: int, entry: RoutineLogEntry) -> int:
        """Log an exercise (Store.add_routine_log), then add it to the runner's cached records (`_added`)."""
        return self._added(
            int(runner_id),
            lambda: self.store.add_routine_log(self.owner, int(runner_id), entry),
            self.store.records_with_log,
            RunnerRows.ROUTINE_LOGS,
        )

    def _added(
        self,
        runner_id: int,
        write: Callable[[], int],
        added: Callable[[str, int, RunnerRecords, int], RunnerRecords],
        kind: RunnerRows,
    ) -> int:
        """Run a write that adds one record of the runner (a test, a log entry) and returns its id. When the runner's
        records are cached at the version just before it, and nothing else of theirs was written in between
        (Store.last_write_step), the new record is read back and added to them (`added`: records_with_test...), filed
        at the write's version: the run after a Save reads a few small rows instead of every record of the runner
        again (issue 25). Otherwise the next read loads them all, as after any other write. With that step, the
        runner's values that read no rows of this `kind` are kept too (GenerationCache.carry)."""
        key = ("records", runner_id)
        held = _cache.held(self.store, self.owner, key, runner_id)
        try:
            new_id = write()
            step = self.store.last_write_step()
        finally:  # as every write forwarded (calfui.forwarding): the run asks for the versions again
            run_versions.forget()
        if step is not None:
            _cache.carry(self.store, self.owner, runner_id, step, kind)
        if step is not None and held is not None and held[0] == step.runner[0]:
            with contextlib.suppress(StoreError):  # (deleted in the meantime): the next read loads them all
                records = added(self.owner, runner_id, held[1], new_id)
                _cache.put(self.store, self.owner, key, records, runner_id=runner_id, version=step.runner[1])
        return new_id


@dataclass(frozen=True)
class CoachData(CoachingForCoach):
    """A logged-in person as a coach (PageContext.coach): their roster, the comments they leave and their private
    notes, with their own key filled in. Each operation names a link by its token's hash, and the store checks that
    the link is live (and, for a comment, allows comments) in the same transaction."""

    store: Store
    owner: str  # the coach's own key (a login), never a runner's

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`'s value, computed again after the coach's own data changed or whenever `key` does."""
        return cached(self.store, self.owner, key, compute)

    def runner_data(self, entry: RosterEntry) -> OwnerData:
        """What a live roster entry opens: its runner's data, as the share link itself opens it (the coach view
        reads the same way). Only for an entry list_roster just gave as live."""
        if not entry.live or entry.runner_owner is None:
            raise ValueError("an ended roster entry opens nothing")
        return OwnerData(self.store, entry.runner_owner)
