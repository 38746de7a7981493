"""Tables and chart data in Arrow form, made once when they enter the cache (calfui.cache) instead of on every run.

Given a pandas frame or rows, st.dataframe and st.vega_lite_chart convert them to Arrow on every rerun, the largest
share of a chart's or table's server time; given Arrow, they only write it out. The conversion is Streamlit's own,
so the browser receives exactly what it would have.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pyarrow as pa


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A table for st.dataframe in Arrow form, for tables cached across reruns."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def arrow_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """A chart spec whose datasets (the runner's frame, and the rows of constant layers such as the target line) are
    Arrow bytes, for specs cached across reruns."""
    from streamlit import dataframe_util

    spec["datasets"] = {
        name: _constant_rows(rows) if isinstance(rows, list) else dataframe_util.convert_anything_to_arrow_bytes(rows)
        for name, rows in spec.get("datasets", {}).items()
    }
    return spec


# A constant layer's few rows (the runner target's line, a band's edges) in Arrow form, by their JSON text. Each
# conversion costs about a millisecond however few the rows, and a dashboard remade after a save has five of them,
# always the same handful. Bounded: emptied when full (distinct ones are a few per reference and chart).
_CONSTANT_ROWS: dict[str, bytes] = {}
_CONSTANT_ROWS_MAX = 512


def _constant_rows(rows: list[Any]) -> bytes:
    from streamlit import dataframe_util

    key = json.dumps(rows, default=repr)  # in their own order: the bytes keep the columns as given
    converted = _CONSTANT_ROWS.get(key)
    if converted is None:
        converted = dataframe_util.convert_anything_to_arrow_bytes(rows)
        if len(_CONSTANT_ROWS) >= _CONSTANT_ROWS_MAX:
            _CONSTANT_ROWS.clear()
        _CONSTANT_ROWS[key] = converted
    return converted
