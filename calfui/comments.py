"""Coaches' comments on tests: what the runner reads (and may mark read or hide), and a coach's comment box.

A comment the runner has not marked read (nor hidden) is unread: the dashboard and the record result show every
unread one, with the test it is about, whichever test is the latest; once read it stays under its test in History.

The runner's side reads their own comments (scoped to their owner, cached per data version: a coach's comment
changes the runner's version). The coach's side is drawn only when the link, resolved afresh on this rerun, allows
comments; the store checks that right again when the comment is saved (calfstore: add_comment).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from calfcore.coaching import MAX_COMMENT_LENGTH, MAX_NOTE_LENGTH, TestComment
from calfcore.models import HeelRaiseTest
from calfcore.sharing import ResolvedShare
from calfcore.validation import InputErrors, parse_comment
from calfui.cache import CoachData, OwnerData, RunnerRows
from calfui.context import now
from calfui.saving import saving
from calfui.state import runner_key, runner_state
from calfui.widgets import plain, saved_message


def runner_comments(data: OwnerData, runner_id: int) -> list[TestComment]:
    """Every comment on this runner's tests (hidden ones marked), read once per data version."""
    return data.cached(
        ("comments", runner_id),
        lambda: data.list_comments(runner_id),
        runner_id=runner_id,
        reads={RunnerRows.COMMENTS},  # a new test has none yet: a Save keeps them
    )


def _comment_card(comment: TestComment) -> None:
    st.markdown(
        f":material/comment: **{plain(comment.author)}** · {comment.created_at:%d %b %Y}  \n{plain(comment.body)}"
    )


def _hide_button(data: OwnerData, runner_id: int, comment: TestComment, where: str) -> None:
    _comment_button(
        data,
        lambda: data.hide_comment(runner_id, int(comment.id), now()),
        key=runner_key(runner_id, where, "hide_comment", comment.id),
        label="Hide comment",
        icon=":material/visibility_off:",
        hint="Hide this comment from your pages. Your coach is not told.",
    )


def _read_button(data: OwnerData, runner_id: int, comment: TestComment, where: str) -> None:
    _comment_button(
        data,
        lambda: data.mark_comment_read(runner_id, int(comment.id), now()),
        key=runner_key(runner_id, where, "read_comment", comment.id),
        label="Mark as read",
        icon=":material/done:",
        hint="It leaves your dashboard and stays under its test in History. Your coach is not told.",
    )


def _comment_button(data: OwnerData, act: Callable[[], object], *, key: str, label: str, icon: str, hint: str) -> None:
    """A runner's button on one comment (its id in the key): one save, then the page drawn again."""
    if st.button(label, key=key, icon=icon, help=hint):
        with saving(data.store):
            act()
            st.rerun()


def test_words(test: HeelRaiseTest | None) -> str:
    """The test a comment is about, as the runner knows it: its day and each leg's raises."""
    if test is None:
        return "a test no longer kept"
    return (
        f"your test of {test.tested_on:%d %b %Y} (left {int(test.straight_reps.left or 0)}, "
        f"right {int(test.straight_reps.right or 0)})"
    )


def render_unread_comments(data: OwnerData, runner_id: int, tests: Sequence[HeelRaiseTest]) -> None:
    """Every comment the runner has not yet marked read or hidden, newest first, each naming the test it is about."""
    unread = [c for c in runner_comments(data, runner_id) if c.unread]
    if not unread:
        return
    by_id = {t.id: t for t in tests}
    with st.container(key=runner_key(runner_id, "unread_comments")):
        st.subheader(f"New from your coach ({len(unread)})", anchor=False)
        for comment in reversed(unread):
            with st.container(border=True):
                st.caption(f"About {test_words(by_id.get(comment.test_id))}")
                _comment_card(comment)
                read, hide = st.columns(2)
                with read:
                    _read_button(data, runner_id, comment, "unread")
                with hide:
                    _hide_button(data, runner_id, comment, "unread")


