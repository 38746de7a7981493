"""A coach's roster cards: one runner's row in words, made once per version of that runner's data, and drawn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from calfcore import chart_text, charts
from calfcore.coaching import RosterEntry
from calfcore.roster import RosterRow, roster_row, squad_frame
from calfcore.scoring import Band
from calfstore import Store
from calfui.cache import cached, records
from calfui.components import SIDE_LABELS, plain
from calfui.views import arrow_datasets


@dataclass(frozen=True)
class Card:
    """One runner's roster row and its words, made once per version of that runner's data."""

    row: RosterRow
    heading: str
    figures: str
    flags: tuple[tuple[str, str], ...]  # (flag in words, its source)


def card_of(store: Store, entry: RosterEntry, today: dt.date) -> Card:
    """Computed once per version of that runner's owner's data (it reads only theirs)."""
    owner, runner_id = str(entry.runner_owner), int(entry.runner_id)  # type: ignore[arg-type]

    def compute() -> Card:
        found = records(store, owner, runner_id)
        row = roster_row(found.runner, found.tests, found.symptoms, found.routine_logs, today,
                         hops=store.list_hop_tests(owner, runner_id),
                         checks=store.list_readiness_checks(owner, runner_id),
                         away={a.day for a in store.list_away_days(owner, runner_id)},
                         own_every_days=store.retest_choice(owner, runner_id))
        badge = " :red-badge[Needs attention]" if row.flags else " :green-badge[On track]"
        tested = f"{row.latest_test_on:%d %b %Y}" if row.latest_test_on else "no test yet"
        symmetry = f"{row.symmetry_percent:.0f}%" if row.symmetry_percent is not None else "—"
        figures = (f"Latest test {tested} · raises {_legs(row)} · symmetry {symmetry}  \n"
                   f"Stage {row.stage_title} · pain {row.pain_trend} · trained {row.training_days} of the last 14 "
                   "days")
        flags = tuple((f":orange[:material/flag: **{flag.kind.label}**]: {plain(flag.reason)}",
                       f"Source: {plain(flag.source)}") for flag in row.flags)
        return Card(row, f"**{plain(row.name)}**{badge}", figures, flags)

    return cached(store, owner, ("roster card", runner_id, today), compute)


def _legs(row: RosterRow) -> str:
    parts = []
    for leg in row.legs:
        band = f" ({leg.band.value})" if isinstance(leg.band, Band) else ""
        parts.append(f"{SIDE_LABELS[leg.side]} {leg.raises if leg.raises is not None else '—'}{band}")
    return ", ".join(parts) or "no test yet"


def squad(rows: list[RosterRow]) -> tuple[dict | None, str]:
    frame = squad_frame(rows)
    if frame.empty:
        return None, ""
    return arrow_datasets(charts.squad_spec(frame)), chart_text.squad_text(frame)


def draw(card: Card, entry: RosterEntry) -> None:
    with st.container(border=True, key=f"roster_entry{entry.id}"):
        st.markdown(card.heading)
        expiry = f"{entry.expires_at:%d %b %Y}" if entry.expires_at else "no expiry"
        st.markdown(f"{card.figures} · link {expiry}")
        for flag, source in card.flags:
            st.markdown(flag)
            st.caption(source)
