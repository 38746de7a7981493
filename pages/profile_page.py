"""Profile: edit or delete the runner shown, create another runner profile, or load the demo runner.

The edit form is keyed by the runner's id and a fingerprint of the stored profile, so it always shows the runner the
page names, and a Save writes only the fields the person changed onto the stored profile.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from calfcore.demo import demo_data
from calfcore.models import RunnerProfile, Sex, Side, Units
from calfcore.validation import InputErrors, parse_runner
from calfui import navigation, widgets
from calfui.context import PageContext, render_page
from calfui.forms import number_field
from calfui.saving import saving
from calfui.sidebar import runner_labels
from calfui.state import revision_of, runner_key, runner_state
from calfui.viewer import ViewerKind
from calfui.widgets import to_display_units

SEX_LABELS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.UNSPECIFIED: "Prefer not to say"}
UNIT_LABELS = {Units.KG: "kg", Units.LB: "lb"}
SIDE_CHOICES = ["none", Side.LEFT.value, Side.RIGHT.value]
SIDE_LABELS = {"none": "Neither", "left": "Left", "right": "Right"}
NEW_PROFILE = "new_profile"  # the create form's widget keys: new_profile_t<number of profiles created>_...
NEW_PROFILE_STATE = "profile_create_state"  # {"created": name, "task": n} or {"duplicate": raw values awaiting a yes}
CONFIRM_DELETE_LOGIN = "profile_confirm_delete_login"


def _initial(runner: RunnerProfile | None) -> dict[str, Any]:
    """The form's starting values: the stored profile's, or a new profile's defaults."""
    if runner is None:
        return {
            "name": "",
            "birth_year": None,
            "sex": Sex.UNSPECIFIED,
            "units": Units.KG,
            "injured_side": "none",
            "body_weight": None,
        }
    return {
        "name": runner.name,
        "birth_year": runner.birth_year,
        "sex": runner.sex,
        "units": runner.units,
        "injured_side": runner.injured_side.value if runner.injured_side else "none",
        "body_weight": to_display_units(runner.body_weight_kg, runner.units),
    }


