"""Calf Check: the router. Resolves who is viewing and registers only the pages they may see.

Run with `make run` (or `streamlit run app.py`). Pages live in pages/ and render only when run from here.
"""

import streamlit as st

from calfui import shell
from calfui.shell import ViewerKind

st.set_page_config(page_title="Calf Check", page_icon=":material/directions_run:", layout="centered")

store = shell.store_or_stop()
viewer = shell.resolve_viewer(store, shell.now())
context = shell.PageContext(viewer=viewer, store=store, today=shell.today())

HOME = st.Page("pages/home_page.py", title="Home", icon=":material/home:", url_path="home", default=True)
if viewer.owns_data:
    pages = [
        HOME,
        st.Page("pages/record_page.py", title="Record", icon=":material/add_circle:", url_path="record"),
        st.Page("pages/guided_page.py", title="Guided test", icon=":material/timer:", url_path="guided"),
        st.Page("pages/dashboard_page.py", title="Dashboard", icon=":material/monitoring:", url_path="dashboard"),
        st.Page("pages/routine_page.py", title="Routine", icon=":material/fitness_center:", url_path="routine"),
        st.Page("pages/history_page.py", title="History", icon=":material/history:", url_path="history"),
        st.Page("pages/share_page.py", title="Share", icon=":material/share:", url_path="share"),
        st.Page("pages/profile_page.py", title="Profile", icon=":material/person:", url_path="profile"),
    ]
    position = "sidebar"
elif viewer.kind in (ViewerKind.COACH, ViewerKind.BAD_LINK):
    # One page, no navigation: a coach can reach nothing but this runner's read-only view.
    pages = [st.Page("pages/coach_page.py", title="Calf Check", icon=":material/visibility:", url_path="coach",
                     default=True)]
    position = "hidden"
else:  # hosted and not logged in: the public home page with its login button
    pages = [HOME]
    position = "hidden"

page = st.navigation(pages, position=position)
shell.sidebar(context)
with shell.viewing(context):
    page.run()
