"""calfui.heap: Streamlit's full collection after every run must not walk the app's long-lived objects again, and
young collections are rarer without the collector stopping.

Run in a fresh interpreter: freezing is process-wide, and this test must not change the heap of the test run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent("""
    import gc, json, sys
    from calfui import heap

    def tracked():
        return len(gc.get_objects())  # what a full collection walks (the frozen generation is not in it)

    import calfui.dashboard_view  # what a first page run imports: pandas, pyarrow, DuckDB, calfcore
    before = tracked()
    heap.freeze_after_imports()
    after_first = tracked()
    frozen = gc.get_freeze_count()
    thresholds = gc.get_threshold()
    import weakref
    class Node: pass
    first = Node(); first.me = first; gone = weakref.ref(first); del first  # garbage in a cycle
    for _ in range(3 * heap.YOUNG_OBJECTS):  # more cycles: the collector runs by itself, none asked for
        node = Node(); node.me = node
    del node
    cycle_collected = gone() is None
    heap.freeze_after_imports()  # nothing new imported: nothing to do
    unchanged = gc.get_freeze_count() == frozen
    import calfui.report_pdf  # the first report download imports fpdf2 and the fonts' shaper
    grown = tracked()
    heap.freeze_after_imports()
    print(json.dumps({"before": before, "after_first": after_first, "unchanged": unchanged,
                      "grown": grown, "after_second": tracked(), "thresholds": thresholds,
                      "young": heap.YOUNG_OBJECTS, "cycle_collected": cycle_collected}))
""")


def test_long_lived_objects_leave_the_collected_heap_after_each_new_import() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
    )
    import json

    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["before"] > 50_000  # the app's modules are a big heap...
    assert seen["after_first"] < seen["before"] // 10  # ...that a full collection no longer walks
    assert seen["unchanged"]
    # Young collections are rarer, the older generations' thresholds are Python's own, and cycles are still collected
    # without anyone asking.
    assert seen["young"] > 700
    assert seen["thresholds"] == [seen["young"], 10, 10]
    assert seen["cycle_collected"]
    assert seen["grown"] > seen["after_first"] + 10_000  # the PDF libraries' objects arrive with their import...
    assert seen["after_second"] < seen["grown"] // 10  # ...and are frozen after the run that imported it
    assert "leaked" not in result.stderr  # the interpreter still releases everything at exit
