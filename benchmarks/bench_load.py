"""Figure 4: concurrent sessions, with a lightweight websocket client (benchmarks.ws_client), on one app process
and on two behind HAProxy (issue 13).

Set-ups, each behind the same proxy (deploy/haproxy.cfg, started by tests/scaleout.py): the app on DuckDB in one
process; the app on PostgreSQL in one process and in two; bare Streamlit (below) in one process and in two.
1 (DuckDB and bare only), 10 and 50 sessions, each a runner with three years of history (its own profile), loop with no think time:
open Record, Save a test (and 'Record another test' before the next one), open the Dashboard, open the coach view
of its own share link. Each level is bounded in time (sessions start no new loop after it) and in loops per
session, on fresh servers and a fresh copy of the database, loopback only. Measured: round-trip latency (send
to the run's end), round trips per second, errors, lost writes (saves the app acknowledged with 'Saved.' that are
not in the database after the servers stop: must be 0), server RSS (peak) and CPU (from /proc/<pid>, summed over
the processes), and CPU per round trip for the app's processes and for PostgreSQL's (its postmaster and every
backend), the cost per request that a sizing plan (docs/deploy.md) multiplies out; the app's also over the turns
after the first, whose sessions find their runners' data computed already (the first turn computes it).

The baseline is the same load on a bare app (benchmarks.replica) that draws the same pages (captured from this
run's app: home, record form, saved result, dashboard, coach view) from memory, with the same widget keys, the
same number of runs per click (a save reruns once) and the same navigation; its saves go to a list in memory.
Both sides run with the repo's .streamlit/config.toml (the same server settings, the full garbage collection after
every run turned off included), so the ratio is the app's own work, not its settings.
At each level every set-up is deployed at once and they take turns (three each, the order reversed every turn), so
a machine that drifts over the level's minutes moves every set-up alike. Usage: python -m benchmarks.bench_load [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from benchmarks import bench_rerun, history, postgres
from benchmarks.common import REPO, Row, Section, Series, Server, start, table
from benchmarks.ws_client import StreamlitClient
from calfstore import Store
from calfstore.bulk import bulk_load
from calfstore.duckdb_store import DuckDBStore
from tests.keys import keyed
from tests.pgcluster import PgCluster
from tests.scaleout import Proxy, start_proxy

MAX_LOOPS = 30  # per session and turn
TURNS = 3  # each set-up's time at a level is cut into this many turns, the set-ups taking turns (run_level)
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
    cpu_each: list[float] = field(default_factory=list)  # seconds per process (how the proxy spread the load)
    client_cpu_seconds: float = 0.0
    database_cpu_seconds: float | None = None  # PostgreSQL's server processes over the level; None on DuckDB/bare
    load_average: float = 0.0  # the machine's 1-minute load average as the level starts (other work on the cores)
    lost_writes: int | None = None
    # The turns after the first: in the first, each session's runner is computed for the first time (records,
    # results, charts), where the bare baseline replays its pages from memory.
    warm_cpu_seconds: float = 0.0
    warm_trips: int = 0

    def add(self, kind: str, seconds: float) -> None:
        self.latency.add(seconds)
        self.by_kind.setdefault(kind, Series()).add(seconds)

    def cpu_ms_per_round_trip(self) -> tuple[float, float | None]:
        """CPU per round trip, in ms: the app's processes together, and PostgreSQL's (None without it). Flat from 1
        to 2 processes means the processes don't contend, whatever the busy machine does to raw throughput."""
        trips = len(self.latency) or 1
        database = None if self.database_cpu_seconds is None else self.database_cpu_seconds * 1000 / trips
        return self.cpu_seconds * 1000 / trips, database

    def warm_cpu_ms_per_round_trip(self) -> float | None:
        """The app's processes' CPU per round trip over the turns after the first (None before a second turn)."""
        return self.warm_cpu_seconds * 1000 / self.warm_trips if self.warm_trips else None


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
    from calfui.context import _open_store

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


async def session(
    url: str, runner: Runner, level: Level, ready: asyncio.Event, deadline: list[float], set_up: list[int], smoke: bool
) -> None:
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


