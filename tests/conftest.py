"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS
from tests.pgcluster import PgCluster, PgClusterError


# One browser for the whole run: Playwright's sync API can't start a second time while one is running.
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does this) or set CALF_CHROMIUM.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# One throwaway PostgreSQL cluster for the whole run, started only if a test asks for it (fsync on, as deployed: the
# crash tests rely on it). Missing binaries fail the run: `make test` installs them (scripts/ensure_postgres.sh).
@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PgCluster]:
    try:
        cluster = PgCluster.start()
    except PgClusterError as error:
        pytest.fail(str(error))
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: PgCluster) -> Iterator[str]:
    """A fresh, EMPTY database of its own for this test (user:password URL over 127.0.0.1), dropped afterwards."""
    name = postgres_cluster.create_database()
    yield postgres_cluster.url(name)
    postgres_cluster.drop_database(name)


@pytest.fixture(params=["duckdb", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """For the store's contract tests: the same test against an empty DuckDB file and an empty PostgreSQL database."""
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'calfcheck.duckdb'}"  # an absolute path: duckdb:////tmp/...
    return request.getfixturevalue("postgres_url")


# The layers with the longest files first: with the files side by side (make test), the last files to start are
# short ones, so no worker is left running a long file alone at the end. Within a file the order is kept.
LONGEST_LAYERS_FIRST = ("tests/e2e/", "tests/test_benchmarks.py", "tests/reliability/", "tests/unit/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def layer(item: pytest.Item) -> int:
        return next((at for at, path in enumerate(LONGEST_LAYERS_FIRST) if item.nodeid.startswith(path)), 99)

    items.sort(key=layer)
