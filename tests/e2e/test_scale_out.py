"""Two app processes behind HAProxy, one PostgreSQL, hosted mode with oidc-provider-mock, Debian Chromium at phone
size: every part real (tests/scaleout.py starts them as `make hosted` does).

The runner's browser is pinned to process app1 and the coach's to app2 by the proxy's sticky cookie (set by hand, as
HAProxy would have set it). What one process writes, the other shows on its next click; a revoke on one refuses the
coach on the other; a process SIGKILLed mid-session loses nothing that was acknowledged.

PostgreSQL and haproxy are required (never skipped): `make test` installs them (scripts/ensure_postgres.sh).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, expect

from calfstore import open_store
from calfui.viewer import owner_key_for
from tests.e2e.helpers import (
    PHONE,
    close_sidebar,
    create_profile_and_test,
    create_share_link,
    log_in,
    main_text,
    open_sidebar,
    options_of,
    screenshot,
    wait_for_app,
)
from tests.scaleout import STICKY_COOKIE, Stack, run_identity_provider, start_stack


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[str]:
    with run_identity_provider() as issuer:
        yield issuer


@pytest.fixture
def stack(tmp_path: Path, identity_provider: str) -> Iterator[Stack]:
    started = start_stack(tmp_path, identity_provider, processes=2, proxy_log=tmp_path / "haproxy.log")
    yield started
    started.stop()


def _person_on(browser: Browser, stack: Stack, process: str) -> Page:
    """A phone whose browser carries the proxy's sticky cookie for `process` (app1, app2) from its first request."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": STICKY_COOKIE, "value": process, "url": stack.url}])
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _served_by(page: Page) -> str:
    """Which process the proxy pins this browser to now (HAProxy rewrites the cookie when it moves a browser)."""
    values = [c["value"] for c in page.context.cookies() if c["name"] == STICKY_COOKIE]
    assert len(values) == 1, page.context.cookies()
    return values[0]


def _record_another(page: Page, url: str, left: int, right: int) -> None:
    page.goto(f"{url}/record")
    wait_for_app(page)
    another = page.get_by_role("button", name="Record another test")
    if another.count():
        another.click()
        wait_for_app(page)
    for label, value in (("Raises: left", left), ("Raises: right", right)):
        number = page.get_by_label(label, exact=True)
        number.fill(str(value))
        number.press("Tab")
    page.get_by_role("button", name="Save test").click()
    expect(page.get_by_text("Saved.")).to_be_visible()  # acknowledged: the save has committed


def _fill_in_another_test(page: Page, left: int, right: int) -> None:
    """From the result of a Save: "Record another test", then both legs' raises typed in, not saved yet."""
    page.get_by_role("button", name="Record another test").click()
    wait_for_app(page)
    for label, value in (("Raises: left", left), ("Raises: right", right)):
        number = page.get_by_label(label, exact=True)
        number.fill(str(value))
        number.press("Tab")
    wait_for_app(page)


def test_two_processes_one_database(stack: Stack, browser: Browser, identity_provider: str) -> None:
    site = SimpleNamespace(url=stack.url)  # the helpers of test_hosted take anything with the server's url
    runner = _person_on(browser, stack, "app1")
    coach = _person_on(browser, stack, "app2")

    log_in(runner, site, "rhea@example.org")
    create_profile_and_test(runner, site, "Rhea Runner", 26, 29)
    link = create_share_link(runner, site, "Coach Kim")
    token = link.rsplit("=", 1)[1]
    assert link.startswith(stack.url), "the link points at the proxy, not at one process"

    coach.goto(link)
    wait_for_app(coach)
    expect(coach.get_by_text("Shared by Rhea Runner with Coach Kim")).to_be_visible()
    expect(coach.get_by_text("26 raises", exact=True)).to_be_visible()
    assert (_served_by(runner), _served_by(coach)) == ("app1", "app2")

    # The runner saves on app1; the coach's next click, on app2, shows it.
    _record_another(runner, stack.url, 31, 30)
    coach.get_by_role("radio", name="6 months").or_(coach.get_by_text("6 months")).first.click()
    wait_for_app(coach)
    expect(coach.get_by_text("31 raises", exact=True)).to_be_visible()
    coach.get_by_text("31 raises", exact=True).scroll_into_view_if_needed()
    screenshot(coach, "scale-out-coach-on-app2-sees-save-from-app1")
    assert (_served_by(runner), _served_by(coach)) == ("app1", "app2")

    # The runner revokes on app1; the coach's next click, on app2, is refused.
    runner.goto(f"{stack.url}/share")
    wait_for_app(runner)
    if runner.get_by_role("button", name="Done").count():  # the new link is still on show in this session
        runner.get_by_role("button", name="Done").click()
        wait_for_app(runner)
    runner.get_by_role("button", name="Revoke").click()
    wait_for_app(runner)
    runner.get_by_role("button", name="Yes, revoke it").click()
    wait_for_app(runner)
    expect(runner.get_by_text("revoked", exact=True)).to_be_attached()
    coach.get_by_role("radio", name="Everything").or_(coach.get_by_text("Everything")).first.click()
    expect(coach.get_by_text("This link doesn't work")).to_be_visible()
    assert "Rhea Runner" not in main_text(coach) and "raises" not in main_text(coach)
    screenshot(coach, "scale-out-coach-refused-after-revoke-on-app1")
    assert _served_by(coach) == "app2"

    # app1 dies mid-session (SIGKILL, no goodbye) right after acknowledging a save.
    _record_another(runner, stack.url, 35, 33)
    app1 = stack.apps[0]
    app1.process.kill()
    app1.process.wait(timeout=10)
    runner.goto(f"{stack.url}/dashboard")  # the runner's next load
    wait_for_app(runner)
    assert _served_by(runner) == "app2", "the proxy moved the runner to the live process"
    expect(runner.get_by_text("Logged in")).to_be_attached()  # one cookie_secret: the login holds on app2
    expect(runner.get_by_text("35 raises", exact=True)).to_be_visible()  # the last acknowledged save
    screenshot(runner, "scale-out-runner-on-app2-after-app1-killed")

    store = open_store(stack.database_url)  # what the database holds, read by neither app process
    try:
        owner = owner_key_for(identity_provider, "rhea@example.org")
        [profile] = store.list_runners(owner)
        saved = [(t.straight_reps.left, t.straight_reps.right) for t in store.list_tests(owner, int(profile.id))]
    finally:
        store.close()
    assert sorted(saved) == [(26, 29), (31, 30), (35, 33)], "each acknowledged save exactly once, whole"

    assert stack.proxy is not None
    stack.proxy.stop()  # its websocket tunnels close and are logged
    assert token not in stack.proxy.log() and "share=" not in stack.proxy.log(), "tokens never reach the proxy's log"
    for app in stack.apps:
        app.stop()
        assert token not in app.log() and "Traceback" not in app.log(), app.log()
    runner.context.close()
    coach.context.close()


