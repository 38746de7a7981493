"""One way for pages to write: if a save fails, the runner reads why, never a traceback.

    with saving(context.store):
        context.data.add_routine_log(runner_id, entry)
        st.success("Logged.")

Every store write is one transaction, so a write that fails has saved nothing. The message (Store.explain) says
so, names the file and the fix: a full disk, a read-only folder, a change saved elsewhere at the same moment, an
entry deleted meanwhile, a database server that isn't answering. The rest of the `with` block is skipped and the page
goes on rendering; only when DuckDB has stopped the connection (a fatal error, reopened at the next rerun) does the
page stop here.

A save made in a click handler (the Record page's) runs before the page does, and the page may then meet the same
outage in its first read and stop before it draws anything: `refused(message)` keeps the refusal; the page shows it
beside its form (`take_refused`), or, if the run stopped first, the app's shell at the top of the page, so the runner
always reads that nothing was saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from calfstore import DataUnreachable, Store, StoreError

REFUSED_KEY = "_refused_save"  # session state: a refusal a click handler met, shown once by the shell


def message(error: StoreError) -> str:
    """What a failed save tells the runner: the store's message, which for a read that failed on the way to the
    write (the database isn't answering) is said as a refused save."""
    if isinstance(error, DataUnreachable):
        return f"Nothing was saved. {error}"
    return str(error)


@contextmanager
def saving(store: Store) -> Iterator[None]:
    try:
        yield
    except StoreError as error:
        st.error(message(error), icon=":material/error:")
        if store.invalidated:
            st.stop()


def refused(text: str) -> None:
    """Keep a refusal met in a click handler for the page (beside its form: `take_refused`), or, if the run stops
    before the page shows it, for the shell (calfui.context.answering, at the top)."""
    st.session_state[REFUSED_KEY] = text


def take_refused() -> str | None:
    """The refusal a click handler kept, once: whoever shows it takes it."""
    text = st.session_state.pop(REFUSED_KEY, None)
    return str(text) if text else None
