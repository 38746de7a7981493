"""Kill during Store.cluster_by_runner: a process rewriting a club-sized file's runner tables by runner is
SIGKILLed at moments spread over the rewrite (and its commit and checkpoint). After every kill the file opens with
every row, id and value it had, each table either wholly in its old order or wholly clustered, and the store works.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from calfcore.models import HeelRaiseTest, LegPair, Protocol
from calfstore import LOCAL_OWNER, RUNNER_TABLES, Store
from calfstore.bulk import bulk_load
from calfstore.duckdb_files import snapshot
from calfstore.duckdb_store import DuckDBStore

REPO = Path(__file__).resolve().parents[2]
KILLS = 6
CLUSTER = """
import sys, time
from calfstore.duckdb_layout import cluster_by_runner
from calfstore.duckdb_store import DuckDBStore
store = DuckDBStore.open(sys.argv[1], cluster=False)
print("ready", flush=True)
began = time.perf_counter()
cluster_by_runner(store)
store.close()  # the checkpoint: the old tables' blocks are freed here
print("done", time.perf_counter() - began, flush=True)
"""


def _tables(store: Store) -> dict[str, list[tuple]]:
    return {table: rows for table, rows in snapshot(store).items() if table in (*RUNNER_TABLES, "runners")}


def _order(store: Store, table: str) -> list[tuple[int, int]]:
    with store._cursor() as cursor:  # noqa: SLF001 (the stored order is what this checks)
        return cursor.execute(f"SELECT runner_id, id FROM {table}").fetchall()


def _run(db: Path, kill_after: float | None) -> str:
    """Run the rewrite on `db`; SIGKILL it `kill_after` seconds after it started (None: let it finish)."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLUSTER, str(db)],
        cwd=REPO,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout.readline().startswith("ready"), process.stderr.read()
        if kill_after is None:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            return out
        time.sleep(kill_after)
        os.kill(process.pid, signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        return out
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigkill_during_clustering_loses_and_changes_nothing(tmp_path: Path, figures) -> None:
    from benchmarks.platform_data import frames

    original = tmp_path / "original.duckdb"
    with closing(DuckDBStore.open(original)) as store:
        bulk_load(store, LOCAL_OWNER, **frames(0, 1_500, dt.date(2026, 6, 1), 20, 10))
        rows = _tables(store)
        orders = {table: _order(store, table) for table in RUNNER_TABLES}
        runners = [int(r.id) for r in store.list_runners(LOCAL_OWNER)][::97]
        records = {runner_id: store.load_records(LOCAL_OWNER, runner_id) for runner_id in runners}
    assert orders["test_sessions"] != sorted(orders["test_sessions"])

    timed = tmp_path / "timed.duckdb"
    shutil.copy(original, timed)
    seconds = float(_run(timed, None).split()[-1])  # how long one whole rewrite takes here

    outcomes = {"before": 0, "after": 0}
    for kill in range(KILLS):
        db = tmp_path / f"killed-{kill}.duckdb"
        shutil.copy(original, db)
        output = _run(db, seconds * (0.1 + 1.1 * kill / (KILLS - 1)))
        with closing(DuckDBStore.open(db, cluster=False)) as store:  # the restart: DuckDB replays or drops its log
            assert _tables(store) == rows, f"kill {kill}: rows changed"
            assert {runner_id: store.load_records(LOCAL_OWNER, runner_id) for runner_id in runners} == records
            after = {table: _order(store, table) for table in RUNNER_TABLES}
            clustered = {table for table in RUNNER_TABLES if after[table] != orders[table]}
            for table in clustered:
                assert after[table] == sorted(orders[table]), f"kill {kill}: {table} half rewritten"
            assert clustered in (set(), {t for t in RUNNER_TABLES if orders[t] != sorted(orders[t])}), clustered
            outcomes["after" if clustered else "before"] += 1
            assert ("done" in output) <= bool(clustered)
            runner_id = runners[0]
            store.save_test(LOCAL_OWNER, runner_id, HeelRaiseTest(dt.date(2026, 6, 2), Protocol(), LegPair(3, 4)))
            assert len(store.load_records(LOCAL_OWNER, runner_id).tests) == len(records[runner_id].tests) + 1
    assert outcomes["before"] >= 1  # some kills did land inside the rewrite
    figures.add(
        "clustering",
        faults_injected=KILLS,
        killed_before_commit=outcomes["before"],
        killed_after_commit=outcomes["after"],
        rows_checked=sum(map(len, rows.values())),
        lost=0,
    )
