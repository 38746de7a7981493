"""The store's coach operations (issue 14), on both backends: a roster of links, comments a link may allow, a coach's
private notes. The store itself checks every right, by the token's hash, in the write's own transaction: a page that
forgets to ask (or a crafted request) stores nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from calfcore.exchange import export_json
from calfcore.sharing import token_hash
from calfstore import NotAllowed, NotFound, Store
from calfstore.tables import count_rows, every_row, table_text
from tests.unit.helpers import heel_test, runner

NOW = dt.datetime(2026, 3, 1, 12, 0)
ANN, BOB, COACH, OTHER_COACH = "oidc:i|ann", "oidc:i|bob", "oidc:i|coach", "oidc:i|other"


def _runner_with_test(store: Store, owner: str, name: str, left: int = 25, right: int = 27) -> tuple[int, int]:
    runner_id = int(store.create_runner(owner, runner(name=name)).id)
    return runner_id, store.save_test(owner, runner_id, heel_test(left, right))


def _link(
    store: Store, owner: str, runner_id: int, token: str, *, comments: bool = False, expires: dt.datetime | None = None
) -> int:
    link = store.create_share_link(owner, runner_id, "Coach Sam", token_hash(token), expires, NOW)
    if comments:
        store.set_link_comments(owner, runner_id, link.id, True)
    return int(link.id)


def test_links_start_closed_to_comments_and_the_runner_opens_and_closes_them(store: Store) -> None:
    ann, _ = _runner_with_test(store, ANN, "Ann")
    link = _link(store, ANN, ann, "a" * 43)
    assert store.list_share_links(ANN, ann)[0].coach_may_comment is False
    store.set_link_comments(ANN, ann, link, True)
    assert store.list_share_links(ANN, ann)[0].coach_may_comment is True
    store.set_link_comments(ANN, ann, link, False)
    assert store.list_share_links(ANN, ann)[0].coach_may_comment is False
    with pytest.raises(NotFound):  # another owner can't touch Ann's link
        store.set_link_comments(BOB, ann, link, True)
    assert store.list_share_links(ANN, ann)[0].coach_may_comment is False


def test_roster_holds_live_links_and_an_ended_one_tells_nothing_about_the_runner(store: Store) -> None:
    ann, _ = _runner_with_test(store, ANN, "Ann")
    bob, _ = _runner_with_test(store, BOB, "Bob")
    ann_link = _link(store, ANN, ann, "a" * 43)
    _link(store, BOB, bob, "b" * 43, expires=NOW + dt.timedelta(days=7))
    store.add_to_roster(COACH, token_hash("a" * 43), NOW)
    store.add_to_roster(COACH, token_hash("a" * 43), NOW)  # twice: still one row
    store.add_to_roster(COACH, token_hash("b" * 43), NOW)
    roster = store.list_roster(COACH, NOW)
    assert [(e.runner_owner, e.runner_id, e.live) for e in roster] == [(ANN, ann, True), (BOB, bob, True)]
    assert store.list_roster(OTHER_COACH, NOW) == []
    assert "a" * 43 not in table_text(store, "roster_entries")  # the hash identifies the link, never the token

    store.revoke_share_link(ANN, ann, ann_link, NOW)
    later = NOW + dt.timedelta(days=8)  # Bob's link has expired by then
    ended = store.list_roster(COACH, later)
    assert [(e.live, e.runner_owner, e.runner_id, e.expires_at) for e in ended] == [(False, None, None, None)] * 2
    assert store.list_roster(COACH, NOW)[1].live  # Bob's was live before it expired
    with pytest.raises(NotFound):  # an ended link can't be added
        store.add_to_roster(OTHER_COACH, token_hash("a" * 43), NOW)
    with pytest.raises(NotFound):
        store.add_to_roster(COACH, token_hash("c" * 43), NOW)


def test_deleting_the_runner_deletes_the_roster_row_and_removing_is_the_coachs_own(store: Store) -> None:
    ann, _ = _runner_with_test(store, ANN, "Ann")
    bob, _ = _runner_with_test(store, BOB, "Bob")
    _link(store, ANN, ann, "a" * 43)
    _link(store, BOB, bob, "b" * 43)
    store.add_to_roster(COACH, token_hash("a" * 43), NOW)
    bob_entry = store.add_to_roster(COACH, token_hash("b" * 43), NOW)
    store.delete_runner(ANN, ann)
    assert [e.runner_id for e in store.list_roster(COACH, NOW)] == [bob]
    with pytest.raises(NotFound):
        store.remove_from_roster(OTHER_COACH, bob_entry.id)
    store.remove_from_roster(COACH, bob_entry.id)
    assert store.list_roster(COACH, NOW) == []


def test_a_comment_reaches_the_runner_only_through_a_live_link_that_allows_it(store: Store) -> None:
    ann, test = _runner_with_test(store, ANN, "Ann")
    link = _link(store, ANN, ann, "a" * 43)
    before = every_row(store)
    with pytest.raises(NotAllowed):  # closed to comments (the default)
        store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "Nice work", NOW)
    with pytest.raises(NotAllowed):  # a token nobody holds
        store.add_comment(COACH, "Sam", token_hash("z" * 43), test, "Nice work", NOW)
    assert every_row(store) == before  # a crafted call stored nothing

    store.set_link_comments(ANN, ann, link, True)
    comment = store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "Left side is catching up.", NOW)
    assert (comment.test_id, comment.author, comment.body) == (test, "Sam", "Left side is catching up.")
    assert store.list_comments(ANN, ann) == [comment]
    assert store.comments_through_link(COACH, token_hash("a" * 43), NOW) == [comment]
    assert store.comments_through_link(OTHER_COACH, token_hash("a" * 43), NOW) == []

    bob, bob_test = _runner_with_test(store, BOB, "Bob")
    with pytest.raises(NotFound):  # Ann's link opens no way to Bob's tests
        store.add_comment(COACH, "Sam", token_hash("a" * 43), bob_test, "Hi Bob", NOW)
    with pytest.raises(NotFound):  # nor does Bob read Ann's comments
        store.list_comments(BOB, ann)

    store.set_link_comments(ANN, ann, link, False)  # the runner closes it again
    with pytest.raises(NotAllowed):
        store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "One more", NOW)
    store.set_link_comments(ANN, ann, link, True)
    store.revoke_share_link(ANN, ann, link, NOW)
    with pytest.raises(NotAllowed):
        store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "After revoking", NOW)
    assert [c.body for c in store.list_comments(ANN, ann)] == ["Left side is catching up."]
    assert store.comments_through_link(COACH, token_hash("a" * 43), NOW) == []  # ended: the coach sees none


def test_an_expired_link_allows_no_comment(store: Store) -> None:
    ann, test = _runner_with_test(store, ANN, "Ann")
    _link(store, ANN, ann, "a" * 43, comments=True, expires=NOW + dt.timedelta(days=7))
    store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "In time", NOW + dt.timedelta(days=6))
    with pytest.raises(NotAllowed):
        store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "Too late", NOW + dt.timedelta(days=7))
    assert [c.body for c in store.list_comments(ANN, ann)] == ["In time"]


def test_the_runner_hides_a_comment_and_deleting_goes_with_the_test_and_the_runner(store: Store) -> None:
    ann, test = _runner_with_test(store, ANN, "Ann")
    _link(store, ANN, ann, "a" * 43, comments=True)
    first = store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "First", NOW)
    store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "Second", NOW)
    with pytest.raises(NotFound):
        store.hide_comment(BOB, ann, first.id, NOW)
    store.hide_comment(ANN, ann, first.id, NOW)
    assert [(c.body, c.hidden) for c in store.list_comments(ANN, ann)] == [("First", True), ("Second", False)]

    store.delete_test(ANN, ann, test)
    assert store.list_comments(ANN, ann) == []
    other = store.save_test(ANN, ann, heel_test(20, 22))
    store.add_comment(COACH, "Sam", token_hash("a" * 43), other, "On the new one", NOW)
    store.save_coach_note(COACH, token_hash("a" * 43), "Watch the left.", NOW)
    store.add_to_roster(COACH, token_hash("a" * 43), NOW)
    store.delete_runner(ANN, ann)
    assert all(count == 0 for count in count_rows(store, ann).values())
    assert "On the new one" not in table_text(store, "test_comments")
    assert "Watch the left" not in table_text(store, "coach_notes")


def test_comments_go_with_the_runners_json_export(store: Store) -> None:
    ann, test = _runner_with_test(store, ANN, "Ann")
    _link(store, ANN, ann, "a" * 43, comments=True)
    store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "Good symmetry", NOW)
    records = store.load_records(ANN, ann)
    document = json.loads(
        export_json(
            records.runner,
            records.tests,
            records.symptoms,
            records.routine_logs,
            NOW,
            comments=store.list_comments(ANN, ann),
        )
    )
    assert [(c["test_date"], c["author"], c["comment"], c["hidden"]) for c in document["comments"]] == [
        (records.tests[0].tested_on.isoformat(), "Sam", "Good symmetry", False)
    ]


def test_private_notes_are_the_coachs_alone_and_need_a_live_link(store: Store) -> None:
    ann, _ = _runner_with_test(store, ANN, "Ann")
    link = _link(store, ANN, ann, "a" * 43)
    assert store.coach_note(COACH, token_hash("a" * 43), NOW) == ""
    store.save_coach_note(COACH, token_hash("a" * 43), "Tight left calf; ask about shoes.", NOW)
    store.save_coach_note(COACH, token_hash("a" * 43), "Tight left calf; ask about new shoes.", NOW)
    assert store.coach_note(COACH, token_hash("a" * 43), NOW) == "Tight left calf; ask about new shoes."
    assert store.coach_note(OTHER_COACH, token_hash("a" * 43), NOW) == ""
    assert "shoes" not in json.dumps([c.body for c in store.list_comments(ANN, ann)])
    store.revoke_share_link(ANN, ann, link, NOW)
    assert store.coach_note(COACH, token_hash("a" * 43), NOW) is None
    before = every_row(store)
    with pytest.raises(NotFound):
        store.save_coach_note(COACH, token_hash("a" * 43), "after", NOW)
    assert every_row(store) == before


def test_deleting_a_coachs_login_forgets_their_roster_and_notes_but_not_the_runners_data(store: Store) -> None:
    ann, test = _runner_with_test(store, ANN, "Ann")
    _link(store, ANN, ann, "a" * 43, comments=True)
    store.add_to_roster(COACH, token_hash("a" * 43), NOW)
    store.save_coach_note(COACH, token_hash("a" * 43), "note", NOW)
    store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "kept: it is on Ann's test", NOW)
    store.delete_owner(COACH)
    counts = count_rows(store, ann)
    assert (counts["roster_entries"], counts["coach_notes"], counts["test_comments"], counts["runners"]) == (0, 0, 1, 1)


def test_a_comment_changes_the_runners_data_version(store: Store) -> None:
    """The runner's cached pages key on their data version: a coach's comment must show at their next click."""
    ann, test = _runner_with_test(store, ANN, "Ann")
    _link(store, ANN, ann, "a" * 43, comments=True)
    before = store.data_version(ANN)
    store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "Seen?", NOW)
    assert store.data_version(ANN) != before


def test_the_runner_marks_a_comment_read_and_it_stays_with_its_test(store: Store) -> None:
    ann, test = _runner_with_test(store, ANN, "Ann")
    _link(store, ANN, ann, "a" * 43, comments=True)
    first = store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "Good symmetry", NOW)
    second = store.add_comment(COACH, "Sam", token_hash("a" * 43), test, "Now the bent knee", NOW)
    assert [c.unread for c in store.list_comments(ANN, ann)] == [True, True]
    bob, _ = _runner_with_test(store, BOB, "Bob")
    before = every_row(store)
    with pytest.raises(NotFound):  # another owner can't mark Ann's comment, nor through their own runner
        store.mark_comment_read(BOB, ann, first.id, NOW)
    with pytest.raises(NotFound):
        store.mark_comment_read(BOB, bob, first.id, NOW)
    assert every_row(store) == before
    store.mark_comment_read(ANN, ann, first.id, NOW)
    store.mark_comment_read(ANN, ann, first.id, NOW + dt.timedelta(days=1))  # again: the first time stays
    comments = store.list_comments(ANN, ann)
    assert [(c.id, c.read_at, c.hidden, c.unread) for c in comments] == [
        (first.id, NOW, False, False),
        (second.id, None, False, True),
    ]
    store.hide_comment(ANN, ann, second.id, NOW)  # hidden: not unread either, and not marked read
    assert [(c.read_at, c.unread) for c in store.list_comments(ANN, ann)] == [(NOW, False), (None, False)]
    with pytest.raises(NotFound):
        store.mark_comment_read(ANN, ann, 10_000, NOW)
