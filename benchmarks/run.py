"""Run every benchmark of issue 5, print one table, and write it to docs/benchmarks.md (`make bench`).

1. rerun time per page (AppTest) against bare baselines, on DuckDB and PostgreSQL, with a breakdown of the pages
   that miss the goal (DuckDB);
2. the store at 100, 1,000 and 10,000 runners (DuckDB), and at 100 and 10,000 runners (PostgreSQL);
3. browser round trip, Save to the new point in the dashboard chart (Chromium), on DuckDB and PostgreSQL;
4. 1, 10 and 50 concurrent sessions (websocket client) behind HAProxy: DuckDB in one process, PostgreSQL in one and
   two, against bare Streamlit in one and two;
5. cold start to the first page drawn (Chromium);
6. the server's own CPU per run on real servers, app against bare Streamlit (websocket client, /proc);
7. the sidebar page switch in Chromium against a bare multipage app;
8. saves while the log is checkpointed within 5 s of each (issue 12), against saves with no checkpointing;
9. the coach's roster page at 50 runners with three years of history each (issue 14), against a bare baseline;
10. importing a bulk export of 1,000 runs (time, peak memory), and the dashboard with three years of runs (issue 27);
11. the motion counter over the trace library (issue 28): counts, stops, zero traces and raise-to-screen time.
Usage: python -m benchmarks.run [--smoke] [--output PATH] [--only 1,2,...]
With --smoke (tiny sizes, one or two repetitions; what the test suite runs) or --only nothing is written unless
--output is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import faulthandler
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import (
    bench_browser,
    bench_checkpoint,
    bench_cold_start,
    bench_load,
    bench_rerun,
    bench_roster,
    bench_runs,
    bench_server,
    bench_store,
    bench_switch,
    motion_counter,
)
from benchmarks.common import REPO, Section, machine, table
from benchmarks.profile import snapshot_sources

OUTPUT = REPO / "docs" / "benchmarks.md"
ALL_FIGURES = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}
KEEP = "<!-- Hand-written notes below this line are kept when make bench rewrites the file. -->"


def _code_state() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = [line for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line]
    return commit + (f" with uncommitted changes in {len(changed)} files" if changed else "")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(smoke: bool, only: set[str], folder: Path) -> tuple[list[Section], list[str]]:
    sections: list[Section] = []
    breakdown: list[str] = []
    steps = [
        ("1", "rerun time per page", lambda: bench_rerun.run(smoke, folder=folder / "rerun")),
        ("2", "store at scale", lambda: bench_store.run(smoke, folder=folder / "store")),
        ("3", "browser round trip", lambda: bench_browser.run(smoke, folder=folder / "browser")),
        ("4", "concurrent sessions", lambda: bench_load.run(smoke, folder=folder / "load")),
        ("5", "cold start", lambda: bench_cold_start.run(smoke, folder=folder / "cold")),
        ("6", "server CPU per run", lambda: bench_server.run(smoke, folder=folder / "server")),
        ("7", "sidebar page switch", lambda: bench_switch.run(smoke, folder=folder / "switch")),
        (
            "8",
            "checkpoint cost",
            lambda: bench_checkpoint.run(40 if smoke else 1_000, 6.0 if smoke else 20.0, folder / "checkpoint"),
        ),
        ("9", "roster page rerun", lambda: bench_roster.run(smoke, folder=folder / "roster")),
        ("10", "runs import", lambda: bench_runs.run(smoke, folder=folder / "runs")),
        ("11", "motion counter", lambda: motion_counter.run(smoke)),
    ]
    for figure, name, step in steps:
        if figure not in only:
            continue
        (
            folder
            / {
                "1": "rerun",
                "2": "store",
                "3": "browser",
                "4": "load",
                "5": "cold",
                "6": "server",
                "7": "switch",
                "8": "checkpoint",
                "9": "roster",
                "10": "runs",
                "11": "motion",
            }[figure]
        ).mkdir(parents=True, exist_ok=True)
        _log(f"[bench] {figure}. {name}...")
        started = time.perf_counter()
        section = step()
        if figure == "1":
            breakdown = bench_rerun.breakdown(section, 2 if smoke else 12)
            bench_rerun.close(section)
        section.seconds = time.perf_counter() - started
        _log(f"[bench] {figure}. {name}: {section.seconds:.0f} s")
        sections.append(section)
    return sections, breakdown


def report(sections: list[Section], breakdown: list[str], facts: dict[str, str], seconds: float, smoke: bool) -> str:
    rows = [row for section in sections for row in section.rows]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/run.py): everything above the hand-written notes at the end is "
        "regenerated. Issue 5: how fast every page is against bare Streamlit, at three years of history, at club "
        "scale and under load.",
        "",
        f"Run on {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, in {seconds / 60:.1f} minutes"
        + (" (SMOKE MODE: tiny sizes, figures meaningless)" if smoke else "")
        + ".",
        "",
        "| machine | |",
        "| --- | --- |",
        *(f"| {key} | {value} |" for key, value in facts.items()),
        "",
        "Every figure is a median (p50) and a 95th percentile (p95) over repeated runs, *n* of them. Every ratio "
        "is app ÷ baseline at the median (and at p95), both measured side by side in this run with their runs "
        "interleaved: on a busy 2-core machine absolute times vary from run to run, ratios much less.",
        "",
        table(rows, markdown=True),
        "",
    ]
    for section in sections:
        lines += [f"## {section.title}", ""]
        for note in section.notes:
            lines += [note, ""]
        if section.title.startswith("Rerun"):
            lines += ["### Where the rerun time goes (pages that miss the goal)", "", *breakdown, ""]
    return "\n".join(lines)


def main() -> None:
    faulthandler.enable()  # a crash in a native library (DuckDB, Arrow) prints every thread's stack
    snapshot_sources()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and one or two repetitions (for CI)")
    parser.add_argument("--output", type=Path, help=f"where to write the report (default {OUTPUT}; none in smoke)")
    parser.add_argument(
        "--only",
        default=",".join(sorted(ALL_FIGURES)),
        help="which figures, e.g. 1,3 (printed; written only with --output)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    facts = machine()
    facts["code"] = _code_state()
    folder = Path(tempfile.mkdtemp(prefix="calf-bench-"))
    sections, breakdown = run(args.smoke, set(args.only.split(",")), folder)
    seconds = time.perf_counter() - started
    print(table([row for section in sections for row in section.rows]))
    partial = set(args.only.split(",")) != ALL_FIGURES
    output = args.output or (None if args.smoke or partial else OUTPUT)  # the report always holds every figure
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        text = report(sections, breakdown, facts, seconds, args.smoke)
        previous = output.read_text() if output.exists() else ""
        kept = previous[previous.index(KEEP) :] if KEEP in previous else KEEP + "\n"
        output.write_text(text.rstrip("\n") + "\n\n" + kept)
        print(
            f"\nWritten to {output} ({seconds / 60:.1f} minutes; machine: {facts['cores']} cores, "
            f"{facts['memory']}, {facts['cpu']})."
        )


if __name__ == "__main__":
    main()
