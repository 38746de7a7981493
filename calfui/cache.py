"""Reads and chart specs cached per store write generation.

Streamlit reruns the whole page on every click; the data behind a page only changes when something is written.
Every committed write bumps `Store.generation`, so an entry keyed on it can never be stale. Share links are
never cached here: they are resolved on every rerun (calfui.shell.resolve_viewer).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from calfcore.storage import RunnerRecords, Store, load_records

T = TypeVar("T")
MAX_ENTRIES = 512  # a club's worth of runners' pages; old generations fall out first


class GenerationCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, store: Store, key: Hashable, compute: Callable[[], T]) -> T:
        full_key = (str(store.path), store.generation, key)
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


def cached(store: Store, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`'s value for this key, computed again only after a write."""
    return _cache.get(store, key, compute)


def records(store: Store, owner: str, runner_id: int) -> RunnerRecords:
    """Everything a runner recorded. Shared between sessions: treat it as read-only."""
    return cached(store, ("records", owner, runner_id), lambda: load_records(store, owner, runner_id))
