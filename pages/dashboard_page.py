"""Dashboard: the latest score and progress over weeks."""

from __future__ import annotations

import streamlit as st

from calfui import navigation
from calfui.comments import render_unread_comments
from calfui.context import PageContext, render_page
from calfui.dashboard_view import render_dashboard
from calfui.sidebar import require_runner
from calfui.widgets import plain


def render(context: PageContext) -> None:
    runner = require_runner(context)
    if runner is None:
        st.title("Dashboard")
        return
    st.title("Dashboard")
    st.caption(plain(runner.name))
    records = context.data.records(runner.saved_id)
    # A coach's comments until the runner has seen them, whichever test they are about (then under it in History).
    render_unread_comments(context.data, runner.saved_id, records.tests)
    render_dashboard(context.data, records, context.today)
    missing_morning = [
        s
        for s in records.symptoms
        if s.test_id is not None and s.pain_next_morning is None and s.logged_on < context.today
    ]
    if missing_morning:
        st.info(
            "Some tests have no next-morning pain yet. Add it from History: it shows whether the test settled.",
            icon=":material/wb_twilight:",
        )
        navigation.page_link("history", label="Open History", icon=":material/history:")


render_page(render)
