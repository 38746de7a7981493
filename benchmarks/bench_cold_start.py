"""Figure 5: cold start, from starting `streamlit run` to the first page drawn in Chromium, against a bare
hello-world app.

Each round starts a fresh server process (the app on a copy of the three-year runner's database, or the hello
world), polls /_stcore/health every 20 ms, then opens the root URL in a new browser context (empty cache) and
waits until the page's title is drawn and no script run is in flight. App and hello-world rounds alternate.
Usage: python -m benchmarks.bench_cold_start [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from benchmarks import bench_rerun
from benchmarks.common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    Row,
    Section,
    Series,
    start,
    table,
)

HELLO = 'import streamlit as st\n\nst.title("Hello, world")\n'
DRAWN_JS = (
    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && !!document.querySelector('[data-testid=\"stMain\"] h1')"
)
VIEWPORT = {"width": 390, "height": 844}


def cold_start(browser: object, script: Path, db_path: Path, folder: Path) -> tuple[float, float]:
    """(seconds to the first page drawn, seconds to healthy), both from just before the process starts."""
    server = start(script, db_path, folder, wait=False)
    try:
        healthy = server.wait_healthy()
        context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(server.url)
        page.wait_for_function(DRAWN_JS, polling="raf")
        drawn = time.perf_counter() - server.started
        context.close()
    finally:
        server.stop()
    if "Traceback" in server.log():
        raise RuntimeError(server.log())
    return drawn, healthy


def run(smoke: bool = False, reps: int | None = None, folder: Path | None = None) -> Section:
    from playwright.sync_api import sync_playwright

    reps = reps or (1 if smoke else 6)
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-cold-"))
    started = time.perf_counter()
    fixture = bench_rerun.prepare(folder, dt.date.today(), smoke)
    hello = folder / "hello_world.py"
    hello.write_text(HELLO)
    drawn = {"app": Series(), "hello": Series()}
    healthy = {"app": Series(), "hello": Series()}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm_up = 0 if smoke else 1  # a warm-up round each (disk cache, Chromium), not counted
        for rep in range(reps + warm_up):
            sides = [("app", REPO / "app.py"), ("hello", hello)]
            for side, script in sides if rep % 2 else reversed(sides):
                first_page, ready = cold_start(browser, script, fixture.db_path, folder)
                if rep >= warm_up:
                    drawn[side].add(first_page)
                    healthy[side].add(ready)
        browser.close()
    section = Section("Cold start")
    section.rows.append(
        Row(
            "5",
            "cold start → first page drawn",
            drawn["app"],
            drawn["hello"],
            note="home page, 390×844; baseline: hello world",
        )
    )
    section.rows.append(
        Row(
            "5",
            "  of which start → /_stcore/health",
            healthy["app"],
            healthy["hello"],
            note="process start, imports, server up (the script has not run yet)",
        )
    )
    section.notes.append(
        f"{reps} rounds after {'no' if smoke else 'one'} warm-up, app and hello world alternating; each round a new server process and a "
        "new browser context. The app's first run also opens the database (migration check) and imports "
        "calfcore, altair and pandas."
    )
    section.seconds = time.perf_counter() - started
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one round")
    parser.add_argument("--reps", type=int)
    args = parser.parse_args()
    print(table(run(args.smoke, args.reps).rows))


if __name__ == "__main__":
    main()
