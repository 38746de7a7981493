"""Hosted mode for real: oidc-provider-mock as the identity provider, `streamlit run` with an [auth] secret,
Debian Chromium. Two runners never see each other; a coach's link works until it is revoked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, expect

from calfstore.duckdb_store import DuckDBStore
from tests.e2e.conftest import PHONE, assert_no_runner_data, screenshot, wait_for_app
from tests.e2e.server import StreamlitServer, free_port, start_server
from tests.scaleout import write_secrets

PAGES = ["home", "record", "dashboard", "routine", "history", "share", "profile"]


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://127.0.0.1:{server.server_port}"


def _hosted_server(tmp_path: Path, issuer: str) -> StreamlitServer:
    port = free_port()
    secrets_file = write_secrets(tmp_path / "secrets.toml", f"http://127.0.0.1:{port}", issuer)
    return start_server(tmp_path / "hosted.duckdb", tmp_path, port=port, args=("--secrets.files", str(secrets_file)))


@pytest.fixture
def hosted(tmp_path: Path, identity_provider: str) -> Iterator[StreamlitServer]:
    server = _hosted_server(tmp_path, identity_provider)
    yield server
    server.stop()


def _person(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _log_in(page: Page, server: StreamlitServer, subject: str) -> None:
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_role("button", name="Log in").click()
    page.locator("input[name=sub]").fill(subject)  # the identity provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(server.url) + r"/?(home)?$"))
    wait_for_app(page)
    expect(page.get_by_text("Logged in")).to_be_attached()


def _create_profile_and_test(page: Page, server: StreamlitServer, name: str, left: int, right: int) -> None:
    page.goto(f"{server.url}/profile")
    wait_for_app(page)
    page.get_by_label("Name").first.fill(name)
    field = page.get_by_label("Birth year", exact=True).first
    field.fill("1990")
    field.press("Tab")
    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text("Profile created for")).to_be_visible()
    page.goto(f"{server.url}/record")
    wait_for_app(page)
    for label, value in (("Raises: left", left), ("Raises: right", right)):
        number = page.get_by_label(label, exact=True)
        number.fill(str(value))
        number.press("Tab")
    page.get_by_role("button", name="Save test").click()
    expect(page.get_by_text("Saved.")).to_be_visible()


def _create_share_link(page: Page, server: StreamlitServer, label: str) -> str:
    """The Share page's new link for the runner on show, as the page gives it to be copied."""
    page.goto(f"{server.url}/share")
    wait_for_app(page)
    page.get_by_label("Who is it for?").fill(label)
    page.get_by_role("button", name="Create link").click()
    code = page.get_by_test_id("stCode")
    expect(code).to_contain_text("?share=")
    return re.search(r"http\S+\?share=[A-Za-z0-9_-]{43}", code.inner_text()).group(0)


def _main_text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text()


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
    server = _hosted_server(tmp_path, identity_provider)
    try:
        visitor = _person(browser)
        for page in PAGES + [f"{p}_page" for p in PAGES]:
            visitor.goto(f"{server.url}/{page}")
            expect(visitor.get_by_test_id("stApp")).to_be_visible()
            visitor.wait_for_timeout(1000)
            assert_no_runner_data(visitor, page)
        visitor.context.close()
    finally:
        server.stop()


def test_two_runners_never_see_each_other(hosted: StreamlitServer, browser: Browser) -> None:
    ann, bob = _person(browser), _person(browser)
    _log_in(ann, hosted, "ann@example.org")
    _create_profile_and_test(ann, hosted, "Ann Runner", 33, 31)
    _log_in(bob, hosted, "bob@example.org")
    _create_profile_and_test(bob, hosted, "Bob Runner", 18, 25)
    screenshot(bob, "hosted-record")

    for page in PAGES:
        bob.goto(f"{hosted.url}/{page}")
        wait_for_app(bob)
        text = _main_text(bob)
        assert "Ann Runner" not in text and "33 raises" not in text, (page, text)
    # Guessing query parameters or ids gets nothing either.
    for query in ("?runner=1", "?runner_id=1", "?selected_runner_id=1", "?owner=local"):
        bob.goto(f"{hosted.url}/dashboard{query}")
        wait_for_app(bob)
        assert "Ann Runner" not in _main_text(bob)
    ann.goto(f"{hosted.url}/dashboard")
    wait_for_app(ann)
    expect(ann.get_by_text("33 raises", exact=True)).to_be_visible()
    assert "Bob Runner" not in _main_text(ann)

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
    runner = _person(browser)
    _log_in(runner, hosted, "cara@example.org")
    _create_profile_and_test(runner, hosted, "Cara Runner", 26, 29)
    link = _create_share_link(runner, hosted, "Coach Sam")
    token = link.rsplit("=", 1)[1]
    screenshot(runner, "share")

    coach = _person(browser)  # a separate browser context: not logged in
    coach.goto(link)
    wait_for_app(coach)
    expect(coach.get_by_text("Shared by Cara Runner with Coach Sam")).to_be_visible()
    expect(coach.get_by_text("26 raises", exact=True)).to_be_visible()  # the leg's score
    assert "Cara Runner" in _main_text(coach)
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
    assert "Cara Runner" not in _main_text(coach) and "raises" not in _main_text(coach)
    screenshot(coach, "coach-revoked")

    assert token not in hosted.log(), "tokens never appear in the server log"
    runner.context.close()
    coach.context.close()
