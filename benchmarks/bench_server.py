"""Figure 6: the server's own CPU per run, on real `streamlit run` processes (app and bare baseline, loopback).

A websocket client (benchmarks.ws_client) drives one session per server through a fixed series of clicks: open
Record, Save a test, Record another, Dashboard, Home, the coach view (a share link). The baseline is figure 4's
bare app (benchmarks.bench_load.BASELINE: the same pages captured from the app and drawn from memory, the same
widget keys and navigation). Both servers are up the whole time; app and baseline rounds alternate (the order
swaps every round). The process's CPU time (utime + stime of every thread, /proc/<pid>/stat) is read before a
round and again once the server is idle after it, so the work Streamlit does after a run has ended is counted (its
full garbage collection, `runner.postScriptGC`: on in the baseline, which runs with Streamlit's defaults; off in the
app, whose .streamlit/config.toml turns it off). Each round's CPU is divided by its number of clicks.
RSS (/proc/<pid>/status) is read after the warm-up and at the end. Usage: python -m benchmarks.bench_server [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import bench_load
from benchmarks.common import REPO, Row, Section, Series, Server, start, table
from benchmarks.ws_client import StreamlitClient

GOAL = 1.15  # app CPU per run / bare CPU per run
RSS_GOAL = 1.10  # not a ratio to bare: the app's own RSS must not grow by more than this between versions
ROUNDS, SMOKE_ROUNDS = 40, 2
IDLE_TICKS = 3  # the server counts as idle once its CPU time stays the same over this many polls
IDLE_POLL = 0.05  # seconds; /proc counts CPU in clock ticks (10 ms)
SETTLE_LIMIT = 5.0  # seconds to wait for idle at most


@dataclass
class Side:
    name: str
    server: Server
    client: StreamlitClient
    runner: bench_load.Runner
    cpu_per_run: Series = field(default_factory=Series)
    runs: int = 0
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0


async def series(side: Side, loop: int) -> int:
    """The fixed series of clicks (figure 4's, plus Home); returns how many were sent."""
    client, runner = side.client, f"runner={side.runner.runner_id}"  # the runner named in the URL
    clicks = 0
    await client.run(page="record", query=runner)
    clicks += 1
    if any("record_another" in name for name in client.page.widgets):  # left over from a previous round's save
        await client.run(trigger="record_another")
        clicks += 1
    await client.run(widgets={"straight_left": 20 + loop % 20, "straight_right": 22 + loop % 20}, trigger="save")
    clicks += 1
    if "Saved." not in client.page.alerts:
        raise RuntimeError(f"{side.name}: no 'Saved.' after saving: {client.page.alerts}")
    await client.run(trigger="record_another")
    await client.run(page="dashboard")
    await client.run(page="")  # home: the default page
    await client.run(page="", query=f"share={side.runner.token}")
    return clicks + 4


async def settle(server: Server) -> float:
    """The process's CPU seconds once it has stopped using CPU (post-run collection and threads done)."""
    deadline = time.monotonic() + SETTLE_LIMIT
    last, same = server.cpu_seconds(), 0
    while same < IDLE_TICKS and time.monotonic() < deadline:
        await asyncio.sleep(IDLE_POLL)
        now = server.cpu_seconds()
        same = same + 1 if now == last else 0
        last = now
    return last


async def measure(sides: list[Side], rounds: int, warm_up: bool) -> None:
    for side in sides:
        await side.client.__aenter__()
        await side.client.run()
        await side.client.run(query=f"runner={side.runner.runner_id}")
        if warm_up:  # first imports, first chart, caches filled: not counted
            for loop in range(2):
                await series(side, loop)
        await settle(side.server)
        side.rss_start_mb = side.server.rss_mb()
    for loop in range(rounds):
        for side in sides if loop % 2 else reversed(sides):
            before = await settle(side.server)
            clicks = await series(side, loop)
            side.cpu_per_run.add((await settle(side.server) - before) / clicks)
            side.runs += clicks
    for side in sides:
        side.rss_end_mb = side.server.rss_mb()
        await side.client.__aexit__(None, None, None)


def run(
    smoke: bool = False, rounds: int | None = None, folder: Path | None = None, app_env: dict[str, str] | None = None
) -> Section:
    rounds = rounds or (SMOKE_ROUNDS if smoke else ROUNDS)
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-server-"))
    db_path, runners = bench_load.prepare(folder, 1, smoke)
    baseline = bench_load.capture_baseline(folder, db_path, runners[0])
    servers = [
        start(REPO / "app.py", db_path, folder, env=app_env),
        start(baseline, folder / "unused.duckdb", folder, cwd=folder),
    ]
    try:
        sides = [
            Side(name, server, StreamlitClient(server.url), runners[0])
            for name, server in zip(("app", "baseline"), servers, strict=True)
        ]
        asyncio.run(measure(sides, rounds, warm_up=not smoke))
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        if "Traceback" in server.log():
            raise RuntimeError(f"traceback in the server log:\n{server.log()}")
    app, base = sides
    section = Section("Server CPU per run (real servers)")
    section.rows.append(
        Row(
            "6",
            "server CPU per run (real server)",
            app.cpu_per_run,
            base.cpu_per_run,
            goal=GOAL,
            note=f"process CPU time ÷ clicks, {app.runs} vs {base.runs} clicks; RSS after warm-up → end "
            f"{app.rss_start_mb:.0f} → {app.rss_end_mb:.0f} MB vs {base.rss_start_mb:.0f} → {base.rss_end_mb:.0f} MB",
        )
    )
    section.notes.append(
        f"One `streamlit run` of app.py and one of the bare baseline, both up, on loopback; one websocket session "
        f"each (benchmarks.ws_client), {rounds} rounds after {0 if smoke else 2} warm-up rounds, the two sides "
        "alternating. A round is a fixed series of clicks: Record, Save (two legs), Record another, Dashboard, "
        "Home, the coach view through a share link. The figure is each round's process CPU time (every thread: "
        "the script runs, Streamlit's post-run garbage collection, its file watcher and websocket, DuckDB, the "
        "app's backup worker) divided by its clicks, read from /proc/<pid>/stat before the round and again once "
        "the process is idle after it. The baseline is figure 4's bare app (the same pages captured from the app "
        "and drawn from memory). CPU time hardly depends on what else the machine runs, unlike wall time."
    )
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--rounds", type=int)
    args = parser.parse_args()
    section = run(args.smoke, args.rounds)
    print(table(section.rows))


if __name__ == "__main__":
    main()
