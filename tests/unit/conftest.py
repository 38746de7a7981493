"""Fixtures for the store's contract tests: every test that takes `store` runs twice, on an empty DuckDB file and on
an empty PostgreSQL database (a throwaway cluster, tests/pgcluster.py): one interface, both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from calfstore import Store, open_store


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "calfcheck.duckdb"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    try:
        yield opened
    finally:
        opened.close()