def test_a_rename_and_a_correction_on_one_process_show_on_the_other_through_a_save(
    stack: Stack, browser: Browser, identity_provider: str
) -> None:
    """Issue 25: a Save keeps the runner list it didn't change, and adds the test to the records it holds, but only
    what it read at the version just before its own write. The runner's phone is on app1 with the Record form filled
    in; on her laptop, on app2, she renames herself, and later corrects a test; each time her next Save on the phone
    must show the change: app1 still holds what it read before it, and building on that would show the old name, or
    the old count beside the new test."""
    site = SimpleNamespace(url=stack.url)
    phone = _person_on(browser, stack, "app1")
    laptop = _person_on(browser, stack, "app2")
    log_in(phone, site, "dana@example.org")
    create_profile_and_test(phone, site, "Dana 李", 24, 27)
    _record_another(phone, stack.url, 25, 27)  # the Record page open, app1's runner list read and cached
    expect(phone.get_by_test_id("stMain")).to_contain_text("Recording for Dana 李")

    log_in(laptop, site, "dana@example.org")
    # The phone fills in its next test (its last run read the list with the old name)...
    _fill_in_another_test(phone, 26, 28)
    # ...while she renames herself on the laptop; then she taps Save on the phone.
    laptop.goto(f"{stack.url}/profile")
    wait_for_app(laptop)
    form = laptop.get_by_test_id("stForm").filter(has=laptop.get_by_role("button", name="Save profile"))
    form.get_by_label("Name", exact=True).fill("دانا Dana")
    form.get_by_role("button", name="Save profile").click()
    expect(laptop.get_by_text("Profile saved.")).to_be_visible()
    assert (_served_by(phone), _served_by(laptop)) == ("app1", "app2")
    phone.get_by_role("button", name="Save test").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    wait_for_app(phone)
    expect(phone.get_by_test_id("stMain")).to_contain_text("Recording for دانا Dana")
    runners = options_of(phone, "Runner", within=open_sidebar(phone))
    assert [option for option in runners if "دانا Dana" in option] and not [o for o in runners if "李" in o], runners
    screenshot(phone, "scale-out-rename-on-app2-then-save-on-app1-menu")
    close_sidebar(phone)
    expect(phone.get_by_test_id("stSidebar")).not_to_be_in_viewport()  # folded away, not caught mid-slide
    screenshot(phone, "scale-out-rename-on-app2-then-save-on-app1")
    assert _served_by(phone) == "app1"

    # The phone fills in another test while the laptop corrects the last one (26 -> 19 on the left), then saves.
    _fill_in_another_test(phone, 27, 29)
    laptop.goto(f"{stack.url}/history")
    wait_for_app(laptop)
    laptop.get_by_role("button", name="Correct this test").click()
    editing = laptop.get_by_test_id("stForm").filter(has=laptop.get_by_role("button", name="Save correction"))
    left = editing.get_by_label("Raises: left", exact=True)
    expect(left).to_have_value("26")
    left.fill("19")
    left.press("Tab")
    editing.get_by_role("button", name="Save correction").click()
    expect(laptop.get_by_text("Correction saved.")).to_be_visible()
    phone.get_by_role("button", name="Save test").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    wait_for_app(phone)
    # The new test against the corrected one: +8 on the left (27 - 19), not +1 (27 - 26).
    expect(phone.get_by_test_id("stMetric").filter(has_text="Left")).to_contain_text("+8 since last")
    phone.goto(f"{stack.url}/history")
    wait_for_app(phone)
    tests = options_of(phone, "Open a test")
    assert [t for t in tests if "left 19 / right 28" in t] and not [t for t in tests if "left 26" in t], tests
    assert (_served_by(phone), _served_by(laptop)) == ("app1", "app2")
    for app in stack.apps:
        assert "Traceback" not in app.log(), app.log()
    phone.context.close()
    laptop.context.close()
