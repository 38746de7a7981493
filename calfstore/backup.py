"""`make backup` and `make restore`, for whichever database the app uses.

DuckDB (the default): a copy of the file, made by the running app if one holds it (calfstore.duckdb_backup).
PostgreSQL: `pg_dump --format=custom` from Debian's postgresql-client into data/backups/, and `pg_restore` into an
EMPTY database (a restore never merges into live data). Without the client installed, the command says exactly what
to run.

    python -m calfstore.backup backup  [--db PATH] [--to FILE] [--timeout SECONDS]
    python -m calfstore.backup restore BACKUP [--db PATH] [--into postgresql://...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from calfstore.duckdb_backup import (
    DEFAULT_TIMEOUT_SECONDS,
    BackupError,
    backup,
    describe_rows,
    restore,
)
from calfstore.errors import StoreUnavailable
from calfstore.url import (
    DEFAULT_DB_PATH,
    DatabaseUrl,
    configured_database,
    parse_database_url,
)

PG_BACKUPS = DEFAULT_DB_PATH.parent / "backups"


def _client(program: str) -> str | None:
    found = shutil.which(program)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"), reverse=True)
    return str(candidates[0]) if candidates else None


def backup_postgres(database: DatabaseUrl, target: Path | None = None, *, now: dt.datetime | None = None) -> Path:
    """A pg_dump of the whole database (custom format: pg_restore can restore it anywhere)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = Path(target or PG_BACKUPS / f"calfcheck-{stamp}.pgdump").absolute()
    if target.exists():
        raise BackupError(f"{target} already exists; a backup never overwrites a file. Choose another name.")
    pg_dump = _client("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed here. Install Debian's postgresql-client, or run on a machine that "
            f'has it: pg_dump --format=custom --file={target} "$CALF_DATABASE_URL"'
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={database.conninfo}"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump could not back up {database.redacted}: {done.stderr.strip()[:300]}")
    partial.rename(target)
    return target


def restore_postgres(backup_file: Path, database: DatabaseUrl) -> None:
    """pg_restore a dump into an EMPTY database (create one with createdb first); refuses one with data in it."""
    from calfstore.postgres_store import PostgresStore
    from calfstore.tables import rows_per_table

    if not backup_file.is_file():
        raise BackupError(f"There is no backup at {backup_file}.")
    pg_restore = _client("pg_restore")
    if pg_restore is None:
        raise BackupError(
            "pg_restore is not installed here. Install Debian's postgresql-client, or run: "
            f'pg_restore --no-owner --dbname="$CALF_DATABASE_URL" {backup_file}'
        )
    store = PostgresStore.open(database, migrate=False)
    try:
        if store.has_schema():
            raise BackupError(
                f"{database.redacted} already holds a Calf Check database; a restore never merges "
                f"into one. Restore into a new, empty database (createdb), then point "
                f"CALF_DATABASE_URL at it."
            )
    finally:
        store.close()
    done = subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={database.conninfo}", str(backup_file)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore could not restore {backup_file}: {done.stderr.strip()[:300]}")
    store = PostgresStore.open(database)
    try:
        rows_per_table(store)  # the restored tables answer
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calfstore.backup", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="copy the database into a new file (the app may be running)")
    make.add_argument(
        "--db", default=None, help="a DuckDB file (default: CALF_DATABASE_URL, CALF_DB_PATH, or data/calfcheck.duckdb)"
    )
    make.add_argument("--to", default=None, help="the new file (default: backups/<name>-<time> beside it)")
    make.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help="seconds to wait for a running app (default: %(default)s)",
    )
    put = commands.add_parser("restore", help="replace the database with a backup (the app must be stopped)")
    put.add_argument("backup", help="the backup file")
    put.add_argument("--db", default=None, help="the DuckDB file to replace (default: CALF_DB_PATH)")
    put.add_argument("--into", default=None, help="an empty PostgreSQL database to restore a pg_dump into")
    args = parser.parse_args(argv)
    try:
        database = DatabaseUrl("duckdb", path=Path(args.db)) if args.db else configured_database()
        if args.command == "restore" and args.into:
            database = parse_database_url(args.into)
        if database.backend == "postgresql":
            if args.command == "backup":
                made = backup_postgres(database, Path(args.to) if args.to else None)
                print(f"Backed up {database.redacted} to {made} (pg_dump, custom format).")
            else:
                restore_postgres(Path(args.backup).absolute(), database)
                print(f"Restored {database.redacted} from {Path(args.backup).absolute()}.")
            return 0
        assert database.path is not None
        if args.command == "backup":
            made_file = backup(database.path, Path(args.to) if args.to else None, timeout=args.timeout)
            print(
                f"Backed up {database.path.absolute()} to {made_file.path}, made by {made_file.made_by}: "
                f"{describe_rows(made_file.rows)}."
            )
        else:
            done = restore(Path(args.backup), database.path)
            kept = f" The file it replaced was kept as {done.previous}." if done.previous else ""
            print(f"Restored {done.database} from {Path(args.backup).absolute()}: {describe_rows(done.rows)}.{kept}")
    except (BackupError, StoreUnavailable, FileExistsError) as error:
        print(f"{args.command} failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
