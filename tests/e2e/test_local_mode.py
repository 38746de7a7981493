"""Local mode serves this machine only: a visitor from another machine sees share links and nothing else.

The visitor is real: the app runs on a test host of this test's own (a network namespace joined to this machine by a
veth pair, addresses in a /30 that exists only between the two), and Chromium on this machine opens it, so the app
sees a client address that is not loopback. Needs root and iproute2, as CI has; a missing tool fails the test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from calfcore.demo import demo_data
from calfcore.sharing import new_token, share_url, token_hash
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from calfui.viewer import from_this_machine
from tests.e2e.helpers import assert_no_runner_data, screenshot, wait_for_app
from tests.e2e.server import StreamlitServer, free_port, start_server

HOST_ADDRESS, TEST_HOST_ADDRESS = "10.231.77.1", "10.231.77.2"  # a /30 on the veth pair only


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=20)


@pytest.fixture
def test_host() -> Iterator[str]:
    """A network namespace with its own address, reachable from this machine over a veth pair."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.fail("The visitor test needs root and iproute2 (`ip`) to make its own test host.")
    name = f"calf{os.getpid() % 100000}"
    outside, inside = f"{name}o", f"{name}i"
    _ip("netns", "add", name)
    try:
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        _ip("link", "set", inside, "netns", name)
        # IPv4 only: an IPv6 link-local address arriving a moment after "up" is a network change, and a running
        # Chromium aborts its requests on one (net::ERR_NETWORK_CHANGED).
        Path(f"/proc/sys/net/ipv6/conf/{outside}/disable_ipv6").write_text("1")
        _ip("netns", "exec", name, "sh", "-c", f"echo 1 > /proc/sys/net/ipv6/conf/{inside}/disable_ipv6")
        _ip("addr", "add", f"{HOST_ADDRESS}/30", "dev", outside)
        _ip("link", "set", outside, "up")
        _ip("netns", "exec", name, "ip", "addr", "add", f"{TEST_HOST_ADDRESS}/30", "dev", inside)
        _ip("netns", "exec", name, "ip", "link", "set", inside, "up")
        _ip("netns", "exec", name, "ip", "link", "set", "lo", "up")
        yield name
    finally:
        subprocess.run(["ip", "link", "del", outside], capture_output=True, timeout=20)
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=20)


@pytest.fixture
def shared_runner(tmp_path: Path) -> tuple[Path, str]:
    """A database with the demo runner and one live share link; returns the file and the link's token."""
    db = tmp_path / "calfcheck.duckdb"
    store = DuckDBStore.open(db)
    try:
        demo = demo_data(dt.date.today())
        runner = store.create_runner(LOCAL_OWNER, demo.runner)
        store.import_records(LOCAL_OWNER, int(runner.id), demo.tests, demo.symptoms, demo.routine_logs)
        token = new_token()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        store.create_share_link(LOCAL_OWNER, int(runner.id), "Coach Sam", token_hash(token), None, now)
    finally:
        store.close()
    return db, token


@pytest.fixture
def app_on_test_host(test_host: str, shared_runner: tuple[Path, str], tmp_path: Path) -> Iterator[StreamlitServer]:
    db, _ = shared_runner
    server = start_server(
        db, tmp_path, port=free_port(), address=TEST_HOST_ADDRESS, wrapper=("ip", "netns", "exec", test_host)
    )
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


def test_a_visitor_from_another_machine_sees_no_profiles_but_can_open_a_share_link(
    app_on_test_host: StreamlitServer, shared_runner: tuple[Path, str], phone: Page
) -> None:
    url = app_on_test_host.url
    _open_after_the_network_settles(phone, url)
    expect(phone.get_by_text("their data stays theirs")).to_be_visible()
    assert_no_runner_data(phone, "home")
    expect(phone.get_by_test_id("stSidebar")).to_have_count(0)  # no menu, no runner picker
    screenshot(phone, "local-mode-visitor")
    for path in ("record", "dashboard", "history", "profile", "share", "dashboard?runner=1"):
        phone.goto(f"{url}/{path}")
        wait_for_app(phone)
        phone.wait_for_timeout(500)
        assert_no_runner_data(phone, path)
        expect(phone.get_by_role("button", name="Save test")).to_have_count(0)
        expect(phone.get_by_role("button", name="Load the demo runner")).to_have_count(0)

    # A coach link works from another machine: that is what it is for.
    _, token = shared_runner
    phone.goto(share_url(url, token))
    wait_for_app(phone)
    expect(phone.get_by_text("Shared by Demo runner (Alex) with Coach Sam")).to_be_visible()
    expect(phone.get_by_test_id("stMetric").first).to_be_visible()
    # Taking the token off the link does not open the rest.
    phone.goto(url)
    wait_for_app(phone)
    assert_no_runner_data(phone, "home after a share link")


def _open_after_the_network_settles(page: Page, url: str) -> None:
    """The first visit, tried again (at most 5 times) while Chromium still reports the new test host's link as a
    network change and drops the page's requests; the server itself answered its health check already."""
    for _ in range(5):
        page.goto(url)
        try:
            expect(page.get_by_test_id("stApp")).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            page.wait_for_timeout(1_000)
    wait_for_app(page)


@pytest.mark.parametrize(
    "address, local",
    [
        (None, True),
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("10.231.77.1", False),
        ("192.168.1.20", False),
        ("2001:db8::1", False),
        ("not an address", False),
    ],
)
def test_only_loopback_clients_are_this_machine(address: str | None, local: bool) -> None:
    assert from_this_machine(address) is local
