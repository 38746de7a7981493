"""`python -m calfstore migrate | copy`: the store's own commands (backups: `python -m calfstore.backup`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from calfstore import open_store
from calfstore.errors import StoreError
from calfstore.url import DatabaseUrl, configured_database, parse_database_url


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calfstore", description="Calf Check's database commands.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "migrate",
        help="bring the database CALF_DATABASE_URL names up to the current schema, "
        "once (run it before starting a new version's processes)",
    )
    commands.add_parser(
        "cluster",
        help="rewrite the runner tables in runner order (DuckDB: stop the app first; "
        "PostgreSQL: locks each table for seconds, run it at a quiet hour)",
    )
    copy = commands.add_parser("copy", help="copy a DuckDB file into an empty PostgreSQL database, checked")
    copy.add_argument("--to", required=True, help="postgresql://user:password@host:port/dbname (must be empty)")
    copy.add_argument(
        "--from",
        dest="source",
        default=None,
        help="the DuckDB file (default: CALF_DB_PATH or data/calfcheck.duckdb); stop the app first",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "migrate":
            database = configured_database()
            store = open_store(database)
            try:
                print(f"{database.redacted}: schema versions {store.schema_versions()} (up to date).")
            finally:
                store.close()
            return 0
        if args.command == "cluster":
            return _cluster(configured_database())
        from calfstore.transfer import copy_to_postgres

        target = parse_database_url(args.to)
        if target.backend != "postgresql":
            print("copy failed: --to must be a postgresql:// URL.", file=sys.stderr)
            return 2
        source = Path(args.source) if args.source else configured_database().path
        if source is None or not source.is_file():
            print(f"copy failed: there is no DuckDB file at {source}.", file=sys.stderr)
            return 1
        report = copy_to_postgres(source, target)
        rows = ", ".join(f"{table} {count}" for table, count in report.rows.items())
        print(
            f"Copied {source} into {target.redacted}: {rows}; {report.owners} owner(s). Counts checked per table "
            f"and per owner. Now set CALF_DATABASE_URL to the target and start the app."
        )
    except StoreError as error:
        print(f"{args.command} failed: {error}", file=sys.stderr)
        return 1
    return 0


def _cluster(database: DatabaseUrl) -> int:
    if database.backend == "postgresql":
        from calfstore.postgres_store import PostgresStore

        store = PostgresStore.open(database)
        try:
            tables = store.cluster_by_runner()
        finally:
            store.close()
        print(f"{database.redacted}: {', '.join(tables)} rewritten in runner order.")
        return 0
    from calfstore.duckdb_layout import cluster_by_runner
    from calfstore.duckdb_store import DuckDBStore

    assert database.path is not None
    duck = DuckDBStore.open(database.path, cluster=False)
    try:
        rewritten = cluster_by_runner(duck)
    finally:
        duck.close()
    print(f"{database.path}: {sum(rewritten.values())} rows rewritten in runner order.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
