"""A coach's roster cards: one runner's row in words, made once per version of that runner's data, and drawn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import streamlit as st

from calfcore import chart_text, charts, glance
from calfcore.coaching import RosterEntry
from calfcore.roster import RosterRow, roster_row, squad_frame
from calfcore.scoring import Band, symmetry_text
from calfcore.warning_signs import warning_of
from calfui.arrow import arrow_datasets
from calfui.cache import CoachData
from calfui.widgets import SIDE_LABELS, plain


@dataclass(frozen=True)
class Card:
    """One runner's roster row and its words, made once per version of that runner's data."""

    row: RosterRow
    heading: str
    figures: str
    flags: tuple[tuple[str, str], ...]  # (flag in words, its source)
    glance: dict[str, Any] | None = None  # the latest test's per-leg bars (calfcore.charts.leg_bars), ready to draw
    glance_text: str = ""  # their text alternative
    glance_lines: tuple[str, ...] = ()  # each leg's one short line, under the bars


def card_of(coach: CoachData, entry: RosterEntry, runner_id: int, today: dt.date) -> Card:
    """A live entry's card (`runner_id`: its `live_runner_id`), computed once per version of its runner's data (it
    reads only theirs)."""
    data = coach.runner_data(entry)

    def compute() -> Card:
        found = data.records(runner_id)
        row = roster_row(
            found.runner,
            found.tests,
            found.symptoms,
            found.routine_logs,
            today,
            hops=data.list_hop_tests(runner_id),
            checks=data.list_readiness_checks(runner_id),
            away={a.day for a in data.list_away_days(runner_id)},
            own_every_days=data.retest_choice(runner_id),
            warning=warning_of(found),
            runs=found.runs,
        )
        return card_for(row)

    return data.cached(("roster card", runner_id, today), compute, runner_id=runner_id)


def card_for(row: RosterRow) -> Card:
    """A roster row's card: its words, and the latest test's per-leg bars with each leg's short line."""
    badge = " :red-badge[Needs attention]" if row.flags else " :green-badge[On track]"
    tested = f"{row.latest_test_on:%d %b %Y}" if row.latest_test_on else "no test yet"
    symmetry = symmetry_text(row.symmetry_percent) if row.symmetry_percent is not None else "—"
    raises = "" if row.score is not None else f" · raises {_legs(row)}"  # else the bars and their lines say it
    figures = (
        f"Latest test {tested}{raises} · symmetry {symmetry}  \n"
        f"Stage {row.stage_title} · pain {row.pain_trend} · trained {row.training_days} of the last 14 "
        "days"
    )
    flags = tuple(
        (f":orange[:material/flag: **{flag.kind.label}**]: {plain(flag.reason)}", f"Source: {plain(flag.source)}")
        for flag in row.flags
    )
    if row.score is None:
        return Card(row, f"**{plain(row.name)}**{badge}", figures, flags)
    return Card(
        row,
        f"**{plain(row.name)}**{badge}",
        figures,
        flags,
        arrow_datasets(charts.leg_bars_spec(row.score, row.injured_side)),
        glance.glance_text(row.score),
        glance.leg_lines(row.score),
    )


def _legs(row: RosterRow) -> str:
    parts = []
    for leg in row.legs:
        band = f" ({leg.band.value})" if isinstance(leg.band, Band) else ""
        parts.append(f"{SIDE_LABELS[leg.side]} {leg.raises if leg.raises is not None else '—'}{band}")
    return ", ".join(parts) or "no test yet"


def squad(rows: list[RosterRow]) -> tuple[dict[str, Any] | None, str]:
    frame = squad_frame(rows)
    if frame.empty:
        return None, ""
    return arrow_datasets(charts.squad_spec(frame)), chart_text.squad_text(frame)


def draw(card: Card, entry: RosterEntry) -> None:
    with st.container(border=True, key=f"roster_entry{entry.id}"):
        st.markdown(card.heading)
        expiry = f"{entry.expires_at:%d %b %Y}" if entry.expires_at else "no expiry"
        st.markdown(f"{card.figures} · link {expiry}")
        if card.glance is not None:
            st.vega_lite_chart(card.glance, width="stretch", alt=card.glance_text)
            for line in card.glance_lines:
                st.caption(line)  # our own words (no runner text)
        for flag, source in card.flags:
            st.markdown(flag)
            st.caption(source)
