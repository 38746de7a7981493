"""The History page's CSV import, planned once per uploaded file.

Streamlit reruns the page on every click while a file sits in the uploader; validating it again each time would
redo the same work on every click (and a hostile file would cost it every time). The plan is kept in the
session, for one file at a time, until the file or the runner's data changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from calfcore.exchange import ImportPlan, fingerprints, plan_import
from calfcore.validation import InputErrors
from calfstore import RunnerRecords
from calfui.context import PageContext

PLAN_KEY = "import_plan"


def planned_import(context: PageContext, records: RunnerRecords, upload: Any) -> ImportPlan:
    """The validated plan for this uploaded file (InputErrors if the whole file is refused), computed once."""
    key = (upload.file_id, upload.size, records.runner.id, context.data.data_version(), context.today)
    kept = st.session_state.get(PLAN_KEY)
    if kept is None or kept[0] != key:
        kept = (key, _plan(upload.getvalue(), context.today, records))
        st.session_state[PLAN_KEY] = kept
    outcome = kept[1]
    if isinstance(outcome, InputErrors):
        raise outcome
    return outcome


def forget_import() -> None:
    st.session_state.pop(PLAN_KEY, None)


def _plan(data: bytes, today: dt.date, records: RunnerRecords) -> ImportPlan | InputErrors:
    try:
        return plan_import(data, today, fingerprints(records.tests, records.symptoms, records.routine_logs))
    except InputErrors as refused:
        return refused
