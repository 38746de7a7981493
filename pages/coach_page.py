"""The coach's read-only view, opened through a share link. No widget here writes anything."""

from __future__ import annotations

import streamlit as st

from calfcore.sharing import token_hash
from calfui.components import plain
from calfui.shell import PageContext, ViewerKind, now, render_page
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
    link = token_hash(str(st.query_params.get("share")))
    store = context.store

    def still_allowed() -> bool:  # the same live link, still to this runner, when the report is drawn
        resolved = store.resolve_share(link, now())
        return resolved is not None and resolved.runner_id == share.runner_id

    render_dashboard(context.data, records, context.today, read_only=True, still_allowed=still_allowed)


render_page(render)
