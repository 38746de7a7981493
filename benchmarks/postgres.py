"""PostgreSQL for the benchmarks: a throwaway cluster on loopback (tests/pgcluster.py, Debian's server binaries;
scripts/ensure_postgres.sh installs them, as `make bench` does) and databases filled from a DuckDB file through the
club's own move-over command (calfstore.transfer), so both backends hold the same rows with the same ids.

The cluster keeps fsync on, as a deployment does: a save's commit waits for the disk on both backends.
"""

from __future__ import annotations

from pathlib import Path

from tests.pgcluster import PgCluster


def start_cluster() -> PgCluster:
    return PgCluster.start(fsync=True)


def new_database(cluster: PgCluster) -> str:
    """An empty database's URL (CALF_DATABASE_URL) for the app's login role."""
    return cluster.url(cluster.create_database())


def copy_of(cluster: PgCluster, source: Path) -> str:
    """A new database holding everything in the DuckDB file `source` (closed by its owner first); its URL."""
    from calfstore.transfer import copy_to_postgres
    from calfstore.url import parse_database_url

    url = new_database(cluster)
    copy_to_postgres(source, parse_database_url(url))
    return url
