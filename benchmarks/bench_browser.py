"""Figure 3: browser round trip in Debian Chromium (Playwright), from clicking Save on the record page to the new
points drawn in the raises chart, against a bare Streamlit page doing one rerun with the same chart.

The app path is what a runner does: Save on the record page, whose run saves the test and draws the result in
place of the form, above the raises chart (the dashboard's first chart, last 12 weeks), which keeps its place and
key under the form and adds the test just saved (issue 25); the round ends when that chart shows the two new points (one per leg). The baseline page holds the same chart (the
dashboard's captured Vega-Lite spec and data, in memory) and a button that adds two points: one rerun. Both
servers run at once, both with the repo's .streamlit/config.toml (the same server settings); app and baseline rounds
alternate. The app is measured twice, on the DuckDB file and on
PostgreSQL (issue 13), against the same baseline. Desktop viewport. Usage:
python -m benchmarks.bench_browser [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import bench_rerun
from benchmarks.common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Row,
    Section,
    Series,
    start,
    table,
)
from calfstore.url import duckdb_url

GOAL = 1.5
VIEWPORT = {"width": 1280, "height": 900}
POINTS = "[role='graphics-symbol'][aria-roledescription='point']"
# The first chart with points (the raises over time), not the latest test's per-leg bars drawn above it.
TREND_JS = (
    "[...document.querySelectorAll(\"[data-testid='stVegaLiteChart']\")]"
    f'.find(chart => chart.querySelector("{POINTS}"))'
)
COUNT_JS = f'() => {{ const c = {TREND_JS}; return c ? c.querySelectorAll("{POINTS}").length : -1; }}'
IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"

BASELINE = '''"""Bare baseline for the browser round trip: the dashboard's raises chart and a button that adds two points."""
import datetime as dt

import pandas as pd
import streamlit as st

from benchmarks.bench_browser import first_chart
from benchmarks.replica import load

chart = first_chart(load({spec!r}))
st.set_page_config(page_title="Baseline", layout="wide")
if "rows" not in st.session_state:
    st.session_state.rows = chart["frame"].copy()
    st.session_state.added = 0
if st.button("Add a test", key="add", type="primary"):
    st.session_state.added += 1
    new = st.session_state.rows.tail(2).copy()
    stamp = pd.Timestamp(dt.date.today()) + pd.Timedelta(minutes=st.session_state.added)
    new["tested_on"] = stamp.isoformat() if new["tested_on"].dtype.kind in "OTU" else stamp  # as the chart holds it
    new["reps"] = [20 + st.session_state.added % 10, 25 + st.session_state.added % 10]
    st.session_state.rows = pd.concat([st.session_state.rows, new], ignore_index=True)
