"""What the record form remembers for one runner between clicks, shared by the record and guided test pages.

The state belongs to one runner (calfui.state.runner_state): the test just saved, why a save failed, a guided
test's counts, and which form (task) this is. A new task gets widgets with new keys, so it starts from a fresh form.
"""

from __future__ import annotations

from typing import Any

from calfcore.guided import GuidedResult
from calfui.state import runner_key, runner_state

JUST_SAVED = "just_saved_test_id"
NOT_SAVED = "not_saved"  # why the last Save click saved nothing: field -> message ("" for the store's)
GUIDED = "guided"  # a guided test's counts for this runner
ZERO_QUESTION = "zero_question"  # the legs entered as 0 raises, asked about before anything is saved
# What the runner typed into a form whose Save the store refused (the database not answering, a full disk): the
# parsed test and symptoms, kept outside the widgets (Streamlit forgets a widget's value after a run that didn't draw
# it, as one that met the outage doesn't), and the next form is filled in with them.
KEPT = "kept_after_refusal"
KEPT_NOTE = "What you typed is kept in the form: press Save test again once the problem is solved."
TASK = "task"  # which form this is: a new number after each save or guided test


def record_state(runner_id: int) -> dict[str, Any]:
    return runner_state("record", runner_id)


def form_prefix(runner_id: int) -> str:
    """The record form's widget keys for this runner and task: `r3_record_t2_`."""
    return runner_key(runner_id, "record", f"t{record_state(runner_id).get(TASK, 0)}") + "_"


def next_task(runner_id: int) -> None:
    state = record_state(runner_id)
    state[TASK] = state.get(TASK, 0) + 1


def start_from_guided_test(runner_id: int, result: GuidedResult) -> None:
    """The guided test hands its counts to this runner's record form: a fresh form, not the last save's result."""
    state = record_state(runner_id)
    state.pop(JUST_SAVED, None)
    state.pop(NOT_SAVED, None)
    state.pop(ZERO_QUESTION, None)
    state.pop(KEPT, None)
    state[GUIDED] = result
    next_task(runner_id)
