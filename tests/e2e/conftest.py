"""Browser tests: a real `streamlit run` and Debian's Chromium driven by Playwright.

A missing browser fails the run (it is never a skip): `make test` installs Debian's chromium first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import PHONE
from tests.e2e.server import StreamlitServer, hosted_server, start_server

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


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def hosted(tmp_path: Path, identity_provider: str) -> Iterator[StreamlitServer]:
    server = hosted_server(tmp_path, identity_provider)
    yield server
    server.stop()