@dataclass(frozen=True)
class Setup:
    """One way of serving the load: the app on a backend, or the bare baseline, in N processes behind the proxy."""

    name: str
    label: str
    processes: int
    backend: str | None = None  # "duckdb" or "postgresql" for the app; None: the bare baseline

    @property
    def is_app(self) -> bool:
        return self.backend is not None


BARE_1 = Setup("bare-1", "bare Streamlit, 1 process", 1)
BARE_2 = Setup("bare-2", "bare Streamlit, 2 processes", 2)
DUCKDB_1 = Setup("duckdb-1", "DuckDB, 1 process", 1, "duckdb")
POSTGRES_1 = Setup("pg-1", "PostgreSQL, 1 process", 1, "postgresql")
POSTGRES_2 = Setup("pg-2", "PostgreSQL, 2 processes", 2, "postgresql")
EVERY_SETUP = (BARE_1, DUCKDB_1, POSTGRES_1, BARE_2, POSTGRES_2)
# Issue 13's goals, at 10 and 50 sessions: the step from 1 to 2 processes, and each app row against bare Streamlit.
SCALE_OUT_GOAL = 1.5  # round trips/s with 2 processes over 1 (PostgreSQL) at least this
SCALE_OUT_SHARE_OF_BARE = 0.9  # ... and at least this share of bare Streamlit's own gain from the same step
P95_GOAL = 1.5  # an app row's p95 over bare Streamlit's with the same number of processes, at most this

FULL_LEVELS = ((1, 15.0, (BARE_1, DUCKDB_1)), (10, 20.0, EVERY_SETUP), (50, 30.0, EVERY_SETUP))
SMOKE_LEVELS = ((2, 2.0, EVERY_SETUP),)


def bare_for(setup: Setup) -> Setup:
    return BARE_1 if setup.processes == 1 else BARE_2


@dataclass
class Deployment:
    """The processes serving one level, and HAProxy in front of them (deploy/haproxy.cfg)."""

    servers: list[Server]
    proxy: Proxy

    @property
    def url(self) -> str:
        return self.proxy.url

    def cpu_each(self) -> list[float]:
        return [server.cpu_seconds() for server in self.servers]

    def cpu_seconds(self) -> float:
        return sum(self.cpu_each())

    def rss_mb(self) -> float:
        return sum(server.rss_mb() for server in self.servers)

    def log(self) -> str:
        return "\n".join(server.log() for server in self.servers)

    def stop(self) -> None:
        self.proxy.stop()
        for server in self.servers:
            server.stop()


def deploy(script: Path, db_path: Path, folder: Path, processes: int, env: dict[str, str]) -> Deployment:
    servers = [start(script, db_path, folder, env=env, wait=False) for _ in range(processes)]
    try:
        for server in servers:
            server.wait_healthy()
        proxy_dir = folder / f"proxy-{servers[0].url.rsplit(':', 1)[1]}"
        proxy_dir.mkdir()
        proxy = start_proxy(
            [server.url.removeprefix("http://") for server in servers], proxy_dir, log_path=proxy_dir / "haproxy.log"
        )
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return Deployment(servers, proxy)


