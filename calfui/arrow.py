"""Tables and chart data in Arrow form, made once when they enter the cache (calfui.cache) instead of on every run.

Given a pandas frame or rows, st.dataframe and st.vega_lite_chart convert them to Arrow on every rerun, the largest
share of a chart's or table's server time; given Arrow, they only write it out. The conversion is Streamlit's own,
so the browser receives exactly what it would have.
"""

from __future__ import annotations

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
        name: dataframe_util.convert_anything_to_arrow_bytes(rows) for name, rows in spec.get("datasets", {}).items()
    }
    return spec
