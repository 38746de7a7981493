"""Figure 4: concurrent sessions on one server, with a lightweight websocket client (benchmarks.ws_client).

1, 10 and 50 sessions, each a runner with three years of history (its own profile), loop with no think time:
open Record, Save a test (and 'Record another test' before the next one), open the Dashboard, open the coach view
of its own share link. Each level is bounded in time (sessions start no new loop after it) and in loops per
session, on a fresh server and a fresh copy of the database, loopback only. Measured: round-trip latency (send
to the run's end), errors, lost writes (saves the app acknowledged with 'Saved.' that are not in the database
after the server stops: must be 0), server RSS (peak) and CPU (from /proc/<pid>).

The baseline is the same load on a bare app (benchmarks.replica) that draws the same pages (captured from this
run's app: home, record form, saved result, dashboard, coach view) from memory, with the same widget keys, the
same number of runs per click (a save reruns once) and the same navigation; its saves go to a list in memory.
App and baseline levels alternate. Usage: python -m benchmarks.bench_load [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import bench_rerun, history
from benchmarks.common import REPO, Row, Section, Series, Server, start, table
from benchmarks.ws_client import StreamlitClient
from calfstore.bulk import bulk_load
from calfstore.duckdb_store import DuckDBStore
from tests.keys import keyed

FULL_LEVELS = ((1, 15.0), (10, 20.0), (50, 30.0))  # sessions, seconds in which sessions may start a loop
SMOKE_LEVELS = ((2, 2.0),)
MAX_LOOPS = 30  # per session and level
LEVEL_HARD_LIMIT = 240.0  # seconds: a level that runs longer is cancelled (its unfinished work counts as errors)

BASELINE = '''"""Bare baseline for the load test: the app's pages, captured, drawn from memory; saves kept in memory."""
import threading

import streamlit as st

from benchmarks.replica import replay

SPECS = {specs!r}


@st.cache_resource
def saved() -> dict:
    return {{"lock": threading.Lock(), "tests": []}}


def home() -> None:
    replay(SPECS["home"], page_config=False)


def field(values: dict, name: str):
    """A widget's value by the field's name (the app's keys also carry the runner, the record and a task)."""
    return next((value for key, value in values.items()
                 if key == name or key.endswith("_" + name) or f"_{{name}}_" in key), None)


def record() -> None:
    if st.session_state.get("saved_id") is not None:
        values = replay(SPECS["record_saved"], page_config=False)
        if field(values, "record_another"):
            del st.session_state["saved_id"]
            st.rerun()
        return
    values = replay(SPECS["record"], page_config=False)
    if field(values, "save"):
        store = saved()
        with store["lock"]:
            store["tests"].append((field(values, "straight_left"), field(values, "straight_right")))
            st.session_state["saved_id"] = len(store["tests"])
        st.rerun()


def dashboard() -> None:
    replay(SPECS["dashboard"], page_config=False)


def coach() -> None:
    replay(SPECS["coach"], page_config=False)


st.set_page_config(page_title="Baseline", layout="centered")
if "share" in st.query_params:
    page = st.navigation([st.Page(coach, title="Calf Check", url_path="coach", default=True)], position="hidden")
else:
    page = st.navigation([st.Page(home, title="Home", url_path="home", default=True),
                          st.Page(record, title="Record", url_path="record"),
                          st.Page(dashboard, title="Dashboard", url_path="dashboard")], position="sidebar")
