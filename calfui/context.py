"""The store of this process and the page's context (viewer, store, today), and how a page receives it.

`app.py` resolves the viewer on every rerun and runs the chosen page inside `viewing(...)`. A page file calls
`render_page(render)` at the end: outside a run of app.py (a fresh server that runs a page file directly,
before any session has run st.navigation) there is no viewer, so the page renders nothing and shows no data.

The whole run (viewer, sidebar, page) happens inside `answering()`: a read the store can't make right now (the
database server is down or restarting: DataUnreachable) ends the run with the app's own message, once, for every
page and every viewer. At the top of the page it says when the run drew data as it was last read (calfui.cache), and
shows a refusal a click handler met if the page did not show it beside its form (calfui.saving.refused).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from calfcore import clock
from calfcore.models import RunnerProfile
from calfstore import DataUnreachable, NotFound, Store, StoreError, open_store
from calfstore.duckdb_backup import start_worker
from calfstore.duckdb_store import DuckDBStore
from calfstore.url import configured_database
from calfui import run_versions, saving
from calfui.cache import CoachData, OwnerData, RunnerRows, cached, served_last_known
from calfui.viewer import Viewer, ViewerKind

_LOG = logging.getLogger("calfcheck.store")
SELECTED_RUNNER_KEY = "selected_runner_id"
# What a page shows when a PostgreSQL server can't be used at all: the store's own message names the setting, the
# host and the port, which are for the admin (logged), not for a runner.
SERVER_UNAVAILABLE = (
    "Calf Check can't reach its database right now, so your data can't be shown and nothing can be saved. Nothing "
    "was changed. Try again in a moment; if this goes on, the admin finds the reason in the app's log."
)
RUNNER_PARAM = "runner"  # ?runner=<id>: the chosen runner survives a reload (always checked against the owner)


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    # One store per process and per database (keyed by the setting, so tests with their own files never share).
    store = open_store(url)
    if isinstance(store, DuckDBStore):
        # DuckDB lets only this process read the file now, so `make backup` asks this process for a copy: one
        # worker per open store answers those requests (it stops when the store is closed).
        start_worker(store)
    return store


def process_store() -> Store:
    """This process's store, opened on first use (StoreUnavailable if it can't be)."""
    return _open_store(configured_database().url)


LAST_KNOWN = (
    "Your data can't be reached right now: the database isn't answering. This page shows it as it was last read, "
    "and nothing can be saved until the database is back. Try again in a moment."
)


def store_or_stop() -> Store:
    """The process's store, or a clear message (naming the setting and the fix) and a stopped page."""
    try:
        store = process_store()
        if store.invalidated:  # a fatal write error stopped DuckDB: reopening the file recovers it from its log
            with contextlib.suppress(StoreError):
                store.close()
            _open_store.clear()
            store = process_store()
        return store
    except StoreError as error:  # unavailable (locked file, server down...), or its schema couldn't be brought up
        _open_store.clear()  # try again on the next rerun, once the user has fixed the cause
        if configured_database().backend == "postgresql":
            _LOG.warning("The database can't be used: %s", error)
            st.error(SERVER_UNAVAILABLE, icon=":material/cloud_off:")
        else:  # a file on this machine: its name and the fix are what the person at it needs
            st.error(str(error), icon=":material/database:")
        st.stop()
        raise  # unreachable: st.stop() raises


@contextmanager
def answering() -> Iterator[None]:
    """One run of the app. A read the store can't make right now ends the run here with the store's message (it
    names no server; the store logged the detail). At the top of the page: a refusal a click handler kept that the
    page did not show (calfui.saving.refused), and whether the run drew data as it was last read (calfui.cache)."""
    top = st.container()  # the top of the page, filled in once the run is over
    token = served_last_known.set(False)
    drawn = False  # the run ended here (not by st.stop or st.rerun, whose next run says it all again)
    try:
        with run_versions.one_run():  # one data-version question per owner for the whole run
            yield
        drawn = True
    except DataUnreachable as error:
        st.error(str(error), icon=":material/cloud_off:")
        drawn = True
    finally:
        if drawn:
            refusal = saving.take_refused()  # a click handler's, if the page did not get to show it
            if refusal:
                top.error(refusal, icon=":material/error:")
            if served_last_known.get():
                top.warning(LAST_KNOWN, icon=":material/cloud_off:")
        served_last_known.reset(token)


