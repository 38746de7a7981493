"""Charts ready for the browser, remembered by the rows they were drawn from (issue 25: work after a Save in
proportion to what it changed).

After a Save the runner's data version moves on, so the cached dashboard (calfui.cache) is built again, and every
chart with it: about 35 ms for a dashboard's five charts, though a test saved with the knee straight leaves the
bent-knee and training charts' rows exactly as they were, and the Record page has just drawn the same raises chart.
A chart (calfcore.dashboard.ChartSource) depends on its rows and its kind alone, so one drawn from equal rows is the
same chart: it is taken from here. Rows that differ in any value, row or column type (a correction, a deletion, a
new test, the period moving on) give another key, so a changed chart is always drawn anew; nothing here can be stale.
Process-wide and bounded in bytes, the least recently used falling out first; equal rows are the same chart
whoever's they are, so nothing of one runner reaches another that they didn't already have.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from calfcore import charts
from calfcore.dashboard import ChartSource
from calfui.arrow import arrow_datasets, arrow_table


@dataclass(frozen=True)
class DrawnChart:
    """A chart as the page draws it: its spec with Arrow data, its text alternative, its table in Arrow form (None
    where the page shows its own) and what a tap on each of its points says (calfcore.charts.point_words)."""

    spec: dict[str, Any]
    text: str
    table: pa.Table | None
    points: list[str]

    @property
    def size(self) -> int:
        """About how many bytes it holds: its Arrow data, table and words."""
        data = sum(len(rows) for rows in self.spec.get("datasets", {}).values() if isinstance(rows, bytes))
        table = self.table.nbytes if self.table is not None else 0
        return data + table + len(self.text) + sum(len(words) for words in self.points)


# Measured on the benchmark runner: 4-25 kB a chart over 12 weeks, up to 240 kB over three years (pain, 1,290 rows).
# 32 MB keeps over a thousand 12-week charts: a club's busy hour of runners' unchanged charts, each reused at their
# next dashboard, with the ones a Save replaced falling out first.
MAX_BYTES = 32 * 1024 * 1024
_drawn: OrderedDict[tuple[str, str], DrawnChart] = OrderedDict()
_held = [0]  # the bytes of the charts in _drawn
_lock = threading.Lock()


def rows_key(rows: pd.DataFrame) -> str:
    """The rows exactly: every value (floats to 15 significant digits, dates to the nanosecond) and row label, in
    order, with the columns' names and types. Much cheaper than drawing (0.1-0.4 ms for a dashboard chart's rows)."""
    values = rows.to_json(orient="split", date_format="iso", date_unit="ns", double_precision=15)
    return f"{values}|{','.join(str(kind) for kind in rows.dtypes)}"


def draw(source: ChartSource) -> DrawnChart:
    """The chart `source` draws, ready for the browser: taken from earlier rows equal to its own, else drawn."""
    key = (source.kind, rows_key(source.rows))
    with _lock:
        drawn = _drawn.get(key)
        if drawn is not None:
            _drawn.move_to_end(key)
            return drawn
    view = source.view()
    points = charts.point_words(view.spec)  # from the rows, before they become Arrow bytes
    drawn = DrawnChart(
        arrow_datasets(view.spec), view.text, None if view.table is None else arrow_table(view.table), points
    )
    with _lock:  # two sessions drawing the same rows at once keep the one filed first: equal either way
        if key not in _drawn:
            _drawn[key] = drawn
            _held[0] += drawn.size
        while _held[0] > MAX_BYTES and len(_drawn) > 1:
            _held[0] -= _drawn.popitem(last=False)[1].size
    return drawn