def _profile_fields(key: str, initial: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    slots: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    raw["name"] = st.text_input("Name", value=initial["name"], key=f"{key}_name")
    slots["name"] = st.empty()
    raw["birth_year"] = number_field(
        "Birth year", initial["birth_year"], key=f"{key}_birth_year", placeholder="e.g. 1988"
    )
    slots["birth_year"] = st.empty()
    sexes = list(SEX_LABELS)
    raw["sex"] = st.radio(
        "Sex (the published references are by sex)",
        sexes,
        format_func=SEX_LABELS.get,
        index=sexes.index(initial["sex"]),
        horizontal=True,
        key=f"{key}_sex",
    )
    units = list(UNIT_LABELS)
    raw["units"] = st.radio(
        "Units for loads and body weight",
        units,
        format_func=UNIT_LABELS.get,
        index=units.index(initial["units"]),
        horizontal=True,
        key=f"{key}_units",
    )
    raw["body_weight"] = number_field(
        "Body weight (optional, in the units above)",
        initial["body_weight"],
        key=f"{key}_body_weight",
        step=0.5,
        help="Used to compare a seated soleus load with your body weight.",
    )
    slots["body_weight"] = st.empty()
    raw["injured_side"] = st.radio(
        "Injured or recovering side (optional)",
        SIDE_CHOICES,
        format_func=SIDE_LABELS.get,
        index=SIDE_CHOICES.index(initial["injured_side"]),
        horizontal=True,
        key=f"{key}_injured_side",
        help="Symmetry is then injured ÷ uninjured, and that side gets extra work.",
    )
    return raw, slots


def _edit_profile(context: PageContext, runner: RunnerProfile) -> None:
    st.header(f"Profile of {widgets.plain(runner_labels(context)[runner.saved_id])}")
    initial = _initial(runner)
    key = runner_key(runner.saved_id, "profile", revision_of(*initial.values()))
    with st.form(key, border=True, enter_to_submit=False):
        raw, slots = _profile_fields(key, initial)
        submitted = st.form_submit_button("Save profile", type="primary", key=f"{key}_submit")
    if not submitted:
        return
    changed = {name: value for name, value in raw.items() if value != initial[name]}
    if not changed:
        st.info("Nothing changed.", icon=":material/info:")
        return
    try:  # only what the person changed, on top of the stored profile
        updated = parse_runner({**initial, **changed, "id": runner.id}, context.today)
    except InputErrors as errors:
        widgets.show_errors(errors.errors, slots)
        return
    with saving(context.store):
        context.data.update_runner(replace(updated, is_demo=runner.is_demo))
        runner_state("profile", runner.saved_id)["flash"] = "Profile saved."
        st.rerun()


def _create(context: PageContext, raw: dict[str, Any], slots: dict[str, Any], existing: list[RunnerProfile]) -> None:
    state = st.session_state.setdefault(NEW_PROFILE_STATE, {})
    try:
        profile = parse_runner(raw, context.today)
    except InputErrors as errors:
        widgets.show_errors(errors.errors, slots)
        return
    same_name = [r for r in existing if r.name.casefold() == profile.name.casefold()]
    if same_name and state.get("duplicate") != raw:
        state["duplicate"] = raw  # asked once; the same values submitted again mean yes
        st.warning(
            f"You already have a profile called {widgets.plain(profile.name)}. Press Create profile "
            "again to make a second one, or pick the existing one in the menu.",
            icon=":material/group:",
        )
        return
    with saving(context.store):
        created = context.data.create_runner(profile)
        context.select_runner(created.id)
        task = state.get("task", 0) + 1  # new keys: the form starts empty again (the browser keeps a key's value)
        state.clear()
        state.update(created=created.name, task=task)
        st.rerun()


def render(context: PageContext) -> None:
    st.title("Profile")
    runner = context.runner()
    runners = context.data.runners()

    new_state = st.session_state.setdefault(NEW_PROFILE_STATE, {})
    if "created" in new_state:
        widgets.saved_message(
            f"Profile created for {widgets.plain(new_state.pop('created'))}. It is now the runner every page shows."
        )
    if runner is not None:
        widgets.saved_message(runner_state("profile", runner.saved_id).pop("flash", None))
        _edit_profile(context, runner)

    st.header("New runner profile")
    new_key = f"{NEW_PROFILE}_t{new_state.get('task', 0)}"
    with st.form(new_key, border=True, enter_to_submit=False):
        raw, slots = _profile_fields(new_key, _initial(None))
        submitted = st.form_submit_button("Create profile", type="primary", key=f"{new_key}_submit")
    if submitted:
        _create(context, raw, slots, runners)

    st.header("Demo runner")
    st.markdown(
        "Twelve weeks of made-up tests, symptoms and training, to see a full dashboard. It is marked as demo "
        "data wherever it is picked."
    )
    if st.button("Load the demo runner", key="load_demo"):
        demo = demo_data(context.today)
        with saving(context.store):
            created = context.data.create_runner(demo.runner)
            context.data.import_records(created.saved_id, demo.tests, demo.symptoms, demo.routine_logs)
            context.select_runner(created.id)
            navigation.switch_page("dashboard")

    if runner is not None:
        _delete_runner(context, runner)
    if context.viewer.kind is ViewerKind.RUNNER:
        _delete_login(context)


def _delete_runner(context: PageContext, runner: RunnerProfile) -> None:
    label = runner_labels(context)[runner.saved_id]
    st.header(f"Delete {widgets.plain(label)}")
    st.markdown(f"Deletes **{widgets.plain(label)}** and every test, symptom and training entry.")
    state = runner_state("profile", runner.saved_id)
    key = runner_key(runner.saved_id, "delete_profile")
    if not state.get("confirm_delete"):
        if st.button("Delete profile and all its data", key=key, icon=":material/delete:"):
            state["confirm_delete"] = True
            st.rerun()
        return
    choice = widgets.confirm(
        f"Delete {widgets.plain(label)}? This can't be undone. Export the data from History first if you want a copy.",
        "Yes, delete everything",
        key=key,
    )
    if choice:
        with saving(context.store):
            context.data.delete_runner(runner.saved_id)
            context.select_runner(None)
            state.clear()
            st.rerun()
    elif choice is False:
        state.pop("confirm_delete", None)
        st.rerun()


def _delete_login(context: PageContext) -> None:
    """A logged-in runner can take everything they stored with them: every profile, record and share link."""
    st.header("Delete everything for this login")
    st.markdown(
        "Deletes every runner profile you made with this login, with all their tests, symptoms, training and "
        "share links. Your login itself stays with your identity provider."
    )
    if not st.session_state.get(CONFIRM_DELETE_LOGIN):
        if st.button("Delete everything", key="delete_login", icon=":material/delete_forever:"):
            st.session_state[CONFIRM_DELETE_LOGIN] = True
            st.rerun()
        return
    choice = widgets.confirm(
        "This can't be undone. Export what you want to keep from History first.",
        "Yes, delete all my data",
        key="delete_login",
    )
    if choice:
        with saving(context.store):
            deleted = context.data.delete_owner()
            context.select_runner(None)
            st.session_state.pop(CONFIRM_DELETE_LOGIN, None)
            st.success(f"Deleted {deleted} profile{'s' if deleted != 1 else ''} and all their data.")
    elif choice is False:
        st.session_state.pop(CONFIRM_DELETE_LOGIN, None)
        st.rerun()


render_page(render)