def on_script_error(error: Exception) -> bool:
    """st.App's hook for errors that escaped the run (a click handler runs before app.py's `answering`): a store's
    error is shown as its message, never Streamlit's error page. True when handled."""
    from calfui import crafted

    if crafted.on_script_error(error):
        return True
    if isinstance(error, StoreError):
        st.error(saving.message(error), icon=":material/error:")
        return True
    return False


def _runner(store: Store, owner: str, runner_id: int) -> RunnerProfile:
    """A runner profile, read once per data version (NotFound is never cached)."""
    return cached(
        store, owner, ("runner", runner_id), lambda: store.get_runner(owner, runner_id), reads={RunnerRows.PROFILES}
    )


@dataclass(frozen=True)
class PageContext:
    viewer: Viewer
    store: Store
    today: dt.date

    @property
    def data(self) -> OwnerData:
        """The data this viewer reads: their own, or for a coach the sharing runner's owner's (never anyone else's:
        every read is scoped to this owner)."""
        return OwnerData(self.store, str(self.viewer.owner_key))

    @property
    def coach(self) -> CoachData | None:
        """A logged-in person's roster, comments and notes: on their own pages, or while they open a share link."""
        key = {ViewerKind.RUNNER: self.viewer.owner_key, ViewerKind.COACH: self.viewer.coach_key}.get(self.viewer.kind)
        return CoachData(self.store, key) if key else None

    def runner(self) -> RunnerProfile | None:
        """The runner this viewer is looking at: the shared one for a coach, else the one picked in this session."""
        if self.viewer.share is not None:
            try:
                return _runner(self.store, self.viewer.share.owner_key, self.viewer.share.runner_id)
            except NotFound:
                return None
        if not self.viewer.owns_data:
            return None
        # The URL names the runner (a reload, a bookmark, the browser's back button); every choice made in the
        # app is written to the URL at once (select_runner), so a URL that differs was changed outside the app.
        runner_id = _runner_in_url() or st.session_state.get(SELECTED_RUNNER_KEY)
        if runner_id is None:
            return None
        try:
            runner = _runner(self.store, str(self.viewer.owner_key), int(runner_id))
        except NotFound:  # deleted, or another owner's id typed into the URL: nobody's data, and forget it
            st.session_state.pop(SELECTED_RUNNER_KEY, None)
            _show_runner_in_url(None)
            return None
        st.session_state[SELECTED_RUNNER_KEY] = runner.id
        return runner

    def expect_reads(self) -> None:
        """Name the data this run will most likely read, so that its first data-version question asks for all of it
        at once (calfui.run_versions; on PostgreSQL a round trip saved per run): the owner's, the runner the last
        click showed (or the one a share link opens), and the logged-in person's coaching data. Nothing is read
        here: a runner id from the URL is checked when the page asks for the runner."""
        database = self.store.description
        if self.viewer.share is not None:
            run_versions.expect(database, self.viewer.share.owner_key)
            run_versions.expect(database, self.viewer.share.owner_key, self.viewer.share.runner_id)
        elif self.viewer.owns_data:
            owner = str(self.viewer.owner_key)
            run_versions.expect(database, owner)
            runner_id = _runner_in_url() or st.session_state.get(SELECTED_RUNNER_KEY)
            if runner_id is not None:
                run_versions.expect(database, owner, int(runner_id))
        coach = self.coach
        if coach is not None:
            run_versions.expect(database, coach.owner)

    def select_runner(self, runner_id: int | None) -> None:
        """Choose the runner every page shows, in this session and in the URL."""
        if runner_id is None:
            st.session_state.pop(SELECTED_RUNNER_KEY, None)
        else:
            st.session_state[SELECTED_RUNNER_KEY] = int(runner_id)
        _show_runner_in_url(runner_id)


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


# The one clock (calfcore.clock): the pages' names for it.
today = clock.today
now = clock.now_utc


def _runner_in_url() -> int | None:
    value = st.query_params.get(RUNNER_PARAM)
    return int(value) if value is not None and value.isdigit() and len(value) < 19 else None


def _show_runner_in_url(runner_id: int | None) -> None:
    wanted = None if runner_id is None else str(runner_id)
    if st.query_params.get(RUNNER_PARAM) != wanted:
        if wanted is None:
            del st.query_params[RUNNER_PARAM]
        else:
            st.query_params[RUNNER_PARAM] = wanted
