"""Reads and chart specs cached per owner's data version.

Streamlit reruns the whole page on every click; the data behind a page only changes when something is written.
Every committed write bumps the writing owner's `Store.data_version(owner)`, so an entry keyed on it can never
be stale, and one runner's save leaves every other owner's entries warm. Resolving a share link is never cached:
it happens on every rerun (calfui.shell.resolve_viewer).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from calfstore import RunnerRecords, Store

T = TypeVar("T")
MAX_ENTRIES = 512  # a club's worth of runners' pages; the least recently used fall out first


class GenerationCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, store: Store, owner: str, key: Hashable, compute: Callable[[], T]) -> T:
        # The version is read before computing: a write landing meanwhile files the value under the old version.
        full_key = (store.description, owner, store.data_version(owner), key)
        with self._lock:
            if full_key in self._items:
                self._items.move_to_end(full_key)
                return self._items[full_key]
        value = compute()  # outside the lock: two sessions may compute the same value once each, harmlessly
        with self._lock:
            self._items[full_key] = value
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return value


_cache = GenerationCache()


def cached(store: Store, owner: str, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`'s value for this key, computed again only after a write to this owner's data. `compute` must
    read nothing but this owner's data."""
    return _cache.get(store, owner, key, compute)


def records(store: Store, owner: str, runner_id: int) -> RunnerRecords:
    """Everything a runner recorded. Shared between sessions: treat it as read-only."""
    return cached(store, owner, ("records", runner_id), lambda: store.load_records(owner, runner_id))


@dataclass(frozen=True)
class OwnerData:
    """One owner's data in a store, read through the cache: what a page reads and derives from it."""
    store: Store
    owner: str

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`'s value, computed again only after this owner's data changed. It must read only theirs."""
        return cached(self.store, self.owner, key, compute)

    def records(self, runner_id: int) -> RunnerRecords:
        return records(self.store, self.owner, int(runner_id))
