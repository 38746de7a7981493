"""Runs: import them from a watch's files or a bulk export, type one by hand, correct or delete one. The weekly
volume and its flags are on the dashboard (calfui.dashboard_view)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

import streamlit as st

from calfcore.models import Run
from calfcore.run_files import MAX_FILES, MAX_UPLOAD_BYTES, read_uploads
from calfcore.runs import DATING_NOTE, checked_run, new_runs, parse_hand_run
from calfcore.validation import InputErrors
from calfui import widgets
from calfui.context import PageContext, render_page
from calfui.forms import number_field
from calfui.pickers import pick
from calfui.saving import saving
from calfui.sidebar import require_runner
from calfui.state import runner_key, runner_state

FILE_TYPES = ["fit", "gpx", "tcx", "csv", "zip", "gz"]


def render(context: PageContext) -> None:
    st.title("Runs")
    runner = require_runner(context, doing="Runs of")
    if runner is None:
        return
    runner_id = runner.saved_id
    state = runner_state("runs", runner_id)
    records = context.data.records(runner_id)
    widgets.saved_message(state.pop("flash", None))
    st.caption(
        "Runs sit beside your calf tests on the dashboard, week by week. Only the date and start, moving time, "
        "distance and climb are kept, never the route."
    )
    _import_section(context, runner_id, records.runs, state)
    _hand_section(context, runner_id, state)
    _list_section(context, runner_id, records.runs, state)


def _import_section(context: PageContext, runner_id: int, stored: list[Run], state: dict[str, Any]) -> None:
    st.header("Import from a watch")
    limit_mb = min(st.get_option("server.maxUploadSize"), MAX_UPLOAD_BYTES // 1_048_576)
    task = state.get("import_task", 0)
    uploads = st.file_uploader(
        f"FIT, GPX or TCX files, a Strava or Garmin export (ZIP) or its activities CSV: up to {MAX_FILES} files, "
        f"{limit_mb} MB each",
        type=FILE_TYPES,
        accept_multiple_files=True,
        key=runner_key(runner_id, "runs_upload", f"t{task}"),
        max_upload_size=limit_mb,
    )
    if not uploads:
        return
    # Read once per set of files: the page reruns on every click while they sit in the uploader.
    digest = hashlib.sha256(b"".join(u.file_id.encode() for u in uploads)).hexdigest()
    kept = state.get("read")
    if kept is None or kept[0] != (digest, context.today):
        kept = ((digest, context.today), read_uploads([(u.name, u.getvalue()) for u in uploads], context.today))
        state["read"] = kept
    found = kept[1]
    if found.problems:
        st.error(
            "Nothing was imported. " + " ".join(found.problems),
            icon=":material/error:",
        )
        return
    fresh, copies = new_runs(stored, found.runs)
    others = (
        f" {found.other_activities} other {'activity is' if found.other_activities == 1 else 'activities are'} "
        "left out (rides, walks...)."
        if found.other_activities
        else ""
    )
    already = (
        f" {copies} {'is' if copies == 1 else 'are'} already here (or twice in these files): not added again."
        if copies
        else ""
    )
    found_runs = f"{len(found.runs)} run{'s' if len(found.runs) != 1 else ''} found"
    st.info(f"{found_runs}: {len(fresh)} new.{already}{others}", icon=":material/info:")
    if fresh and st.button(
        f"Import {len(fresh)} run{'s' if len(fresh) != 1 else ''}",
        type="primary",
        key=runner_key(runner_id, "runs_import", f"t{task}"),
    ):
        with saving(context.store):
            saved = context.data.save_runs(runner_id, found.runs)
            state["import_task"] = task + 1
            state.pop("read", None)
            state["flash"] = f"Imported {len(saved)} run{'s' if len(saved) != 1 else ''}."
            st.rerun()


def _hand_section(context: PageContext, runner_id: int, state: dict[str, Any]) -> None:
    st.header("Add a run by hand")
    task = state.get("hand_task", 0)
    with st.form(runner_key(runner_id, "run_hand", f"t{task}"), border=True, enter_to_submit=False):
        day = st.date_input(
            "Date", value=context.today, key=runner_key(runner_id, "run_hand", f"t{task}", "day"), format="YYYY-MM-DD"
        )
        km = number_field("Distance (km)", None, step=0.1, key=runner_key(runner_id, "run_hand", f"t{task}", "km"))
        minutes = number_field("Time (minutes)", None, key=runner_key(runner_id, "run_hand", f"t{task}", "minutes"))
        added = st.form_submit_button(
            "Add run", type="primary", key=runner_key(runner_id, "run_hand", f"t{task}", "add")
        )
    if not added:
        return
    try:
        run = parse_hand_run(day if isinstance(day, dt.date) else context.today, km, minutes, context.today)
    except InputErrors as wrong:
        st.error("Nothing was saved. " + " ".join(wrong.errors.values()), icon=":material/error:")
        return
    with saving(context.store):
        context.data.save_runs(runner_id, [run])
        state["hand_task"] = task + 1
        state["flash"] = "Run added."
        st.rerun()


NOT_GIVEN = "–"  # a figure the file or the runner did not give


def _list_section(context: PageContext, runner_id: int, runs: list[Run], state: dict[str, Any]) -> None:
    st.header("Your runs")
    if not runs:
        st.caption("No runs yet.")
        return
    newest = list(reversed(runs))
    st.caption(f"{DATING_NOTE} Start times here are in UTC, but as written for a Garmin Connect CSV (its local time).")
    st.dataframe(
        [
            {
                "date": r.run_on.strftime("%a %d %b %Y"),
                "start (UTC)": r.started_at.strftime("%a %H:%M") if r.started_at else "",
                # Written out, as the picker below words them: a missing figure is a dash, never "None".
                "km": f"{r.distance_km:.2f}" if r.distance_km is not None else NOT_GIVEN,
                "minutes": f"{round(r.moving_seconds / 60)}" if r.moving_seconds else NOT_GIVEN,
                "climb (m)": f"{r.elevation_gain_m:.0f}" if r.elevation_gain_m is not None else NOT_GIVEN,
                "from": r.source.value,
            }
            for r in newest
        ],
        hide_index=True,
    )
    labels = {r.id: r.label for r in newest if r.id is not None}
    chosen = pick("Correct or delete a run", labels, key=runner_key(runner_id, "run_pick"), none_label="—")
    target = next((r for r in runs if r.id == chosen), None)
    if target is None or target.id is None:
        return
    with st.form(runner_key(runner_id, "run_edit", target.id), border=True, enter_to_submit=False):
        km = number_field(
            "Distance (km)", target.distance_km, step=0.1, key=runner_key(runner_id, "run_edit", target.id, "km")
        )
        minutes = number_field(
            "Time (minutes)",
            round(target.moving_seconds / 60, 1) if target.moving_seconds else None,
            key=runner_key(runner_id, "run_edit", target.id, "minutes"),
        )
        save = st.form_submit_button("Save changes", key=runner_key(runner_id, "run_edit", target.id, "save"))
    if save:
        try:
            fixed = parse_hand_run(target.run_on, km, minutes, context.today)
            # The run as it was, with the corrected distance and time (its day, start, climb and source kept).
            changed = checked_run(
                replace(target, distance_km=fixed.distance_km, moving_seconds=fixed.moving_seconds), context.today
            )
        except InputErrors as wrong:
            st.error("Nothing was saved. " + " ".join(wrong.errors.values()), icon=":material/error:")
            return
        with saving(context.store):
            context.data.update_run(runner_id, changed)
            state["flash"] = "Run corrected."
            st.rerun()
    run_id = target.id

    def delete() -> None:
        context.data.delete_run(runner_id, run_id)
        state["flash"] = "Run deleted."

    # As every deletion in the app: asked once more, and about this run (its id), before anything is removed.
    widgets.confirmed_action(
        state,
        run_id,
        button="Delete this run",
        icon=":material/delete:",
        warning=f"Delete the run of {target.label}? This can't be undone.",
        yes_label="Yes, delete it",
        key=runner_key(runner_id, "run_delete", run_id),
        store=context.store,
        act=delete,
    )


render_page(render)
