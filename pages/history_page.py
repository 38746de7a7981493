"""History: browse every entry, correct or delete one (with confirmation), export, and import a CSV."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from calfcore.exchange import MAX_IMPORT_MB, export_csv, export_json
from calfcore.motion import corrected_by_hand
from calfcore.norms import describe_protocol
from calfcore.routine import exercise_library
from calfcore.units import mass_text
from calfcore.validation import InputErrors, parse_test
from calfstore import EditConflict, NotFound, RunnerRecords
from calfui import forms, importing, widgets
from calfui.arrow import arrow_table
from calfui.comments import render_test_comments
from calfui.context import PageContext, now, render_page
from calfui.pickers import pick
from calfui.result import render_result
from calfui.saving import saving
from calfui.sidebar import require_runner
from calfui.state import runner_key, runner_state

# This page's state, per runner (calfui.state.runner_state): which test is open (by id), whether it is being
# corrected or deleted (with the test's id), the revision a correction started from, and a message to show once.
MODE = "mode"  # None, ("edit", test_id) or ("delete", test_id)
EDIT_REVISION = "edit_revision"
FLASH = "flash"


def _history_state(runner_id: int) -> dict[str, Any]:
    return runner_state("history", runner_id)


def _test_label(test: Any) -> str:
    return (
        f"{test.tested_on:%Y-%m-%d} · left {int(test.straight_reps.left or 0)} / right "
        f"{int(test.straight_reps.right or 0)}"
    )


def _tests_table(records: RunnerRecords) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "date": t.tested_on,
                "left": int(t.straight_reps.left or 0),
                "right": int(t.straight_reps.right or 0),
                "bent L/R": f"{int(bent.left)}/{int(bent.right)}"
                if t.bent_reps is not None and (bent := t.bent_reps.both()) is not None
                else "",
                "protocol": describe_protocol(t.protocol),
                "warning signs": len(t.red_flags),
                "notes": t.notes,
            }
            for t in reversed(records.tests)
        ]
    )


def _edit_test(context: PageContext, records: RunnerRecords, test_id: int) -> None:
    runner = records.runner
    state = _history_state(runner.saved_id)
    test = next(t for t in records.tests if t.id == test_id)
    symptoms = {s.side: s for s in records.symptoms if s.test_id == test_id}
    if state.get(EDIT_REVISION, (None, None))[0] != test_id:
        state[EDIT_REVISION] = (test_id, context.data.test_revision(runner.saved_id, test_id))
    revision = state[EDIT_REVISION][1]
    prefix = runner_key(runner.saved_id, "edit", f"test{test_id}", f"rev{revision}") + "_"
    slots: forms.Slots = {}
    raw: dict[str, Any] = {}
    st.subheader(f"Correcting the test of {test.tested_on:%d %b %Y}")
    with st.form(f"{prefix}form", border=True, enter_to_submit=False):
        forms.test_form_fields(
            slots,
            raw,
            runner.units,
            prefix=prefix,
            protocol=test.protocol,
            test=test,
            symptoms=symptoms,
            today=context.today,
        )
        save = st.form_submit_button("Save correction", type="primary", key=f"{prefix}save")
    if st.button("Cancel", key=f"{prefix}cancel"):
        _leave_mode(state)
        st.rerun()
    if not save:
        return
    try:
        corrected, new_symptoms = parse_test({**raw, "id": test_id}, context.today, runner.units)
    except InputErrors as errors:
        widgets.show_errors(errors.errors, slots)
        return
    corrected = corrected_by_hand(test, corrected)  # a count changed here is the runner's own
    with saving(context.store):
        try:
            context.data.update_test(runner.saved_id, corrected, new_symptoms, revision)
        except (EditConflict, NotFound) as problem:
            st.error(str(problem), icon=":material/sync_problem:")
            state.pop(EDIT_REVISION, None)
            return
        _leave_mode(state)
        state[FLASH] = "Correction saved."
        st.rerun()


def _leave_mode(state: dict[str, Any]) -> None:
    state.pop(MODE, None)
    state.pop(EDIT_REVISION, None)


def _tests_section(context: PageContext, records: RunnerRecords) -> None:
    st.header("Tests")
    if not records.tests:
        st.caption("No tests yet.")
        return
    runner_id = records.runner.saved_id
    state = _history_state(runner_id)
    table = context.data.cached(
        ("history tests", runner_id), lambda: arrow_table(_tests_table(records)), runner_id=runner_id
    )
    st.dataframe(
        table, hide_index=True, column_config={"date": st.column_config.DateColumn("Date", format="YYYY-MM-DD")}
    )
    by_id = {t.saved_id: t for t in reversed(records.tests)}
    labels = context.data.cached(
        ("history test labels", runner_id), lambda: {i: _test_label(t) for i, t in by_id.items()}, runner_id=runner_id
    )
    selected = pick(
        "Open a test",
        labels,
        key=runner_key(runner_id, "history_open_test"),
        on_change=lambda: _leave_mode(state),
        open_new_items=True,
    )
    assert selected is not None  # there is at least one test
    mode = state.get(MODE)
    if mode is not None and mode[1] != selected:  # a mode belongs to the test it was started on
        _leave_mode(state)
        mode = None
    if mode is not None and mode[0] == "edit":
        _edit_test(context, records, selected)
        return
    render_result(records, selected, context.today, show_routine=False, data=context.data)
    render_test_comments(context.data, runner_id, selected)
    if by_id[selected].notes:
        st.caption("Notes:")
        st.text(by_id[selected].notes)
    if mode is not None and mode[0] == "delete":
        choice = widgets.confirm(
            f"Delete the test of {by_id[selected].tested_on:%d %b %Y} and its symptoms? This can't be undone.",
            "Yes, delete it",
            key=runner_key(runner_id, "delete_test", selected),
        )
        if choice:
            with saving(context.store):
                try:
                    context.data.delete_test(runner_id, selected)
                except NotFound as missing:
                    st.error(str(missing))
                _leave_mode(state)
                state[FLASH] = "Test deleted."
                st.rerun()
        elif choice is False:
            _leave_mode(state)
            st.rerun()
        return
    edit, delete = st.columns(2)
    if edit.button("Correct this test", key=runner_key(runner_id, "edit_test", selected), icon=":material/edit:"):
        state[MODE] = ("edit", selected)
        st.rerun()
    if delete.button("Delete this test", key=runner_key(runner_id, "delete_test", selected), icon=":material/delete:"):
        state[MODE] = ("delete", selected)
        st.rerun()


def _logs_table(records: RunnerRecords) -> tuple[pa.Table | pd.DataFrame, dict[str, str]]:
    """Training logs and check-ins, newest first, with a label per entry for the remove picker."""
    library = exercise_library()
    rows = [
        {
            "id": f"r{log.id}",
            "date": log.logged_on,
            "entry": library[log.exercise_id].name if log.exercise_id in library else log.exercise_id,
            "detail": f"{log.sets} × {log.reps}"
            + (f", {mass_text(log.load_kg, records.runner.units)}" if log.load_kg else ""),
            "pain": log.pain,
            "notes": log.notes,
        }
        for log in records.routine_logs
    ]
    rows += [
        {
            "id": f"s{s.id}",
            "date": s.logged_on,
            "entry": f"check-in, {s.side.value}",
            "detail": f"morning pain {s.pain_next_morning if s.pain_next_morning is not None else '–'}, "
            f"stiffness {s.stiffness_minutes if s.stiffness_minutes is not None else '–'} min",
            "pain": s.pain_during,
            "notes": "",
        }
        for s in records.symptoms
        if s.test_id is None
    ]
    if not rows:
        return pd.DataFrame(), {}
    table = pd.DataFrame(rows).sort_values("date", ascending=False)
    labels = {
        row["id"]: f"{row['date']:%Y-%m-%d} · {row['entry']} · {row['detail']}" for row in table.to_dict("records")
    }
    return arrow_table(table.drop(columns=["id"])), labels


def _logs_section(context: PageContext, records: RunnerRecords) -> None:
    st.header("Training and check-ins")
    runner_id = records.runner.saved_id
    state = _history_state(runner_id)
    table, labels = context.data.cached(("history logs", runner_id), lambda: _logs_table(records), runner_id=runner_id)
    if not labels:
        st.caption("Nothing logged yet.")
        return
    st.dataframe(table, hide_index=True)
    target = pick("Remove an entry", labels, key=runner_key(runner_id, "history_log_pick"), none_label="—")
    if target is None:
        return

    def remove() -> None:
        if target.startswith("r"):
            context.data.delete_routine_log(runner_id, int(target[1:]))
        else:
            context.data.delete_symptom(runner_id, int(target[1:]))
        st.session_state.pop(runner_key(runner_id, "history_log_pick") + "_chosen", None)
        state[FLASH] = "Entry removed."

    widgets.confirmed_action(
        state,
        ("log", target),
        button="Remove it",
        icon=":material/delete:",
        warning="Remove this entry? This can't be undone.",
        yes_label="Yes, remove it",
        key=runner_key(runner_id, "delete_log", target),
        store=context.store,
        act=remove,
    )


def _return_to_run_records(context: PageContext, runner_id: int) -> dict[str, Any]:
    return {
        "hop_tests": context.data.list_hop_tests(runner_id),
        "readiness_checks": context.data.list_readiness_checks(runner_id),
        "away_days": context.data.list_away_days(runner_id),
        "comments": context.data.list_comments(runner_id),
    }


def _exchange_section(context: PageContext, records: RunnerRecords) -> None:
    st.header("Export and import")
    stamp = context.today.isoformat()
    csv_text, json_text = context.data.cached(
        ("export", records.runner.id),
        lambda: (
            export_csv(records.tests, records.symptoms, records.routine_logs),
            export_json(
                records.runner,
                records.tests,
                records.symptoms,
                records.routine_logs,
                now().replace(microsecond=0),  # the time this version of the data was exported
                **_return_to_run_records(context, records.runner.saved_id),
                checkin_warnings=records.checkin_warnings,
                all_clears=records.all_clears,
                runs=records.runs,
            ),
        ),
        runner_id=records.runner.id,
    )
    left, right = st.columns(2)
    left.download_button(
        "Download CSV",
        csv_text,
        file_name=f"calf-check-{stamp}.csv",
        mime="text/csv",
        key="export_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        "Download JSON",
        json_text,
        file_name=f"calf-check-{stamp}.json",
        mime="application/json",
        key="export_json",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(
        "Masses in files are in kg. Import takes a CSV in the same format as the export. The JSON also holds "
        "your hop tests, return-to-run checklists and days away."
    )
    upload_key = runner_key(records.runner.saved_id, "import_csv")
    limit_mb = min(st.get_option("server.maxUploadSize"), MAX_IMPORT_MB)
    upload = st.file_uploader(
        f"Import a CSV (at most {limit_mb} MB)", type=["csv"], key=upload_key, max_upload_size=limit_mb
    )
    if upload is None:
        importing.forget_import()
        return
    try:
        plan = importing.planned_import(context, records, upload)
    except InputErrors as errors:
        st.error("Nothing was imported. " + " ".join(errors.errors.values()), icon=":material/error:")
        return
    if not plan.ok:
        st.error(f"Nothing was imported: {len(plan.problems)} row(s) need fixing.", icon=":material/error:")
        for problem in plan.problems[:20]:  # whole sentences, not table cells that a phone cuts off
            st.text(f"Row {problem.row} ({problem.record_type}): {problem.message}")
        if len(plan.problems) > 20:
            st.caption(f"…and {len(plan.problems) - 20} more.")
        return
    skipped = f" ({plan.skipped_duplicates} already in your history will be skipped)" if plan.skipped_duplicates else ""
    if plan.record_count == 0:
        st.info(f"Every record in this file is already in your history{skipped}. Nothing to import.")
        return
    st.info(f"Ready: {len(plan.tests)} test(s), {plan.record_count} record(s) in all{skipped}.")
    if st.button("Import them", key=runner_key(records.runner.saved_id, "confirm_import"), type="primary"):
        with saving(context.store):
            context.data.import_records(records.runner.saved_id, plan.tests, plan.symptoms, plan.routine_logs)
            _history_state(records.runner.saved_id)[FLASH] = f"Imported {plan.record_count} record(s)."
            st.session_state.pop(upload_key, None)
            st.rerun()


def render(context: PageContext) -> None:
    st.title("History")
    runner = require_runner(context, doing="History of")
    if runner is None:
        return
    widgets.saved_message(_history_state(runner.saved_id).pop(FLASH, None))
    records = context.data.records(runner.saved_id)
    _tests_section(context, records)
    _logs_section(context, records)
    _exchange_section(context, records)


render_page(render)
