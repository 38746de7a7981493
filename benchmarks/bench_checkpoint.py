"""What checkpointing the log within CHECKPOINT_WINDOW_SECONDS of a save costs (issue 12, finding 4).

On a file of `--runners` runners (100 tests and 50 training entries each, as figure 2), in one run:
- baseline: a test with two symptom entries saved every PACE seconds, nothing checkpointing (the old app);
- app: the same saves while a thread calls Store.checkpoint_if_due every POLL_SECONDS, as the app's worker does;
- the checkpoints themselves (each one the worker made), and the log left behind at the end.

    .venv/bin/python -m benchmarks.bench_checkpoint [--runners 10000] [--seconds 20] [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.bench_store import build
from benchmarks.common import Row, Section, Series, ms, table

PACE = 0.05  # one save every 50 ms: 20 saves a second, far above a club's rate


def _test(day: dt.date, number: int):  # type: ignore[no-untyped-def]
    from calfcore.models import (
        HeelRaiseTest,
        LegPair,
        PainLocation,
        Protocol,
        Side,
        SymptomEntry,
    )

    test = HeelRaiseTest(
        tested_on=day, protocol=Protocol(), straight_reps=LegPair(20 + number % 9, 22), notes=f"bench {number}"
    )
    return test, [SymptomEntry(day, side, 1, 1, 5, PainLocation.CALF) for side in (Side.LEFT, Side.RIGHT)]


def _saves(store, runner_ids: list[int], seconds: float, checkpoints: Series | None) -> Series:  # type: ignore[no-untyped-def]
    """Saves at PACE for `seconds`; with `checkpoints`, a worker-like thread checkpoints meanwhile and times it."""
    from calfstore import LOCAL_OWNER
    from calfstore.duckdb_backup import POLL_SECONDS

    saves, stop = Series(), threading.Event()

    def worker() -> None:
        while not stop.is_set():
            began = time.perf_counter()
            if store.checkpoint_if_due():
                checkpoints.add(time.perf_counter() - began)  # type: ignore[union-attr]
            stop.wait(POLL_SECONDS)

    thread = threading.Thread(target=worker, daemon=True) if checkpoints is not None else None
    if thread:
        thread.start()
    day, number, deadline = dt.date.today(), 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        test, symptoms = _test(day, number)
        began = time.perf_counter()
        store.save_test(LOCAL_OWNER, runner_ids[number % len(runner_ids)], test, symptoms)
        saves.add(time.perf_counter() - began)
        number += 1
        time.sleep(PACE)
    stop.set()
    if thread:
        thread.join()
    return saves


def run(runners: int, seconds: float, folder: Path) -> Section:
    from calfstore import LOCAL_OWNER
    from calfstore.duckdb_store import CHECKPOINT_WINDOW_SECONDS, DuckDBStore

    started = time.perf_counter()
    section = Section(f"Checkpointing the log within {CHECKPOINT_WINDOW_SECONDS:g} s of a save")
    rows: dict[str, Series] = {}
    for name in ("baseline", "app"):
        path = folder / f"{name}.duckdb"
        build(path, runners, dt.date.today(), 100, 50)
        store = DuckDBStore.open(path, cluster=False)
        ids = [int(r.id) for r in store.list_runners(LOCAL_OWNER)]
        checkpoints = Series() if name == "app" else None
        rows[name] = _saves(store, ids, seconds, checkpoints)
        if checkpoints is not None:
            rows["checkpoints"] = checkpoints
        wal = path.with_name(path.name + ".wal")
        rows[f"{name} log"] = Series([wal.stat().st_size if wal.exists() else 0])
        store.close()
    app, baseline, made = rows["app"], rows["baseline"], rows["checkpoints"]
    section.rows.append(
        Row(
            "8",
            f"save a test + 2 symptoms, {runners:,} runners",
            app,
            baseline,
            note=f"one save per {PACE * 1000:.0f} ms for {seconds:g} s, each way",
        )
    )
    section.rows.append(
        Row(
            "8",
            "one checkpoint (by the worker)",
            made,
            None,
            note=f"{len(made)} in {seconds:g} s; slowest {ms(max(made.values, default=0))}",
        )
    )
    section.notes.append(
        f"Saves during the run: slowest {ms(max(app.values))} with checkpointing, {ms(max(baseline.values))} "
        f"without. Log left at the end: {rows['app log'].values[0] / 1024:.0f} KB with checkpointing, "
        f"{rows['baseline log'].values[0] / 1024:.0f} KB without (all of it only in the log)."
    )
    section.seconds = time.perf_counter() - started
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=1_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--smoke", action="store_true", help="40 runners, 6 seconds")
    args = parser.parse_args()
    runners, seconds = (40, 6.0) if args.smoke else (args.runners, args.seconds)
    section = run(runners, seconds, Path(tempfile.mkdtemp(prefix="calf-bench-checkpoint-")))
    print(section.title)
    print(table(section.rows))
    for note in section.notes:
        print(note)
    print(f"({section.seconds:.0f} s)")


if __name__ == "__main__":
    main()
