"""PostgreSQL for the benchmarks: a throwaway cluster on loopback (tests/pgcluster.py, Debian's server binaries;
scripts/ensure_postgres.sh installs them, as `make bench` does) and databases filled from a DuckDB file through the
club's own move-over command (calfstore.transfer), so both backends hold the same rows with the same ids.

The cluster keeps fsync on, as a deployment does: a save's commit waits for the disk on both backends.
"""

from __future__ import annotations

import os
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


def _stat_fields(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(cluster: PgCluster) -> float:
    """CPU seconds the whole server has used so far: the postmaster, its live backends (one per pooled connection)
    and the backends that have exited (counted in the postmaster's children's time once it reaps them)."""
    postmaster = int((cluster.data_dir / "postmaster.pid").read_text().split()[0])
    ticks = os.sysconf("SC_CLK_TCK")
    own = _stat_fields(postmaster)
    total = sum(int(value) for value in own[11:15])  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry.name))
        except (FileNotFoundError, ProcessLookupError):  # a backend that exited while we looked
            continue
        if int(fields[1]) == postmaster:  # ppid
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def disk_mb(cluster: PgCluster) -> float:
    """The databases' files on disk (tables and indexes of every database, not the write-ahead log), in MB."""
    return sum(f.stat().st_size for f in (cluster.data_dir / "base").rglob("*") if f.is_file()) / 1e6
