"""UI state tied to the runner and the record it acts on (design §3).

Streamlit keeps a widget's value by its key, and keeps it across reruns and page switches. A key that only says
"profile name" carries one runner's values into another runner's form. So a widget that edits a stored record has
the runner's id, the record's id and its revision in its key, and transient page state ("just saved", a guided
test's counts) lives in a dict that belongs to one runner.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st


def runner_key(runner_id: int, *parts: object) -> str:
    """A widget key scoped to one runner: `r12_record_t3_straight_left`."""
    return "_".join([f"r{int(runner_id)}", *(str(part) for part in parts)])


def runner_state(page: str, runner_id: int) -> dict[str, Any]:
    """This session's transient state of one page for one runner: another runner's page starts from nothing."""
    states: dict[int, dict[str, Any]] = st.session_state.setdefault(f"_{page}_state_by_runner", {})
    return states.setdefault(int(runner_id), {})


def revision_of(*values: object) -> str:
    """A short fingerprint of a record's stored values: part of an edit form's key, so a form made for one version
    of a record is never shown (or saved) over another."""
    return hashlib.sha256(repr(values).encode()).hexdigest()[:10]