st.title("Baseline")
spec = chart["spec"]()
spec["datasets"][chart["name"]] = st.session_state.rows
st.vega_lite_chart(spec, width="stretch")
'''


# Timestamps taken in the page itself (performance.now()): the click, every websocket message, and the frame in
# which the chart first shows the new points. Python-side timestamps of websocket events would arrive late.
TIMING_JS = """(() => {
  window.__calfTimes = {clicks: [], messages: []};
  document.addEventListener('click', () => window.__calfTimes.clicks.push(performance.now()), true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__calfTimes.messages.push(performance.now()));
    }
  };
})();"""
DRAWN_JS = (
    f"n => {{ const c = {TREND_JS};"
    f' const done = !!c && c.querySelectorAll("{POINTS}").length === n;'
    " if (done) window.__calfTimes.drawn = performance.now(); return done; }"
)
SPLIT_JS = """() => {
  const t = window.__calfTimes, click = t.clicks[t.clicks.length - 1];
  const last = t.messages.filter(m => m >= click && m <= t.drawn).pop();
  return [(last - click) / 1000, (t.drawn - last) / 1000];
}"""


def split(page: Any) -> tuple[float, float]:
    """(the last click → the last websocket message before the points were drawn, that message → drawn), in s."""
    server, browser = page.evaluate(SPLIT_JS)
    return float(server), float(browser)


def first_chart(spec: dict[str, Any]) -> dict[str, Any]:
    """The first chart over time of a captured page (raises by date: not the latest test's per-leg bars drawn above
    it): a spec factory, and the name and frame of its data with a 'reps' column."""
    frames = spec["frames"]

    def over_time(item: dict[str, Any]) -> bool:
        return any({"reps", "tested_on"} <= set(frames[f].columns) for f in item["datasets"].values())

    def walk(items: list[Any]) -> dict[str, Any] | None:
        for item in items:
            if isinstance(item, list):
                found = walk(item)
            elif item["kind"] == "chart":
                found = item if over_time(item) else None
            else:
                found = walk(item.get("children", []))
            if found:
                return found
        return None

    item = walk(spec["main"])
    assert item is not None, "the page has no chart"
    name = next(n for n, f in item["datasets"].items() if "reps" in frames[f].columns)

    def make() -> dict[str, Any]:
        chart = json.loads(item["spec"])
        chart["datasets"] = {n: frames[f] for n, f in item["datasets"].items()}
        return chart

    return {"spec": make, "name": name, "frame": frames[item["datasets"][name]]}


def _wait_idle(page: Any) -> None:
    page.wait_for_function(IDLE_JS)


def _fill(page: Any, label: str, value: int) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Tab")


def _nav(page: Any, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(name, exact=True).click()


def _open_record_form(page: Any) -> None:
    _nav(page, "Record")
    another = page.get_by_role("button", name="Record another test")
    save = page.get_by_role("button", name="Save test")
    another.or_(save).first.wait_for()
    if another.is_visible():
        another.click()
    save.wait_for()
    _wait_idle(page)


def app_round(page: Any, expected: int, left: int, right: int) -> float:
    """Save a test: seconds from the click until the raises chart shows `expected` points."""
    _open_record_form(page)
    _fill(page, "Raises: left", left)
    _fill(page, "Raises: right", right)
    started = time.perf_counter()
    page.get_by_role("button", name="Save test").click()
    page.wait_for_function(DRAWN_JS, arg=expected, polling="raf")
    return time.perf_counter() - started


def baseline_round(page: Any, expected: int) -> float:
    started = time.perf_counter()
    page.get_by_role("button", name="Add a test").click()
    page.wait_for_function(DRAWN_JS, arg=expected, polling="raf")
    return time.perf_counter() - started


def _first_save(page: Any) -> int:
    """One save, not timed, on an app page: how many points the chart holds before the timed saves."""
    page.get_by_test_id("stSidebarNav").wait_for()
    _wait_idle(page)
    _open_record_form(page)
    _fill(page, "Raises: left", 20)
    _fill(page, "Raises: right", 24)
    before = page.evaluate(COUNT_JS)  # the chart under the form already holds the runner's history
    page.get_by_role("button", name="Save test").click()
    # The saved result, then the chart with the new points: "more than 0" held before the save's run had drawn
    # anything, and a count read then was 2 short, so every timed round waited for a count it never reached.
    page.get_by_role("button", name="Record another test").wait_for()
    page.wait_for_function(f"before => ({COUNT_JS})() > Math.max(before, 0)", arg=before)
    _wait_idle(page)
    return page.evaluate(COUNT_JS)


def run(smoke: bool = False, reps: int | None = None, folder: Path | None = None) -> Section:
    import os

    from playwright.sync_api import sync_playwright

    from benchmarks import postgres

    reps = reps or (1 if smoke else 15)
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-browser-"))
    started = time.perf_counter()
    fixture = bench_rerun.prepare(folder, dt.date.today(), smoke)
    os.environ["CALF_DB_PATH"] = str(fixture.db_path)
    with bench_rerun.database(None):
        at = bench_rerun.app_session("dashboard", fixture)
        spec_path, _ = bench_rerun.capture_page(at, folder / "specs", "dashboard")
    from calfui.context import _open_store  # release the file: the server below must own it

    _open_store(duckdb_url(fixture.db_path)).close()
    _open_store.clear()
    script = folder / "baseline_round_trip.py"
    script.write_text(BASELINE.format(spec=str(spec_path)))

    cluster = postgres.start_cluster()
    servers = {}
    try:
        pg_url = postgres.copy_of(cluster, fixture.db_path)  # the same rows, before the DuckDB server holds the file
        servers["app"] = start(bench_rerun.REPO / "app.py", fixture.db_path, folder, wait=False)
        servers["pg"] = start(
            bench_rerun.REPO / "app.py",
            folder / "unused-pg.duckdb",
            folder,
            wait=False,
            env={"CALF_DATABASE_URL": pg_url},
        )
        servers["base"] = start(script, folder / "unused.duckdb", folder, wait=False)
        for server in servers.values():
            server.wait_healthy()
        totals = {side: Series() for side in servers}
        parts = {side: {"server": Series(), "browser": Series()} for side in servers}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = {side: browser.new_context(viewport=VIEWPORT).new_page() for side in servers}
            points = {}
            for side, page in pages.items():
                page.set_default_timeout(60_000)
                page.add_init_script(TIMING_JS)
                page.goto(servers[side].url)  # the root first: a fresh server answers a deep link with 'not found'
                if side == "base":
                    page.get_by_role("button", name="Add a test").wait_for()
                    page.wait_for_function(f"() => ({COUNT_JS})() > 0")
                    points[side] = page.evaluate(COUNT_JS)
                else:
                    points[side] = _first_save(page)
            for side in ("pg", "base"):
                if abs(points[side] - points["app"]) > 2:
                    raise RuntimeError(f"the {side} chart has {points[side]} points, the app's {points['app']}")
            warm_up = 0 if smoke else 1  # a warm-up round each, not counted
            for rep in range(reps + warm_up):
                sides = list(servers)
                for side in sides if rep % 2 else reversed(sides):  # alternate which side goes first
                    points[side] += 2
                    page = pages[side]
                    if side == "base":
                        elapsed = baseline_round(page, points[side])
                    else:
                        elapsed = app_round(page, points[side], 20 + rep % 15, 24 + rep % 15)
                    _wait_idle(page)
                    if rep >= warm_up:
                        totals[side].add(elapsed)
                        to_last_message, drawing = split(page)
                        parts[side]["server"].add(to_last_message)
                        parts[side]["browser"].add(drawing)
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
        cluster.stop()
    for server in servers.values():
        if "Traceback" in server.log():
            raise RuntimeError(server.log())
    section = Section("Browser round trip (Chromium)")
    for side, backend in (("app", ""), ("pg", ", PostgreSQL")):
        section.rows.append(
            Row(
                "3",
                f"Save → new point in the raises chart{backend}",
                totals[side],
                totals["base"],
                goal=GOAL,
                note="one run: save, result and chart; baseline: one rerun redrawing the same chart",
            )
        )
        section.rows.append(
            Row(
                "3",
                f"  of which the run on the server{backend}",
                parts[side]["server"],
                parts["base"]["server"],
                note="click → the run's last message in the page (request, run, messages)",
            )
        )
        section.rows.append(
            Row(
                "3",
                f"  of which the browser drawing{backend}",
                parts[side]["browser"],
                parts["base"]["browser"],
                note="last message → the new points drawn (Streamlit's frontend and Vega)",
            )
        )
    section.notes.append(
        f"Chromium {VIEWPORT['width']}×{VIEWPORT['height']}, headless, {reps} rounds after {'no' if smoke else 'one'} "
        "warm-up, the app on DuckDB, the app on PostgreSQL (the same rows copied with calfstore.transfer into a "
        "throwaway cluster on this machine, fsync on) and the baseline taking turns, all three servers up. App: "
        "Record in the sidebar (untimed), fill in both "
        "legs, then timed from the Save click until the raises chart (last 12 weeks, drawn under the result in the "
        "save's own run) has the two new points. Baseline: the same chart spec and data, one button that adds two "
        "points. The split is timed in the page (performance.now()): from the click to the run's last websocket "
        "message, then to the frame that shows the points; Playwright's own time to click is outside both."
    )
    section.seconds = time.perf_counter() - started
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small data, one round")
    parser.add_argument("--reps", type=int)
    args = parser.parse_args()
    print(table(run(args.smoke, args.reps).rows))


if __name__ == "__main__":
    main()