async def drive(
    deployment: Deployment,
    runners: list[Runner],
    level: Level,
    seconds: float,
    smoke: bool,
    database_cpu: Callable[[], float] | None = None,
    warm: bool = True,
) -> None:
    """One turn of a level on one deployment: its sessions connect, then loop for `seconds`; what is measured is
    added to `level` (a level's set-ups take several turns each, `TURNS`). `warm`: visit every page on
    each process first (the first turn)."""
    if warm and not smoke:
        for server in deployment.servers:  # each process directly: the proxy would send every warm-up to one
            await warm_up(server.url, runners[0])
    ready = asyncio.Event()
    deadline = [float("inf")]
    set_up = [0]
    tasks = [
        asyncio.create_task(session(deployment.url, runner, level, ready, deadline, set_up, smoke))
        for runner in runners[: level.sessions]
    ]
    while set_up[0] < level.sessions:  # every session connected and showing its runner (or failed)
        await asyncio.sleep(0.05)
    trips_before = len(level.latency)
    cpu, client_cpu, started = deployment.cpu_each(), time.process_time(), time.perf_counter()
    database_cpu_before = database_cpu() if database_cpu else 0.0
    if not level.seconds:  # the first turn
        level.rss_start_mb = deployment.rss_mb()
        level.load_average = os.getloadavg()[0]
    deadline[0] = started + seconds
    ready.set()
    stop_sampling = threading.Event()

    def sample_rss() -> None:
        while not stop_sampling.wait(0.25):
            level.rss_peak_mb = max(level.rss_peak_mb, deployment.rss_mb())

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    done, pending = await asyncio.wait(tasks, timeout=LEVEL_HARD_LIMIT)
    for task in pending:
        task.cancel()
        level.errors["cancelled at the level's hard limit"] += 1
    await asyncio.gather(*pending, return_exceptions=True)
    level.seconds += time.perf_counter() - started
    spent = [after - before for after, before in zip(deployment.cpu_each(), cpu, strict=True)]
    level.cpu_each = [mine + more for mine, more in zip(level.cpu_each or [0.0] * len(spent), spent, strict=True)]
    level.cpu_seconds = sum(level.cpu_each)
    if not warm:  # a later turn: every runner's data has been through the cache once
        level.warm_cpu_seconds += sum(spent)
        level.warm_trips += len(level.latency) - trips_before
    level.client_cpu_seconds += time.process_time() - client_cpu
    if database_cpu:
        level.database_cpu_seconds = (level.database_cpu_seconds or 0.0) + database_cpu() - database_cpu_before
    stop_sampling.set()
    sampler.join()
    level.rss_peak_mb = max(level.rss_peak_mb, deployment.rss_mb())


def _tests_per_runner(store: Store, runners: list[Runner]) -> dict[str, int]:
    from calfstore import LOCAL_OWNER

    return {r.name: len(store.list_tests(LOCAL_OWNER, r.runner_id)) for r in runners}


def run_level(
    setups: tuple[Setup, ...],
    scripts: dict[str, Path],
    db_source: Path,
    runners: list[Runner],
    sessions: int,
    seconds: float,
    folder: Path,
    smoke: bool,
    cluster: PgCluster | None,
    before: dict[str, int],
) -> dict[str, Level]:
    """One level of every set-up, each on fresh servers and a fresh copy of the database (a DuckDB file, or a new
    PostgreSQL database filled from it). Every set-up is deployed first (idle servers cost no CPU), then they take
    turns (`TURNS` each, of `seconds` / `TURNS`, in an order that reverses every turn): a machine that drifts over
    the minutes a level takes moves every set-up alike, where one set-up after the other once moved a ratio by 0.2
    between two runs of the same code."""
    from calfstore import open_store
    from calfstore.url import duckdb_url

    turns = 2 if smoke else TURNS  # two in smoke mode too: the later turn has its own CPU figure
    deployed: list[tuple[Setup, Deployment, str, Level]] = []
    try:
        for setup in setups:
            db_path = folder / f"load-{setup.name}-{sessions}.duckdb"
            env: dict[str, str] = {}
            database = ""
            if setup.backend == "duckdb":
                shutil.copy(db_source, db_path)
                database = duckdb_url(db_path)
            elif setup.backend == "postgresql":
                assert cluster is not None
                database = postgres.copy_of(cluster, db_source)
                env["CALF_DATABASE_URL"] = database
            deployment = deploy(scripts[setup.name], db_path, folder, setup.processes, env)
            deployed.append((setup, deployment, database, Level(sessions)))
        for turn in range(turns):
            for setup, deployment, _, level in deployed if turn % 2 else reversed(deployed):
                database_cpu = (
                    partial(postgres.cpu_seconds, cluster) if cluster and setup.backend == "postgresql" else None
                )
                asyncio.run(drive(deployment, runners, level, seconds / turns, smoke, database_cpu, warm=turn == 0))
    finally:
        for _, deployment, _, _ in deployed:
            deployment.stop()
    for setup, deployment, database, level in deployed:
        if "Traceback" in deployment.log():
            level.errors["traceback in a server log"] += 1
        if setup.is_app:
            store = open_store(database)
            try:
                after = _tests_per_runner(store, runners[:sessions])
            finally:
                store.close()
            level.lost_writes = sum(max(0, before[name] + level.acknowledged[name] - after[name]) for name in after)
    return {setup.name: level for setup, _, _, level in deployed}


