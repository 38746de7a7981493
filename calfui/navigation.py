"""The app's pages: what each one is, and the st.Page objects a session navigates and links with.

Building an st.Page resolves its file on disk (about 0.3 ms each), and a link given as a file path is resolved
again on every rerun. So each session builds its pages once and links with the page objects themselves.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import streamlit as st

_ICON_FILE = Path(__file__).resolve().parent / "assets" / "icon.png"


@functools.cache
def app_icon() -> str:
    """The browser tab's icon as a data address, read once per process. Given the file's path, st.set_page_config
    read it and filed it with the session's media again on every run of every page: 0.6-0.7 ms a run against 0.2-0.3
    (AppTest), about 1.7% of a busy server's samples (figure 4 at 50 sessions, py-spy; issue 25). An address is
    passed on as it is, and the icon (437 bytes) still comes from the app, not from another server."""
    return "data:image/png;base64," + base64.b64encode(_ICON_FILE.read_bytes()).decode("ascii")


@dataclass(frozen=True)
class PageInfo:
    file: str
    title: str
    icon: str
    url_path: str  # never the file's name: a URL must not name a page file (see calfui.context)


PAGES: dict[str, PageInfo] = {
    "home": PageInfo("pages/home_page.py", "Home", ":material/home:", "home"),
    "record": PageInfo("pages/record_page.py", "Record", ":material/add_circle:", "record"),
    "guided": PageInfo("pages/guided_page.py", "Guided test", ":material/timer:", "guided"),
    "dashboard": PageInfo("pages/dashboard_page.py", "Dashboard", ":material/monitoring:", "dashboard"),
    "routine": PageInfo("pages/routine_page.py", "Routine", ":material/fitness_center:", "routine"),
    "schedule": PageInfo("pages/schedule_page.py", "Retests", ":material/event:", "retests"),
    "return_to_run": PageInfo(
        "pages/return_to_run_page.py", "Return to run", ":material/directions_run:", "return-to-run"
    ),
    "runs": PageInfo("pages/runs_page.py", "Runs", ":material/sprint:", "runs"),
    "history": PageInfo("pages/history_page.py", "History", ":material/history:", "history"),
    "share": PageInfo("pages/share_page.py", "Share", ":material/share:", "share"),
    "profile": PageInfo("pages/profile_page.py", "Profile", ":material/person:", "profile"),
    "coach": PageInfo("pages/coach_page.py", "Calf Check", ":material/visibility:", "coach"),
    "roster": PageInfo("pages/roster_page.py", "Roster", ":material/groups:", "roster"),
}
RUNNER_PAGES = (
    "home",
    "record",
    "guided",
    "dashboard",
    "routine",
    "schedule",
    "return_to_run",
    "runs",
    "history",
    "share",
    "profile",
)
HOSTED_PAGES = (*RUNNER_PAGES, "roster")  # logged in: also the runners whose links they keep (a coach's roster)
PUBLIC_PAGES = ("home",)  # hosted and not logged in
COACH_PAGES = ("coach",)  # a coach reaches nothing but the shared runner's read-only view
DEFAULT_PAGES = frozenset({"home", "coach"})  # each list above has exactly one of them

_SESSION_KEY = "_calf_pages"
_SHOWN_KEY = "_calf_page_shown"  # (the page the run before showed, the page this run shows)


def session_pages() -> dict[str, st.Page]:
    """Every page as an st.Page, built once per session (one session runs one script at a time)."""
    pages: dict[str, st.Page] | None = st.session_state.get(_SESSION_KEY)
    if pages is None:
        pages = {
            name: st.Page(
                info.file, title=info.title, icon=info.icon, url_path=info.url_path, default=name in DEFAULT_PAGES
            )
            for name, info in PAGES.items()
        }
        st.session_state[_SESSION_KEY] = pages
    return pages


def navigation(names: tuple[str, ...], position: Literal["sidebar", "hidden"]) -> st.Page:
    """st.navigation over these pages; returns the page to run."""
    pages = session_pages()
    return st.navigation([pages[name] for name in names], position=position)


def note_shown(page: st.Page) -> None:
    """Remember the page this run shows (app.py, every run), so a page can tell a rerun of its own from an arrival."""
    shown = st.session_state.get(_SHOWN_KEY, (None, None))
    st.session_state[_SHOWN_KEY] = (shown[1], page.url_path)


def arrived() -> bool:
    """True on a page's first run after another page was shown (the menu, a link, a fresh load); False on its own
    reruns (a click on the page itself)."""
    before, now = st.session_state.get(_SHOWN_KEY, (None, None))
    return bool(before != now)


def page_link(name: str, label: str, icon: str | None) -> None:
    st.page_link(session_pages()[name], label=label, icon=icon)


def switch_page(name: str) -> None:
    st.switch_page(session_pages()[name])
