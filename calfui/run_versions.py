"""The data versions one run of a page has asked the store for: one question per owner (or runner) per run (issue 25).

Every cached read keys on the owner's or the runner's data version (calfui.cache). On PostgreSQL each question is a round trip, and a
page makes a dozen cached reads, so a run asks once per owner and remembers the answer until the run ends, or until
the run itself writes: every write forwarded for an owner or a coach (calfui.forwarding) and the share link's "last
opened" stamp forget what the run remembered, so what the run wrote and what it reads next agree. A write by another
process or session lands in a new version that the next run asks for: it shows at the next click, as before.

A page's sidebar reads the owner's list of runners (the owner's version) and the page then the chosen runner's data
(the runner's version): the run names what it will most likely read when it starts (`expect`: the runner picked at the
last click, or the one a share link opens), and its first question asks for all of them at once.

Outside a run (a download drawn on a thread of its own, a test calling the cache directly) nothing is remembered.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calfstore import Store

# (database, owner, runner or None) -> data version, for the run under way; None outside a run. A Streamlit script
# run is one thread, one context.
_remembered: contextvars.ContextVar[dict[tuple[str, str, int | None], int] | None] = contextvars.ContextVar(
    "calf_run_versions", default=None
)


# (database, owner, runner or None) the run under way will most likely read (`expect`); None outside a run.
_expected: contextvars.ContextVar[set[tuple[str, str, int | None]] | None] = contextvars.ContextVar(
    "calf_run_expected_versions", default=None
)


# The store's failure met by a read of the run under way (the database away), or None; outside a run, nothing.
_outage: contextvars.ContextVar[list[Exception] | None] = contextvars.ContextVar("calf_run_outage", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """The span of one run: versions asked for inside it are remembered until it ends (or it writes), and so is a
    failure to reach the database (`outage`)."""
    token = _remembered.set({})
    expected_token = _expected.set(set())
    outage_token = _outage.set([])
    try:
        yield
    finally:
        _outage.reset(outage_token)
        _expected.reset(expected_token)
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


def expect(database: str, owner: str, runner_id: int | None = None) -> None:
    """This run will most likely read this owner's (with `runner_id`: that runner's) data: the run's first version
    question asks for it too, so a page that reads the owner's list and then one runner's data asks the database
    once, not twice (PostgreSQL: a round trip each). A wrong guess costs nothing but a row read in vain."""
    expected = _expected.get()
    if expected is not None:
        expected.add((database, owner, runner_id))


def version(store: Store, owner: str, runner_id: int | None = None) -> int:
    """This owner's data version (with `runner_id`: that runner's): remembered by this run, or asked for once,
    together with every version this run expects (`expect`) and hasn't asked for yet, and remembered."""
    remembered = _remembered.get()
    if remembered is None:
        return store.data_version(owner, runner_id)
    key = (store.description, owner, runner_id)
    if key not in remembered:
        wanted = {key} | {scope for scope in _expected.get() or () if scope[0] == key[0] and scope not in remembered}
        answers = store.data_versions([(scope_owner, runner) for _, scope_owner, runner in wanted])
        remembered.update({(store.description, *scope): number for scope, number in answers.items()})
    return remembered[key]


def forget() -> None:
    """The run wrote something: ask again at its next read."""
    remembered = _remembered.get()
    if remembered is not None:
        remembered.clear()
