"""The sidebar (who is logged in, the runner picker) and the chosen runner: the banner naming it, the prompt when none."""

from __future__ import annotations

import streamlit as st

from calfcore.labels import distinct_labels
from calfcore.models import RunnerProfile
from calfui import navigation
from calfui.context import SELECTED_RUNNER_KEY, PageContext, _show_runner_in_url
from calfui.pickers import pick
from calfui.viewer import ViewerKind
from calfui.widgets import focus_styles, plain, sidebar_drawer

RUNNER_PICKER_KEY = "runner_picker"


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
        sidebar_drawer()


def runner_picker(context: PageContext) -> None:
    """In the sidebar: which of this viewer's runner profiles the pages show, picked by id. The choice is kept in
    the URL too, so a reload stays on the same runner."""
    runners = context.data.runners()
    if not runners:
        _show_runner_in_url(None)
        return
    current = context.runner()
    if current is None:  # a first visit: the runner's own profile rather than the demo
        current = next((r for r in runners if not r.is_demo), runners[0])
        context.select_runner(current.id)
    pick(
        "Runner",
        runner_labels(context),
        key=RUNNER_PICKER_KEY,
        chosen_key=SELECTED_RUNNER_KEY,
        container=st.sidebar,
        on_change=lambda: _show_runner_in_url(st.session_state.get(SELECTED_RUNNER_KEY)),
    )
    _show_runner_in_url(st.session_state.get(SELECTED_RUNNER_KEY))  # a page switch clears the URL's query


def runner_labels(context: PageContext) -> dict[int, str]:
    """Every runner of this viewer by id, named as the menu names them: told apart when two share a name."""
    runners = context.data.runners()
    return distinct_labels({r.saved_id: runner_label(r) for r in runners})


def runner_label(runner: RunnerProfile) -> str:
    """How a runner is named in pickers and banners; the demo runner is always marked as such."""
    return f"{runner.name} (demo data)" if runner.is_demo and "demo" not in runner.name.lower() else runner.name


def require_runner(context: PageContext, doing: str | None = None) -> RunnerProfile | None:
    """The runner the page shows, or a prompt to create one. Pages that write say whose data they write (`doing`:
    "Recording for"), so a real test never lands in the demo runner unnoticed."""
    runner = context.runner()
    if runner is None:
        st.info("Create or pick a runner profile first.", icon=":material/person:")
        navigation.page_link("profile", label="Go to Profile", icon=":material/person:")
    elif doing is not None:
        runner_banner(runner, runner_labels(context).get(runner.saved_id, runner_label(runner)), doing)
    return runner


def runner_banner(runner: RunnerProfile, label: str, doing: str) -> None:
    """ "Recording for Sam (2)": whose data the page writes, named as in the menu; demo data marked."""
    demo = " :orange-badge[made-up demo data]" if runner.is_demo else ""
    st.markdown(
        f":material/person: {doing} **{plain(label)}**{demo}  \n"
        ":small[To switch runner, use the menu (» at the top left on a phone).]"
    )
