"""Figure 2: the store at club and platform scale.

Three database files are built side by side with Store.bulk_load (DuckDB's insert from pandas frames): 100,
1,000 and 10,000 runners, each runner with 100 weekly tests (two symptom entries each) and 50 routine log entries,
stored in date order as they would have arrived (so one runner's rows are spread over the whole file). With the
three stores open at once and in interleaved rounds, the dashboard's queries for one random runner
(calfstore load_records, what pages/dashboard_page.py calls) are timed three times: on the files as the rows
arrived; after the maintenance step Store.cluster_by_runner (each runner table rewritten in runner order, which
Store.open does when due), with saves of a test and its two symptom entries in between; and after six more weeks
of records for every runner have arrived unclustered (just under the rows that make Store.open cluster again at
10,000 runners). Also the store's start-up (Store.open: connect, check the migrations, check the clustering) and
file sizes after a checkpoint.
Usage: python -m benchmarks.bench_store [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from benchmarks import postgres
from benchmarks.common import Row, Section, Series, ms, table
from benchmarks.platform_data import frames
from calfstore.bulk import bulk_load, bulk_load_postgres
from calfstore.duckdb_store import DuckDBStore

FULL_SCALES = (100, 1_000, 10_000)
SMOKE_SCALES = (10, 40)
POSTGRES_FULL_SCALES = (100, 10_000)  # issue 13: the 10,000-runner figure against the 100-runner one
QUERY_GOAL_SECONDS = 0.005  # "a few milliseconds"
GROWTH_GOAL = 1.25  # per-runner time at the largest scale over the smallest: "does not grow"
POSTGRES_GROWTH_GOAL = 1.1  # issue 13: indexes by runner make a runner's reads independent of the runner count
SAVE_GOAL_SECONDS = 0.005  # issue 13: a save on PostgreSQL, at the median
TAIL_WEEKS = 6  # weeks of records arriving after the clustering: 120,000 symptom entries at 10,000 runners


def _size_mb(path: Path) -> float:
    wal = path.with_name(path.name + ".wal")
    return (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6


def _load_in_chunks(
    load,
    runners: int,
    today: dt.date,
    tests_per_runner: int,  # noqa: ANN001
    logs_per_runner: int,
) -> tuple[float, float, dict[str, int]]:
    """Frames for 2,500 runners at a time (bounded memory), each loaded by `load(frames)`. Returns (seconds
    generating, seconds loading, rows per table)."""
    generated = loaded = 0.0
    rows: dict[str, int] = {}
    chunk = 2_500
    for first in range(0, runners, chunk):
        started = time.perf_counter()
        data = frames(first, min(chunk, runners - first), today, tests_per_runner, logs_per_runner)
        generated += time.perf_counter() - started
        started = time.perf_counter()
        for table_name, count in load(data).items():
            rows[table_name] = rows.get(table_name, 0) + count
        loaded += time.perf_counter() - started
    return generated, loaded, rows


def build(
    path: Path, runners: int, today: dt.date, tests_per_runner: int, logs_per_runner: int
) -> tuple[float, float, dict[str, int]]:
    """Create a file with `runners` runners. Returns (seconds generating, seconds loading, rows per table)."""
    from calfstore import LOCAL_OWNER

    store = DuckDBStore.open(path, cluster=False)
    generated, loaded, rows = _load_in_chunks(
        lambda data: bulk_load(store, LOCAL_OWNER, **data), runners, today, tests_per_runner, logs_per_runner
    )
    started = time.perf_counter()
    store.close()  # checkpoints the write-ahead log into the file
    loaded += time.perf_counter() - started
    return generated, loaded, rows


def _tail(store: object, today: dt.date, weeks: int) -> dict[str, int]:
    """`weeks` more weeks of records (a test with two symptom entries, a routine log) for every runner of the
    store, appended in date order through Store.bulk_load: rows that arrive after the clustering."""
    from calfstore import LOCAL_OWNER

    ids = [int(r.id) for r in store.list_runners(LOCAL_OWNER)]  # type: ignore[attr-defined]
    data = frames(0, len(ids), today + dt.timedelta(weeks=weeks), weeks, weeks, seed=29)
    del data["runners"]
    for name in ("tests", "symptoms", "routine_logs"):
        data[name]["runner_key"] = data[name]["runner_key"].map(dict(enumerate(ids)))
    return bulk_load(store, LOCAL_OWNER, None, **data)  # type: ignore[attr-defined]


def _time_queries(
    stores: dict[int, object],
    ids: dict[int, list[int]],
    rng: random.Random,
    reps: int,
    expected_tests: int,
    saves: dict[int, Series] | None = None,
) -> dict[int, Series]:
    """load_records for one random runner per file and round, the files taking turns (and, with `saves`, a save
    of a test with two symptom entries for another random runner after each)."""
    from calfcore.models import (
        HeelRaiseTest,
        LegPair,
        PainLocation,
        Protocol,
        Side,
        SymptomEntry,
    )
    from calfstore import LOCAL_OWNER

    scales = list(stores)
    queries = {scale: Series() for scale in scales}
    today = dt.date.today()
    for rep in range(reps + 3):  # three warm-up rounds
        for scale in scales if rep % 2 else list(reversed(scales)):
            store, runner_id = stores[scale], rng.choice(ids[scale])
            began = time.perf_counter()
            records = store.load_records(LOCAL_OWNER, runner_id)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - began
            if len(records.tests) < expected_tests:
                raise RuntimeError(f"runner {runner_id} has {len(records.tests)} tests")
            if rep >= 3:
                queries[scale].add(elapsed)
            if saves is not None:
                test = HeelRaiseTest(today, Protocol(), LegPair(rng.randint(10, 40), rng.randint(10, 40)))
                symptoms = [SymptomEntry(today, side, 1, None, 5, PainLocation.NONE) for side in Side]
                began = time.perf_counter()
                store.save_test(LOCAL_OWNER, rng.choice(ids[scale]), test, symptoms)  # type: ignore[attr-defined]
                if rep >= 3:
                    saves[scale].add(time.perf_counter() - began)
    return queries


def run(smoke: bool = False, reps: int | None = None, folder: Path | None = None) -> Section:
    from calfstore import LOCAL_OWNER
    from calfstore.duckdb_layout import (
        CLUSTER_MIN_ROWS,
        cluster_by_runner,
        unclustered_rows,
    )

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
    rng = random.Random(3)

    # 1. The files as the rows arrived (date order), before any clustering.
    stores = {scale: DuckDBStore.open(paths[scale], cluster=False) for scale in scales}
    ids = {scale: [int(r.id) for r in stores[scale].list_runners(LOCAL_OWNER)] for scale in scales}
    arrived = _time_queries(stores, ids, rng, reps, tests_per_runner)

    # 2. The maintenance step, once per file: the rewrite, then the checkpoint that frees the old blocks (close).
    clustering: dict[int, tuple[float, int]] = {}
    for scale in scales:
        began = time.perf_counter()
        rewritten = cluster_by_runner(stores[scale])
        stores[scale].close()
        clustering[scale] = (time.perf_counter() - began, sum(rewritten.values()))
    clustered_sizes = {scale: _size_mb(paths[scale]) for scale in scales}

    # 3. Start-up: open (connect, check migrations and clustering: nothing due), interleaved; then a fresh file.
    opens = {scale: Series() for scale in scales}
    fresh = Series()
    for round_ in range(3 if smoke else 7):
        for scale in scales:
            began = time.perf_counter()
            DuckDBStore.open(paths[scale]).close()
            opens[scale].add(time.perf_counter() - began)
        new = folder / f"fresh-{round_}.duckdb"
        began = time.perf_counter()
        DuckDBStore.open(new).close()
        fresh.add(time.perf_counter() - began)
        new.unlink()

    # 4. Clustered, with saves appending to it in between.
    stores = {scale: DuckDBStore.open(paths[scale]) for scale in scales}
    saves = {scale: Series() for scale in scales}
    clustered = _time_queries(stores, ids, rng, reps, tests_per_runner, saves)
    profile_lines = _query_breakdown(stores[scales[-1]], ids[scales[-1]], rng, 30 if smoke else 300)

    # 5. Six more weeks of everybody's records arrive after the clustering; Store.open leaves them (under the
    # threshold at 10,000 runners), so every query scans them.
    tail_rows = {scale: _tail(stores[scale], today, TAIL_WEEKS) for scale in scales}
    for store in stores.values():
        store.close()
    stores = {scale: DuckDBStore.open(paths[scale]) for scale in scales}
    unclustered = {scale: unclustered_rows(stores[scale]) for scale in scales}
    with_tail = _time_queries(stores, ids, rng, reps, tests_per_runner)
    for store in stores.values():
        store.close()

    small, large = scales[0], scales[-1]
    generated, loaded, rows = built[large]
    section.rows.append(
        Row(
            "2",
            f"bulk load {large:,} runners",
            app_text=(f"{generated + loaded:.1f} s", ""),
            note=f"{rows['test_sessions']:,} tests, {rows['symptom_entries']:,} symptoms, {rows['routine_logs']:,} "
            f"logs: generate {generated:.1f} s + insert {loaded:.1f} s",
        )
    )

    def query_rows(label: str, series: dict[int, Series], what: str, goal: bool) -> None:
        for scale in scales:
            growth = scale != small
            section.rows.append(
                Row(
                    "2",
                    f"dashboard queries, {scale:,} runners, {label}",
                    series[scale],
                    series[small] if growth else None,
                    goal=GROWTH_GOAL if growth and goal else None,
                    goal_text=(f"≤ {QUERY_GOAL_SECONDS * 1000:g} ms" + (f", ratio ≤ {GROWTH_GOAL:g}" if growth else ""))
                    if goal
                    else "",
                    met_override=(
                        series[scale].p50 <= QUERY_GOAL_SECONDS
                        and (not growth or series[scale].p50 / series[small].p50 <= GROWTH_GOAL)
                    )
                    if goal
                    else None,
                    note=f"load_records, {what}" + (f"; ratio = against {small:,} runners" if growth else ""),
                )
            )

    query_rows("as saved", arrived, "rows in arrival (date) order, before any clustering", goal=False)
    query_rows("clustered", clustered, "after Store.cluster_by_runner", goal=True)
    query_rows(
        f"clustered + {TAIL_WEEKS} weeks",
        with_tail,
        f"after {TAIL_WEEKS} more weeks of everyone's records arrived unclustered",
        goal=True,
    )
    for scale in scales:
        seconds, rewritten_rows = clustering[scale]
        section.rows.append(
            Row(
                "2",
                f"cluster_by_runner + checkpoint, {scale:,} runners",
                app_text=(f"{seconds:.2f} s", ""),
                note=f"{rewritten_rows:,} rows rewritten, once; file {sizes[scale]:.1f} → {clustered_sizes[scale]:.1f} MB",
            )
        )
    for scale in scales:
        section.rows.append(
            Row(
                "2",
                f"save test + 2 symptoms, {scale:,} runners",
                saves[scale],
                saves[small] if scale != small else None,
                note="ratio = against the smallest file" if scale != small else "",
            )
        )
    for scale in scales:
        section.rows.append(
            Row(
                "2",
                f"start-up (open + migrations), {scale:,} runners",
                opens[scale],
                note=f"clustered file {clustered_sizes[scale]:.0f} MB; nothing due"
                if clustered_sizes[scale] >= 10
                else f"clustered file {clustered_sizes[scale]:.1f} MB; nothing due",
            )
        )
    section.rows.append(Row("2", "start-up, fresh file (all migrations)", fresh))

    tail_text = ", ".join(f"{table} {count:,}" for table, count in unclustered[large].items() if count)
    section.notes.append(
        f"Files: {', '.join(f'{s:,} runners {sizes[s]:.1f} MB' for s in scales)} as saved "
        f"({tests_per_runner} tests with two symptom entries and {logs_per_runner} routine logs per runner); "
        f"after cluster_by_runner and a checkpoint {', '.join(f'{clustered_sizes[s]:.1f} MB' for s in scales)} "
        f"(DuckDB frees the old blocks and reuses them for later writes, but does not shrink the file). Query figures: "
        f"{reps} rounds after 3 warm-up rounds per state, the files taking turns; the save figures come from the "
        f"clustered round. Loading {large:,} runners took {generated:.1f} s to generate and {loaded:.1f} s to "
        f"insert (Store.bulk_load, one transaction, pandas frames)."
    )
    section.notes.append(
        f"Per-runner query time at {large:,} runners against {small:,} at the median: as saved "
        f"{arrived[large].p50 / arrived[small].p50:.2f}× ({ms(arrived[small].p50)} → {ms(arrived[large].p50)}), "
        f"clustered {clustered[large].p50 / clustered[small].p50:.2f}× ({ms(clustered[small].p50)} → "
        f"{ms(clustered[large].p50)}), with {TAIL_WEEKS} unclustered weeks "
        f"{with_tail[large].p50 / with_tail[small].p50:.2f}× ({ms(with_tail[small].p50)} → "
        f"{ms(with_tail[large].p50)}). load_records reads one snapshot: the runner's row (the ownership check), "
        "then one flat statement per table of records. The schema has no secondary indexes (they block later "
        "column changes in DuckDB), so each statement scans the row groups of its table whose min/max runner_id "
        "(zone map) admits the runner: in arrival order that is all of them; clustered, one or two, plus every "
        f"row that arrived since. The unclustered rows at {large:,} runners after the six weeks: {tail_text} "
        f"(Store.open clusters a table again at {CLUSTER_MIN_ROWS:,}: "
        f"{', '.join(f'{k} {v:,}' for k, v in tail_rows[large].items() if v)} were added)."
    )
    section.notes.append(
        f"Where load_records spends its time at {scales[-1]:,} runners, clustered (sampled, ms per call):"
    )
    section.notes.append("\n".join(profile_lines))
    postgres_rows(section, smoke, reps, today, tests_per_runner, logs_per_runner)
    section.seconds = time.perf_counter() - started
    return section


def postgres_rows(
    section: Section, smoke: bool, reps: int, today: dt.date, tests_per_runner: int, logs_per_runner: int
) -> None:
    """Issue 13: the same dashboard read and save on PostgreSQL (a throwaway cluster, fsync on), at 100 and
    10,000 runners, the two databases taking turns; rows loaded with bulk_load_postgres in arrival (date) order."""
    from calfstore import LOCAL_OWNER, open_store

    scales = SMOKE_SCALES if smoke else POSTGRES_FULL_SCALES
    small, large = scales[0], scales[-1]
    cluster = postgres.start_cluster()
    stores: dict[int, object] = {}
    try:
        built = {}
        disk_mb = {}
        for scale in scales:
            store = stores[scale] = open_store(postgres.new_database(cluster))
            disk_before = postgres.disk_mb(cluster)
            built[scale] = _load_in_chunks(
                lambda data, s=store: bulk_load_postgres(s, LOCAL_OWNER, **data),  # type: ignore[misc]
                scale,
                today,
                tests_per_runner,
                logs_per_runner,
            )
            disk_mb[scale] = postgres.disk_mb(cluster) - disk_before
        ids = {
            scale: [int(r.id) for r in stores[scale].list_runners(LOCAL_OWNER)]  # type: ignore[attr-defined]
            for scale in scales
        }
        as_loaded = _time_queries(
            stores, ids, random.Random(5), reps, tests_per_runner, {scale: Series() for scale in scales}
        )
        cluster_seconds = {}
        for (
            scale
        ) in scales:  # the maintenance step, as DuckDB's figure clusters its files (python -m calfstore cluster)
            began = time.perf_counter()
            stores[scale].cluster_by_runner()  # type: ignore[attr-defined]
            cluster_seconds[scale] = time.perf_counter() - began
        saves = {scale: Series() for scale in scales}
        queries = _time_queries(stores, ids, random.Random(5), reps, tests_per_runner, saves)
        profile_lines = _query_breakdown(stores[large], ids[large], random.Random(7), 30 if smoke else 300)
    finally:
        for store in stores.values():
            store.close()  # type: ignore[attr-defined]
        cluster.stop()
    generated, loaded, rows = built[large]
    section.rows.append(
        Row(
            "2",
            f"bulk load {large:,} runners, PostgreSQL",
            app_text=(f"{generated + loaded:.1f} s", ""),
            note=f"{rows['test_sessions']:,} tests, {rows['symptom_entries']:,} symptoms, {rows['routine_logs']:,} "
            f"logs: generate {generated:.1f} s + COPY, indexes and ANALYZE {loaded:.1f} s; on disk "
            f"{disk_mb[large]:.0f} MB with its indexes ({disk_mb[large] * 1e6 / large / 1e3:.0f} kB per runner)",
        )
    )
    for scale in scales:
        section.rows.append(
            Row(
                "2",
                f"dashboard queries, PostgreSQL as loaded, {scale:,} runners",
                as_loaded[scale],
                as_loaded[small] if scale != small else None,
                note="rows in arrival (date) order, before the clustering; no goal"
                + (f"; ratio = against {small:,} runners" if scale != small else ""),
            )
        )
    for scale in scales:
        section.rows.append(
            Row(
                "2",
                f"python -m calfstore cluster, PostgreSQL, {scale:,} runners",
                app_text=(f"{cluster_seconds[scale]:.2f} s", ""),
                note="CLUSTER tests, symptoms and logs by their runner index, then ANALYZE (locks each table meanwhile)",
            )
        )
    for scale in scales:
        growth = scale != small
        section.rows.append(
            Row(
                "2",
                f"dashboard queries, PostgreSQL clustered, {scale:,} runners",
                queries[scale],
                queries[small] if growth else None,
                goal=POSTGRES_GROWTH_GOAL if growth else None,
                goal_text=f"≤ {QUERY_GOAL_SECONDS * 1000:g} ms"
                + (f", ratio ≤ {POSTGRES_GROWTH_GOAL:g}" if growth else ""),
                met_override=queries[scale].p50 <= QUERY_GOAL_SECONDS
                and (not growth or queries[scale].p50 / queries[small].p50 <= POSTGRES_GROWTH_GOAL),
                note="load_records over the pool (loopback TCP), after the clustering, indexes by runner"
                + (f"; ratio = against {small:,} runners" if growth else ""),
            )
        )
    for scale in scales:
        section.rows.append(
            Row(
                "2",
                f"save test + 2 symptoms, PostgreSQL, {scale:,} runners",
                saves[scale],
                saves[small] if scale != small else None,
                goal_text=f"≤ {SAVE_GOAL_SECONDS * 1000:g} ms",
                met_override=saves[scale].p50 <= SAVE_GOAL_SECONDS,
                note="one transaction with its commit (fsync on), the runner's row locked FOR KEY SHARE"
                + ("; ratio = against the smallest database" if scale != small else ""),
            )
        )
    section.notes.append(
        f"PostgreSQL ({', '.join(f'{s:,}' for s in scales)} runners, the same rows per runner as the DuckDB files): a "
        f"throwaway cluster on loopback with fsync on (tests/pgcluster.py), one database per scale filled with "
        f"calfstore.bulk.bulk_load_postgres in date order, {reps} rounds after 3 warm-up rounds, the databases taking "
        f"turns, a save of a test and its two symptom entries for another random runner after each read, timed as "
        f"loaded and again after `python -m calfstore cluster`. Per-runner read at {large:,} against {small:,} "
        f"runners: as loaded {as_loaded[large].p50 / as_loaded[small].p50:.2f}×, clustered "
        f"{queries[large].p50 / queries[small].p50:.2f}× "
        f"({ms(queries[small].p50)} → {ms(queries[large].p50)}); save {ms(saves[small].p50)} → "
        f"{ms(saves[large].p50)}. Loading {large:,} runners: {generated:.1f} s to generate, {loaded:.1f} s to load."
    )
    section.notes.append(
        f"Where load_records spends its time on PostgreSQL at {large:,} runners (sampled, ms per "
        f"call; psycopg's time, waiting for the server included, is filed under the line that called it):"
    )
    section.notes.append("\n".join(profile_lines))


def _query_breakdown(store: object, ids: list[int], rng: random.Random, calls: int) -> list[str]:
    import threading

    from benchmarks.profile import sampling, source_line
    from calfstore import LOCAL_OWNER

    with sampling(thread=threading.get_ident()) as profile:
        for _ in range(calls):
            store.load_records(LOCAL_OWNER, rng.choice(ids))  # type: ignore[arg-type]
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
