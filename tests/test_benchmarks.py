"""The benchmark scripts (benchmarks/, `make bench`) still run: every figure in smoke mode (tiny sizes, one or two
repetitions). The figures themselves mean nothing here; they are never asserted. Uses Chromium, like tests/e2e."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_architecture import SQL

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((REPO / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_benchmarks_have_no_sql(path: Path) -> None:
    """SQL lives only in calfstore/; benchmarks load data through it (calfstore.bulk)."""
    assert not SQL.search(path.read_text()), f"SQL in benchmarks/{path.name}"


@pytest.mark.e2e
def test_every_benchmark_runs_in_smoke_mode(tmp_path: Path) -> None:
    # Two processes side by side (each figure is independent) to keep this near a minute on two cores.
    groups = {"a": "1,2,4,7,11", "b": "3,5,6,8,9,10"}
    from benchmarks.run import KEEP

    (tmp_path / "a.md").write_text(f"# An old report\n\n{KEEP}\n\nNotes by hand.\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = {
        name: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.run",
                "--smoke",
                "--only",
                only,
                "--output",
                str(tmp_path / f"{name}.md"),
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, only in groups.items()
    }
    outputs = {}
    for name, process in runs.items():
        try:
            outputs[name], _ = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            outputs[name], _ = process.communicate()
        assert process.returncode == 0, outputs[name]
    printed = outputs["a"] + outputs["b"]
    for measure in (
        "rerun: home",
        "rerun: record",
        "rerun: dashboard",
        "rerun: routine",
        "rerun: history",
        "rerun: share",
        "rerun: coach",
        "dashboard queries",
        "save test + 2 symptoms",
        "start-up",
        "Save → new point in the raises chart",
        "sessions: round trip",
        "cold start → first page drawn",
        "server CPU per run (real server)",
        "page switch: Home → Record",
        "page switch: Record → Dashboard",
        "page switch: Dashboard → Home",
        "one checkpoint (by the worker)",
        "rerun: roster",
        "rerun: roster, 3 runners, PostgreSQL",  # issue 25: the roster on PostgreSQL too
        "import a bulk export of 50 runs",
        "rerun: dashboard, three years with 64 runs",
        # issue 13: PostgreSQL beside DuckDB, and two processes behind the proxy
        "rerun: dashboard, PostgreSQL",
        "rerun: coach, PostgreSQL",
        "dashboard queries, PostgreSQL",
        "save test + 2 symptoms, PostgreSQL",
        "bulk load 40 runners, PostgreSQL",
        "Save → new point in the raises chart, PostgreSQL",
        "2 sessions: 1 → 2 processes, round trips/s",
        # issue 28: the motion counter over the trace library
        "motion counter: counted within ±1",
        "motion counter: raise to count on screen p95 (ms)",
    ):
        assert measure in printed, (measure, printed)
    # Figure 4's load ran on every set-up without an error, and every save the app acknowledged is in the database
    # (whether the timing goals are met means nothing at smoke sizes).
    report = (tmp_path / "a.md").read_text()
    for setup in ("DuckDB, 1 process", "PostgreSQL, 1 process", "PostgreSQL, 2 processes"):
        assert re.search(rf"2 sessions: round trip, {setup} .*errors 0 vs 0, lost writes 0,", printed), (setup, printed)
    for setup in (
        "bare Streamlit, 1 process",
        "DuckDB, 1 process",
        "PostgreSQL, 1 process",
        "bare Streamlit, 2 processes",
        "PostgreSQL, 2 processes",
    ):  # sessions, set-up, round trips, per s,
        # loops (both sessions' one loop, in each of two turns), errors
        assert re.search(rf"\| 2 \| {setup} \| [1-9]\d* \| [\d.]+ \| 4 \| 0 \|", report), (setup, report)
        # The app's CPU per round trip after the first turn, beside bare's (the first computes every runner's data).
        if "bare" not in setup:
            assert re.search(rf"2 sessions: round trip, {setup} .*after the first turn \d+ ms vs \d+ ms\)", printed), (
                setup,
                printed,
            )
    # CPU per round trip: the app's for every set-up, and PostgreSQL's own (its backends) beside it (issue 25).
    assert re.search(r"\| 2 \| PostgreSQL, 2 processes \| .*\| \d+ ms \+ PostgreSQL \d+ ms \|", report), report
    assert re.search(r"\| 2 \| DuckDB, 1 process \| .*\| \d+ ms \| \d+ → \d+ MB \|", report), report
    assert "An old report" not in report and report.endswith(f"{KEEP}\n\nNotes by hand.\n")
    for fact in (
        "| cores |",
        "| memory |",
        "| cpu |",
        "| python |",
        "| streamlit |",
        "| duckdb |",
        "SMOKE MODE",
        "Where the rerun time goes",
    ):
        assert fact in report, fact
