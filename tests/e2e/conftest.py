"""Browser tests: a real `streamlit run` and Debian's Chromium driven by Playwright.

A missing browser fails the run (it is never a skip): `make test` installs Debian's chromium first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import StreamlitServer, start_server

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.e2e
# A loaded 2-core machine (CI runs the page tests beside the browser) can take seconds for one script run: assertions
# wait for what a person would see, up to this long, instead of failing on the first slow run.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[StreamlitServer]:
    server = start_server(tmp_path / "calfcheck.duckdb", tmp_path)
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_for_app(page: Page) -> None:
    """Ready when a page has drawn its title and no script run is in flight. (A fresh server's first page, on a
    loaded machine, can take well over the usual wait: this is readiness, not a check of speed.)"""
    expect(page.get_by_test_id("stApp")).to_be_visible(timeout=60_000)
    page.wait_for_function(  # no run in flight, and no element left over from the previous run
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')"
        " && document.querySelector('[data-testid=\"stMain\"] h1')",
        timeout=60_000,
    )


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def assert_no_runner_data(page: Page, where: str) -> None:
    """No runner's name, scores, metrics, tables or charts on the page (public text is fine)."""
    body = page.get_by_test_id("stMain").inner_text()
    for marker in ("Demo runner", "Latest test", "Limb symmetry:", "since last"):
        assert marker not in body, (where, marker, body)
    for test_id in ("stMetric", "stVegaLiteChart"):  # (the public home page has a table of norms)
        assert page.get_by_test_id(test_id).count() == 0, (where, test_id)
