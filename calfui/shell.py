"""Who is viewing, which store serves them, and how a page receives both.

`app.py` resolves the viewer on every rerun and runs the chosen page inside `viewing(...)`. A page file calls
`render_page(render)` at the end: outside a run of app.py (a fresh server that runs a page file directly,
before any session has run st.navigation) there is no viewer, so the page renders nothing and shows no data.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import streamlit as st

from calfcore.models import RunnerProfile
from calfcore.storage import LOCAL_OWNER, NotFound, Store, StoreUnavailable

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "calfcheck.duckdb"
SELECTED_RUNNER_KEY = "selected_runner_id"
RUNNER_PICKER_KEY = "runner_picker"


def database_path() -> Path:
    return Path(os.environ.get("CALF_DB_PATH") or DEFAULT_DB_PATH)


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    # One connection per process and per file (keyed by path, so tests with their own files never share).
    return Store.open(path)


def store_or_stop() -> Store:
    """The process's store, or a clear message (naming the file and the fix) and a stopped page."""
    path = database_path()
    try:
        return _open_store(str(path))
    except StoreUnavailable as error:
        _open_store.clear()  # try again on the next rerun, once the user has fixed the cause
        st.error(str(error), icon=":material/database:")
        st.stop()
        raise  # unreachable: st.stop() raises


class ViewerKind(StrEnum):
    LOCAL = "local"  # no login configured: this machine's own runner profiles


@dataclass(frozen=True)
class Viewer:
    kind: ViewerKind
    owner_key: str

    @property
    def can_write(self) -> bool:
        return True


def resolve_viewer() -> Viewer:
    return Viewer(ViewerKind.LOCAL, LOCAL_OWNER)


@dataclass(frozen=True)
class PageContext:
    viewer: Viewer
    store: Store
    today: dt.date

    def runner(self) -> RunnerProfile | None:
        """The runner profile picked in this browser session, if it still exists for this viewer."""
        runner_id = st.session_state.get(SELECTED_RUNNER_KEY)
        if runner_id is None:
            return None
        try:
            return self.store.get_runner(self.viewer.owner_key, int(runner_id))
        except NotFound:
            st.session_state.pop(SELECTED_RUNNER_KEY, None)
            return None

    def select_runner(self, runner_id: int | None) -> None:
        if runner_id is None:
            st.session_state.pop(SELECTED_RUNNER_KEY, None)
        else:
            st.session_state[SELECTED_RUNNER_KEY] = int(runner_id)


_current: contextvars.ContextVar[PageContext | None] = contextvars.ContextVar("calf_page_context", default=None)


@contextmanager
def viewing(context: PageContext) -> Iterator[None]:
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def render_page(render: Callable[[PageContext], None]) -> None:
    """Run a page's render function with the context app.py resolved; without one, render nothing."""
    context = _current.get()
    if context is None:
        return
    render(context)


def today() -> dt.date:
    return dt.date.today()


def runner_picker(context: PageContext) -> None:
    """In the sidebar: which of this viewer's runner profiles the pages show."""
    runners = context.store.list_runners(context.viewer.owner_key)
    if not runners:
        return
    current = context.runner()
    if current is None:
        context.select_runner(runners[0].id)
        current = runners[0]
    names = {r.id: r.name for r in runners}

    def picked() -> None:
        context.select_runner(st.session_state[RUNNER_PICKER_KEY])

    # Keep the widget in step with choices made elsewhere (a profile just created, or deleted).
    st.session_state[RUNNER_PICKER_KEY] = current.id
    st.sidebar.selectbox("Runner", list(names), format_func=names.get, key=RUNNER_PICKER_KEY, on_change=picked)
