"""Roster (hosted, logged in): every runner whose live share link this person keeps, who needs attention and why,
and the squad at a glance. The links are checked on every rerun (never cached): a link that was revoked or expired
shows as ended, with none of the runner's data. Nothing here can write a runner's records."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from calfcore import chart_text, charts
from calfcore.coaching import ACCESS_ENDED, RosterEntry
from calfcore.roster import FlagKind, RosterRow, roster_row, sort_roster, squad_frame, with_flag
from calfcore.scoring import Band
from calfstore import NotFound, Store
from calfui.cache import cached, records
from calfui.components import SIDE_LABELS, plain
from calfui.saving import saving
from calfui.shell import PageContext, now, render_page

ALL = "Everyone"
NEEDS_ATTENTION = "Needs attention"
FILTERS = [ALL, NEEDS_ATTENTION, *(kind.label for kind in FlagKind)]


def _row(store: Store, entry: RosterEntry, today: dt.date) -> RosterRow:
    """One runner's roster row, computed once per version of that runner's owner's data (it reads only theirs)."""
    owner, runner_id = str(entry.runner_owner), int(entry.runner_id)  # type: ignore[arg-type]

    def compute() -> RosterRow:
        found = records(store, owner, runner_id)
        return roster_row(found.runner, found.tests, found.symptoms, found.routine_logs, today,
                          hops=store.list_hop_tests(owner, runner_id),
                          checks=store.list_readiness_checks(owner, runner_id),
                          away={a.day for a in store.list_away_days(owner, runner_id)},
                          own_every_days=store.retest_choice(owner, runner_id))

    return cached(store, owner, ("roster row", runner_id, today), compute)


def _legs(row: RosterRow) -> str:
    parts = []
    for leg in row.legs:
        band = f" ({leg.band.value})" if isinstance(leg.band, Band) else ""
        parts.append(f"{SIDE_LABELS[leg.side]} {leg.raises if leg.raises is not None else '—'}{band}")
    return ", ".join(parts) or "no test yet"


def _card(row: RosterRow, entry: RosterEntry) -> None:
    with st.container(border=True, key=f"roster_entry{entry.id}"):
        badge = " :red-badge[Needs attention]" if row.flags else " :green-badge[On track]"
        st.markdown(f"**{plain(row.name)}**{badge}")
        tested = f"{row.latest_test_on:%d %b %Y}" if row.latest_test_on else "no test yet"
        symmetry = f"{row.symmetry_percent:.0f}%" if row.symmetry_percent is not None else "—"
        expiry = f"{entry.expires_at:%d %b %Y}" if entry.expires_at else "no expiry"
        st.markdown(f"Latest test {tested} · raises {_legs(row)} · symmetry {symmetry}  \n"
                    f"Stage {row.stage_title} · pain {row.pain_trend} · trained {row.training_days} of the last 14 "
                    f"days · link {expiry}")
        for flag in row.flags:
            st.markdown(f":orange[:material/flag: **{flag.kind.label}**]: {plain(flag.reason)}")
            st.caption(f"Source: {plain(flag.source)}")


def _ended(context: PageContext, coach: str, entry: RosterEntry) -> None:
    with st.container(border=True, key=f"roster_entry{entry.id}"):
        st.markdown(f":material/link_off: **{ACCESS_ENDED}**")
        st.caption(f"Link for {plain(entry.label)}, on your roster since {entry.added_at:%d %b %Y}.")
        if st.button("Remove from roster", key=f"roster_remove_entry{entry.id}", icon=":material/delete:"):
            with saving(context.store):
                try:
                    context.store.remove_from_roster(coach, entry.id)
                except NotFound:
                    pass  # removed in another tab: the same outcome
                st.rerun()


def render(context: PageContext) -> None:
    st.title("Roster")
    coach = str(context.viewer.owner_key)
    entries = context.store.list_roster(coach, now())  # every rerun: a revoked link ends at the next click
    if not entries:
        st.info("No runners yet. When a runner sends you a share link, open it while logged in and choose "
                "**Add to my roster**.", icon=":material/groups:")
        return
    live = [(entry, _row(context.store, entry, context.today)) for entry in entries if entry.live]
    ended = [entry for entry in entries if not entry.live]
    rows = sort_roster(row for _, row in live)
    entry_of = {id(row): entry for entry, row in live}
    st.caption(f"{len(live)} runner{'s' if len(live) != 1 else ''} sharing with you; "
               f"{sum(1 for row in rows if row.flags)} need{'s' if sum(1 for row in rows if row.flags) == 1 else ''} "
               "attention. Flags use the rules the runner's own pages apply; Calf Check informs, it does not "
               "diagnose.")
    shown = st.segmented_control("Show", FILTERS, default=ALL, key="roster_filter") or ALL
    if shown == NEEDS_ATTENTION:
        rows = [row for row in rows if row.flags]
    elif shown != ALL:
        rows = with_flag(rows, next(kind for kind in FlagKind if kind.label == shown))
    if live:
        frame = squad_frame(rows)
        if not frame.empty:
            st.subheader("Squad")
            st.vega_lite_chart(charts.squad_spec(frame), width="stretch", alt=chart_text.squad_text(frame))
    st.subheader("Runners")
    if not rows and live:
        st.caption("Nobody with that flag.")
    for row in rows:
        _card(row, entry_of[id(row)])
    for entry in ended:
        _ended(context, coach, entry)


render_page(render)
