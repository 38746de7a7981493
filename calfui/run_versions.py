"""The data versions one run of a page has asked the store for: one question per owner (or runner) per run (issue 25).

Every cached read keys on the owner's or the runner's data version (calfui.cache). On PostgreSQL each question is a round trip, and a
page makes a dozen cached reads, so a run asks once per owner and remembers the answer until the run ends, or until
the run itself writes: every write forwarded for an owner or a coach (calfui.forwarding) and the share link's "last
opened" stamp forget what the run remembered, so what the run wrote and what it reads next agree. A write by another
process or session lands in a new version that the next run asks for: it shows at the next click, as before.

Outside a run (a download drawn on a thread of its own, a test calling the cache directly) nothing is remembered.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# (database, owner, runner or None) -> data version, for the run under way; None outside a run. A Streamlit script
# run is one thread, one context.
_remembered: contextvars.ContextVar[dict[tuple[str, str, int | None], int] | None] = contextvars.ContextVar(
    "calf_run_versions", default=None
)


# The store's failure met by a read of the run under way (the database away), or None; outside a run, nothing.
_outage: contextvars.ContextVar[list[Exception] | None] = contextvars.ContextVar("calf_run_outage", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """The span of one run: versions asked for inside it are remembered until it ends (or it writes), and so is a
    failure to reach the database (`outage`)."""
    token = _remembered.set({})
    outage_token = _outage.set([])
    try:
        yield
    finally:
        _outage.reset(outage_token)
        _remembered.reset(token)


def outage() -> Exception | None:
    """The failure a read of this run met, if any: the run's later reads answer at once instead of asking the
    database again, so a page of many reads during an outage doesn't wait once per read. The next run asks again:
    a database that is back answers the very next click (a memory that outlived the run once kept a page saying
    "can't be reached" after a restart, issue 23)."""
    met = _outage.get()
    return met[0] if met else None


def note_outage(error: Exception | None) -> None:
    """A read of this run met `error` (None: a read reached the database, so forget any)."""
    met = _outage.get()
    if met is None:
        return
    met.clear()
    if error is not None:
        met.append(error)


def version(database: str, owner: str, ask: Callable[[], int], runner_id: int | None = None) -> int:
    """This owner's data version (with `runner_id`: that runner's): remembered by this run, or asked for (`ask`)
    once and remembered."""
    remembered = _remembered.get()
    if remembered is None:
        return ask()
    key = (database, owner, runner_id)
    if key not in remembered:
        remembered[key] = ask()
    return remembered[key]


def forget() -> None:
    """The run wrote something: ask again at its next read."""
    remembered = _remembered.get()
    if remembered is not None:
        remembered.clear()
