"""The coach's read-only view, opened through a share link. No widget here writes anything."""

from __future__ import annotations

import streamlit as st

from calfui.components import plain
from calfui.shell import PageContext, ViewerKind, render_page
from calfui.views import render_dashboard

BAD_LINK_MESSAGE = ("This link doesn't work. It may have expired or been withdrawn by the runner. Ask them for a "
                    "new one.")


def render(context: PageContext) -> None:
    share = context.viewer.share
    runner = context.runner() if context.viewer.kind is ViewerKind.COACH else None
    if share is None or runner is None:
        st.title("Calf Check")
        st.info(BAD_LINK_MESSAGE, icon=":material/link_off:")
        return
    st.title(plain(runner.name))
    expiry = f"expires {share.link.expires_at:%d %b %Y}" if share.link.expires_at else "no expiry date"
    st.caption(f"Shared by {plain(runner.name)} with {plain(share.link.label)}, {expiry}. Read-only.")
    records = context.data.records(share.runner_id)
    render_dashboard(context.data, records, context.today, read_only=True)


render_page(render)
