"""calfstore.url: which database the app uses (CALF_DATABASE_URL, the older CALF_DB_PATH, the default file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calfstore import StoreUnavailable
from calfstore.url import DEFAULT_DB_PATH, configured_database, parse_database_url


def test_duckdb_urls_name_relative_and_absolute_files() -> None:
    assert parse_database_url("duckdb:///data/calfcheck.duckdb").path == Path("data/calfcheck.duckdb")
    assert parse_database_url("duckdb:////srv/calf/club.duckdb").path == Path("/srv/calf/club.duckdb")
    database = parse_database_url("duckdb:////srv/calf/club.duckdb")
    assert parse_database_url(database.url) == database  # written out again, it reads the same


@pytest.mark.parametrize("url", ["postgresql://calf:s3cret@db:5432/calf", "postgres://calf:s3cret@db/calf"])
def test_postgresql_urls_keep_the_connection_string_and_hide_the_password(url: str) -> None:
    database = parse_database_url(url)
    assert database.backend == "postgresql" and database.conninfo == url
    assert "s3cret" not in database.redacted and "calf:***@" in database.redacted


@pytest.mark.parametrize("url", ["mysql://calf:s3cret@db/calf", "data/calfcheck.duckdb", "duckdb://", "sqlite:///x"])
def test_anything_else_names_the_setting_and_the_forms_it_takes(url: str) -> None:
    with pytest.raises(StoreUnavailable) as refused:
        parse_database_url(url)
    message = str(refused.value)
    assert "CALF_DATABASE_URL" in message and "s3cret" not in message


def test_the_url_wins_then_the_old_path_then_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALF_DATABASE_URL", raising=False)
    monkeypatch.delenv("CALF_DB_PATH", raising=False)
    assert configured_database().path == DEFAULT_DB_PATH
    monkeypatch.setenv("CALF_DB_PATH", "/tmp/old-setting.duckdb")
    assert configured_database().path == Path("/tmp/old-setting.duckdb")
    monkeypatch.setenv("CALF_DATABASE_URL", "postgresql://calf@db/calf")
    assert configured_database().backend == "postgresql"
