"""Hosted mode for real: oidc-provider-mock as the identity provider, `streamlit run` with an [auth] secret,
Debian Chromium. Two runners never see each other; a coach's link works until it is revoked."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from calfstore.duckdb_store import DuckDBStore
from tests.e2e.helpers import (
    assert_no_runner_data,
    create_profile_and_test,
    create_share_link,
    log_in,
    main_text,
    person,
    screenshot,
    wait_for_app,
)
from tests.e2e.server import StreamlitServer, hosted_server

PAGES = ["home", "record", "dashboard", "routine", "history", "share", "profile"]


def test_fresh_hosted_server_shows_no_data_before_login(
    tmp_path: Path, identity_provider: str, browser: Browser
) -> None:
    # Data exists before the server starts; the first request ever is a deep link.
    import datetime as dt

    from calfcore.demo import demo_data
    from calfui.viewer import owner_key_for

    store = DuckDBStore.open(tmp_path / "hosted.duckdb")
    demo = demo_data(dt.date.today())
    runner = store.create_runner(owner_key_for("issuer", "someone"), demo.runner)
    store.import_records(owner_key_for("issuer", "someone"), runner.id, demo.tests, demo.symptoms, demo.routine_logs)
    store.close()
    server = hosted_server(tmp_path, identity_provider)
    try:
        visitor = person(browser)
        for page in PAGES + [f"{p}_page" for p in PAGES]:
            visitor.goto(f"{server.url}/{page}")
            expect(visitor.get_by_test_id("stApp")).to_be_visible()
            visitor.wait_for_timeout(1000)
            assert_no_runner_data(visitor, page)
        visitor.context.close()
    finally:
        server.stop()


def test_two_runners_never_see_each_other(hosted: StreamlitServer, browser: Browser) -> None:
    ann, bob = person(browser), person(browser)
    log_in(ann, hosted, "ann@example.org")
    create_profile_and_test(ann, hosted, "Ann Runner", 33, 31)
    log_in(bob, hosted, "bob@example.org")
    create_profile_and_test(bob, hosted, "Bob Runner", 18, 25)
    screenshot(bob, "hosted-record")

    for page in PAGES:
        bob.goto(f"{hosted.url}/{page}")
        wait_for_app(bob)
        text = main_text(bob)
        assert "Ann Runner" not in text and "33 raises" not in text, (page, text)
    # Guessing query parameters or ids gets nothing either.
    for query in ("?runner=1", "?runner_id=1", "?selected_runner_id=1", "?owner=local"):
        bob.goto(f"{hosted.url}/dashboard{query}")
        wait_for_app(bob)
        assert "Ann Runner" not in main_text(bob)
    ann.goto(f"{hosted.url}/dashboard")
    wait_for_app(ann)
    expect(ann.get_by_text("33 raises", exact=True)).to_be_visible()
    assert "Bob Runner" not in main_text(ann)

    bob.get_by_test_id("stExpandSidebarButton").click()
    bob.get_by_role("button", name="Log out").click()
    bob.get_by_role("button", name="End session").click()  # the provider confirms the logout
    wait_for_app(bob)
    expect(bob.get_by_role("button", name="Log in")).to_be_visible()
    bob.goto(f"{hosted.url}/dashboard")
    expect(bob.get_by_role("button", name="Log in")).to_be_visible()
    assert_no_runner_data(bob, "dashboard after logout")
    ann.context.close()
    bob.context.close()


def test_coach_link_works_until_revoked(hosted: StreamlitServer, browser: Browser) -> None:
    runner = person(browser)
    log_in(runner, hosted, "cara@example.org")
    create_profile_and_test(runner, hosted, "Cara Runner", 26, 29)
    link = create_share_link(runner, hosted, "Coach Sam")
    token = link.rsplit("=", 1)[1]
    screenshot(runner, "share")

    coach = person(browser)  # a separate browser context: not logged in
    coach.goto(link)
    wait_for_app(coach)
    expect(coach.get_by_text("Shared by Cara Runner with Coach Sam")).to_be_visible()
    expect(coach.get_by_text("26 raises", exact=True)).to_be_visible()  # the leg's score
    assert "Cara Runner" in main_text(coach)
    for role in ("textbox", "spinbutton", "checkbox", "combobox"):
        assert coach.get_by_test_id("stMain").get_by_role(role).count() == 0, role
    assert coach.get_by_role("button", name="Save test").count() == 0
    assert coach.get_by_test_id("stSidebarNav").count() == 0
    screenshot(coach, "coach-view")

    runner.get_by_role("button", name="Done").click()
    wait_for_app(runner)
    runner.get_by_role("button", name="Revoke").click()
    wait_for_app(runner)
    expect(runner.get_by_text("Whoever holds it loses access")).to_be_visible()  # Revoke asks first
    runner.get_by_role("button", name="Yes, revoke it").click()
    wait_for_app(runner)
    expect(
        runner.get_by_text("revoked", exact=True)
    ).to_be_attached()  # the status cell, not "No expiry (until revoked)"

    coach.get_by_role("radio", name="Everything").or_(coach.get_by_text("Everything")).first.click()  # next click
    expect(coach.get_by_text("This link doesn't work")).to_be_visible()
    assert "Cara Runner" not in main_text(coach) and "raises" not in main_text(coach)
    screenshot(coach, "coach-revoked")

    assert token not in hosted.log(), "tokens never appear in the server log"
    runner.context.close()
    coach.context.close()
