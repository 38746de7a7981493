"""Share: give a coach a read-only link to this runner's dashboard, see who has one, and take it back."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import segno
import streamlit as st

from calfcore.calendar_feed import days_held, feed_url
from calfcore.labels import distinct_labels
from calfcore.sharing import (
    EXPIRY_CHOICES_DAYS,
    LinkStatus,
    ShareLink,
    expires_at,
    new_token,
    share_url,
    token_hash,
)
from calfcore.validation import InputErrors, parse_share_label
from calfui import asgi, widgets
from calfui.context import PageContext, now, render_page
from calfui.pickers import pick
from calfui.saving import saving
from calfui.sidebar import require_runner
from calfui.state import runner_key, runner_state
from calfui.viewer import ViewerKind

# Per runner (calfui.state.runner_state): the new link's full URL, kept only until the runner dismisses it, and the
# link a Revoke click is waiting to have confirmed.
NEW_LINK = "new_link"
NEW_FEED = "new_calendar_feed"  # the new feed's URL, shown once
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
    runner = require_runner(context, doing="Links for")
    if runner is None:
        return
    runner_id = runner.saved_id
    state = runner_state("share", runner_id)
    st.markdown(
        "A link opens a **read-only** view of this runner's dashboard: scores, symmetry, symptoms, charts, "
        "routine and training. It shows nothing else and can't change anything. Revoke it at any time."
    )
    if context.viewer.kind is ViewerKind.LOCAL:
        st.caption(
            "Calf Check runs on this computer: a link opens only for someone who can reach it, for example "
            "on your home network when started with `make run ADDRESS=0.0.0.0`. Anyone else who reaches it "
            "sees share links only, never your profiles."
        )
    else:
        st.caption(
            "Anyone who has the link can open this runner's read-only view until it expires or you revoke "
            "it. They need no login."
        )

    fresh = state.get(NEW_LINK)
    if fresh is not None:
        st.success(
            f"Link for {widgets.plain(fresh['label'])} created. Copy it now: it is shown only once.",
            icon=":material/link:",
        )
        st.code(fresh["url"], language=None, wrap_lines=True)
        if st.toggle("Show as a QR code", key=runner_key(runner_id, "share_show_qr")):
            # The image's text alternative says what it is and where it leads (the link itself is just above).
            st.image(
                _qr_png(fresh["url"]),
                caption="Scan with the coach's phone camera",
                width=240,
                alt=f"QR code of the share link for {fresh['label']}: the same link as shown above",
            )
        if st.button("Done", key=runner_key(runner_id, "share_done"), type="primary"):
            state.pop(NEW_LINK, None)
            st.rerun()
    else:
        with st.form(runner_key(runner_id, "new_share_link"), border=True, enter_to_submit=False):
            label = st.text_input("Who is it for?", placeholder="Coach Sam", key=runner_key(runner_id, "share_label"))
            label_error = st.empty()
            days = st.radio(
                "Expires after",
                EXPIRY_CHOICES_DAYS,
                format_func=EXPIRY_LABELS.get,
                index=1,
                horizontal=True,
                key=runner_key(runner_id, "share_expiry"),
            )
            create = st.form_submit_button("Create link", type="primary", key=runner_key(runner_id, "share_create"))
        if create:
            try:
                label = parse_share_label(label)
            except InputErrors as problem:
                label_error.error(problem.errors["label"], icon=":material/error:")
            else:
                token = new_token()
                stamp = now()
                with saving(context.store):
                    context.data.create_share_link(runner_id, label, token_hash(token), expires_at(days, stamp), stamp)
                    state[NEW_LINK] = {"label": label, "url": share_url(_base_url(), token)}
                    st.rerun()

    st.header("Links")
    links = context.data.cached(
        ("share links", runner_id), lambda: context.data.list_share_links(runner_id), runner_id=runner_id
    )
    if not links:
        st.caption("No links yet.")
    else:
        _links(context, runner_id, state, links)
    _calendar(context, runner_id, state)


def _links(context: PageContext, runner_id: int, state: dict[str, Any], links: list[ShareLink]) -> None:
    stamp = now()
    statuses = tuple(link.status(stamp) for link in links)

    def table() -> pa.Table:
        # Status first: on a phone the table scrolls sideways, and whether a link still works must not be cut off.
        return pa.Table.from_pylist(
            [
                {
                    "status": status.value,
                    "label": link.label,
                    "made": link.created_at.strftime("%Y-%m-%d %H:%M"),  # as the revoke picker tells links apart
                    "last opened": link.last_used_at.strftime("%Y-%m-%d %H:%M") if link.last_used_at else "never",
                    "expires": link.expires_at.strftime("%Y-%m-%d") if link.expires_at else "never",
                }
                for link, status in zip(links, statuses, strict=True)
            ]
        )

    # Built again only when the links or a link's status change (one expiring while the page is open).
    st.dataframe(context.data.cached(("share table", runner_id, statuses), table, runner_id=runner_id), hide_index=True)
    active = {link.id: link for link, status in zip(links, statuses, strict=True) if status is LinkStatus.ACTIVE}
    if not active:
        return
    # As the picker shows them (two links with the same label and minute are numbered), so the question names the
    # link exactly as it was picked.
    labels = distinct_labels({link.id: _link_label(link) for link in active.values()})
    if context.viewer.kind is ViewerKind.RUNNER:  # hosted: comments come from coaches who are logged in
        _comment_rights(context, runner_id, active, labels)
    target = pick(
        "Revoke a link",
        labels,
        key=runner_key(runner_id, "share_revoke_pick"),
        on_change=lambda: state.pop("confirming", None),
    )
    if target is None:  # a list of live links always has a choice; kept for the type checker
        return
    widgets.confirmed_action(
        state,
        ("link", target),
        button="Revoke",
        icon=":material/link_off:",
        warning=f"Revoke the link {widgets.plain(labels[target])}? Whoever holds it loses access at their next "
        "click. This can't be undone: you can make a new link.",
        yes_label="Yes, revoke it",
        key=runner_key(runner_id, "share_revoke", target),
        store=context.store,
        act=lambda: context.data.revoke_share_link(runner_id, target, now()),
    )


def _comment_rights(context: PageContext, runner_id: int, active: dict[int, ShareLink], labels: dict[int, str]) -> None:
    """Per live link: may its holder comment on this runner's tests? Off until the runner turns it on."""
    st.markdown(
        "**Comments.** A coach who is logged in can comment on your tests through a link you allow. You see "
        "comments under the test and can hide any of them."
    )
    for link_id, link in active.items():
        allowed = st.toggle(
            f"{labels[link_id]} may comment",
            value=link.coach_may_comment,
            key=runner_key(runner_id, "share_comments", link_id, int(link.coach_may_comment)),
        )
        if allowed != link.coach_may_comment:
            with saving(context.store):
                context.data.set_link_comments(runner_id, link_id, allowed)
                st.rerun()


