"""Beat timing jitter of the guided test, in Debian Chromium, against a bare metronome page in the same run.

For every beat the guided test records how late (ms) the visual beat was drawn after its scheduled time. The
baseline runs the same scheduling (performance.now() + requestAnimationFrame) in a blank page with no Streamlit.
Usage: .venv/bin/python benchmarks/beat_jitter.py [--beats 40] [--runs 3] [--cadence 120]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from calfcore.guided import beat_jitter  # noqa: E402
from calfcore.models import RunnerProfile, Sex  # noqa: E402
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, start_server  # noqa: E402

BASELINE_JS = """
async ([cadence, beats]) => {
  const interval = 60000 / cadence, offsets = [];
  const t0 = performance.now() + 300;
  let next = 0;
  await new Promise((done) => {
    const draw = () => {
      const now = performance.now();
      while (t0 + next * interval <= now) { offsets.push(now - (t0 + next * interval)); next += 1; }
      if (offsets.length >= beats) return done();
      requestAnimationFrame(draw);
    };
    requestAnimationFrame(draw);
  });
  return offsets.slice(0, beats);
}
"""


def guided_offsets(page: Page, url: str, cadence: int, beats: int) -> list[float]:
    page.goto(f"{url}/guided")
    page.get_by_role("button", name="Start the guided test").wait_for()
    metronome = page.get_by_role("spinbutton", name="Metronome (beats/min)")
    metronome.fill(str(cadence))
    metronome.press("Tab")
    page.get_by_text("Click sound").click()  # headless: no audio device; the visual beat is what's measured
    page.get_by_role("button", name="Start the guided test").click()
    component = page.get_by_test_id("calfGuided")
    expect(component).to_have_attribute("data-phase", "ready", timeout=30_000)
    page.get_by_test_id("calfButton").click()
    expect(component).to_have_attribute("data-beats", str(beats), timeout=beats * 60_000 / cadence + 30_000)
    page.get_by_test_id("calfButton").click()
    expect(component).to_have_attribute("data-phase", "stopped")
    return json.loads(component.get_attribute("data-offsets") or "[]")[:beats]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beats", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cadence", type=int, default=120)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="calf-jitter-"))
    store = DuckDBStore.open(tmp / "bench.duckdb")
    store.create_runner(LOCAL_OWNER, RunnerProfile("Benchmark", 1990, Sex.FEMALE))
    store.close()
    server = start_server(tmp / "bench.duckdb", tmp)
    app_offsets: list[float] = []
    bare_offsets: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(server.url)
            page.get_by_text("How to do the test").wait_for()
            blank = browser.new_page(viewport={"width": 390, "height": 844})
            blank.goto("about:blank")
            for _ in range(args.runs):  # interleaved: app, then bare, so both see the same machine load
                app_offsets += guided_offsets(page, server.url, args.cadence, args.beats)
                bare_offsets += blank.evaluate(BASELINE_JS, [args.cadence, args.beats])
            browser.close()
    finally:
        server.stop()

    app, bare = beat_jitter(app_offsets), beat_jitter(bare_offsets)
    assert app is not None and bare is not None
    print(f"Beat timing jitter, Chromium headless, {args.cadence} beats/min, {args.runs} runs x {args.beats} beats")
    print(f"{'':22}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}{'beats':>8}")
    for name, figures in (("guided test (app)", app), ("bare rAF metronome", bare)):
        print(
            f"{name:22}{figures.median_abs_ms:>10.1f}{figures.p95_abs_ms:>10.1f}{figures.max_abs_ms:>10.1f}"
            f"{figures.beats:>8}"
        )
    ratio = app.p95_abs_ms / bare.p95_abs_ms if bare.p95_abs_ms else float("nan")
    print(f"p95 ratio app/bare: {ratio:.2f}   (one frame at 60 Hz = 16.7 ms)")
    print(f"median of per-beat lateness, app: {statistics.median(app_offsets):.1f} ms")


if __name__ == "__main__":
    main()
