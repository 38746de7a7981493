"""Figure 7: the sidebar page switch in Debian Chromium (Playwright), app against a bare multipage app.

The baseline is a bare Streamlit multipage app with the app's sidebar (the same eight pages, titles and icons)
whose Home, Record and Dashboard replay what the app's own pages drew (benchmarks.replica, captured from this run's
app: the same elements, texts, widget keys, charts and data, from memory). Both servers are up; one browser page
each. A repetition clicks Home → Record → Dashboard → Home in the sidebar; app and baseline repetitions alternate
(the order swaps every repetition). Each transition is timed in the page (performance.now()) from the click to
the first animation frame in which the run has finished (Streamlit's script state is no longer running), the new
page's title is shown and, on the dashboard, the first chart has drawn its points.
Usage: python -m benchmarks.bench_switch [--smoke] [--reps N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import bench_load
from benchmarks.bench_browser import POINTS, TIMING_JS, VIEWPORT, _nav
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

GOAL_P50, GOAL_P95 = 1.15, 1.3
REPS, SMOKE_REPS = 40, 1
# (from, to, the title the new page shows, whether to wait for a chart's points)
TRANSITIONS = (
    ("Home", "Record", "Record a test", False),
    ("Record", "Dashboard", "Dashboard", True),
    ("Dashboard", "Home", "Calf Check", False),
)

BASELINE = '''"""Bare multipage baseline for the sidebar page switch: the app's sidebar, its pages replayed from memory."""
import streamlit as st

from benchmarks.replica import replay

SPECS = {specs!r}
PAGES = {pages!r}


def page_of(name):
    def draw() -> None:
        if name in SPECS:
            replay(SPECS[name], page_config=False)
    return draw


st.set_page_config(page_title="Baseline", layout="centered")
st.navigation([st.Page(page_of(name), title=title, icon=icon, url_path=url, default=name == "home")
               for name, title, icon, url in PAGES], position="sidebar").run()
'''

DONE_JS = (
    "([title, chart]) => { const app = document.querySelector(\"[data-testid='stApp']\");"
    " if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;"
    " const heading = [...document.querySelectorAll(\"[data-testid='stMain'] h1\")]"
    ".some(h => h.textContent.trim().startsWith(title)); if (!heading) return false;"
    " if (chart) { const c = [...document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stVegaLiteChart']\")]"
    f'.find(c => c.querySelector("{POINTS}"));'
    f' if (!c || !c.querySelector("{POINTS}")) return false; }}'
    " window.__calfTimes.done = performance.now(); return true; }"
)
ELAPSED_JS = "() => { const t = window.__calfTimes; return (t.done - t.clicks[t.clicks.length - 1]) / 1000; }"


def write_baseline(folder: Path, specs: dict[str, str]) -> Path:
    from calfui.navigation import PAGES, RUNNER_PAGES

    pages = [(name, PAGES[name].title, PAGES[name].icon, PAGES[name].url_path) for name in RUNNER_PAGES]
    script = folder / "baseline_switch.py"
    script.write_text(
        BASELINE.format(specs={k: v for k, v in specs.items() if k in ("home", "record", "dashboard")}, pages=pages)
    )
    return script


def switch(page: Any, target: str, title: str, chart: bool) -> float:
    """Click `target` in the sidebar; seconds from the click to the new page drawn (timed in the page)."""
    _nav(page, target)
    page.wait_for_function(DONE_JS, arg=[title, chart], polling="raf")
    return float(page.evaluate(ELAPSED_JS))


def run(smoke: bool = False, reps: int | None = None, folder: Path | None = None) -> Section:
    from playwright.sync_api import sync_playwright

    reps = reps or (SMOKE_REPS if smoke else REPS)
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-switch-"))
    started = time.perf_counter()
    db_path, runners = bench_load.prepare(folder, 1, smoke)
    script = write_baseline(folder, bench_load.capture_specs(folder, db_path, runners[0]))
    servers = {
        "app": start(REPO / "app.py", db_path, folder, wait=False),
        "base": start(script, folder / "unused.duckdb", folder, wait=False, cwd=folder),
    }
    for server in servers.values():
        server.wait_healthy()
    times = {(side, t[1]): Series() for side in servers for t in TRANSITIONS}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = {}
            for side, server in servers.items():
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.set_default_timeout(60_000)
                page.add_init_script(TIMING_JS)
                page.goto(server.url)  # the root first: a fresh server answers a deep link with 'not found'
                page.wait_for_function(DONE_JS, arg=["Calf Check", False], polling="raf")
                pages[side] = page
            warm_up = 0 if smoke else 2  # rounds each, not counted: first imports, first charts
            for rep in range(reps + warm_up):
                for side in ("app", "base") if rep % 2 else ("base", "app"):
                    for _, target, title, chart in TRANSITIONS:
                        elapsed = switch(pages[side], target, title, chart)
                        if rep >= warm_up:
                            times[(side, target)].add(elapsed)
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    for server in servers.values():
        if "Traceback" in server.log():
            raise RuntimeError(server.log())
    section = Section("Sidebar page switch (Chromium)")
    for source, target, _, chart in TRANSITIONS:
        app, base = times[("app", target)], times[("base", target)]
        row = Row(
            "7",
            f"page switch: {source} → {target}",
            app,
            base,
            goal_text=f"p50 ≤ {GOAL_P50:g}, p95 ≤ {GOAL_P95:g}",
            note="sidebar click → run finished, title shown" + (", first chart's points drawn" if chart else ""),
        )
        row.met_override = (
            row.ratio is not None and row.ratio95 is not None and row.ratio <= GOAL_P50 and row.ratio95 <= GOAL_P95
        )
        section.rows.append(row)
    section.notes.append(
        f"Chromium {VIEWPORT['width']}×{VIEWPORT['height']}, headless, {reps} repetitions after "
        f"{0 if smoke else 2} warm-up repetitions, app and baseline alternating, both servers up. A repetition clicks "
        "Home → Record → Dashboard → Home in the sidebar. Each transition is timed in the page from the click to "
        "the first frame in which Streamlit's script state is no longer running, the new page's title is shown and, "
        "on the dashboard, the first chart shows its points. The baseline is a bare multipage app with the app's "
        "eight sidebar pages; its Home, Record and Dashboard replay the app's pages captured in this run "
        "(benchmarks.replica), and it runs with Streamlit's default configuration."
    )
    section.seconds = time.perf_counter() - started
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--reps", type=int)
    args = parser.parse_args()
    print(table(run(args.smoke, args.reps).rows))


if __name__ == "__main__":
    main()
