"""One way for pages to write: if a save fails, the runner reads why, never a traceback.

    with saving(context.store):
        context.data.add_routine_log(runner_id, entry)
        st.success("Logged.")

Every store write is one transaction, so a write that fails has saved nothing. The message (Store.explain) says
so, names the file and the fix: a full disk, a read-only folder, a change saved elsewhere at the same moment, an
entry deleted meanwhile. The rest of the `with` block is skipped and the page goes on rendering; only when DuckDB
has stopped the connection (a fatal error, reopened at the next rerun) does the page stop here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from calfstore import Store, StoreError


@contextmanager
def saving(store: Store) -> Iterator[None]:
    try:
        yield
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        if store.invalidated:
            st.stop()
