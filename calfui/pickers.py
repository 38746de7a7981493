"""Pickers over stored items (a runner, a test, a share link, a log entry): they pick by id.

Streamlit sends the choice in a drop-down back as its label text, and maps a label to the first option that has it.
So labels are made distinct first (calfcore.labels), and the widget's key carries a fingerprint of the labels it
shows: when a label changes (a corrected test, a renamed runner) the drop-down is drawn anew, at the item chosen
before, which is kept by id under `chosen_key`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

import streamlit as st

from calfcore.labels import distinct_labels
from calfui.state import revision_of

Id = TypeVar("Id", bound=Hashable)


@functools.lru_cache(maxsize=256)
def _shown(items: tuple[tuple[Any, str], ...], none_label: str | None) -> tuple[dict[Any, str], str]:
    """The labels made distinct, and their fingerprint for the widget's key. A picker shows the same labels run after
    run (a runner's 150 tests on History), so both are made once per set of labels and process."""
    shown = distinct_labels(dict(items))  # shared between runs and sessions: read only
    return shown, revision_of(tuple(shown.items()), none_label)


def pick(
    label: str,
    labels: Mapping[Id, str],
    *,
    key: str,
    chosen_key: str | None = None,
    none_label: str | None = None,
    on_change: Callable[[], None] | None = None,
    container: Any = st,
    help: str | None = None,
    open_new_items: bool = False,
) -> Id | None:
    """One item's id, picked by a label a person can tell apart. With `none_label`, nothing is picked at first.
    The choice is remembered by id under `chosen_key` (default `<key>_chosen`). With `open_new_items`, an item that
    appeared since the last run (a test just saved) is picked: the first new one in `labels`' order."""
    shown, revision = _shown(tuple(labels.items()), none_label)
    options: list[Id | None] = ([None] if none_label is not None else []) + list(shown)
    if not options:
        return None
    chosen_key = chosen_key or f"{key}_chosen"
    chosen = st.session_state.get(chosen_key)
    if open_new_items:
        known = st.session_state.get(f"{key}_known")
        new = [item for item in shown if known is not None and item not in known]
        st.session_state[f"{key}_known"] = frozenset(shown)
        if new:
            chosen = new[0]
    if chosen not in options:
        chosen = options[0]
    widget_key = f"{key}_{revision}"

    def picked() -> None:
        if st.session_state[widget_key] not in options:  # a crafted message, not a choice from the list
            return
        st.session_state[chosen_key] = st.session_state[widget_key]
        if on_change is not None:
            on_change()

    # The widget follows the choice kept by id, also when it was made elsewhere (a profile just created, a reload
    # that named the runner in the URL): set before the widget is drawn, so no `index` competes with it.
    if st.session_state.get(widget_key, object()) != chosen:
        st.session_state[widget_key] = chosen
    value = container.selectbox(
        label,
        options,
        key=widget_key,
        on_change=picked,
        format_func=lambda item: none_label if item is None else shown[item],
        help=help,
    )
    if value not in options:  # a crafted message: keep the choice made before
        value = chosen
    st.session_state[chosen_key] = value
    picked_id: Id | None = value
    return picked_id
