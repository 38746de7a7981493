"""Issue 14 in a real browser, hosted mode (oidc-provider-mock, `streamlit run`, Debian Chromium at phone size): two
runners share with one coach, who keeps both on a roster with the right flags; comments go from coach to runner
only, and only through a link that allows them; a revoked link ends the roster row at the coach's next click."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import (
    add_to_roster,
    choose,
    click,
    create_profile_and_test,
    create_share_link,
    log_in,
    main_text,
    options_of,
    person,
    record_test,
    reload,
    screenshot,
    wait_for_app,
)
from tests.e2e.server import StreamlitServer

COMMENT = "Left side is catching up: keep the slow raises."
NOTE = "Private: ask about her new shoes before the spring block."


def _comment_switch(page: Page):
    return page.get_by_test_id("stMain").get_by_text(re.compile(r"may comment$"))


def _expect_switch_after_tap(page: Page, on: bool) -> None:
    """The comment switch once the tap's run has drawn the page, on or off. Until then the page holds the switch
    drawn before the tap beside the new one (its key carries the stored value), and a check of "the" switch matched
    two (CI, under load: strict mode violation). Counts wait without that trap."""
    name = re.compile("may comment")
    expect(page.get_by_role("switch", name=name, checked=on)).to_have_count(1)
    expect(page.get_by_role("switch", name=name)).to_have_count(1)


def _card(page: Page, name: str):
    return page.locator("[class*='st-key-roster_entry']").filter(has_text=name)


def _filter(page: Page, label: str):
    return page.get_by_test_id("stButtonGroup").get_by_text(label, exact=True)


def _comment_boxes(page: Page) -> int:
    return page.get_by_role("textbox", name="Comment on this test").count()


def test_roster_flags_comments_and_revoking(hosted: StreamlitServer, browser: Browser) -> None:
    ann, bob, coach = person(browser), person(browser), person(browser)
    log_in(ann, hosted, "ann@example.org")
    create_profile_and_test(ann, hosted, "Ann Runner", 33, 31)  # 94%: on track
    log_in(bob, hosted, "bob@example.org")
    create_profile_and_test(bob, hosted, "Bob Runner", 18, 25)  # 72%: symmetry under 90%
    ann_link = create_share_link(ann, hosted, "Coach Sam")
    _comment_switch(ann).click()  # Ann lets her coach comment; Bob leaves it off (the default)
    wait_for_app(ann)
    _expect_switch_after_tap(ann, on=True)
    bob_link = create_share_link(bob, hosted, "Coach Sam")
    expect(bob.get_by_role("switch", name=re.compile("may comment"))).not_to_be_checked()
    screenshot(ann, "roster-share-comments")

    log_in(coach, hosted, "coach@example.org")
    add_to_roster(coach, ann_link)
    box = coach.get_by_role("textbox", name="Comment on this test")
    box.fill(COMMENT)
    coach.get_by_role("button", name="Send comment").click()
    expect(coach.get_by_text("Comment sent.")).to_be_visible()
    expect(coach.get_by_text(COMMENT)).to_be_visible()
    # The message shows before the run that draws it ends: a tap while that run still draws the page can land on a
    # notes form about to be replaced, and the save is lost (CI with test files side by side, under load). A person
    # reads the page at rest first.
    wait_for_app(coach)
    screenshot(coach, "roster-coach-comment")
    coach.get_by_text("Your private notes").click()  # kept apart: never shown to the runner
    # Opening it slides it open for 500 ms: Save pressed 90 ms after the tap was released on the form around it,
    # and nothing was saved (reproduced with both cores busy; wait_for_app's comment). A person taps once it's open.
    wait_for_app(coach)
    coach.get_by_role("textbox", name="Notes").fill(NOTE)
    coach.get_by_role("button", name="Save notes").click()
    expect(coach.get_by_text("Notes saved.")).to_be_visible()

    coach.goto(bob_link)
    wait_for_app(coach)
    expect(coach.get_by_text("Shared by Bob Runner")).to_be_visible()
    coach.get_by_role("button", name="Add to my roster").click()
    expect(coach.get_by_text("On your roster")).to_be_visible()
    assert _comment_boxes(coach) == 0, "Bob's link allows no comments: no box"
    assert coach.get_by_role("button", name="Send comment").count() == 0

    coach.goto(f"{hosted.url}/roster")
    wait_for_app(coach)
    expect(_card(coach, "Ann Runner")).to_be_visible()
    expect(_card(coach, "Bob Runner")).to_be_visible()
    text = main_text(coach)
    assert text.index("Bob Runner") < text.index("Ann Runner"), "flagged runners come first"
    bob_card = _card(coach, "Bob Runner")
    ann_card = _card(coach, "Ann Runner")
    expect(bob_card).to_contain_text("Needs attention")
    expect(bob_card).to_contain_text("Symmetry under 90%")
    expect(bob_card).to_contain_text("Source:")
    expect(ann_card).to_contain_text("On track")
    assert "Symmetry under 90%" not in ann_card.inner_text()
    expect(coach.get_by_test_id("stVegaLiteChart")).to_have_count(3)  # the squad chart, and each card's bars
    expect(bob_card).to_contain_text("Left 18: under the runner target of 30")
    expect(bob_card.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    bob_card.get_by_text("Right 25: under the runner target of 30").scroll_into_view_if_needed()
    screenshot(coach, "roster-card-glance")
    screenshot(coach, "roster")
    _filter(coach, "Symmetry under 90%").click()  # the filter: only Bob
    wait_for_app(coach)
    expect(coach.get_by_test_id("stMain")).not_to_contain_text("Ann Runner")
    expect(coach.get_by_test_id("stMain")).to_contain_text("Bob Runner")

    # The comment reaches Ann under her latest test, on the dashboard and in History; she has no box to reply.
    ann.goto(f"{hosted.url}/dashboard")
    wait_for_app(ann)
    expect(ann.get_by_text(COMMENT)).to_be_visible()
    assert _comment_boxes(ann) == 0
    assert NOTE not in main_text(ann)
    ann.get_by_text(COMMENT).scroll_into_view_if_needed()
    screenshot(ann, "roster-runner-sees-comment")
    ann.goto(f"{hosted.url}/history")
    wait_for_app(ann)
    expect(ann.get_by_text(COMMENT)).to_be_visible()
    assert NOTE not in main_text(ann)
    # Bob sees no comment: none was written to him, and Ann's never reach him.
    bob.goto(f"{hosted.url}/dashboard")
    wait_for_app(bob)
    assert COMMENT not in main_text(bob) and "Comments from your coach" not in main_text(bob)

    # Ann turns comments off while the coach's box is still open: the coach's send stores nothing, the box goes, and
    # the page says why and gives the text back to copy (it vanished without a word before).
    late = "Sent after comments were turned off: **not bold** <b>nor this</b>"  # given back as typed, never as markup
    coach.goto(ann_link)
    wait_for_app(coach)
    coach.get_by_role("textbox", name="Comment on this test").fill(late)
    ann.goto(f"{hosted.url}/share")
    wait_for_app(ann)
    _comment_switch(ann).click()
    wait_for_app(ann)
    _expect_switch_after_tap(ann, on=False)
    coach.get_by_role("button", name="Send comment").click()
    not_sent = coach.get_by_text("Not sent: Ann Runner has turned comments off for this link")
    expect(not_sent).to_be_visible()
    wait_for_app(coach)
    expect(coach.get_by_role("textbox", name="Comment on this test")).to_have_count(0)
    expect(coach.get_by_test_id("stCode")).to_contain_text(late)
    not_sent.scroll_into_view_if_needed()
    screenshot(coach, "roster-comment-not-sent")
    reload(coach)  # said once, for that send: the next visit has neither the message nor the box
    expect(coach.get_by_role("heading", name="Latest test")).to_be_visible()
    assert "Not sent" not in main_text(coach) and late not in main_text(coach)
    expect(coach.get_by_role("textbox", name="Comment on this test")).to_have_count(0)
    ann.goto(f"{hosted.url}/history")
    wait_for_app(ann)
    expect(ann.get_by_text(COMMENT)).to_be_visible()
    assert "Sent after comments were turned off" not in main_text(ann)
    # Ann hides the comment: gone from her pages, counted as hidden.
    ann.get_by_role("button", name="Hide comment").click()
    wait_for_app(ann)
    expect(ann.get_by_text("1 hidden comment on this test")).to_be_visible()
    assert COMMENT not in main_text(ann)

    # Bob revokes his link: at the coach's next click his row says access ended and shows none of his data.
    coach.goto(f"{hosted.url}/roster")
    wait_for_app(coach)
    expect(coach.get_by_test_id("stMain")).to_contain_text("Bob Runner")
    bob.goto(f"{hosted.url}/share")
    wait_for_app(bob)
    bob.get_by_role("button", name="Revoke").click()
    wait_for_app(bob)
    bob.get_by_role("button", name="Yes, revoke it").click()
    wait_for_app(bob)
    expect(bob.get_by_text("revoked", exact=True)).to_be_attached()
    _filter(coach, "Everyone").click()  # the next click
    wait_for_app(coach)
    expect(coach.get_by_text(re.compile("^Access ended"))).to_be_visible()
    main = main_text(coach)
    assert "Bob Runner" not in main and "18" not in main.split("Access ended")[1], main
    assert "Ann Runner" in main
    screenshot(coach, "roster-access-ended")
    for someone in (ann, bob, coach):
        someone.context.close()


def test_an_unread_comment_on_an_older_test_waits_on_the_dashboard_until_marked_read(
    hosted: StreamlitServer, browser: Browser
) -> None:
    """Issue 24: the coach comments on Ann's test, then Ann records a newer one. The comment is on her dashboard and
    her record result (naming the test it is about) until she marks it read; then it is in History only."""
    ann, coach = person(browser), person(browser)
    log_in(ann, hosted, "ann@example.org")
    create_profile_and_test(ann, hosted, "Ann Runner", 20, 24)
    ann_link = create_share_link(ann, hosted, "Coach Sam")
    _comment_switch(ann).click()
    wait_for_app(ann)
    _expect_switch_after_tap(ann, on=True)

    log_in(coach, hosted, "coach@example.org")
    coach.goto(ann_link)
    wait_for_app(coach)
    coach.get_by_role("textbox", name="Comment on this test").fill(COMMENT)
    coach.get_by_role("button", name="Send comment").click()
    expect(coach.get_by_text("Comment sent.")).to_be_visible()

    # A newer test: the comment is about the one before, and the record result says so.
    record_test(ann, hosted.url, 26, 27)
    unread = ann.locator("[class*='unread_comments']")
    expect(unread).to_contain_text(COMMENT)
    expect(unread).to_contain_text("left 20, right 24")

    ann.goto(f"{hosted.url}/dashboard")
    wait_for_app(ann)
    expect(unread).to_contain_text("New from your coach (1)")
    expect(unread).to_contain_text(COMMENT)
    expect(unread).to_contain_text("Coach Sam")
    expect(unread).to_contain_text("About your test of")
    expect(unread).to_contain_text("left 20, right 24")
    expect(ann.get_by_test_id("stMetricValue").first).to_be_visible()  # the latest test (26/27) below it
    screenshot(ann, "comments-unread-dashboard")
    click(ann, "Mark as read")
    expect(ann.get_by_text(COMMENT)).to_have_count(0)
    expect(unread).to_have_count(0)
    reload(ann)  # stored, not just hidden on this page
    assert COMMENT not in main_text(ann)
    screenshot(ann, "comments-read-dashboard")

    # Still in History, under the test it is about.
    ann.goto(f"{hosted.url}/history")
    wait_for_app(ann)
    choose(ann, "Open a test", next(o for o in _history_tests(ann) if "left 20 / right 24" in o))
    expect(ann.get_by_text(COMMENT)).to_be_visible()
    assert "New: not marked read yet." not in main_text(ann)
    ann.get_by_text(COMMENT).scroll_into_view_if_needed()
    screenshot(ann, "comments-read-history")
    for someone in (ann, coach):
        someone.context.close()


def _history_tests(page: Page) -> list[str]:
    return options_of(page, "Open a test")
