"""Calf Check: the router. Resolves who is viewing and registers only the pages they may see.

Run with `make run` (or `streamlit run app.py`). Pages live in pages/ and render only when run from here.
"""

import streamlit as st

from calfui import heap, navigation
from calfui.context import PageContext, answering, now, store_or_stop, today, viewing
from calfui.sidebar import sidebar
from calfui.viewer import ViewerKind, resolve_viewer


def main() -> None:
    """One run of the app for one session: who is viewing, their pages, the chosen page."""
    st.set_page_config(page_title="Calf Check", page_icon=navigation.app_icon(), layout="centered")

    store = store_or_stop()
    with answering():  # the database not answering: the app's message, on every page for every viewer
        viewer = resolve_viewer(store, now())
        context = PageContext(viewer=viewer, store=store, today=today())
        context.expect_reads()  # the sidebar's and the page's data versions asked for in one question

        if viewer.owns_data:
            pages = navigation.HOSTED_PAGES if viewer.kind is ViewerKind.RUNNER else navigation.RUNNER_PAGES
            page = navigation.navigation(pages, position="sidebar")
        elif viewer.kind in (ViewerKind.COACH, ViewerKind.BAD_LINK):
            # One page, no navigation: a coach can reach nothing but this runner's read-only view.
            page = navigation.navigation(navigation.COACH_PAGES, position="hidden")
        else:  # hosted and not logged in, or another machine in local mode: the public home page only
            page = navigation.navigation(navigation.PUBLIC_PAGES, position="hidden")
        navigation.note_shown(page)
        sidebar(context)
        with viewing(context):
            page.run()
    heap.freeze_after_imports()


if __name__ == "__main__":
    main()
else:
    # `streamlit run app.py` finds this st.App (by reading this file) and serves it, with the app's own routes
    # (calfui.asgi: the calendar feed) and middleware (calfui.server: Referrer-Policy); every session then runs this
    # file as its script, as "__main__".
    from calfui import asgi, context, crafted, logs, server

    logs.mask_secrets()  # before anything else logs: no token, download id or login code in the log
    server.serve_pages_by_navigation_only()
    crafted.quiet_log()
    app = st.App(__file__, routes=asgi.ROUTES, middleware=server.MIDDLEWARE, on_script_error=context.on_script_error)
