"""Fixtures for the calfcore unit tests: a real DuckDB store file per test, under pytest's tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from calfstore import Store
from calfstore.duckdb_store import DuckDBStore


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "calfcheck.duckdb"


@pytest.fixture
def store(db_file: Path) -> Iterator[Store]:
    opened = DuckDBStore.open(db_file)
    try:
        yield opened
    finally:
        opened.close()
