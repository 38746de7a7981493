"""Profile: create, pick, edit or delete a runner profile, or load the demo runner."""

from __future__ import annotations

from typing import Any

import streamlit as st

from calfcore.demo import demo_data
from calfcore.models import RunnerProfile, Sex, Side, Units
from calfcore.validation import InputErrors, parse_runner
from calfui import components, navigation
from calfui.saving import saving
from calfui.shell import PageContext, ViewerKind, render_page

SEX_LABELS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.UNSPECIFIED: "Prefer not to say"}
UNIT_LABELS = {Units.KG: "kg", Units.LB: "lb"}
SIDE_CHOICES = ["none", Side.LEFT.value, Side.RIGHT.value]
SIDE_LABELS = {"none": "Neither", "left": "Left", "right": "Right"}
CONFIRM_DELETE = "profile_confirm_delete"
CONFIRM_DELETE_LOGIN = "profile_confirm_delete_login"


def _profile_form(key: str, runner: RunnerProfile | None, context: PageContext) -> tuple[bool, dict[str, Any], dict]:
    slots: dict = {}
    raw: dict[str, Any] = {}
    with st.form(key, border=True):
        raw["name"] = st.text_input("Name", value=runner.name if runner else "", key=f"{key}_name")
        slots["name"] = st.empty()
        raw["birth_year"] = st.number_input("Birth year", value=runner.birth_year if runner else None, step=1,
                                            format="%d", key=f"{key}_birth_year", placeholder="e.g. 1988")
        slots["birth_year"] = st.empty()
        sexes = list(SEX_LABELS)
        raw["sex"] = st.radio("Sex (the published references are by sex)", sexes, format_func=SEX_LABELS.get,
                              index=sexes.index(runner.sex) if runner else 2, horizontal=True, key=f"{key}_sex")
        units = list(UNIT_LABELS)
        raw["units"] = st.radio("Units for loads and body weight", units, format_func=UNIT_LABELS.get,
                                index=units.index(runner.units) if runner else 0, horizontal=True, key=f"{key}_units")
        current_side = runner.injured_side.value if runner and runner.injured_side else "none"
        raw["injured_side"] = st.radio("Injured or recovering side (optional)", SIDE_CHOICES,
                                       format_func=SIDE_LABELS.get, index=SIDE_CHOICES.index(current_side),
                                       horizontal=True, key=f"{key}_injured_side",
                                       help="Symmetry is then injured ÷ uninjured, and that side gets extra work.")
        submitted = st.form_submit_button("Save profile" if runner else "Create profile", type="primary",
                                          key=f"{key}_submit")
    return submitted, raw, slots


def render(context: PageContext) -> None:
    st.title("Profile")
    owner = context.viewer.owner_key
    runner = context.runner()

    if runner is not None:
        st.subheader("Your profile")
        submitted, raw, slots = _profile_form("edit_profile", runner, context)
        if submitted:
            try:
                updated = parse_runner({**raw, "id": runner.id}, context.today)
            except InputErrors as errors:
                components.show_errors(errors.errors, slots)
            else:
                with saving(context.store):
                    context.store.update_runner(owner, updated)
                    st.success("Profile saved.")

    st.subheader("New runner profile")
    submitted, raw, slots = _profile_form("new_profile", None, context)
    if submitted:
        try:
            profile = parse_runner(raw, context.today)
        except InputErrors as errors:
            components.show_errors(errors.errors, slots)
        else:
            with saving(context.store):
                created = context.store.create_runner(owner, profile)
                context.select_runner(created.id)
                st.success(f"Profile created for {components.plain(created.name)}.")
                st.rerun()

    st.subheader("Demo runner")
    st.markdown("Twelve weeks of made-up tests, symptoms and training, to see a full dashboard.")
    if st.button("Load the demo runner", key="load_demo"):
        demo = demo_data(context.today)
        with saving(context.store):
            created = context.store.create_runner(owner, demo.runner)
            context.store.import_records(owner, int(created.id), demo.tests, demo.symptoms, demo.routine_logs)
            context.select_runner(created.id)
            navigation.switch_page("dashboard")

    if runner is not None:
        st.subheader("Delete this profile")
        st.markdown(f"Deletes **{components.plain(runner.name)}** and every test, symptom and training entry.")
        if not st.session_state.get(CONFIRM_DELETE):
            if st.button("Delete profile and all its data", key="delete_profile"):
                st.session_state[CONFIRM_DELETE] = True
                st.rerun()
        else:
            choice = components.confirm("This can't be undone. Export your data from History first if you want a "
                                        "copy.", "Yes, delete everything", key="delete_profile")
            if choice:
                with saving(context.store):
                    context.store.delete_runner(owner, int(runner.id))
                    context.select_runner(None)
                    st.session_state.pop(CONFIRM_DELETE, None)
                    st.rerun()
            elif choice is False:
                st.session_state.pop(CONFIRM_DELETE, None)
                st.rerun()

    if context.viewer.kind is ViewerKind.RUNNER:
        _delete_login(context)


def _delete_login(context: PageContext) -> None:
    """A logged-in runner can take everything they stored with them: every profile, record and share link."""
    st.subheader("Delete everything for this login")
    st.markdown("Deletes every runner profile you made with this login, with all their tests, symptoms, training and "
                "share links. Your login itself stays with your identity provider.")
    if not st.session_state.get(CONFIRM_DELETE_LOGIN):
        if st.button("Delete everything", key="delete_login"):
            st.session_state[CONFIRM_DELETE_LOGIN] = True
            st.rerun()
        return
    choice = components.confirm("This can't be undone. Export what you want to keep from History first.",
                                "Yes, delete all my data", key="delete_login")
    if choice:
        with saving(context.store):
            deleted = context.store.delete_owner(str(context.viewer.owner_key))
            context.select_runner(None)
            st.session_state.pop(CONFIRM_DELETE_LOGIN, None)
            st.success(f"Deleted {deleted} profile{'s' if deleted != 1 else ''} and all their data.")
    elif choice is False:
        st.session_state.pop(CONFIRM_DELETE_LOGIN, None)
        st.rerun()


render_page(render)