page.run()
'''


@dataclass
class Level:
    sessions: int
    latency: Series = field(default_factory=Series)
    by_kind: dict[str, Series] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    acknowledged: Counter = field(default_factory=Counter)  # runner name -> saves shown as 'Saved.'
    loops: int = 0
    seconds: float = 0.0
    rss_peak_mb: float = 0.0
    rss_start_mb: float = 0.0
    cpu_seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    lost_writes: int | None = None

    def add(self, kind: str, seconds: float) -> None:
        self.latency.add(seconds)
        self.by_kind.setdefault(kind, Series()).add(seconds)


@dataclass
class Runner:
    name: str
    token: str
    runner_id: int


def prepare(folder: Path, sessions: int, smoke: bool) -> tuple[Path, list[Runner]]:
    """A database with one three-year runner per session (bulk-loaded) and a share link for each."""
    from calfcore.sharing import new_token, token_hash
    from calfstore import LOCAL_OWNER

    data = history.three_years(dt.date.today())
    if smoke:
        data = history.History(data.runner, data.tests[-16:], data.symptoms[-80:], data.routine_logs[-60:])
    path = folder / "load.duckdb"
    store = DuckDBStore.open(path)
    bulk_load(store, LOCAL_OWNER, **history.to_frames(data, sessions))
    runners = []
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for runner in store.list_runners(LOCAL_OWNER):
        token = new_token()
        store.create_share_link(LOCAL_OWNER, int(runner.id), "Coach Sam", token_hash(token), None, stamp)
        runners.append(Runner(runner.name, token, int(runner.id)))
    store.close()
    return path, runners


def capture_baseline(folder: Path, db_path: Path, runner: Runner) -> Path:
    """Capture the pages the load visits (on a copy of the database) and write the baseline app."""
    script = folder / "baseline_load.py"
    script.write_text(BASELINE.format(specs=capture_specs(folder, db_path, runner)))
    return script


def capture_specs(folder: Path, db_path: Path, runner: Runner) -> dict[str, str]:
    """Spec files (benchmarks.replica) of home, record (before and after a save), dashboard and the coach view."""
    from calfstore.url import duckdb_url
    from calfui.shell import _open_store

    copy = folder / "capture.duckdb"
    shutil.copy(db_path, copy)
    os.environ["CALF_DB_PATH"] = str(copy)
    fixture = bench_rerun.Fixture(copy, runner.token, runner.runner_id, folder)
    specs: dict[str, str] = {}
    for page in ("home", "record", "dashboard", "coach"):
        at = bench_rerun.app_session(page, fixture)
        specs[page] = str(bench_rerun.capture_page(at, folder / "specs", f"load-{page}")[0])
        if page == "record":
            keyed(at, "number_input", "straight_left").set_value(30)
            keyed(at, "number_input", "straight_right").set_value(31)
            bench_rerun._check(keyed(at, "button", "save").click().run(), "record save")
            specs["record_saved"] = str(bench_rerun.capture_page(at, folder / "specs", "load-record_saved")[0])
    _open_store(duckdb_url(copy)).close()
    _open_store.clear()
    return specs


async def session(url: str, runner: Runner, level: Level, ready: asyncio.Event, deadline: list[float],
                  set_up: list[int], smoke: bool) -> None:
    kind = "connect"
    try:
        async with StreamlitClient(url) as client:
            await client.run()  # the first run: the default page, as the browser asks for it
            kind = "pick runner"
            await client.run(query=f"runner={runner.runner_id}")  # the runner named in the URL, as after a reload
            set_up[0] += 1
            await ready.wait()
            picker: dict[str, object] = {}
            for loop in range(1 if smoke else MAX_LOOPS):
                if time.perf_counter() > deadline[0]:
                    break
                kind = "open record"
                level.add(kind, await client.run(page="record", query=f"runner={runner.runner_id}", widgets=picker))
                if any("record_another" in name for name in client.page.widgets):
                    kind = "record another"
                    level.add(kind, await client.run(widgets=picker, trigger="record_another"))
                kind = "save"
                values = {**picker, "straight_left": 20 + loop % 20, "straight_right": 22 + loop % 20}
                level.add(kind, await client.run(widgets=values, trigger="save"))
                if "Saved." not in client.page.alerts:
                    raise RuntimeError(f"no 'Saved.' after saving: {client.page.alerts}")
                level.acknowledged[runner.name] += 1
                kind = "dashboard"
                level.add(kind, await client.run(page="dashboard", widgets=picker))
                kind = "coach view"
                level.add(kind, await client.run(page="", query=f"share={runner.token}"))
                level.loops += 1
    except Exception as error:  # noqa: BLE001 - every failure is counted, by kind
        level.errors[f"{kind}: {type(error).__name__}: {str(error)[:120]}"] += 1
        if kind in ("connect", "pick runner"):
            set_up[0] += 1


async def warm_up(url: str, runner: Runner) -> None:
    """One pass over every page before the level starts (first imports, first chart), not counted."""
    async with StreamlitClient(url) as client:
        await client.run()
        await client.run(query=f"runner={runner.runner_id}")
        for page in ("record", "dashboard"):
            await client.run(page=page, query=f"runner={runner.runner_id}")
        await client.run(page="", query=f"share={runner.token}")


async def drive(server: Server, runners: list[Runner], level: Level, seconds: float, smoke: bool) -> None:
    if not smoke:
        await warm_up(server.url, runners[0])
    ready = asyncio.Event()
    deadline = [float("inf")]
    set_up = [0]
    tasks = [asyncio.create_task(session(server.url, runner, level, ready, deadline, set_up, smoke))
             for runner in runners[:level.sessions]]
    while set_up[0] < level.sessions:  # every session connected and showing its runner (or failed)
        await asyncio.sleep(0.05)
    cpu, client_cpu, started = server.cpu_seconds(), time.process_time(), time.perf_counter()
    level.rss_start_mb = server.rss_mb()
    deadline[0] = started + seconds
    ready.set()
    stop_sampling = threading.Event()

    def sample_rss() -> None:
        while not stop_sampling.wait(0.25):
            level.rss_peak_mb = max(level.rss_peak_mb, server.rss_mb())

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    done, pending = await asyncio.wait(tasks, timeout=LEVEL_HARD_LIMIT)
    for task in pending:
        task.cancel()
        level.errors["cancelled at the level's hard limit"] += 1
    await asyncio.gather(*pending, return_exceptions=True)
    level.seconds = time.perf_counter() - started
    level.cpu_seconds = server.cpu_seconds() - cpu
    level.client_cpu_seconds = time.process_time() - client_cpu
    stop_sampling.set()
    sampler.join()
    level.rss_peak_mb = max(level.rss_peak_mb, server.rss_mb())


def run_level(side: str, script: Path, db_source: Path, runners: list[Runner], sessions: int, seconds: float,
              folder: Path, smoke: bool) -> Level:
    from calfstore import LOCAL_OWNER

    db_path = folder / f"load-{side}-{sessions}.duckdb"
    shutil.copy(db_source, db_path)
    before = {}
    if side == "app":
        store = DuckDBStore.open(db_path)
        before = {r.name: len(store.list_tests(LOCAL_OWNER, r.runner_id)) for r in runners[:sessions]}
        store.close()
    server = start(script, db_path, folder)
    level = Level(sessions)
    try:
        asyncio.run(drive(server, runners, level, seconds, smoke))
    finally:
        server.stop()
    if "Traceback" in server.log():
        level.errors["traceback in the server log"] += 1
    if side == "app":
        store = DuckDBStore.open(db_path)
        level.lost_writes = sum(max(0, before[r.name] + level.acknowledged[r.name]
                                    - len(store.list_tests(LOCAL_OWNER, r.runner_id))) for r in runners[:sessions])
        store.close()
    return level


def run(smoke: bool = False, folder: Path | None = None) -> Section:
    levels = SMOKE_LEVELS if smoke else FULL_LEVELS
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-load-"))
    started = time.perf_counter()
    most = max(n for n, _ in levels)
    db_path, runners = prepare(folder, most, smoke)
    baseline = capture_baseline(folder, db_path, runners[0])
    results: dict[tuple[str, int], Level] = {}
    for index, (sessions, seconds) in enumerate(levels):
        sides = [("app", REPO / "app.py"), ("base", baseline)]
        for side, script in sides if index % 2 else reversed(sides):
            results[(side, sessions)] = run_level(side, script, db_path, runners, sessions, seconds, folder, smoke)
    section = Section("Concurrent sessions on one server")
    for sessions, _ in levels:
        app, base = results[("app", sessions)], results[("base", sessions)]
        errors = sum(app.errors.values())
        met = errors == 0 and app.lost_writes == 0
        section.rows.append(Row(
            "4", f"{sessions} session{'s' if sessions > 1 else ''}: round trip", app.latency, base.latency,
            goal_text="0 errors, 0 lost", met_override=met,
            note=f"app vs baseline: errors {errors} vs {sum(base.errors.values())}, lost writes {app.lost_writes}, "
                 f"{len(app.latency) / app.seconds:.1f} vs {len(base.latency) / base.seconds:.1f} round trips/s, "
                 f"server CPU {app.cpu_seconds / app.seconds:.2f} vs {base.cpu_seconds / base.seconds:.2f} cores, "
                 f"RSS peak {app.rss_peak_mb:.0f} vs {base.rss_peak_mb:.0f} MB"))
    lines = ["| sessions | side | round trips | per s | loops | errors | lost writes | server CPU (cores) "
             "| RSS start → peak | load client CPU | " + " | ".join(f"{k} p50/p95" for k in KINDS) + " |",
             "|" + " --- |" * (10 + len(KINDS))]
    for sessions, _ in levels:
        for side in ("app", "base"):
            level = results[(side, sessions)]
            kinds = " | ".join(
                f"{level.by_kind[k].p50 * 1000:.0f} / {level.by_kind[k].p95 * 1000:.0f} ms" if k in level.by_kind
                else "–" for k in KINDS)
            lines.append(
                f"| {sessions} | {'app' if side == 'app' else 'baseline'} | {len(level.latency)} | "
                f"{len(level.latency) / level.seconds:.1f} | {level.loops} | {sum(level.errors.values())} | "
                f"{'–' if level.lost_writes is None else level.lost_writes} | "
                f"{level.cpu_seconds / level.seconds:.2f} | {level.rss_start_mb:.0f} → {level.rss_peak_mb:.0f} MB | "
                f"{level.client_cpu_seconds / level.seconds:.2f} | {kinds} |")
    section.notes.append("\n".join(lines))
    for (side, sessions), level in results.items():
        for error, count in level.errors.items():
            section.notes.append(f"{side}, {sessions} sessions: {count} × {error}")
    section.notes.append(
        "Closed loop with no think time: every session sends its next click as soon as the last one is drawn, so "
        "10 and 50 sessions saturate the server and latency is mostly queueing (Streamlit runs each session's "
        "script in its own thread under one GIL). Levels: "
        + ", ".join(f"{n} session(s) for {s:g} s" for n, s in levels)
        + f", at most {1 if smoke else MAX_LOOPS} loops per session; the baseline's saves are not stored, so "
        "lost writes apply to the app only.")
    section.seconds = time.perf_counter() - started
    return section


KINDS = ("open record", "record another", "save", "dashboard", "coach view")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="2 sessions, one loop each")
    args = parser.parse_args()
    section = run(args.smoke)
    print(table(section.rows))
    for note in section.notes:
        print(note)


if __name__ == "__main__":
    main()
