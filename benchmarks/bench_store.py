"""Figure 2: the store at club and platform scale.

Three database files are built side by side with Store.bulk_load (DuckDB's insert from pandas frames): 100,
1,000 and 10,000 runners, each runner with 100 weekly tests (two symptom entries each) and 50 routine log entries,
stored in date order as they would have arrived (so one runner's rows are spread over the whole file). Then, with
the three stores open at once and in interleaved rounds: the dashboard's queries for one random runner
(calfcore.storage.load_records, what pages/dashboard_page.py calls), saving a test with its two symptom entries,
and the store's start-up (Store.open: connect and check the migrations). File sizes after a checkpoint.
Usage: python -m benchmarks.bench_store [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row, Section, Series, ms, table
from benchmarks.platform_data import frames

FULL_SCALES = (100, 1_000, 10_000)
SMOKE_SCALES = (10, 40)
QUERY_GOAL_SECONDS = 0.005  # "a few milliseconds"
GROWTH_GOAL = 1.25  # per-runner time at the largest scale over the smallest: "does not grow"


def _size_mb(path: Path) -> float:
    wal = path.with_name(path.name + ".wal")
    return (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6


def build(path: Path, runners: int, today: dt.date, tests_per_runner: int, logs_per_runner: int
          ) -> tuple[float, float, dict[str, int]]:
    """Create a file with `runners` runners. Returns (seconds generating, seconds loading, rows per table)."""
    from calfcore.storage import LOCAL_OWNER, Store

    store = Store.open(path)
    generated = loaded = 0.0
    rows: dict[str, int] = {}
    chunk = 2_500  # bounded memory: frames for 2,500 runners at a time
    for first in range(0, runners, chunk):
        started = time.perf_counter()
        data = frames(first, min(chunk, runners - first), today, tests_per_runner, logs_per_runner)
        generated += time.perf_counter() - started
        started = time.perf_counter()
        for table_name, count in store.bulk_load(LOCAL_OWNER, **data).items():
            rows[table_name] = rows.get(table_name, 0) + count
        loaded += time.perf_counter() - started
    started = time.perf_counter()
    store.close()  # checkpoints the write-ahead log into the file
    loaded += time.perf_counter() - started
    return generated, loaded, rows


def run(smoke: bool = False, reps: int | None = None, folder: Path | None = None) -> Section:
    from calfcore.models import HeelRaiseTest, LegPair, PainLocation, Protocol, Side, SymptomEntry
    from calfcore.storage import LOCAL_OWNER, Store, load_records

    scales = SMOKE_SCALES if smoke else FULL_SCALES
    tests_per_runner, logs_per_runner = (10, 5) if smoke else (100, 50)
    reps = reps or (5 if smoke else 200)
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-store-"))
    today = dt.date.today()
    started = time.perf_counter()
    section = Section("Store at club and platform scale")
    paths = {scale: folder / f"store-{scale}.duckdb" for scale in scales}
    built = {scale: build(paths[scale], scale, today, tests_per_runner, logs_per_runner) for scale in scales}
    sizes = {scale: _size_mb(paths[scale]) for scale in scales}

    # Start-up: open (connect + check migrations), interleaved across the files; then a fresh file (all steps).
    opens = {scale: Series() for scale in scales}
    fresh = Series()
    for round_ in range(3 if smoke else 7):
        for scale in scales:
            began = time.perf_counter()
            Store.open(paths[scale]).close()
            opens[scale].add(time.perf_counter() - began)
        new = folder / f"fresh-{round_}.duckdb"
        began = time.perf_counter()
        Store.open(new).close()
        fresh.add(time.perf_counter() - began)
        new.unlink()

    stores = {scale: Store.open(paths[scale]) for scale in scales}
    ids = {scale: [int(r.id) for r in stores[scale].list_runners(LOCAL_OWNER)] for scale in scales}
    rng = random.Random(3)
    queries = {scale: Series() for scale in scales}
    saves = {scale: Series() for scale in scales}
    for rep in range(reps + 3):  # three warm-up rounds
        for scale in (scales if rep % 2 else tuple(reversed(scales))):
            store, runner_id = stores[scale], rng.choice(ids[scale])
            began = time.perf_counter()
            records = load_records(store, LOCAL_OWNER, runner_id)
            elapsed = time.perf_counter() - began
            if len(records.tests) < tests_per_runner:
                raise RuntimeError(f"runner {runner_id} has {len(records.tests)} tests")
            test = HeelRaiseTest(today, Protocol(), LegPair(rng.randint(10, 40), rng.randint(10, 40)))
            symptoms = [SymptomEntry(today, side, 1, None, 5, PainLocation.NONE) for side in Side]
            began = time.perf_counter()
            store.save_test(LOCAL_OWNER, rng.choice(ids[scale]), test, symptoms)
            saved = time.perf_counter() - began
            if rep >= 3:
                queries[scale].add(elapsed)
                saves[scale].add(saved)
    profile_lines = _query_breakdown(stores[scales[-1]], ids[scales[-1]], rng, 30 if smoke else 300)
    for store in stores.values():
        store.close()

    small, large = scales[0], scales[-1]
    generated, loaded, rows = built[large]
    section.rows.append(Row(
        "2", f"bulk load {large:,} runners", app_text=(f"{generated + loaded:.1f} s", ""),
        note=f"{rows['test_sessions']:,} tests, {rows['symptom_entries']:,} symptoms, {rows['routine_logs']:,} "
             f"logs: generate {generated:.1f} s + insert {loaded:.1f} s"))
    for scale in scales:
        growth = scale != small
        section.rows.append(Row(
            "2", f"dashboard queries, {scale:,} runners", queries[scale], queries[small] if growth else None,
            goal=GROWTH_GOAL if growth else None,
            goal_text=f"≤ {QUERY_GOAL_SECONDS * 1000:g} ms" + (f", ratio ≤ {GROWTH_GOAL:g}" if growth else ""),
            met_override=(queries[scale].p50 <= QUERY_GOAL_SECONDS
                          and (not growth or queries[scale].p50 / queries[small].p50 <= GROWTH_GOAL)),
            note=f"load_records for one random runner; ratio = against {small:,} runners" if growth
            else "load_records for one random runner"))
    for scale in scales:
        section.rows.append(Row("2", f"save test + 2 symptoms, {scale:,} runners", saves[scale],
                                saves[small] if scale != small else None,
                                note="ratio = against the smallest file" if scale != small else ""))
    for scale in scales:
        section.rows.append(Row("2", f"start-up (open + migrations), {scale:,} runners", opens[scale],
                                note=f"file {sizes[scale]:.0f} MB" if sizes[scale] >= 10 else
                                f"file {sizes[scale]:.1f} MB"))
    section.rows.append(Row("2", "start-up, fresh file (all migrations)", fresh))
    section.notes.append(
        f"Files: {', '.join(f'{s:,} runners {sizes[s]:.1f} MB' for s in scales)} ({tests_per_runner} tests with two "
        f"symptom entries and {logs_per_runner} routine logs per runner). Query and save figures: {reps} rounds "
        f"after 3 warm-up rounds, the files taking turns. Loading {large:,} runners took {generated:.1f} s to "
        f"generate and {loaded:.1f} s to insert (Store.bulk_load, one transaction, pandas frames).")
    section.notes.append(
        f"Per-runner query time at {large:,} runners against {small:,}: "
        f"{queries[large].p50 / queries[small].p50:.2f}× at the median ({ms(queries[small].p50)} → "
        f"{ms(queries[large].p50)}). load_records makes 8 queries (get_runner, then list_tests, list_symptoms and "
        "list_routine_logs, each after its own _require_runner check). The schema has no secondary indexes "
        "(storage.py avoids them), so each per-runner query scans its whole table; one runner's rows are spread "
        "over the file in date order, so DuckDB's zone maps can't skip much.")
    section.notes.append(f"Where load_records spends its time at {scales[-1]:,} runners (sampled, ms per call):")
    section.notes.append("\n".join(profile_lines))
    section.seconds = time.perf_counter() - started
    return section


def _query_breakdown(store: object, ids: list[int], rng: random.Random, calls: int) -> list[str]:
    from benchmarks.profile import sampling, source_line
    from calfcore.storage import LOCAL_OWNER, load_records

    import threading

    with sampling(thread=threading.get_ident()) as profile:
        for _ in range(calls):
            load_records(store, LOCAL_OWNER, rng.choice(ids))  # type: ignore[arg-type]
    profile.runs = calls
    by_line: dict[str, float] = {}
    for (where, _), samples in profile.hot.items():
        by_line[where] = by_line.get(where, 0.0) + profile.ms(samples)
    lines = ["| ms per call | where | line |", "| --- | --- | --- |"]
    for where, value in sorted(by_line.items(), key=lambda kv: -kv[1])[:8]:
        lines.append(f"| {value:.2f} | `{where}` | `{source_line(where)[:90]}` |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny files, a few rounds")
    parser.add_argument("--reps", type=int)
    args = parser.parse_args()
    section = run(args.smoke, args.reps)
    print(table(section.rows))
    for note in section.notes:
        print(note)


if __name__ == "__main__":
    main()
