"""Figure 10 (issue 27): importing a bulk export of 1,000 runs, and the dashboard rerun with three years of runs.

The archive is a Strava-style export: 1,000 runs as gzipped FIT files written by fit-tool (the encoder the tests'
fixtures use, tests/data/runs/make_fixtures.py) plus its activities.csv naming the same runs, so the import reads
2,000 runs and keeps 1,000 (every run in the CSV is a copy of its FIT file). Each import runs in a fresh process
(`--child`) the way the Runs page does it: read the upload (calfcore.run_files.read_uploads), leave out the copies
against the stored runs (calfcore.runs.new_runs), save them (Store.save_runs) into a DuckDB file. Timed from the
archive's bytes in memory to the commit; memory is the process's peak resident set (VmHWM, reset just before) above
its resident set when idle (modules imported, store open). Goal: at most 10 s and 100 MB.

The dashboard rerun: the three-year runner of figure 1 (benchmarks.history.three_years, with its 624 runs) on the
DuckDB file, against a bare baseline of the same elements, as in figure 1.
Usage: python -m benchmarks.bench_runs [--smoke]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from benchmarks import bench_rerun, history
from benchmarks.common import REPO, Row, Section, Series, table

RUNS = 1_000
GOAL_SECONDS = 10.0
GOAL_MB = 100.0


def make_archive(path: Path, count: int, today: dt.date) -> int:
    """A bulk export of `count` daily runs ending yesterday: FIT files (gzipped) and activities.csv. Its size."""
    from fit_tool.profile.profile_type import Sport, SubSport

    from tests.data.runs.make_fixtures import fit_activity

    rows = [["Activity ID", "Activity Date", "Activity Type", "Distance", "Filename", "Moving Time", "Distance"]]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(count):
            start = dt.datetime.combine(today - dt.timedelta(days=count - number), dt.time(6, 30), dt.UTC)
            metres = 5_000.0 + (number % 17) * 700.0
            seconds = metres * 0.33
            name = f"activities/{number + 1}.fit.gz"
            fit = fit_activity(start, Sport.RUNNING, SubSport.STREET, metres, seconds, 40 + number % 90)
            archive.writestr(name, gzip.compress(fit, mtime=0))
            when = start.strftime("%b %d, %Y, %I:%M:%S %p").replace(" 0", " ")
            rows.append([str(number + 1), when, "Run", f"{metres / 1000:.2f}", name, f"{seconds:.0f}", f"{metres}"])
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        archive.writestr("activities.csv", out.getvalue())
    return path.stat().st_size


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(archive: Path, db_path: Path, today: dt.date) -> None:
    """One import in this process; prints its seconds, stored runs and memory as JSON."""
    import gc

    from calfcore.models import RunnerProfile, Sex, Units
    from calfcore.run_files import read_uploads
    from calfcore.runs import new_runs
    from calfstore import LOCAL_OWNER
    from calfstore.duckdb_store import DuckDBStore

    store = DuckDBStore.open(db_path)
    runner = store.create_runner(LOCAL_OWNER, RunnerProfile("Import runner", 1985, Sex.FEMALE, Units.KG))
    data = archive.read_bytes()  # the upload, as Streamlit holds it
    gc.collect()
    idle = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # peak resident set := resident set now (Linux 4.0+)
    started = time.perf_counter()
    found = read_uploads([(archive.name, data)], today)
    if found.problems:
        raise RuntimeError(found.problems)
    fresh, copies = new_runs(store.list_runs(LOCAL_OWNER, int(runner.id)), found.runs)
    saved = store.save_runs(LOCAL_OWNER, int(runner.id), found.runs)
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    store.close()
    print(json.dumps({"seconds": seconds, "idle_mb": idle, "peak_mb": peak, "saved": len(saved), "copies": copies}))


def _import_once(archive: Path, folder: Path, number: int, today: dt.date) -> dict[str, float]:
    db_path = folder / f"import-{number}.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_runs", "--child", str(archive), str(db_path), today.isoformat()],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"the import failed:\n{done.stdout}\n{done.stderr}")
    for name in (db_path, db_path.with_suffix(".duckdb.wal")):
        name.unlink(missing_ok=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _dashboard(smoke: bool, reps: int, folder: Path, today: dt.date) -> tuple[Row, int]:
    """The dashboard of the three-year runner (with runs) against its bare baseline, alternating."""
    folder.mkdir(parents=True, exist_ok=True)
    bench_rerun.like_a_server()
    fixture = bench_rerun.prepare(folder, today, smoke)
    os.environ["CALF_DB_PATH"] = str(fixture.db_path)
    app = bench_rerun.app_session("dashboard", fixture)
    spec, counts = bench_rerun.capture_page(app, folder / "specs", "dashboard")
    if not any("Running per week" in str(chart.proto.alt) for chart in app.get("vega_lite_chart")):
        raise RuntimeError("the dashboard drew no running bars")
    app_times, base_times = bench_rerun.against_baseline(app, spec, counts, folder, "dashboard", reps)
    from calfstore.url import duckdb_url
    from calfui.context import _open_store

    _open_store(duckdb_url(fixture.db_path)).close()
    _open_store.clear()
    runs = 64 if smoke else history.RUNS
    row = Row(
        "10",
        f"rerun: dashboard, three years with {runs} runs",
        app_times,
        base_times,
        goal=bench_rerun.GOAL,
        note=f"{sum(counts.values())} elements, {counts.get('vega_lite_chart', 0)} charts",
    )
    return row, runs


def run(smoke: bool = False, reps: int | None = None, folder: Path | None = None) -> Section:
    today = dt.date.today()
    count = 50 if smoke else RUNS
    imports = reps or (2 if smoke else 7)
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-runs-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    archive = folder / "export.zip"
    size = make_archive(archive, count, today)
    made = time.perf_counter() - started
    seconds, memory = Series(), Series()
    for number in range(imports):
        result = _import_once(archive, folder, number, today)
        if result["saved"] != count or result["copies"] != count:
            raise RuntimeError(f"the import kept {result['saved']} and left {result['copies']} copies: {result}")
        seconds.add(result["seconds"])
        memory.add(result["peak_mb"] - result["idle_mb"])
    idle = result["idle_mb"]
    section = Section("Importing runs, and the dashboard with three years of them (issue 27)")
    section.rows.append(
        Row(
            "10",
            f"import a bulk export of {count:,} runs",
            seconds,
            goal_text=f"≤ {GOAL_SECONDS:g} s",
            met_override=seconds.p95 <= GOAL_SECONDS,
            note=f"{size / 1_048_576:.1f} MB ZIP: {count:,} FIT (gzipped) + activities.csv, {count:,} copies left out",
        )
    )
    section.rows.append(
        Row(
            "10",
            f"import a bulk export of {count:,} runs: peak memory above idle",
            memory,
            app_text=(f"{memory.p50:.0f} MB", f"{memory.p95:.0f} MB"),
            goal_text=f"≤ {GOAL_MB:g} MB",
            met_override=memory.p95 <= GOAL_MB,
            note=f"idle process {idle:.0f} MB (modules loaded, store open)",
        )
    )
    dashboard, runs = _dashboard(smoke, 2 if smoke else 25, folder / "dashboard", today)
    section.rows.append(dashboard)
    section.notes.append(
        f"The archive (made in {made:.0f} s, not timed): {count:,} runs as gzipped FIT files written by fit-tool "
        "(a few track points each: the import reads every record of a file and keeps none) and an activities.csv "
        "naming the same runs, as a Strava export holds both. Each of the "
        f"{imports} imports runs in a fresh process, timed from the upload's bytes in memory to the commit (read, "
        "leave out copies, save); memory is the peak resident set (VmHWM, reset just before the import) minus the "
        "resident set just before it. The dashboard row: figure 1's three-year runner with "
        f"{runs} runs{' (smoke: a tenth)' if smoke else ''}, DuckDB, against a baseline of the same elements."
    )
    section.seconds = time.perf_counter() - started
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="50 runs, a tenth of the history, two runs per side")
    parser.add_argument("--reps", type=int, help="imports (each in a fresh process)")
    parser.add_argument("--child", nargs=3, metavar=("ARCHIVE", "DB", "TODAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        archive, db_path, today = args.child
        child(Path(archive), Path(db_path), dt.date.fromisoformat(today))
        return
    print(table(run(args.smoke, args.reps).rows))


if __name__ == "__main__":
    main()
