"""Who is viewing, which store serves them, and how a page receives both.

`app.py` resolves the viewer on every rerun and runs the chosen page inside `viewing(...)`. A page file calls
`render_page(render)` at the end: outside a run of app.py (a fresh server that runs a page file directly,
before any session has run st.navigation) there is no viewer, so the page renders nothing and shows no data.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

import streamlit as st

from calfcore import clock
from calfcore.clock import TODAY_ENV  # noqa: F401  (tests set it through the shell)
from calfcore.labels import distinct_labels
from calfcore.models import RunnerProfile
from calfcore.sharing import ResolvedShare, token_hash, well_formed
from calfstore import (
    LOCAL_OWNER,
    NotFound,
    Store,
    StoreError,
    open_store,
)
from calfstore.duckdb_backup import start_worker
from calfstore.duckdb_store import DuckDBStore
from calfstore.url import configured_database
from calfui.cache import CoachData, OwnerData, cached
from calfui.pickers import pick
from calfui.widgets import focus_styles, plain

SELECTED_RUNNER_KEY = "selected_runner_id"
RUNNER_PICKER_KEY = "runner_picker"
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
        st.error(str(error), icon=":material/database:")
        st.stop()
        raise  # unreachable: st.stop() raises


class ViewerKind(StrEnum):
    LOCAL = "local"  # no [auth] in secrets: this machine's own runner profiles, no login
    RUNNER = "runner"  # hosted, logged in: their own profiles only
    ANONYMOUS = "anonymous"  # hosted, not logged in: public pages and the login button only
    VISITOR = "visitor"  # local mode, another machine: public pages and share links only, never the data
    COACH = "coach"  # opened a live share link: one runner's dashboard, read-only
    BAD_LINK = "bad_link"  # a share link that is unknown, revoked, expired or malformed: a message, no data


@dataclass(frozen=True)
class Viewer:
    kind: ViewerKind
    owner_key: str | None = None
    display_name: str = ""
    share: ResolvedShare | None = None
    # A coach who is also logged in (hosted): their own key, for their roster, comments and notes. Never the
    # runner's data: what they read through the link is scoped to `owner_key`, the runner's owner.
    coach_key: str | None = None

    @property
    def owns_data(self) -> bool:
        """Local and logged-in viewers own runner profiles and may change them; coaches only read."""
        return self.kind in (ViewerKind.LOCAL, ViewerKind.RUNNER)


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: local mode
        return False


def owner_key_for(issuer: str, subject: str) -> str:
    """A logged-in runner's data is keyed by the provider's issuer and subject (stable across email changes)."""
    return f"oidc:{issuer}|{subject}"


# "Last opened" on the Share page is kept to the minute: stamping it on every coach click would be a write per rerun.
LAST_OPENED_RESOLUTION = dt.timedelta(minutes=1)


def resolve_viewer(store: Store, now: dt.datetime) -> Viewer:
    """Who is looking, decided afresh on every rerun. A share link is never cached: revoking it works at once."""
    if "share" in st.query_params:
        token = st.query_params.get("share")
        if not well_formed(token):
            return Viewer(ViewerKind.BAD_LINK)
        resolved = store.resolve_share(token_hash(token), now)  # type: ignore[arg-type]
        if resolved is None:
            return Viewer(ViewerKind.BAD_LINK)
        last = resolved.link.last_used_at
        try:
            if last is None or now - last >= LAST_OPENED_RESOLUTION:  # not a write on every click
                store.mark_share_used(resolved.owner_key, resolved.link.id, now)
        except StoreError:
            pass  # "last opened" is a courtesy: a full disk must not keep the coach from reading
        login = _logged_in() if auth_configured() else None
        return Viewer(ViewerKind.COACH, owner_key=resolved.owner_key, share=resolved,
                      coach_key=login[0] if login else None, display_name=login[1] if login else "")
    if not auth_configured():
        # Local mode has no login: the data belongs to whoever sits at this machine, and nobody else.
        if from_this_machine(st.context.ip_address):
            return Viewer(ViewerKind.LOCAL, owner_key=LOCAL_OWNER)
        return Viewer(ViewerKind.VISITOR)
    login = _logged_in()
    if login is not None:
        return Viewer(ViewerKind.RUNNER, owner_key=login[0], display_name=login[1])
    return Viewer(ViewerKind.ANONYMOUS)


def _logged_in() -> tuple[str, str] | None:
    """The logged-in person's owner key and name (hosted mode), or None."""
    if st.user.get("is_logged_in", False):
        issuer, subject = st.user.get("iss"), st.user.get("sub")
        if issuer and subject:
            name = st.user.get("name") or st.user.get("email") or ""
            return owner_key_for(str(issuer), str(subject)), str(name)
    return None


def from_this_machine(ip_address: str | None) -> bool:
    """A loopback client (Streamlit reports 127.0.0.1 and ::1 as None). Behind a reverse proxy on this machine,
    the proxy must pass the client's address (X-Forwarded-For), or every visitor would count as this machine."""
    if ip_address is None:
        return True
    if not isinstance(ip_address, str):  # AppTest's stand-in client (no network at all); a server gives str or None
        return True
    try:
        return ipaddress.ip_address(ip_address).is_loopback
    except ValueError:
        return False


def _runner(store: Store, owner: str, runner_id: int) -> RunnerProfile:
    """A runner profile, read once per data version (NotFound is never cached)."""
    return cached(store, owner, ("runner", runner_id), lambda: store.get_runner(owner, runner_id))


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


# The one clock (calfcore.clock): the shell's names for it.
today = clock.today
now = clock.now_utc


def sidebar(context: PageContext) -> None:
    """Who is logged in (hosted mode) and which runner profile the pages show; and the app's focus ring."""
    focus_styles()
    if context.viewer.kind is ViewerKind.RUNNER:
        name = context.viewer.display_name
        st.sidebar.caption("Logged in" + (f" as {plain(name)}" if name else ""))
        if st.sidebar.button("Log out", key="logout", icon=":material/logout:"):
            st.logout()
    if context.viewer.owns_data:
        runner_picker(context)


def runner_picker(context: PageContext) -> None:
    """In the sidebar: which of this viewer's runner profiles the pages show, picked by id. The choice is kept in
    the URL too, so a reload stays on the same runner."""
    runners = context.data.cached("runners", context.data.list_runners)
    if not runners:
        _show_runner_in_url(None)
        return
    current = context.runner()
    if current is None:  # a first visit: the runner's own profile rather than the demo
        current = next((r for r in runners if not r.is_demo), runners[0])
        context.select_runner(current.id)
    pick("Runner", runner_labels(context), key=RUNNER_PICKER_KEY, chosen_key=SELECTED_RUNNER_KEY,
         container=st.sidebar, on_change=lambda: _show_runner_in_url(st.session_state.get(SELECTED_RUNNER_KEY)))
    _show_runner_in_url(st.session_state.get(SELECTED_RUNNER_KEY))  # a page switch clears the URL's query


def runner_labels(context: PageContext) -> dict[int, str]:
    """Every runner of this viewer by id, named as the menu names them: told apart when two share a name."""
    runners = context.data.cached("runners", context.data.list_runners)
    return distinct_labels({int(r.id): runner_label(r) for r in runners})  # type: ignore[arg-type]


def runner_label(runner: RunnerProfile) -> str:
    """How a runner is named in pickers and banners; the demo runner is always marked as such."""
    return f"{runner.name} (demo data)" if runner.is_demo and "demo" not in runner.name.lower() else runner.name


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
