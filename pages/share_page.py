"""Share: give a coach a read-only link to this runner's dashboard, see who has one, and take it back."""

from __future__ import annotations

import io

import pyarrow as pa
import segno
import streamlit as st

from calfcore.sharing import EXPIRY_CHOICES_DAYS, LinkStatus, expires_at, new_token, share_url, token_hash
from calfcore.storage import NotFound
from calfcore.validation import InputErrors, parse_share_label
from calfui import components
from calfui.saving import saving
from calfui.shell import PageContext, now, render_page
from calfui.views import require_runner

NEW_LINK = "share_new_link"  # the full URL, kept only until the runner dismisses it
EXPIRY_LABELS = {7: "7 days", 30: "30 days", 90: "90 days", None: "No expiry (until revoked)"}


def _base_url() -> str:
    url = st.context.url or "http://localhost:8501/"
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def _qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def render(context: PageContext) -> None:
    st.title("Share with your coach")
    runner = require_runner(context)
    if runner is None:
        return
    owner, runner_id = str(context.viewer.owner_key), int(runner.id)
    st.markdown("A link opens a **read-only** view of this runner's dashboard: scores, symmetry, symptoms, charts, "
                "routine and training. It shows nothing else and can't change anything. Revoke it at any time.")

    fresh = st.session_state.get(NEW_LINK)
    if fresh is not None:
        st.success(f"Link for {components.plain(fresh['label'])} created. Copy it now: it is shown only once.",
                   icon=":material/link:")
        st.code(fresh["url"], language=None, wrap_lines=True)
        if st.toggle("Show as a QR code", key="share_show_qr"):
            st.image(_qr_png(fresh["url"]), caption="Scan with the coach's phone camera", width=240)
        if st.button("Done", key="share_done", type="primary"):
            st.session_state.pop(NEW_LINK, None)
            st.rerun()
    else:
        with st.form("new_share_link", border=True):
            label = st.text_input("Who is it for?", placeholder="Coach Sam", key="share_label")
            label_error = st.empty()
            days = st.radio("Expires after", EXPIRY_CHOICES_DAYS, format_func=EXPIRY_LABELS.get, index=1,
                            horizontal=True, key="share_expiry")
            create = st.form_submit_button("Create link", type="primary", key="share_create")
        if create:
            try:
                label = parse_share_label(label)
            except InputErrors as problem:
                label_error.error(problem.errors["label"], icon=":material/error:")
            else:
                token = new_token()
                stamp = now()
                with saving(context.store):
                    context.store.create_share_link(owner, runner_id, label, token_hash(token),
                                                    expires_at(days, stamp), stamp)
                    st.session_state[NEW_LINK] = {"label": label, "url": share_url(_base_url(), token)}
                    st.rerun()

    st.header("Links")
    links = context.data.cached(("share links", runner_id), lambda: context.store.list_share_links(owner, runner_id))
    if not links:
        st.caption("No links yet.")
        return
    stamp = now()
    st.dataframe(pa.Table.from_pylist([{
        "label": link.label, "status": link.status(stamp).value,
        "created": link.created_at.strftime("%Y-%m-%d"),
        "last opened": link.last_used_at.strftime("%Y-%m-%d %H:%M") if link.last_used_at else "never",
        "expires": link.expires_at.strftime("%Y-%m-%d") if link.expires_at else "never",
    } for link in links]), hide_index=True)
    active = {link.id: link for link in links if link.status(stamp) is LinkStatus.ACTIVE}
    if not active:
        return
    target = st.selectbox("Revoke a link", list(active), format_func=lambda i: active[i].label, key="share_revoke_pick")
    if st.button("Revoke", key="share_revoke", icon=":material/link_off:"):
        with saving(context.store):
            try:
                context.store.revoke_share_link(owner, runner_id, target, now())
            except NotFound as missing:
                st.error(str(missing))
            st.rerun()


render_page(render)