def _rate(level: Level) -> float:
    return len(level.latency) / level.seconds if level.seconds else 0.0


def _cpu_per_trip(level: Level) -> str:
    app, database = level.cpu_ms_per_round_trip()
    return f"{app:.0f} ms" + ("" if database is None else f" + PostgreSQL {database:.0f} ms")


def _warm_cpu_per_trip(app: Level, base: Level) -> str:
    """'; after the first turn 65 ms vs 43 ms', when both sides had a later turn."""
    warm, bare = app.warm_cpu_ms_per_round_trip(), base.warm_cpu_ms_per_round_trip()
    return "" if warm is None or bare is None else f"; after the first turn {warm:.0f} ms vs {bare:.0f} ms"


def run(smoke: bool = False, folder: Path | None = None) -> Section:
    levels = SMOKE_LEVELS if smoke else FULL_LEVELS
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-load-"))
    started = time.perf_counter()
    most = max(n for n, _, _ in levels)
    db_path, runners = prepare(folder, most, smoke)
    baseline = capture_baseline(folder, db_path, runners[0])
    store = DuckDBStore.open(db_path)
    before = _tests_per_runner(store, runners)
    store.close()
    results: dict[tuple[str, int], Level] = {}
    cluster = postgres.start_cluster()
    try:
        for sessions, seconds, setups in levels:
            scripts = {setup.name: REPO / "app.py" if setup.is_app else baseline for setup in setups}
            level_results = run_level(
                setups, scripts, db_path, runners, sessions, seconds, folder, smoke, cluster, before
            )
            for name, level in level_results.items():
                results[(name, sessions)] = level
    finally:
        cluster.stop()
    section = Section("Concurrent sessions: one process and two behind the proxy")
    for sessions, _, setups in levels:
        for setup in setups:
            if not setup.is_app:
                continue
            app, base = results[(setup.name, sessions)], results[(bare_for(setup).name, sessions)]
            errors = sum(app.errors.values())
            ratio95 = app.latency.p95 / base.latency.p95 if base.latency.values else math.inf
            section.rows.append(
                Row(
                    "4",
                    f"{sessions} session{'s' if sessions > 1 else ''}: round trip, {setup.label}",
                    app.latency,
                    base.latency,
                    goal_text=f"p95 ≤ {P95_GOAL:g}×, 0 errors, 0 lost",
                    met_override=errors == 0 and app.lost_writes == 0 and ratio95 <= P95_GOAL,
                    note=f"against {bare_for(setup).label}: errors {errors} vs {sum(base.errors.values())}, lost writes "
                    f"{app.lost_writes}, {_rate(app):.1f} vs {_rate(base):.1f} round trips/s, server CPU "
                    f"{app.cpu_seconds / app.seconds:.2f} vs {base.cpu_seconds / base.seconds:.2f} cores "
                    f"({_cpu_per_trip(app)} vs {_cpu_per_trip(base)} per round trip"
                    f"{_warm_cpu_per_trip(app, base)}), RSS peak "
                    f"{app.rss_peak_mb:.0f} vs {base.rss_peak_mb:.0f} MB",
                )
            )
        names = {setup.name for setup in setups}
        if {POSTGRES_1.name, POSTGRES_2.name, BARE_1.name, BARE_2.name} <= names:
            one, two = _rate(results[(POSTGRES_1.name, sessions)]), _rate(results[(POSTGRES_2.name, sessions)])
            bare_one, bare_two = _rate(results[(BARE_1.name, sessions)]), _rate(results[(BARE_2.name, sessions)])
            gain, bare_gain = two / one if one else 0.0, bare_two / bare_one if bare_one else 0.0
            section.rows.append(
                Row(
                    "4",
                    f"{sessions} sessions: 1 → 2 processes, round trips/s",
                    app_text=(f"×{gain:.2f}", ""),
                    goal_text=f"≥ ×{SCALE_OUT_GOAL:g} and ≥ {SCALE_OUT_SHARE_OF_BARE:.0%} of bare's ×{bare_gain:.2f}",
                    met_override=gain >= SCALE_OUT_GOAL and gain >= SCALE_OUT_SHARE_OF_BARE * bare_gain,
                    note=f"PostgreSQL {one:.1f} → {two:.1f} round trips/s; bare Streamlit {bare_one:.1f} → "
                    f"{bare_two:.1f} (×{bare_gain:.2f}); the app keeps {gain / bare_gain if bare_gain else 0:.0%} "
                    f"of bare's gain",
                )
            )
    lines = [
        "| sessions | set-up | round trips | per s | loops | errors | lost writes | server CPU (cores; per process) "
        "| CPU per round trip (app + PostgreSQL) | RSS start → peak | load client CPU | load average | "
        + " | ".join(f"{k} p50/p95" for k in KINDS)
        + " |",
        "|" + " --- |" * (12 + len(KINDS)),
    ]
    for sessions, _, setups in levels:
        for setup in setups:
            level = results[(setup.name, sessions)]
            kinds = " | ".join(
                f"{level.by_kind[k].p50 * 1000:.0f} / {level.by_kind[k].p95 * 1000:.0f} ms"
                if k in level.by_kind
                else "–"
                for k in KINDS
            )
            lines.append(
                f"| {sessions} | {setup.label} | {len(level.latency)} | "
                f"{_rate(level):.1f} | {level.loops} | {sum(level.errors.values())} | "
                f"{'–' if level.lost_writes is None else level.lost_writes} | "
                f"{level.cpu_seconds / level.seconds:.2f}"
                + (
                    f" ({' + '.join(f'{c / level.seconds:.2f}' for c in level.cpu_each)})"
                    if len(level.cpu_each) > 1
                    else ""
                )
                + f" | {_cpu_per_trip(level)} | {level.rss_start_mb:.0f} → {level.rss_peak_mb:.0f} MB | "
                f"{level.client_cpu_seconds / level.seconds:.2f} | {level.load_average:.1f} | {kinds} |"
            )
    section.notes.append("\n".join(lines))
    for (name, sessions), level in results.items():
        for error, count in level.errors.items():
            section.notes.append(f"{name}, {sessions} sessions: {count} × {error}")
    section.notes.append(
        "Closed loop with no think time: every session sends its next click as soon as the last one is drawn, so "
        "10 and 50 sessions saturate the server and latency is mostly queueing (Streamlit runs each session's "
        "script in its own thread under one GIL per process). Every set-up is served through HAProxy with "
        "deploy/haproxy.cfg (tests/scaleout.py rewrites its server lines), each session one websocket that the "
        "proxy places on the process with the fewest connections; PostgreSQL is a throwaway cluster on this "
        "machine (fsync on), each level a fresh database copied from the same DuckDB file (calfstore.transfer). "
        "The load client, the proxy and PostgreSQL share the machine's cores with the app processes. Levels: "
        + ", ".join(
            f"{n} session(s) for {s:g} s ({', '.join(setup.label for setup in setups)})" for n, s, setups in levels
        )
        + f", at most {1 if smoke else MAX_LOOPS} loops per session, set-ups alternating in order from level to "
        "level; the baseline's saves are not stored, so lost writes apply to the app only. Goals (issue 13): from 1 "
        f"to 2 processes the round trips per second grow at least ×{SCALE_OUT_GOAL:g} and by at least "
        f"{SCALE_OUT_SHARE_OF_BARE:.0%} of bare Streamlit's gain; each app row's p95 at most {P95_GOAL:g}× bare "
        "Streamlit's with as many processes; 0 errors and 0 lost writes."
    )
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
