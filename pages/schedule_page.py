"""Schedule: when the next test is due and what to repeat, the runner's own retest interval, and days away (ill,
injured, travelling) that neither count against training nor bring a retest due."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from calfcore.retest import OWN_CHOICE_DAYS, AwayDay, AwayReason, weeks_words
from calfcore.warning_signs import warning_of
from calfstore import NotFound
from calfui import checkin_view, widgets
from calfui.context import PageContext, render_page
from calfui.dashboard_view import away_days, own_retest_choice, render_retest, retest_schedule
from calfui.pickers import pick
from calfui.saving import saving
from calfui.sidebar import require_runner
from calfui.state import revision_of, runner_key, runner_state

MAX_AWAY_SPAN_DAYS = 60  # one marking covers at most this many days: a longer absence is marked in parts
REASON_LABELS = {AwayReason.ILL: "Ill", AwayReason.INJURED: "Injured", AwayReason.TRAVELLING: "Travelling"}
BY_STAGE = 0  # the interval choice "by stage" (no own interval)


def render(context: PageContext) -> None:
    st.title("Retests and days away")
    runner = require_runner(context, doing="Schedule of")
    if runner is None:
        return
    runner_id = runner.saved_id
    state = runner_state("schedule", runner_id)
    records = context.data.records(runner_id)
    plan, away = retest_schedule(context.data, records, context.today)
    warning = warning_of(records)
    if warning is not None:  # no retest while a warning sign stands: a clinician comes first
        checkin_view.render_standing(warning)
    elif plan is None:
        st.info("Record a test first (without warning signs): the next one is planned from it.", icon=":material/info:")
    render_retest(plan, context.today, away)
    st.caption(
        "Progress only shows between tests done the same way: same pace, surface, cueing, support, load and "
        "knee angle. Retesting more often than every week or two shows little: a change of 6 raises or fewer "
        "is within the test's noise."
    )

    widgets.saved_message(state.pop("flash", None))

    st.header("How often to retest")
    own = own_retest_choice(context.data, runner_id)
    choices = [BY_STAGE, *OWN_CHOICE_DAYS]
    with st.form(runner_key(runner_id, "retest_every", revision_of(own)), border=True, enter_to_submit=False):
        every = st.radio(
            "Retest",
            choices,
            index=choices.index(own or BY_STAGE),
            format_func=lambda d: ("By stage: every 2 weeks while calming down or building, every 4 once loading")
            if d == BY_STAGE
            else weeks_words(d).capitalize(),
            key=runner_key(runner_id, "retest_every_choice", revision_of(own)),
        )
        if st.form_submit_button("Save", key=runner_key(runner_id, "retest_every_save", revision_of(own))):
            with saving(context.store):
                context.data.set_retest_choice(runner_id, every or None)
                state["flash"] = "Retest interval saved."
                st.rerun()

    st.header("Days away")
    st.caption(
        "Mark days you are ill, injured or travelling: they don't count against your training, and the "
        "retest waits for the days you are available."
    )
    task = state.get("away_task", 0)
    with st.form(runner_key(runner_id, "away", f"t{task}"), border=True, enter_to_submit=False):
        first = st.date_input(
            "From", value=context.today, key=runner_key(runner_id, "away", f"t{task}", "from"), format="YYYY-MM-DD"
        )
        last = st.date_input(
            "To", value=context.today, key=runner_key(runner_id, "away", f"t{task}", "to"), format="YYYY-MM-DD"
        )
        reason = st.radio(
            "Why",
            list(REASON_LABELS),
            format_func=REASON_LABELS.get,
            horizontal=True,
            key=runner_key(runner_id, "away", f"t{task}", "reason"),
        )
        marked = st.form_submit_button(
            "Mark days away", type="primary", key=runner_key(runner_id, "away", f"t{task}", "mark")
        )
    if marked:
        problem = _span_problem(first, last)
        if problem:
            st.error(f"Nothing was marked. {problem}", icon=":material/error:")
        else:
            days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
            with saving(context.store):
                context.data.set_away_days(runner_id, [AwayDay(day, AwayReason(reason)) for day in days])
                state["away_task"] = task + 1
                state["flash"] = f"Marked {len(days)} day{'s' if len(days) > 1 else ''} away."
                st.rerun()

    marked_days = away_days(context.data, runner_id)
    if not marked_days:
        st.caption("No days marked.")
        return
    st.dataframe(
        [{"day": a.day.strftime("%a %d %b %Y"), "why": REASON_LABELS[a.reason]} for a in marked_days], hide_index=True
    )
    labels = {a.id: f"{a.day:%a %d %b %Y} ({REASON_LABELS[a.reason].lower()})" for a in marked_days if a.id is not None}
    target = pick("Unmark a day", labels, key=runner_key(runner_id, "away_unmark_pick"))
    if target is not None and st.button("Unmark", key=runner_key(runner_id, "away_unmark", target)):
        with saving(context.store):
            try:
                context.data.delete_away_day(runner_id, target)
            except NotFound as missing:
                st.error(str(missing))
            else:
                state["flash"] = "Day unmarked."
                st.rerun()


def _span_problem(first: object, last: object) -> str | None:
    if not isinstance(first, dt.date) or not isinstance(last, dt.date):
        return "Pick both dates."
    if last < first:
        return "'To' is before 'From'."
    if (last - first).days + 1 > MAX_AWAY_SPAN_DAYS:
        return f"Mark at most {MAX_AWAY_SPAN_DAYS} days at a time."
    return None


render_page(render)
