"""The coach's read-only view, opened through a share link. Nothing here writes the runner's records. A coach who is
logged in (hosted) may keep the link on their roster, keep private notes, and comment on tests if the runner allows
it: each of those is checked by the store against the live link when it is saved."""

from __future__ import annotations

import streamlit as st

from calfcore.models import HeelRaiseTest
from calfcore.sharing import ResolvedShare, token_hash
from calfstore import NotFound
from calfui.cache import CoachData
from calfui.comments import render_coach_comments, render_coach_notes
from calfui.context import PageContext, now, render_page
from calfui.dashboard_view import render_dashboard
from calfui.saving import saving
from calfui.viewer import ViewerKind
from calfui.widgets import plain

BAD_LINK_MESSAGE = (
    "This link doesn't work. It may have expired or been withdrawn by the runner. Ask them for a new one."
)


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
    coach = context.coach
    if coach is not None:
        _roster_button(coach, share, link)
        render_coach_notes(coach, share, link)

    def still_allowed() -> bool:  # the same live link, still to this runner, when the report is drawn
        resolved = store.resolve_share(link, now())
        return resolved is not None and resolved.runner_id == share.runner_id

    def about_latest(test: HeelRaiseTest) -> None:
        if coach is not None and test.id is not None:
            render_coach_comments(coach, share, link, test.id, runner.name)

    render_dashboard(
        context.data, records, context.today, read_only=True, still_allowed=still_allowed, about_latest=about_latest
    )


def _roster_button(coach: CoachData, share: ResolvedShare, link: str) -> None:
    """ "Add to my roster" for a logged-in coach, or a note that it is there (the roster page lists it)."""
    on_roster = any(entry.link_id == share.link.id for entry in coach.list_roster(now()))
    if on_roster:
        st.caption(":material/groups: On your roster: open Calf Check without the link to see it.")
        return
    if st.button(
        "Add to my roster",
        key=f"roster_add_link{int(share.link.id)}",
        icon=":material/group_add:",
        help="Lists this runner on your Roster page, with everyone else who shared with you, for as long "
        "as the link works.",
    ):
        with saving(coach.store):
            try:
                coach.add_to_roster(link, now())
            except NotFound as gone:
                st.error(str(gone))
                return
            st.rerun()


render_page(render)
