"""Roster (hosted, logged in): every runner whose live share link this person keeps, who needs attention and why,
and the squad at a glance. The links are checked on every rerun (never cached): a link that was revoked or expired
shows as ended, with none of the runner's data. Nothing here can write a runner's records."""

from __future__ import annotations

import streamlit as st

from calfcore.coaching import ACCESS_ENDED, RosterEntry
from calfcore.roster import FlagKind, sort_roster, with_flag
from calfstore import NotFound
from calfui.cache import CoachData
from calfui.context import PageContext, now, render_page
from calfui.roster_cards import card_of, draw, squad
from calfui.saving import saving
from calfui.widgets import plain

ALL = "Everyone"
NEEDS_ATTENTION = "Needs attention"
FILTERS = [ALL, NEEDS_ATTENTION, *(kind.label for kind in FlagKind)]


def _ended(coach: CoachData, entry: RosterEntry) -> None:
    with st.container(border=True, key=f"roster_entry{entry.id}"):
        st.markdown(f":material/link_off: **{ACCESS_ENDED}**")
        st.caption(f"Link for {plain(entry.label)}, on your roster since {entry.added_at:%d %b %Y}.")
        if st.button("Remove from roster", key=f"roster_remove_entry{entry.id}", icon=":material/delete:"):
            with saving(coach.store):
                try:
                    coach.remove_from_roster(entry.id)
                except NotFound:
                    pass  # removed in another tab: the same outcome
                st.rerun()


def render(context: PageContext) -> None:
    st.title("Roster")
    coach = context.coach
    if coach is None:  # the page is registered only for a logged-in person
        return
    entries = coach.list_roster(now())  # every rerun: a revoked link ends at the next click
    if not entries:
        st.info(
            "No runners yet. When a runner sends you a share link, open it while logged in and choose "
            "**Add to my roster**.",
            icon=":material/groups:",
        )
        return
    live_entries = [(entry, runner_id) for entry in entries if (runner_id := entry.live_runner_id) is not None]
    # Each runner's data version, read before their rows: the squad chart below is cached under these.
    versions = tuple((entry.id, coach.runner_data(entry).data_version(runner_id)) for entry, runner_id in live_entries)
    live = [(entry, card_of(coach, entry, runner_id, context.today)) for entry, runner_id in live_entries]
    rows = sort_roster(card.row for _, card in live)
    shown_by_row = {id(card.row): (card, entry) for entry, card in live}
    flagged = sum(1 for row in rows if row.flags)
    st.caption(
        f"{len(live)} runner{'s' if len(live) != 1 else ''} sharing with you; {flagged} "
        f"need{'s' if flagged == 1 else ''} attention. Flags use the rules the runner's own pages apply; "
        "Calf Check informs, it does not diagnose."
    )
    shown = st.segmented_control("Show", FILTERS, default=ALL, key="roster_filter") or ALL
    if shown == NEEDS_ATTENTION:
        rows = [row for row in rows if row.flags]
    elif shown != ALL:
        rows = with_flag(rows, next(kind for kind in FlagKind if kind.label == shown))
    # The chart's spec, text and Arrow data, built once per state of every runner shown and filter.
    spec, text = coach.cached(("squad chart", versions, shown, context.today), lambda: squad(rows))
    if spec is not None:
        st.subheader("Squad")
        st.vega_lite_chart(spec, width="stretch", alt=text)
    st.subheader("Runners")
    if not rows and live:
        st.caption("Nobody with that flag.")
    for row in rows:
        draw(*shown_by_row[id(row)])
    for entry in entries:
        if not entry.live:
            _ended(coach, entry)


render_page(render)