def _calendar(context: PageContext, runner_id: int, state: dict[str, Any]) -> None:
    """This week's training days and the next retest in the runner's phone calendar: a feed to subscribe to when
    hosted; on this computer (local mode, which a phone can't reach) a one-off .ics file to import."""
    st.header("Calendar")
    st.markdown(
        "Your coming training days and your next retest, in your phone's calendar. Events say only "
        "**Calf Check: training** and **Calf Check: retest**, so a work calendar shows nothing private."
    )
    names = st.toggle(
        "Show exercise names",
        key=runner_key(runner_id, "calendar_names"),
        help="Adds this week's exercises and the retest's set-up to the events.",
    )
    if context.viewer.kind is ViewerKind.LOCAL:
        days, retest_on, _, _ = asgi.runner_calendar(context.data, runner_id)
        st.download_button(
            f"Download {days_held(days, retest_on)} (.ics)",
            asgi.runner_feed(context.data, runner_id, f"local{runner_id}", names),
            file_name="calf-check.ics",
            mime="text/calendar",
            icon=":material/calendar_month:",
            key=runner_key(runner_id, "calendar_download"),
        )
        st.caption(
            "Calf Check runs on this computer, which your phone's calendar can't reach: open the file on your "
            "phone to add the events once. It holds the sessions still ahead: download it again when they are past."
        )
        return
    fresh = state.get(NEW_FEED)
    if fresh is not None:
        st.success(
            "Calendar feed created. Copy it now: it is shown only once. In your phone's calendar, add a "
            'subscription ("subscribed calendar" or "from URL") with this address.',
            icon=":material/calendar_month:",
        )
        st.code(fresh, language=None, wrap_lines=True)
        if st.button("Done", key=runner_key(runner_id, "calendar_done"), type="primary"):
            state.pop(NEW_FEED, None)
            st.rerun()
    elif st.button(
        "Create a calendar feed", key=runner_key(runner_id, "calendar_create"), icon=":material/calendar_add_on:"
    ):
        token, stamp = new_token(), now()
        with saving(context.store):
            context.data.create_calendar_feed(runner_id, token_hash(token), names, None, stamp)
            state[NEW_FEED] = feed_url(_base_url(), token)
            st.rerun()
    feeds = context.data.cached(
        ("calendar feeds", runner_id), lambda: context.data.list_calendar_feeds(runner_id), runner_id=runner_id
    )
    stamp = now()
    live = {
        f.id: f"Feed made {f.created_at:%d %b %Y %H:%M}" + (" · with exercise names" if f.show_exercise_names else "")
        for f in feeds
        if f.status(stamp) is LinkStatus.ACTIVE
    }
    if not live:
        return
    target = pick(
        "Revoke a calendar feed",
        live,
        key=runner_key(runner_id, "calendar_revoke_pick"),
        on_change=lambda: state.pop("confirming", None),
    )
    if target is None:
        return
    widgets.confirmed_action(
        state,
        ("feed", target),
        button="Revoke feed",
        icon=":material/event_busy:",
        warning="Revoke this calendar feed? Calendars subscribed to it stop getting updates. This can't be undone: "
        "you can make a new feed.",
        yes_label="Yes, revoke it",
        key=runner_key(runner_id, "calendar_revoke", target),
        store=context.store,
        act=lambda: context.data.revoke_calendar_feed(runner_id, target, now()),
    )


def _link_label(link: ShareLink) -> str:
    """Told apart by more than the label, and short enough for a phone's select box: two links for "Coach Sam"
    differ by when they were made (to the minute; calfcore.labels numbers any that still match)."""
    return f"{link.label} · made {link.created_at:%d %b %H:%M}"


render_page(render)