def render_test_comments(data: OwnerData, runner_id: int, test_id: int) -> None:
    """The coaches' comments on one test, for its runner, each with a Hide button (and Mark as read while unread)."""
    found = [c for c in runner_comments(data, runner_id) if c.test_id == test_id]
    shown = [c for c in found if not c.hidden]
    if not found:
        return
    st.markdown("**Comments from your coach**")
    for comment in shown:
        with st.container(border=True):
            _comment_card(comment)
            if comment.unread:
                st.caption("New: not marked read yet.")
                _read_button(data, runner_id, comment, "test")
            _hide_button(data, runner_id, comment, "test")
    hidden = len(found) - len(shown)
    if hidden:
        st.caption(f"{hidden} hidden comment{'s' if hidden > 1 else ''} on this test (still in your JSON export).")


def render_coach_comments(
    coach: CoachData, share: ResolvedShare, token_sha256: str, test_id: int, runner_name: str
) -> None:
    """For a logged-in coach: their comments on this test through this link and, if the link allows it, a box to
    add one. The runner's replies don't exist: comments go one way, coach to runner. A comment is signed with the
    runner's own label for the link ("Coach Sam"): the runner knows who it is, and the coach's login (an email
    address, say) is not shown to anyone."""
    runner_id, link_id = share.runner_id, int(share.link.id)
    mine = [c for c in coach.comments_through_link(token_sha256, now()) if c.test_id == test_id]
    for comment in mine:
        with st.container(border=True):
            _comment_card(comment)
    text_key = runner_key(runner_id, "comment_text", link_id, test_id)
    send_key = runner_key(runner_id, "comment_send", link_id, test_id)
    if not share.link.coach_may_comment:
        # Send tapped after the runner turned comments off: the box is gone from this run, but its tap and text
        # still arrived with it (once). Say why nothing was sent, and give the text back to copy.
        if st.session_state.get(send_key):
            st.warning(
                f"Not sent: {plain(runner_name)} has turned comments off for this link, so nothing was stored. "
                "Your text is below if you want to keep it.",
                icon=":material/comments_disabled:",
            )
            unsent = str(st.session_state.get(text_key) or "")
            if unsent.strip():
                st.code(unsent, language=None, wrap_lines=True)
        return
    state = runner_state("coach_comment", runner_id)
    with st.form(runner_key(runner_id, "comment", link_id, test_id), clear_on_submit=True, enter_to_submit=False):
        text = st.text_area(
            "Comment on this test",
            max_chars=MAX_COMMENT_LENGTH,
            key=text_key,
            help="Plain text. The runner sees it under this test and can hide it.",
        )
        sent = st.form_submit_button("Send comment", key=send_key)
    if sent:
        try:
            body = parse_comment(text)
        except InputErrors as problem:
            st.error(problem.errors["comment"], icon=":material/error:")
            return
        with saving(coach.store):
            coach.add_comment(share.link.label, token_sha256, test_id, body, now())
            state["sent"] = test_id
            st.rerun()
    if state.pop("sent", None) == test_id:
        saved_message("Comment sent.", icon=":material/check:")


def render_coach_notes(coach: CoachData, share: ResolvedShare, token_sha256: str) -> None:
    """The coach's private notes on this runner: kept apart from the runner's data, never shown to them."""
    runner_id, link_id = share.runner_id, int(share.link.id)
    note = coach.coach_note(token_sha256, now())
    if note is None:
        return
    with st.expander("Your private notes"):
        st.caption("Only you see these: never the runner, and not through the link.")
        with st.form(runner_key(runner_id, "coach_note", link_id), enter_to_submit=False):
            text = st.text_area(
                "Notes", value=note, max_chars=MAX_NOTE_LENGTH, key=runner_key(runner_id, "coach_note_text", link_id)
            )
            save = st.form_submit_button("Save notes", key=runner_key(runner_id, "coach_note_save", link_id))
        if save:
            try:
                body = parse_comment(text, "Your notes", MAX_NOTE_LENGTH, required=False)
            except InputErrors as problem:
                st.error(problem.errors["comment"], icon=":material/error:")
                return
            with saving(coach.store):
                coach.save_coach_note(token_sha256, body, now())
                saved_message("Notes saved.", icon=":material/check:")
