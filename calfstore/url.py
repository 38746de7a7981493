"""Which database the app uses: `CALF_DATABASE_URL`, or the older `CALF_DB_PATH`, or the default DuckDB file.

duckdb:///data/calfcheck.duckdb          a file relative to the working folder (the default)
duckdb:////srv/calf/calfcheck.duckdb     an absolute path (four slashes, as SQLAlchemy writes them)
postgresql://calf:secret@db.example:5432/calfcheck   a PostgreSQL server (libpq's URL; postgres:// too)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from calfstore.errors import StoreUnavailable

URL_SETTING = "CALF_DATABASE_URL"
PATH_SETTING = "CALF_DB_PATH"  # before issue 13: a DuckDB file path; still honoured when no URL is set
DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "calfcheck.duckdb"
DUCKDB_SCHEME = "duckdb"
POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database setting: a DuckDB file, or a PostgreSQL connection string."""

    backend: str  # "duckdb" or "postgresql"
    path: Path | None = None  # DuckDB only
    conninfo: str = ""  # PostgreSQL only: the URL as libpq takes it (password included: never log it)

    @property
    def url(self) -> str:
        """The setting written out again (parse_database_url(url) gives this DatabaseUrl back)."""
        return self.conninfo if self.path is None else duckdb_url(self.path)

    @property
    def redacted(self) -> str:
        """The setting with any password replaced, for messages and logs."""
        if self.backend == DUCKDB_SCHEME:
            return f"duckdb:///{self.path}"
        parts = urlsplit(self.conninfo)
        if parts.password is None:
            return self.conninfo
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))


def duckdb_url(path: str | Path) -> str:
    """The setting for a DuckDB file."""
    return f"duckdb:///{path}"


def parse_database_url(url: str) -> DatabaseUrl:
    """A DatabaseUrl, or StoreUnavailable naming the setting and the forms it takes."""
    scheme, separator, rest = url.partition("://")
    scheme = scheme.lower()
    if separator and scheme == DUCKDB_SCHEME:
        path = rest[1:] if rest.startswith("/") else rest
        if not path:
            raise StoreUnavailable(
                f"{URL_SETTING}={url!r} names no file. Write duckdb:///data/calfcheck.duckdb "
                f"(a path relative to the app's folder) or duckdb:////absolute/path.duckdb."
            )
        return DatabaseUrl(DUCKDB_SCHEME, path=Path(path))
    if separator and scheme in POSTGRES_SCHEMES:
        return DatabaseUrl("postgresql", conninfo=url)
    shown = url if "@" not in url else url.split("://")[0] + "://..."
    raise StoreUnavailable(
        f"{URL_SETTING}={shown!r} is not a database Calf Check can use. Set it to duckdb:///data/calfcheck.duckdb "
        f"(the embedded default) or postgresql://user:password@host:5432/dbname."
    )


def configured_database() -> DatabaseUrl:
    """The database this process uses, from its environment."""
    url = os.environ.get(URL_SETTING, "").strip()
    if url:
        return parse_database_url(url)
    return DatabaseUrl(DUCKDB_SCHEME, path=Path(os.environ.get(PATH_SETTING) or DEFAULT_DB_PATH))
